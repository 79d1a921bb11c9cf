// The garbage collector end to end: cascading deletion in the background, in
// the foreground and with orphaning, driven by the real kubectl and the raw API
// against a server with hollow nodes, and a collector rebuilt after a restart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../../src/cli/server.js';
import { createLogger } from '../../src/cli/log.js';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';
import { kubectl } from '../helpers/kubectl.js';
import { eventually } from './apps-readiness.js';

interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}
interface Obj {
  metadata: { name: string; uid: string; namespace?: string; deletionTimestamp?: string; finalizers?: string[]; ownerReferences?: OwnerRef[]; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

describe('garbage collector', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  const ns = 'default';

  before(async () => ({ cluster, api } = await startApiCluster({ simulatedNodes: 1 })));
  after(async () => cluster.stop());

  const get = (path: string) => api.getIfExists<Obj>(path);
  const list = async (path: string) => ((await api.request('GET', path)).body as { items: Obj[] }).items;
  const podsWith = (selector: string) => list(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`);
  const create = (path: string, obj: unknown) => api.create<Obj>(path, obj);
  const remove = async (path: string, propagationPolicy?: string) => {
    const res = await api.request('DELETE', path, { kind: 'DeleteOptions', apiVersion: 'v1', ...(propagationPolicy ? { propagationPolicy } : {}) });
    assert.ok(res.status === 200 || res.status === 202, res.text);
  };
  const rc = (name: string, replicas: number, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: { replicas, selector: labels, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } } },
  });
  const podCount = async (selector: string, n: number) =>
    eventually(`${n} pods ${selector}`, async () => {
      const pods = (await podsWith(selector)).filter((p) => !p.metadata.deletionTimestamp);
      return pods.length === n ? pods : undefined;
    });
  const gone = (what: string, path: string) => eventually(`${what} gone`, async () => (await get(path)) === undefined);

  test('Garbage Collector, delete deployment,  propagation policy background', async () => {
    await cluster.kubectl(['create', 'deployment', 'gc-bg', '--image=busybox', '--replicas=2', '--', 'sleep', '3600']);
    await podCount('app=gc-bg', 2);
    const [rs] = await list(`/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app%3Dgc-bg`);
    assert.ok(rs, 'the deployment made a ReplicaSet');
    assert.match(await cluster.kubectl(['delete', 'deployment', 'gc-bg']), /deployment.apps "gc-bg" deleted/);
    await gone('ReplicaSet', `/apis/apps/v1/namespaces/${ns}/replicasets/${rs.metadata.name}`);
    await eventually('pods gone', async () => (await podsWith('app=gc-bg')).length === 0);
  });

  test('Garbage Collector, delete deployment, propagation policy orphan', async () => {
    await cluster.kubectl(['create', 'deployment', 'gc-orphan', '--image=busybox', '--replicas=2', '--', 'sleep', '3600']);
    const pods = await podCount('app=gc-orphan', 2);
    assert.match(await cluster.kubectl(['delete', 'deployment', 'gc-orphan', '--cascade=orphan']), /deployment.apps "gc-orphan" deleted/);
    await gone('Deployment', `/apis/apps/v1/namespaces/${ns}/deployments/gc-orphan`);
    const [rs] = await eventually('the orphaned ReplicaSet without owner', async () => {
      const sets = await list(`/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app%3Dgc-orphan`);
      return sets.length === 1 && !sets[0].metadata.ownerReferences ? sets : undefined;
    });
    assert.equal(rs.metadata.deletionTimestamp, undefined);
    // The pods still belong to the ReplicaSet, which is left alone.
    const after = await podCount('app=gc-orphan', 2);
    assert.deepEqual(after.map((p) => p.metadata.uid).sort(), pods.map((p) => p.metadata.uid).sort());
    for (const p of after) assert.equal(p.metadata.ownerReferences?.[0].uid, rs.metadata.uid);
    await cluster.kubectl(['delete', 'replicaset', rs.metadata.name]);
    await eventually('pods gone', async () => (await podsWith('app=gc-orphan')).length === 0);
  });

  test('kubectl delete deployment --cascade=foreground waits for the ReplicaSet and pods', async () => {
    await cluster.kubectl(['create', 'deployment', 'gc-fg', '--image=busybox', '--replicas=2', '--', 'sleep', '3600']);
    const pods = await podCount('app=gc-fg', 2);
    // A finalizer holds one pod, so the foreground chain must stop at it.
    await api.request('PATCH', `/api/v1/namespaces/${ns}/pods/${pods[0].metadata.name}`, { metadata: { finalizers: ['example.com/hold'] } }, { 'Content-Type': 'application/merge-patch+json' });
    await cluster.kubectl(['delete', 'deployment', 'gc-fg', '--cascade=foreground', '--wait=false']);
    const deployment = await eventually('the deployment waiting for its dependents', async () => {
      const d = await get(`/apis/apps/v1/namespaces/${ns}/deployments/gc-fg`);
      return d?.metadata.deletionTimestamp ? d : undefined;
    });
    assert.deepEqual(deployment.metadata.finalizers, ['foregroundDeletion']);
    const rs = await eventually('the ReplicaSet deleted in the foreground too', async () => {
      const [r] = await list(`/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app%3Dgc-fg`);
      return r?.metadata.deletionTimestamp ? r : undefined;
    });
    assert.deepEqual(rs.metadata.finalizers, ['foregroundDeletion']);
    await eventually('only the held pod left', async () => (await podsWith('app=gc-fg')).length === 1);
    assert.ok(await get(`/apis/apps/v1/namespaces/${ns}/deployments/gc-fg`), 'the deployment stays while a pod remains');
    await api.request('PATCH', `/api/v1/namespaces/${ns}/pods/${pods[0].metadata.name}`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    await gone('Deployment', `/apis/apps/v1/namespaces/${ns}/deployments/gc-fg`);
    assert.equal((await podsWith('app=gc-fg')).length, 0);
    assert.equal((await list(`/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app%3Dgc-fg`)).length, 0);
  });

  test('Garbage Collector, delete replication controller, propagation policy background', async () => {
    await create(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc('gc-rc-bg', 2, { app: 'gc-rc-bg' }));
    await podCount('app=gc-rc-bg', 2);
    await remove(`/api/v1/namespaces/${ns}/replicationcontrollers/gc-rc-bg`, 'Background');
    await gone('RC', `/api/v1/namespaces/${ns}/replicationcontrollers/gc-rc-bg`);
    await eventually('pods gone', async () => (await podsWith('app=gc-rc-bg')).length === 0);
  });

  test('Garbage Collector, delete replication controller, propagation policy orphan', async () => {
    await create(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc('gc-rc-orphan', 3, { app: 'gc-rc-orphan' }));
    const pods = await podCount('app=gc-rc-orphan', 3);
    await remove(`/api/v1/namespaces/${ns}/replicationcontrollers/gc-rc-orphan`, 'Orphan');
    await gone('RC', `/api/v1/namespaces/${ns}/replicationcontrollers/gc-rc-orphan`);
    const orphans = await eventually('pods without owner', async () => {
      const now = await podsWith('app=gc-rc-orphan');
      return now.length === 3 && now.every((p) => !p.metadata.ownerReferences) ? now : undefined;
    });
    assert.deepEqual(orphans.map((p) => p.metadata.uid).sort(), pods.map((p) => p.metadata.uid).sort());
    // Orphans are not collected later either.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await podsWith('app=gc-rc-orphan')).filter((p) => !p.metadata.deletionTimestamp).length, 3);
    await api.request('DELETE', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dgc-rc-orphan`);
  });

