// Apps conformance behaviours (shared/conformance.yaml, test/e2e/apps/*): the
// CRUD, scale and status endpoints of the workload kinds and the controllers'
// answers, against a server with hollow nodes, each named after its testname.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { newRevision } from '../../src/controllers/controller-utils/history.js';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface Obj {
  metadata: {
    name: string;
    uid: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    ownerReferences?: { uid: string; kind: string; name: string; controller?: boolean }[];
  };
  spec?: Record<string, unknown> & { replicas?: number };
  status?: Record<string, unknown> & { conditions?: Condition[]; phase?: string };
  data?: unknown;
  revision?: number;
}

const mergePatch = { 'Content-Type': 'application/merge-patch+json' };
const strategicPatch = { 'Content-Type': 'application/strategic-merge-patch+json' };

const podSpec = { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] };

describe('apps conformance', () => {
  let cluster: TestCluster;
  let api: ApiClient;

  before(async () => ({ cluster, api } = await startApiCluster({ simulatedNodes: 2 })));
  after(async () => cluster.stop());

  const namespace = (prefix: string) => api.createNamespace(prefix);

  const get = async (path: string) => {
    const res = await api.request('GET', path);
    assert.equal(res.status, 200, `GET ${path}: ${res.text}`);
    return res.body as Obj;
  };
  const list = async (path: string) => ((await api.request('GET', path)).body as { items: Obj[] }).items;
  const send = async (method: string, path: string, body: unknown, headers?: Record<string, string>) => {
    const res = await api.request(method, path, body, headers);
    assert.ok(res.status === 200 || res.status === 201, `${method} ${path}: ${res.status} ${res.text}`);
    return res.body as Obj;
  };
  /** Get, change and PUT again until no conflict (upstream's RetryOnConflict). */
  const updateRetrying = (path: string, change: (o: Obj) => Obj) =>
    eventually(`PUT ${path}`, async () => {
      const res = await api.request('PUT', path, change(await get(path)));
      if (res.status === 409) return undefined;
      assert.equal(res.status, 200, `PUT ${path}: ${res.text}`);
      return res.body as Obj;
    });
  const podsOf = async (ns: string, selector: string) =>
    (await list(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`)).filter((p) => !p.metadata.deletionTimestamp);
  const isReady = (p: Obj) => p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  const readyPods = (ns: string, selector: string, n: number) =>
    eventually(`${n} ready pods ${selector}`, async () => {
      const pods = await podsOf(ns, selector);
      return pods.length === n && pods.every(isReady) ? pods : undefined;
    }, 60_000, () => podsOf(ns, selector).then((ps) => ps.map((p) => [p.metadata.name, p.status?.phase])));
  const gone = (what: string, path: string) => eventually(`${what} gone`, async () => (await api.getIfExists(path)) === undefined);
  const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: podSpec });

  /** Reads, updates and patches the status sub-resource; each write MUST be visible to the next read. */
  async function statusSubresource(path: string): Promise<void> {
    const current = await get(`${path}/status`);
    assert.ok(current.status, 'the status sub-resource answers the object');
    const condition = { type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from e2e test' };
    const updated = await updateRetrying(`${path}/status`, (o) => ({ ...o, status: { ...o.status, conditions: [...(o.status?.conditions ?? []), condition] } }));
    assert.ok(updated.status?.conditions?.some((c) => c.type === 'StatusUpdate' && c.reason === 'E2E'));
    await eventually('the updated condition read back', async () => (await get(path)).status?.conditions?.find((c) => c.type === 'StatusUpdate')?.message === 'Set from e2e test');
    const patch = { metadata: { annotations: { patchedstatus: 'true' } }, status: { conditions: [{ type: 'StatusPatched', status: 'True' }] } };
    const patched = await send('PATCH', `${path}/status`, patch, strategicPatch);
    assert.equal(patched.metadata.annotations?.patchedstatus, 'true');
    const read = await eventually('the patched condition read back', async () => {
      const o = await get(path);
      return o.status?.conditions?.some((c) => c.type === 'StatusPatched' && c.status === 'True') ? o : undefined;
    });
    assert.ok(read.status?.conditions?.some((c) => c.type === 'StatusUpdate'), 'a strategic patch merges conditions by type');
  }

  /** Lists by label across all namespaces, deletes the collection in its namespace, and sees it go. */
  async function listAndDeleteCollection(group: string, resource: string, ns: string, label: string): Promise<void> {
    const selector = `labelSelector=${encodeURIComponent(label)}`;
    assert.equal((await list(`${group}/${resource}?${selector}`)).length, 1, `one ${resource} across namespaces with ${label}`);
    const res = await api.request('DELETE', `${group}/namespaces/${ns}/${resource}?${selector}`);
    assert.equal(res.status, 200, res.text);
    await eventually(`the ${resource} collection deleted`, async () => (await list(`${group}/namespaces/${ns}/${resource}?${selector}`)).length === 0);
  }

  describe('ReplicationController', () => {
    const rc = (name: string, replicas: number, labels: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name, labels },
      spec: { replicas, selector: labels, template: template(labels) },
    });

    test('Replication Controller, adopt matching pods', async () => {
      const ns = await namespace('rc-adopt');
      const orphan = await api.create<Obj>(`/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'pod-adoption', labels: { name: 'pod-adoption' } }, spec: podSpec });
      const owner = await api.create<Obj>(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc('pod-adoption', 1, { name: 'pod-adoption' }));
      await eventually('the orphan adopted', async () => {
        const pod = await get(`/api/v1/namespaces/${ns}/pods/pod-adoption`);
        const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
        return ref?.uid === owner.metadata.uid && pod.metadata.uid === orphan.metadata.uid;
      });
      assert.equal((await podsOf(ns, 'name=pod-adoption')).length, 1, 'adopted, not joined by another pod');
    });

    test('Replication Controller, get and update ReplicationController scale', async () => {
      const ns = await namespace('rc-scale');
      const path = `/api/v1/namespaces/${ns}/replicationcontrollers/e2e-rc`;
      await api.create(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc('e2e-rc', 1, { name: 'e2e-rc' }));
      await eventually('1 available replica', async () => (await get(path)).status?.availableReplicas === 1);
      const scale = await get(`${path}/scale`);
      assert.equal((scale as unknown as { kind: string; apiVersion: string }).kind, 'Scale');
      assert.equal((scale as unknown as { apiVersion: string }).apiVersion, 'autoscaling/v1');
      assert.equal(scale.spec?.replicas, 1);
      const updated = await updateRetrying(`${path}/scale`, (o) => ({ ...o, spec: { replicas: 2 } }));
      assert.equal(updated.spec?.replicas, 2);
      assert.equal((await get(path)).spec?.replicas, 2);
      await readyPods(ns, 'name=e2e-rc', 2);
    });

    test('Replication Controller, check for issues like exceeding allocated quota', async () => {
      const ns = await namespace('rc-quota');
      const quotaPath = `/api/v1/namespaces/${ns}/resourcequotas/condition-test`;
      await api.create(`/api/v1/namespaces/${ns}/resourcequotas`, { metadata: { name: 'condition-test' }, spec: { hard: { pods: '2' } } });
      await eventually('the quota observed', async () => (await get(quotaPath)).status?.hard !== undefined);
      const path = `/api/v1/namespaces/${ns}/replicationcontrollers/condition-test`;
      await api.create(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc('condition-test', 3, { name: 'condition-test' }));
      const failure = await eventually('a ReplicaFailure condition', async () => (await get(path)).status?.conditions?.find((c) => c.type === 'ReplicaFailure'));
      assert.equal(failure.status, 'True');
      assert.equal(failure.reason, 'FailedCreate');
      assert.match(failure.message ?? '', /exceeded quota: condition-test, requested: pods=1, used: pods=2, limited: pods=2/);
      assert.equal((await podsOf(ns, 'name=condition-test')).length, 2);
      await send('PATCH', path, { spec: { replicas: 2 } }, mergePatch);
      await eventually('the ReplicaFailure condition cleared', async () => {
        const o = await get(path);
        return o.status?.observedGeneration === o.metadata.generation && !o.status?.conditions?.some((c) => c.type === 'ReplicaFailure');
      });
    });

    test('Replication Controller, lifecycle', async () => {
      const ns = await namespace('rc-life');
      const rcs = `/api/v1/namespaces/${ns}/replicationcontrollers`;
      const path = `${rcs}/rc-test`;
      const created = await api.create<Obj>(rcs, rc('rc-test', 1, { 'test-rc-static': 'true' }));
      assert.equal(created.spec?.replicas, 1);
      await eventually('rc-test ready', async () => (await get(path)).status?.readyReplicas === 1);
      const patched = await send(
        'PATCH',
        path,
        { metadata: { labels: { 'test-rc': 'patched' } }, spec: { replicas: 2, template: { spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'busybox:patched' }] } } } },
        strategicPatch,
      );
      assert.equal(patched.metadata.labels?.['test-rc'], 'patched');
      await eventually('2 ready replicas', async () => (await get(path)).status?.readyReplicas === 2);
      const withStatus = await send('PATCH', `${path}/status`, { status: { readyReplicas: 0, availableReplicas: 0 } }, mergePatch);
      assert.equal(withStatus.status?.readyReplicas, 0);
      assert.equal((await get(`${path}/scale`)).spec?.replicas, 2);
      await updateRetrying(`${path}/scale`, (o) => ({ ...o, spec: { replicas: 3 } }));
      await eventually('3 ready replicas', async () => {
        const o = await get(path);
        return o.spec?.replicas === 3 && o.status?.readyReplicas === 3 && o.status?.availableReplicas === 3;
      });
      const found = await list(`/api/v1/replicationcontrollers?labelSelector=test-rc-static%3Dtrue`);
      assert.deepEqual(found.map((o) => o.metadata.name), ['rc-test']);
      const res = await api.request('DELETE', `${rcs}?labelSelector=test-rc-static%3Dtrue`);
      assert.equal(res.status, 200, res.text);
      await gone('rc-test', path);
    });
  });

  describe('ReplicaSet', () => {
    const rs = (name: string, replicas: number, labels: Record<string, string>) => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, labels },
      spec: { replicas, selector: { matchLabels: labels }, template: template(labels) },
    });

    test('ReplicaSet, is created, Replaced and Patched', async () => {
      const ns = await namespace('rs-patch');
      const path = `/apis/apps/v1/namespaces/${ns}/replicasets/test-rs`;
      await api.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, rs('test-rs', 1, { name: 'sample-pod' }));
      await readyPods(ns, 'name=sample-pod', 1);
      const scale = await get(`${path}/scale`);
      assert.equal(scale.spec?.replicas, 1);
      await updateRetrying(`${path}/scale`, (o) => ({ ...o, spec: { replicas: 2 } }));
      await eventually('2 ready replicas', async () => (await get(path)).status?.readyReplicas === 2);
      const patched = await send(
        'PATCH',
        path,
        { metadata: { labels: { 'test-rs': 'patched' } }, spec: { replicas: 3, template: { spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'busybox:patched' }] } } } },
        strategicPatch,
      );
      assert.equal(patched.metadata.labels?.['test-rs'], 'patched');
      const done = await eventually('3 ready replicas', async () => {
        const o = await get(path);
        return o.status?.readyReplicas === 3 ? o : undefined;
      });
      assert.equal(done.spec?.replicas, 3);
      const containers = (done.spec?.template as { spec: { containers: { image: string }[] } }).spec.containers;
      assert.equal(containers[0].image, 'busybox:patched');
    });

    test('ReplicaSet, list and delete a collection of ReplicaSets', async () => {
      const ns = await namespace('rs-collection');
      await api.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, rs('test-rs', 1, { 'e2e-collection': ns }));
      await readyPods(ns, `e2e-collection=${ns}`, 1);
      await listAndDeleteCollection('/apis/apps/v1', 'replicasets', ns, `e2e-collection=${ns}`);
    });

    test('ReplicaSet, status sub-resource', async () => {
      const ns = await namespace('rs-status');
      await api.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, rs('test-rs', 1, { name: 'rs-status' }));
      await readyPods(ns, 'name=rs-status', 1);
      await statusSubresource(`/apis/apps/v1/namespaces/${ns}/replicasets/test-rs`);
    });
  });

  describe('Deployment', () => {
    const deployment = (name: string, replicas: number, labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels },
      spec: { replicas, selector: { matchLabels: labels }, template: template(labels), ...extra },
    });

    test('Deployment, completes the scaling of a Deployment subresource', async () => {
      const ns = await namespace('deploy-scale');
      const path = `/apis/apps/v1/namespaces/${ns}/deployments/test-new-deployment`;
      await api.create(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('test-new-deployment', 1, { name: 'httpd' }));
      await readyPods(ns, 'name=httpd', 1);
      const scale = await get(`${path}/scale`);
      assert.equal(scale.spec?.replicas, 1);
      assert.equal((scale.status as { selector?: string } | undefined)?.selector, 'name=httpd');
      const updated = await updateRetrying(`${path}/scale`, (o) => ({ ...o, spec: { replicas: 2 } }));
      assert.equal(updated.spec?.replicas, 2);
      assert.equal((await get(path)).spec?.replicas, 2);
      const patched = await send('PATCH', `${path}/scale`, { spec: { replicas: 4 } }, mergePatch);
      assert.equal(patched.spec?.replicas, 4);
      assert.equal((await get(path)).spec?.replicas, 4);
      await readyPods(ns, 'name=httpd', 4);
    });

    test('Deployment RollingUpdate', async () => {
      const ns = await namespace('deploy-rolling');
      const labels = { name: 'sample-pod' };
      const rsRevision = '3546343826724305832';
      await api.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, {
        metadata: { name: 'test-rolling-update-controller', labels: { ...labels, pod: 'httpd' }, annotations: { 'deployment.kubernetes.io/revision': rsRevision } },
        spec: { replicas: 1, selector: { matchLabels: { ...labels, pod: 'httpd' } }, template: template({ ...labels, pod: 'httpd' }) },
      });
      await readyPods(ns, 'name=sample-pod', 1);
      const path = `/apis/apps/v1/namespaces/${ns}/deployments/test-rolling-update-deployment`;
      await api.create(`/apis/apps/v1/namespaces/${ns}/deployments`, {
        metadata: { name: 'test-rolling-update-deployment', labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          strategy: { type: 'RollingUpdate' },
          template: { metadata: { labels }, spec: { ...podSpec, containers: [{ name: 'agnhost', image: 'agnhost', command: ['sleep', '3600'] }] } },
        },
      });
      const done = await eventually('the rollout complete', async () => {
        const d = await get(path);
        const s = d.status as { updatedReplicas?: number; availableReplicas?: number; replicas?: number; observedGeneration?: number } | undefined;
        return s?.observedGeneration === d.metadata.generation && s?.updatedReplicas === 1 && s?.availableReplicas === 1 && s?.replicas === 1 ? d : undefined;
      }, 60_000, async () => [(await get(path)).status, (await list(`/apis/apps/v1/namespaces/${ns}/replicasets`)).map((r) => [r.metadata.name, r.metadata.annotations, r.spec?.replicas, r.status])]);
      assert.equal(done.metadata.annotations?.['deployment.kubernetes.io/revision'], '3546343826724305833');
      const rss = await list(`/apis/apps/v1/namespaces/${ns}/replicasets`);
      assert.equal(rss.length, 2);
      const old = rss.find((r) => r.metadata.name === 'test-rolling-update-controller')!;
      assert.equal(old.metadata.ownerReferences?.[0]?.uid, done.metadata.uid, 'the old ReplicaSet adopted');
      assert.equal(old.spec?.replicas, 0, 'the old ReplicaSet scaled down');
      const fresh = rss.find((r) => r !== old)!;
      assert.equal(fresh.metadata.annotations?.['deployment.kubernetes.io/revision'], '3546343826724305833');
      const pods = await readyPods(ns, 'name=sample-pod', 1);
      assert.equal(pods[0].metadata.ownerReferences?.[0]?.uid, fresh.metadata.uid, 'the old pod deleted, a new one created');
    });

    test('Deployment, completes the lifecycle of a Deployment', async () => {
      const ns = await namespace('deploy-life');
      const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;
      const path = `${deployments}/test-deployment`;
      const watch = api.watch(`${deployments}?watch=true&labelSelector=test-deployment-static%3Dtrue`);
      try {
        await api.create(deployments, deployment('test-deployment', 1, { 'test-deployment-static': 'true' }));
        await eventually('1 available replica', async () => (await get(path)).status?.availableReplicas === 1);
        await send(
          'PATCH',
          path,
          { metadata: { labels: { 'test-deployment': 'patched' } }, spec: { replicas: 2, template: { spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'pause' }] } } } },
          strategicPatch,
        );
        await eventually('2 ready replicas of the patched template', async () => {
          const d = await get(path);
          const s = d.status as { readyReplicas?: number; updatedReplicas?: number; replicas?: number };
          return d.metadata.labels?.['test-deployment'] === 'patched' && s.readyReplicas === 2 && s.updatedReplicas === 2 && s.replicas === 2;
        }, 60_000);
        const found = await list(`/apis/apps/v1/deployments?labelSelector=test-deployment-static%3Dtrue`);
        assert.deepEqual(found.map((d) => d.metadata.name), ['test-deployment']);
        const status = await get(`${path}/status`);
        assert.equal(status.status?.readyReplicas, 2);
        const patched = await send('PATCH', `${path}/status`, { metadata: { annotations: { patchedstatus: 'true' } }, status: { readyReplicas: 0, availableReplicas: 0 } }, mergePatch);
        assert.equal(patched.metadata.annotations?.patchedstatus, 'true');
        assert.equal(patched.status?.readyReplicas, 0);
        await eventually('the controller restores readyReplicas', async () => (await get(path)).status?.readyReplicas === 2);
        const res = await api.request('DELETE', `${deployments}?labelSelector=test-deployment-static%3Dtrue`);
        assert.equal(res.status, 200, res.text);
        await eventually('a DELETED watch event', async () => {
          for (let e = await watch.next(1000); e; e = await watch.next(1000)) if (e.type === 'DELETED' && e.object.metadata?.name === 'test-deployment') return true;
          return false;
        });
        await gone('test-deployment', path);
      } finally {
        watch.close();
      }
    });

    test('Deployment, status sub-resource', async () => {
      const ns = await namespace('deploy-status');
      await api.create(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('test-deployment', 1, { 'e2e-status': 'true' }));
      await readyPods(ns, 'e2e-status=true', 1);
      await statusSubresource(`/apis/apps/v1/namespaces/${ns}/deployments/test-deployment`);
    });
  });

  describe('DaemonSet and ControllerRevision', () => {
    const daemonSet = (name: string, labels: Record<string, string>) => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, labels },
      spec: { selector: { matchLabels: labels }, template: template(labels) },
    });
    const nodeCount = async () => (await list('/api/v1/nodes')).length;
    const onEveryNode = async (ns: string, selector: string) => readyPods(ns, selector, await nodeCount());

    test('DaemonSet, list and delete a collection of DaemonSets', async () => {
      const ns = await namespace('ds-collection');
      await api.create(`/apis/apps/v1/namespaces/${ns}/daemonsets`, daemonSet('daemon-set', { 'daemonset-name': ns }));
      await onEveryNode(ns, `daemonset-name=${ns}`);
      await listAndDeleteCollection('/apis/apps/v1', 'daemonsets', ns, `daemonset-name=${ns}`);
    });

    test('DaemonSet-FailedPodCreation', async () => {
      const ns = await namespace('ds-failed');
      const path = `/apis/apps/v1/namespaces/${ns}/daemonsets/daemon-set`;
      await api.create(`/apis/apps/v1/namespaces/${ns}/daemonsets`, daemonSet('daemon-set', { 'daemonset-name': 'daemon-set' }));
      const [victim] = await onEveryNode(ns, 'daemonset-name=daemon-set');
      // A daemon pod whose phase turns Failed (upstream sets it through pods/status) is deleted and revived.
      await send('PATCH', `/api/v1/namespaces/${ns}/pods/${victim.metadata.name}/status`, { status: { phase: 'Failed' } }, mergePatch);
      await eventually('the failed pod replaced', async () => {
        const pods = await podsOf(ns, 'daemonset-name=daemon-set');
        return pods.length === (await nodeCount()) && pods.every(isReady) && !pods.some((p) => p.metadata.uid === victim.metadata.uid);
      }, 60_000);
      await gone('the failed pod', `/api/v1/namespaces/${ns}/pods/${victim.metadata.name}`);
      const status = (await get(path)).status as { numberReady?: number; desiredNumberScheduled?: number };
      assert.equal(status.desiredNumberScheduled, await nodeCount());
      await eventually('the status counts the revived pod', async () => ((await get(path)).status as { numberReady?: number }).numberReady === (await nodeCount()));
    });

    test('DaemonSet, status sub-resource', async () => {
      const ns = await namespace('ds-status');
      await api.create(`/apis/apps/v1/namespaces/${ns}/daemonsets`, daemonSet('daemon-set', { 'daemonset-name': 'ds-status' }));
      await onEveryNode(ns, 'daemonset-name=ds-status');
      await statusSubresource(`/apis/apps/v1/namespaces/${ns}/daemonsets/daemon-set`);
    });

    test('ControllerRevision, resource lifecycle', async () => {
      const ns = await namespace('controllerrevisions');
      const dsName = 'e2e-cr-daemon-set';
      const label = `daemonset-name=${dsName}`;
      const selector = `labelSelector=${encodeURIComponent(label)}`;
      const revisions = `/apis/apps/v1/namespaces/${ns}/controllerrevisions`;
      const countRevisions = (n: number) => eventually(`${n} ControllerRevisions`, async () => (await list(`${revisions}?${selector}`)).length === n);
      await api.create(`/apis/apps/v1/namespaces/${ns}/daemonsets`, daemonSet(dsName, { 'daemonset-name': dsName }));
      await onEveryNode(ns, label);
      assert.equal((await list(`/apis/apps/v1/daemonsets?${selector}`)).length, 1);
      const ds = await get(`/apis/apps/v1/namespaces/${ns}/daemonsets/${dsName}`);

      const all = await list(`/apis/apps/v1/controllerrevisions?${selector}`);
      assert.equal(all.length, 1);
      const initial = all[0];
      assert.equal(initial.metadata.ownerReferences?.[0]?.kind, 'DaemonSet');
      assert.equal(initial.metadata.ownerReferences?.[0]?.uid, ds.metadata.uid);
      const patched = await send('PATCH', `${revisions}/${initial.metadata.name}`, { metadata: { labels: { [initial.metadata.name]: 'patched' } } }, strategicPatch);
      assert.equal(patched.metadata.labels?.[initial.metadata.name], 'patched');

      // A revision made by hand under the name the controller will want for the next template, with the old data.
      const nextTemplate = structuredClone(ds.spec!.template as { spec: Record<string, unknown>; metadata: { labels: Record<string, string> } });
      nextTemplate.spec.terminationGracePeriodSeconds = 2;
      const ownerRef = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: dsName, uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true };
      // The name the DaemonSet controller gives a revision of this template (upstream's test hashes it the same way).
      const wanted = newRevision(ds, ownerRef, nextTemplate, 0, (ds.status as { collisionCount?: number }).collisionCount ?? 0).metadata!;
      const handMade = await api.create<Obj>(revisions, {
        metadata: { name: wanted.name, labels: wanted.labels, ownerReferences: [ownerRef] },
        data: initial.data,
        revision: (initial.revision ?? 0) + 1,
      });
      await countRevisions(2);
      assert.equal((await api.request('DELETE', `${revisions}/${initial.metadata.name}`)).status, 200);
      await countRevisions(1);

      const [current] = await list(revisions);
      assert.equal(current.metadata.name, handMade.metadata.name);
      const updated = await updateRetrying(`${revisions}/${current.metadata.name}`, (o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, [current.metadata.name]: 'updated' } } }));
      assert.equal(updated.metadata.labels?.[current.metadata.name], 'updated');

      // The DaemonSet's new template collides with the hand-made name: the controller makes revision 3 under another name.
      // Upstream's patch carries a misplaced top-level updateStrategy: dropped with a warning, not refused.
      const dsPatch = await api.request('PATCH', `/apis/apps/v1/namespaces/${ns}/daemonsets/${dsName}`, { spec: { template: { spec: { terminationGracePeriodSeconds: 2 } } }, updateStrategy: { type: 'RollingUpdate' } }, strategicPatch);
      assert.equal(dsPatch.status, 200, dsPatch.text);
      assert.equal(dsPatch.headers.warning, '299 - "unknown field \\"updateStrategy\\""');
      await countRevisions(2);
      const del = await api.request('DELETE', `${revisions}?labelSelector=${encodeURIComponent(`${current.metadata.name}=updated`)}`);
      assert.equal(del.status, 200, del.text);
      await countRevisions(1);
      const [last] = await list(revisions);
      assert.equal(last.revision, 3);
      assert.notEqual(last.metadata.name, handMade.metadata.name);
      await eventually('the name collision counted', async () => ((await get(`/apis/apps/v1/namespaces/${ns}/daemonsets/${dsName}`)).status as { collisionCount?: number }).collisionCount === 1);
    });
  });

  describe('StatefulSet', () => {
    const statefulSet = (name: string, replicas: number, labels: Record<string, string>, podSpecExtra: Record<string, unknown> = {}) => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, labels },
      spec: { replicas, serviceName: 'test', selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { ...podSpec, ...podSpecExtra } } },
    });

    test('StatefulSet, Recreate Failed Pod', async () => {
      const ns = await namespace('sts-recreate');
      const path = `/apis/apps/v1/namespaces/${ns}/statefulsets/ss`;
      // The node rejects the pod (an unsafe sysctl it does not allow): ss-0 fails as soon as it is admitted.
      const rejected = { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] } };
      await api.create(`/apis/apps/v1/namespaces/${ns}/statefulsets`, statefulSet('ss', 1, { app: 'ss-recreate' }, rejected));
      const failedUids = new Set<string>();
      await eventually('ss-0 failed and recreated', async () => {
        const pod = await api.getIfExists<Obj>(`/api/v1/namespaces/${ns}/pods/ss-0`);
        if (pod?.status?.phase === 'Failed') failedUids.add(pod.metadata.uid);
        return failedUids.size >= 2;
      }, 60_000);
      // The node stops rejecting it: the next ss-0 runs.
      await send('PATCH', path, { spec: { template: { spec: { securityContext: null } } } }, mergePatch);
      const [pod] = await readyPods(ns, 'app=ss-recreate', 1);
      assert.equal(pod.metadata.name, 'ss-0');
      assert.ok(!failedUids.has(pod.metadata.uid));
    });

    test('StatefulSet resource Replica scaling', async () => {
      const ns = await namespace('sts-scale');
      const path = `/apis/apps/v1/namespaces/${ns}/statefulsets/ss`;
      await api.create(`/apis/apps/v1/namespaces/${ns}/statefulsets`, statefulSet('ss', 1, { app: 'ss-scale' }));
      await readyPods(ns, 'app=ss-scale', 1);
      const scale = await get(`${path}/scale`);
      assert.equal(scale.spec?.replicas, 1);
      assert.equal((scale.status as { selector?: string } | undefined)?.selector, 'app=ss-scale');
      await updateRetrying(`${path}/scale`, (o) => ({ ...o, spec: { replicas: 2 } }));
      assert.equal((await get(path)).spec?.replicas, 2);
      const patched = await send('PATCH', `${path}/scale`, { spec: { replicas: 3 } }, mergePatch);
      assert.equal(patched.spec?.replicas, 3);
      assert.equal((await get(path)).spec?.replicas, 3);
      const pods = await readyPods(ns, 'app=ss-scale', 3);
      assert.deepEqual(pods.map((p) => p.metadata.name).sort(), ['ss-0', 'ss-1', 'ss-2']);
    });

    test('StatefulSet, list, patch and delete a collection of StatefulSets', async () => {
      const ns = await namespace('sts-collection');
      const path = `/apis/apps/v1/namespaces/${ns}/statefulsets/ss`;
      const label = `e2e-collection=${ns}`;
      await api.create(`/apis/apps/v1/namespaces/${ns}/statefulsets`, statefulSet('ss', 1, { 'e2e-collection': ns }));
      await readyPods(ns, label, 1);
      const patched = await send(
        'PATCH',
        path,
        { metadata: { labels: { 'test-ss': 'patched' } }, spec: { replicas: 2, template: { spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'busybox:patched' }] } } } },
        strategicPatch,
      );
      assert.equal(patched.metadata.labels?.['test-ss'], 'patched');
      await eventually('2 ready replicas of the patched template', async () => {
        const o = await get(path);
        const s = o.status as { readyReplicas?: number; updatedReplicas?: number };
        return s.readyReplicas === 2 && s.updatedReplicas === 2;
      }, 60_000);
      await listAndDeleteCollection('/apis/apps/v1', 'statefulsets', ns, label);
    });

    test('StatefulSet, status sub-resource', async () => {
      const ns = await namespace('sts-status');
      await api.create(`/apis/apps/v1/namespaces/${ns}/statefulsets`, statefulSet('ss', 1, { app: 'ss-status' }));
      await readyPods(ns, 'app=ss-status', 1);
      await statusSubresource(`/apis/apps/v1/namespaces/${ns}/statefulsets/ss`);
    });
  });

});