  test('a core/v1 ReplicationController deleted without options orphans its pods, as upstream keeps for compatibility', async () => {
    await create(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc('gc-rc-default', 2, { app: 'gc-rc-default' }));
    await podCount('app=gc-rc-default', 2);
    assert.equal((await api.request('DELETE', `/api/v1/namespaces/${ns}/replicationcontrollers/gc-rc-default`)).status, 200);
    await gone('RC', `/api/v1/namespaces/${ns}/replicationcontrollers/gc-rc-default`);
    await eventually('pods without owner', async () => {
      const now = await podsWith('app=gc-rc-default');
      return now.length === 2 && now.every((p) => !p.metadata.ownerReferences && !p.metadata.deletionTimestamp);
    });
    await api.request('DELETE', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dgc-rc-default`);
  });

  test('Garbage Collector, delete replication controller, after owned pods', async () => {
    await create(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc('gc-rc-fg', 4, { app: 'gc-rc-fg' }));
    const pods = await podCount('app=gc-rc-fg', 4);
    await api.request('PATCH', `/api/v1/namespaces/${ns}/pods/${pods[0].metadata.name}`, { metadata: { finalizers: ['example.com/hold'] } }, { 'Content-Type': 'application/merge-patch+json' });
    await remove(`/api/v1/namespaces/${ns}/replicationcontrollers/gc-rc-fg`, 'Foreground');
    await eventually('only the held pod left', async () => (await podsWith('app=gc-rc-fg')).length === 1);
    const held = await get(`/api/v1/namespaces/${ns}/replicationcontrollers/gc-rc-fg`);
    assert.ok(held?.metadata.deletionTimestamp, 'the RC stays until all its pods are gone');
    assert.deepEqual(held.metadata.finalizers, ['foregroundDeletion']);
    await api.request('PATCH', `/api/v1/namespaces/${ns}/pods/${pods[0].metadata.name}`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    await gone('RC', `/api/v1/namespaces/${ns}/replicationcontrollers/gc-rc-fg`);
    assert.equal((await podsWith('app=gc-rc-fg')).length, 0);
  });

  test('Garbage Collector, multiple owners', async () => {
    const rc1 = await create(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc('gc-simpletest-rc-to-be-deleted', 6, { app: 'gc-multi' }));
    const rc2 = await create(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc('gc-simpletest-rc-to-stay', 0, { app: 'gc-multi-stay' }));
    const pods = await podCount('app=gc-multi', 6);
    const shared = pods.slice(0, 3);
    for (const p of shared) {
      const owners = [...(p.metadata.ownerReferences ?? []), { apiVersion: 'v1', kind: 'ReplicationController', name: rc2.metadata.name, uid: rc2.metadata.uid }];
      const res = await api.request('PATCH', `/api/v1/namespaces/${ns}/pods/${p.metadata.name}`, { metadata: { ownerReferences: owners } }, { 'Content-Type': 'application/merge-patch+json' });
      assert.equal(res.status, 200, res.text);
    }
    await remove(`/api/v1/namespaces/${ns}/replicationcontrollers/${rc1.metadata.name}`, 'Foreground');
    await gone('RC1', `/api/v1/namespaces/${ns}/replicationcontrollers/${rc1.metadata.name}`);
    const left = await podsWith('app=gc-multi');
    assert.deepEqual(left.map((p) => p.metadata.name).sort(), shared.map((p) => p.metadata.name).sort());
    for (const p of left) {
      assert.equal(p.metadata.deletionTimestamp, undefined, `${p.metadata.name} is not being deleted`);
      assert.deepEqual(p.metadata.ownerReferences?.map((o) => o.uid), [rc2.metadata.uid]);
    }
    await remove(`/api/v1/namespaces/${ns}/replicationcontrollers/${rc2.metadata.name}`, 'Background');
    await eventually('shared pods collected with RC2', async () => (await podsWith('app=gc-multi')).length === 0);
  });

  test('a StatefulSet with whenDeleted: Delete hands its claims to the collector; Retain keeps them', async () => {
    const sts = (name: string, whenDeleted: string) => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name },
      spec: {
        replicas: 1,
        serviceName: name,
        selector: { matchLabels: { app: name } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled: 'Retain' },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    await cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(sts('gc-sts-delete', 'Delete')) });
    await cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(sts('gc-sts-retain', 'Retain')) });
    const claim = (name: string) => `/api/v1/namespaces/${ns}/persistentvolumeclaims/data-${name}-0`;
    await eventually('both claims', async () => (await get(claim('gc-sts-delete'))) && (await get(claim('gc-sts-retain'))));
    await cluster.kubectl(['delete', 'statefulset', 'gc-sts-delete', 'gc-sts-retain']);
    await gone('the claim of the Delete policy', claim('gc-sts-delete'));
    assert.ok(await get(claim('gc-sts-retain')), 'Retain keeps the claim');
  });

  test('Garbage Collector, dependency cycle', async () => {
    const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'gc-cycle' } }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } });
    const [p1, p2, p3] = [await create(`/api/v1/namespaces/${ns}/pods`, pod('pod1')), await create(`/api/v1/namespaces/${ns}/pods`, pod('pod2')), await create(`/api/v1/namespaces/${ns}/pods`, pod('pod3'))];
    const own = async (dependent: Obj, owner: Obj) => {
      const ref = { apiVersion: 'v1', kind: 'Pod', name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
      const res = await api.request('PATCH', `/api/v1/namespaces/${ns}/pods/${dependent.metadata.name}`, { metadata: { ownerReferences: [ref] } }, { 'Content-Type': 'application/merge-patch+json' });
      assert.equal(res.status, 200, res.text);
    };
    await own(p1, p3);
    await own(p2, p1);
    await own(p3, p2);
    await remove(`/api/v1/namespaces/${ns}/pods/pod1`, 'Background');
    await eventually('the whole cycle collected', async () => (await podsWith('app=gc-cycle')).length === 0, 60_000);
  });

  test('a cluster-scoped owner may own namespaced dependents', async () => {
    const owner = await create('/apis/scheduling.k8s.io/v1/priorityclasses', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'gc-owner' }, value: 7 });
    const ref = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', name: 'gc-owner', uid: owner.metadata.uid };
    await create(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'owned-by-cluster', ownerReferences: [ref] } });
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(await get(`/api/v1/namespaces/${ns}/configmaps/owned-by-cluster`), 'a dependent of a present owner stays');
    await cluster.kubectl(['delete', 'priorityclass', 'gc-owner']);
    await gone('dependent', `/api/v1/namespaces/${ns}/configmaps/owned-by-cluster`);
  });

  test('owner references across namespaces are invalid: OwnerRefInvalidNamespace', async () => {
    await cluster.kubectl(['create', 'namespace', 'gc-other']);
    const owner = await create('/api/v1/namespaces/gc-other/configmaps', { metadata: { name: 'far-owner' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'far-owner', uid: owner.metadata.uid };
    const dependent = await create(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'cross-namespace', ownerReferences: [ref] } });
    // The owner does not exist in the dependent's namespace, so the dependent is collected.
    await gone('cross-namespace dependent', `/api/v1/namespaces/${ns}/configmaps/cross-namespace`);
    const event = await eventually('the OwnerRefInvalidNamespace event', async () => {
      const out = await cluster.kubectl(['get', 'events', '-n', ns, '--field-selector', 'reason=OwnerRefInvalidNamespace', '-o', 'jsonpath={range .items[*]}{.type} {.involvedObject.name} {.message}{"\\n"}{end}']);
      return out.split('\n').find((l) => l.includes('cross-namespace'));
    });
    assert.equal(
      event,
      `Warning cross-namespace ownerRef [v1/ConfigMap, namespace: ${ns}, name: far-owner, uid: ${owner.metadata.uid}] does not exist in namespace "${ns}"`,
    );
    assert.ok(dependent.metadata.uid);
    // A cluster-scoped dependent naming a namespaced owner kind cannot be resolved: reported, never collected.
    await create('/apis/scheduling.k8s.io/v1/priorityclasses', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'gc-bad-ref', ownerReferences: [ref] }, value: 8 });
    await eventually('the event on the cluster-scoped dependent', async () => {
      const out = await cluster.kubectl(['get', 'events', '-A', '--field-selector', 'reason=OwnerRefInvalidNamespace,involvedObject.name=gc-bad-ref', '-o', 'jsonpath={.items[*].message}']);
      return out.includes('ownerRef [v1/ConfigMap, namespace: , name: far-owner');
    });
    assert.ok(await get('/apis/scheduling.k8s.io/v1/priorityclasses/gc-bad-ref'), 'not collected');
  });

  test('the collector rebuilds its graph after a restart and collects dependents of owners deleted meanwhile', async () => {
    const owner = await create(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'restart-owner' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'restart-owner', uid: owner.metadata.uid };
    await create(`/api/v1/namespaces/${ns}/secrets`, { metadata: { name: 'restart-dependent', ownerReferences: [ref] } });
    // Controllers down: the owner goes while nobody collects.
    await cluster.server.controlPlane.stopControllerManager();
    await remove(`/api/v1/namespaces/${ns}/configmaps/restart-owner`, 'Background');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(await get(`/api/v1/namespaces/${ns}/secrets/restart-dependent`), 'nothing collects while the controllers are down');
    const dataDir = cluster.dataDir;
    await cluster.stop();
    const restarted = await startServer({ dataDir, httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16' }, createLogger(0, () => {}));
    cluster = { ...cluster, kubeconfig: restarted.kubeconfigPath, stop: () => restarted.stop(), kubectl: async (args) => (await kubectl(restarted.kubeconfigPath, args)).stdout };
    api = await apiClient(restarted.kubeconfigPath);
    await gone('the dependent of the owner deleted while down', `/api/v1/namespaces/${ns}/secrets/restart-dependent`);
  });
});
