// Workload controllers end to end: ReplicaSets, ReplicationControllers,
// Deployments, StatefulSets and DaemonSets driven by the real kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { autoReady, eventually, markPodsReady } from './apps-readiness.js';

interface Obj {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { uid: string; kind: string; name: string }[] };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

describe('apps', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  let kubelet: { stop(): Promise<void> };
  const ns = 'default';

  before(async () => {
    cluster = await startTestCluster();
    api = await apiClient(cluster.kubeconfig);
    kubelet = autoReady(api, ns);
  });
  after(async () => {
    await kubelet.stop();
    await cluster.stop();
  });

  const get = async (path: string) => (await api.request('GET', path)).body as Obj;
  const list = async (path: string) => ((await api.request('GET', path)).body as { items: Obj[] }).items;
  const pods = (selector: string) => list(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`);

  test('Replica Set, run basic image', async () => {
    await cluster.kubectl(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'basic-rs' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'basic-rs' } },
          template: { metadata: { labels: { app: 'basic-rs' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
        },
      }),
    });
    const rs = await eventually('3 available replicas', async () => {
      const o = await get(`/apis/apps/v1/namespaces/${ns}/replicasets/basic-rs`);
      return o.status?.availableReplicas === 3 ? o : undefined;
    });
    const owned = await pods('app=basic-rs');
    assert.equal(owned.length, 3);
    for (const p of owned) {
      assert.match(p.metadata.name, /^basic-rs-[a-z0-9]{5}$/);
      assert.equal(p.metadata.ownerReferences?.[0].uid, rs.metadata.uid);
    }
    assert.equal(rs.status?.readyReplicas, 3);
    assert.equal(rs.status?.fullyLabeledReplicas, 3);
    const events = await cluster.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=basic-rs', '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}']);
    assert.equal(events.split('\n').filter((l) => l.startsWith('SuccessfulCreate Created pod: basic-rs-')).length, 3);
  });

  const apply = (obj: unknown) => cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(obj) });
  const podTemplate = (labels: Record<string, string>, image = 'nginx') => ({ metadata: { labels }, spec: { containers: [{ name: 'nginx', image }] } });
  const deploymentPath = (name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;
  const replicaSetsOf = async (app: string) =>
    (await list(`/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app%3D${app}`)).sort(
      (a, b) => Number(a.metadata.annotations?.['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations?.['deployment.kubernetes.io/revision']),
    );
  const eventMessages = async (name: string) =>
    (await cluster.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}'])).split('\n');
  const rolledOut = async (name: string) => {
    const out = await cluster.kubectl(['rollout', 'status', `deployment/${name}`, '--timeout=60s']);
    assert.match(out, new RegExp(`deployment "${name}" successfully rolled out`));
  };

  test('Replica Set, adopt matching pods and release non matching pods', async () => {
    await api.request('POST', `/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-adoption-release', labels: { name: 'pod-adoption-release' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await apply({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'pod-adoption-release' }, spec: { replicas: 1, selector: { matchLabels: { name: 'pod-adoption-release' } }, template: podTemplate({ name: 'pod-adoption-release' }) } });
    const rs = await get(`/apis/apps/v1/namespaces/${ns}/replicasets/pod-adoption-release`);
    await eventually('the orphan adopted', async () => (await get(`/api/v1/namespaces/${ns}/pods/pod-adoption-release`)).metadata.ownerReferences?.[0]?.uid === rs.metadata.uid);
    assert.equal((await pods('name=pod-adoption-release')).length, 1, 'adopted, not replaced');
    await cluster.kubectl(['label', 'pod', 'pod-adoption-release', 'name=not-matching', '--overwrite']);
    await eventually('the pod released', async () => !(await get(`/api/v1/namespaces/${ns}/pods/pod-adoption-release`)).metadata.ownerReferences?.length);
    await eventually('a replacement pod', async () => (await pods('name=pod-adoption-release')).length === 1);
  });

  test('Replication Controller, run basic image', async () => {
    await cluster.kubectl(['create', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'my-app-rc', labels: { app: 'myapp', type: 'front-end' } }, spec: { replicas: 3, template: podTemplate({ app: 'myapp', type: 'front-end' }) } }),
    });
    await eventually('3 ready replicas', async () => (await get(`/api/v1/namespaces/${ns}/replicationcontrollers/my-app-rc`)).status?.readyReplicas === 3);
    const out = await cluster.kubectl(['get', 'replicationcontroller', 'my-app-rc']);
    assert.match(out, /my-app-rc\s+3\s+3\s+3\s/);
    await cluster.kubectl(['scale', '--replicas=1', 'rc/my-app-rc']);
    await eventually('scaled down to 1', async () => (await pods('app=myapp,type=front-end')).length === 1);
    assert.ok((await eventMessages('my-app-rc')).some((l) => /^SuccessfulDelete Deleted pod: my-app-rc-/.test(l)));
  });

  test('Replication Controller, release pods', async () => {
    await apply({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'pod-release' }, spec: { replicas: 1, selector: { name: 'pod-release' }, template: podTemplate({ name: 'pod-release' }) } });
    const [pod] = await eventually('a pod', async () => { const p = await pods('name=pod-release'); return p.length === 1 ? p : undefined; });
    await cluster.kubectl(['label', 'pod', pod.metadata.name, 'name=pod-release-released', '--overwrite']);
    await eventually('released', async () => !(await get(`/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`)).metadata.ownerReferences?.length);
  });

  test('ReplicaSet, completes the scaling of a ReplicaSet subresource', async () => {
    await cluster.kubectl(['create', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'myapp-replicaset', labels: { app: 'myapp', type: 'front-end' } }, spec: { replicas: 3, selector: { matchLabels: { type: 'front-end-rs' } }, template: podTemplate({ app: 'myapp-rs', type: 'front-end-rs' }) } }),
    });
    await eventually('3 pods', async () => (await pods('type=front-end-rs')).length === 3);
    await cluster.kubectl(['scale', '--replicas=6', 'replicaset', 'myapp-replicaset']);
    await eventually('6 ready', async () => (await get(`/apis/apps/v1/namespaces/${ns}/replicasets/myapp-replicaset`)).status?.readyReplicas === 6);
    const out = await cluster.kubectl(['get', 'replicaset', 'myapp-replicaset']);
    assert.match(out, /myapp-replicaset\s+6\s+6\s+6\s/);
    await api.request('PATCH', `/apis/apps/v1/namespaces/${ns}/replicasets/myapp-replicaset/scale`, { spec: { replicas: 2 } }, { 'Content-Type': 'application/merge-patch+json' });
    await eventually('2 pods', async () => (await pods('type=front-end-rs')).length === 2);
  });

  test('Deployment walkthrough: create, rollout status, set image, history, undo', async () => {
    await cluster.kubectl(['create', 'deployment', 'myapp-deployment', '--image=nginx', '--replicas=4']);
    await rolledOut('myapp-deployment');
    const out = await cluster.kubectl(['get', 'deployments', 'myapp-deployment']);
    assert.match(out, /myapp-deployment\s+4\/4\s+4\s+4\s/);
    const [first] = await replicaSetsOf('myapp-deployment');
    assert.match(first.metadata.name, /^myapp-deployment-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(first.metadata.labels?.['pod-template-hash'], first.metadata.name.slice('myapp-deployment-'.length));

    await cluster.kubectl(['set', 'image', 'deployment/myapp-deployment', 'nginx=nginx:1.9.1']);
    await rolledOut('myapp-deployment');
    let rss = await replicaSetsOf('myapp-deployment');
    assert.deepEqual(rss.map((r) => [r.metadata.annotations?.['deployment.kubernetes.io/revision'], r.spec?.replicas]), [['1', 0], ['2', 4]]);
    const history = await cluster.kubectl(['rollout', 'history', 'deployment/myapp-deployment']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const events = await eventMessages('myapp-deployment');
    assert.ok(events.includes(`ScalingReplicaSet Scaled up replica set ${first.metadata.name} from 0 to 4`), events.join('\n'));
    assert.ok(events.some((l) => l.startsWith(`ScalingReplicaSet Scaled down replica set ${first.metadata.name} from 4 to 3`)), events.join('\n'));

    await cluster.kubectl(['rollout', 'undo', 'deployment/myapp-deployment']);
    await rolledOut('myapp-deployment');
    const d = await get(deploymentPath('myapp-deployment'));
    assert.equal((d.spec?.template as { spec: { containers: { image: string }[] } }).spec.containers[0].image, 'nginx');
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    rss = await replicaSetsOf('myapp-deployment');
    assert.deepEqual(rss.map((r) => r.metadata.name), [rss[0].metadata.name, first.metadata.name]);
    assert.equal(rss[1].metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.match(await cluster.kubectl(['rollout', 'history', 'deployment/myapp-deployment']), /\n2\s+<none>\n3\s+<none>/);

    await cluster.kubectl(['rollout', 'undo', 'deployment/myapp-deployment', '--to-revision=2']);
    await rolledOut('myapp-deployment');
    const back = await get(deploymentPath('myapp-deployment'));
    assert.equal((back.spec?.template as { spec: { containers: { image: string }[] } }).spec.containers[0].image, 'nginx:1.9.1');
    const status = back.status as { conditions: { type: string; status: string; reason: string }[] };
    assert.deepEqual(status.conditions.map((c) => [c.type, c.status, c.reason]).sort(), [['Available', 'True', 'MinimumReplicasAvailable'], ['Progressing', 'True', 'NewReplicaSetAvailable']]);
  });

  test('Deployment Recreate', async () => {
    await apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'recreate' }, spec: { replicas: 5, strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'recreate' } }, template: podTemplate({ app: 'recreate' }) } });
    await rolledOut('recreate');
    const [old] = await replicaSetsOf('recreate');
    await cluster.kubectl(['set', 'image', 'deployment/recreate', 'nginx=nginx:2']);
    await rolledOut('recreate');
    const events = await eventMessages('recreate');
    assert.ok(events.includes(`ScalingReplicaSet Scaled down replica set ${old.metadata.name} from 5 to 0`), events.join('\n'));
    const [, fresh] = await replicaSetsOf('recreate');
    assert.ok(events.includes(`ScalingReplicaSet Scaled up replica set ${fresh.metadata.name} from 0 to 5`), events.join('\n'));
    // Recreate never runs old and new pods together: the new ReplicaSet was created only once the old one was empty.
    assert.ok(events.indexOf(`ScalingReplicaSet Scaled down replica set ${old.metadata.name} from 5 to 0`) < events.indexOf(`ScalingReplicaSet Scaled up replica set ${fresh.metadata.name} from 0 to 5`));
  });

  test('Deployment RevisionHistoryLimit', async () => {
    await apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'history' }, spec: { replicas: 1, revisionHistoryLimit: 1, selector: { matchLabels: { app: 'history' } }, template: podTemplate({ app: 'history' }) } });
    for (const tag of ['1', '2', '3']) {
      await cluster.kubectl(['set', 'image', 'deployment/history', `nginx=nginx:${tag}`]);
      await rolledOut('history');
    }
    await eventually('one old ReplicaSet kept', async () => (await replicaSetsOf('history')).length === 2);
    const rss = await replicaSetsOf('history');
    assert.deepEqual(rss.map((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision']), ['3', '4']);
  });

  describe('StatefulSet', () => {
    const sns = 'sts';
    const stsPods = async (app: string) =>
      (await list(`/api/v1/namespaces/${sns}/pods?labelSelector=app%3D${app}`)).filter((p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp).map((p) => p.metadata.name).sort();
    const readyAll = () => markPodsReady(api, sns);
    const statefulSet = (name: string, replicas: number, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace: sns },
      spec: {
        replicas,
        serviceName: 'nginx',
        selector: { matchLabels: { app: name } },
        template: podTemplate({ app: name }),
        volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
        ...extra,
      },
    });

    before(async () => {
      await cluster.kubectl(['create', 'namespace', sns]);
    });

    test('StatefulSet, Scaling', async () => {
      await apply(statefulSet('web', 3));
      // OrderedReady: each pod waits for its predecessor to be Running and Ready.
      for (const expected of [['web-0'], ['web-0', 'web-1'], ['web-0', 'web-1', 'web-2']]) {
        await eventually(`pods ${expected.join(',')}`, async () => JSON.stringify(await stsPods('web')) === JSON.stringify(expected));
        await new Promise((r) => setTimeout(r, 300));
        assert.deepEqual(await stsPods('web'), expected, 'no pod before its predecessor is ready');
        await readyAll();
      }
      const pod = await get(`/api/v1/namespaces/${sns}/pods/web-1`);
      const spec = pod.spec as { hostname: string; subdomain: string; volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[] };
      assert.equal(spec.hostname, 'web-1');
      assert.equal(spec.subdomain, 'nginx');
      assert.equal(spec.volumes.find((v) => v.name === 'www')?.persistentVolumeClaim?.claimName, 'www-web-1');
      assert.equal(pod.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-1');
      assert.equal(pod.metadata.labels?.['apps.kubernetes.io/pod-index'], '1');
      await eventually('status', async () => (await get(`/apis/apps/v1/namespaces/${sns}/statefulsets/web`)).status?.readyReplicas === 3);
      const claims = (await list(`/api/v1/namespaces/${sns}/persistentvolumeclaims`)).map((c) => c.metadata.name).sort();
      assert.deepEqual(claims, ['www-web-0', 'www-web-1', 'www-web-2']);

      // Scale down in reverse order, one at a time; the claims outlive the pods.
      await cluster.kubectl(['scale', 'statefulset', 'web', '--replicas=1', '-n', sns]);
      const state = async () => ({ pods: await list(`/api/v1/namespaces/${sns}/pods?labelSelector=app%3Dweb`), set: await get(`/apis/apps/v1/namespaces/${sns}/statefulsets/web`) });
      // The order shows in the events below; the intermediate state may pass between two polls.
      await eventually('web-2 and web-1 gone', async () => JSON.stringify(await stsPods('web')) === JSON.stringify(['web-0']), 30_000, state);
      const after = (await list(`/api/v1/namespaces/${sns}/persistentvolumeclaims`)).map((c) => c.metadata.name).sort();
      assert.deepEqual(after, ['www-web-0', 'www-web-1', 'www-web-2']);
      const events = (await cluster.kubectl(['get', 'events', '-n', sns, '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}'])).split('\n');
      assert.ok(events.includes('SuccessfulCreate create Pod web-0 in StatefulSet web successful'), events.join('\n'));
      assert.ok(events.includes('SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success'), events.join('\n'));
      const [deleted2, deleted1] = ['web-2', 'web-1'].map((p) => events.indexOf(`SuccessfulDelete delete Pod ${p} in StatefulSet web successful`));
      assert.ok(deleted2 >= 0 && deleted1 > deleted2, events.join('\n'));
    });

    test('StatefulSet, Burst Scaling', async () => {
      await apply(statefulSet('burst', 3, { podManagementPolicy: 'Parallel' }));
      await eventually('all three at once', async () => (await stsPods('burst')).length === 3);
      await cluster.kubectl(['scale', 'statefulset', 'burst', '--replicas=0', '-n', sns]);
      await eventually('all gone', async () => (await stsPods('burst')).length === 0);
    });

    test('StatefulSet, Rolling Update with Partition', async () => {
      await apply(statefulSet('part', 3, { podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }));
      const ready = autoReady(api, sns);
      try {
        await eventually('3 ready', async () => (await get(`/apis/apps/v1/namespaces/${sns}/statefulsets/part`)).status?.readyReplicas === 3);
        const before = await get(`/apis/apps/v1/namespaces/${sns}/statefulsets/part`);
        await cluster.kubectl(['set', 'image', 'statefulset/part', 'nginx=nginx:2', '-n', sns]);
        const image = async (n: number) => ((await get(`/api/v1/namespaces/${sns}/pods/part-${n}`)).spec as { containers: { image: string }[] }).containers[0].image;
        await eventually('part-2 updated', async () => (await image(2)) === 'nginx:2');
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(await image(0), 'nginx');
        assert.equal(await image(1), 'nginx');
        const mid = await get(`/apis/apps/v1/namespaces/${sns}/statefulsets/part`);
        assert.equal(mid.status?.currentRevision, before.status?.currentRevision);
        assert.notEqual(mid.status?.updateRevision, mid.status?.currentRevision);
        await cluster.kubectl(['patch', 'statefulset', 'part', '-n', sns, '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}']);
        await eventually('all updated', async () => (await image(0)) === 'nginx:2' && (await image(1)) === 'nginx:2');
        await eventually('current revision is the update revision', async () => {
          const s = await get(`/apis/apps/v1/namespaces/${sns}/statefulsets/part`);
          return s.status?.currentRevision === s.status?.updateRevision && s.status?.updatedReplicas === 3;
        });
        const out = await cluster.kubectl(['rollout', 'status', 'statefulset/part', '-n', sns, '--timeout=30s']);
        // kubectl says "partitioned" whenever a partition is set, even 0.
        assert.match(out, /partitioned roll out complete: 3 new pods have been updated/);
        const revisions = await cluster.kubectl(['get', 'controllerrevisions', '-n', sns, '-l', 'app=part', '-o', 'jsonpath={.items[*].revision}']);
        assert.deepEqual(revisions.split(' ').sort(), ['1', '2']);
      } finally {
        await ready.stop();
      }
    });

    test('StatefulSet adopts matching orphans and releases non-matching pods', async () => {
      await apply(statefulSet('adopt', 1));
      const set = await get(`/apis/apps/v1/namespaces/${sns}/statefulsets/adopt`);
      const ownerOf = async () => (await get(`/api/v1/namespaces/${sns}/pods/adopt-0`)).metadata.ownerReferences?.find((r) => r.kind === 'StatefulSet')?.uid;
      await eventually('adopt-0 owned', async () => (await ownerOf()) === set.metadata.uid);
      await cluster.kubectl(['patch', 'pod', 'adopt-0', '-n', sns, '--type=json', '-p', '[{"op":"remove","path":"/metadata/ownerReferences"}]']);
      await eventually('the orphan readopted', async () => (await ownerOf()) === set.metadata.uid);
      await cluster.kubectl(['label', 'pod', 'adopt-0', '-n', sns, 'app=released', '--overwrite']);
      await eventually('the pod released', async () => (await ownerOf()) === undefined);
      await cluster.kubectl(['label', 'pod', 'adopt-0', '-n', sns, 'app=adopt', '--overwrite']);
      await eventually('the pod readopted', async () => (await ownerOf()) === set.metadata.uid);
    });
  });

  describe('DaemonSet', () => {
    const dns = 'daemons';
    let ready: { stop(): Promise<void> };
    const node = (name: string, labels: Record<string, string> = {}, taints: unknown[] = []) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
      spec: { taints },
    });
    const daemonPods = async (app: string) => {
      const items = (await list(`/api/v1/namespaces/${dns}/pods?labelSelector=app%3D${app}`)).filter((p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp);
      return items.map((p) => {
        const terms = (p.spec as { affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchFields?: { values: string[] }[] }[] } } } }).affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
        return { name: p.metadata.name, node: terms?.[0]?.matchFields?.[0]?.values[0], image: (p.spec as { containers: { image: string }[] }).containers[0].image };
      });
    };
    const nodesOf = async (app: string) => (await daemonPods(app)).map((p) => p.node).sort();
    const daemonSet = (name: string, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: dns },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }], ...extra } } },
    });

    before(async () => {
      await cluster.kubectl(['create', 'namespace', dns]);
      for (const n of [node('ds-a'), node('ds-b', { disk: 'ssd' }), node('ds-c', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), node('ds-d', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }])]) {
        await api.request('POST', '/api/v1/nodes', n);
      }
      ready = autoReady(api, dns);
    });
    after(async () => ready.stop());

    test('DaemonSet-Creation', async () => {
      await apply(daemonSet('daemon-set'));
      // Not on the node with an untolerated taint; on the not-ready one thanks to the default tolerations.
      await eventually('a pod per eligible node', async () => JSON.stringify(await nodesOf('daemon-set')) === JSON.stringify(['ds-a', 'ds-b', 'ds-d']));
      const [first] = await daemonPods('daemon-set');
      const pod = await get(`/api/v1/namespaces/${dns}/pods/${first.name}`);
      const tolerations = (pod.spec as { tolerations: { key: string; effect: string }[] }).tolerations.map((t) => `${t.key}:${t.effect}`);
      assert.ok(tolerations.includes('node.kubernetes.io/unreachable:NoExecute'));
      assert.ok(tolerations.includes('node.kubernetes.io/unschedulable:NoSchedule'));
      assert.ok(pod.metadata.labels?.['controller-revision-hash']);
      assert.equal(pod.metadata.labels?.['pod-template-generation'], '1');
      await cluster.kubectl(['delete', 'pod', first.name, '-n', dns, '--wait=false']);
      await eventually('the pod revived', async () => (await daemonPods('daemon-set')).length === 3 && !(await daemonPods('daemon-set')).some((p) => p.name === first.name));
      // The replaced pod, still terminating on a node with no kubelet, counts until it is gone (as upstream):
      // the status settles once the new pod is Ready and the old one has left.
      await eventually('status', async () => {
        const st = (await get(`/apis/apps/v1/namespaces/${dns}/daemonsets/daemon-set`)).status as Record<string, number>;
        return st.desiredNumberScheduled === 3 && st.currentNumberScheduled === 3 && st.numberReady === 3 && st.numberAvailable === 3 && st.updatedNumberScheduled === 3;
      });
      await eventually('kubectl get ds shows 3 ready', async () => /daemon-set\s+3\s+3\s+3\s+3\s+3\s/.test(await cluster.kubectl(['get', 'ds', 'daemon-set', '-n', dns])));
    });

    test('DaemonSet-NodeSelection', async () => {
      await apply(daemonSet('selective', { nodeSelector: { disk: 'ssd' } }));
      await eventually('only on ds-b', async () => JSON.stringify(await nodesOf('selective')) === JSON.stringify(['ds-b']));
      await cluster.kubectl(['label', 'node', 'ds-a', 'disk=ssd']);
      await eventually('ds-a joins', async () => JSON.stringify(await nodesOf('selective')) === JSON.stringify(['ds-a', 'ds-b']));
      await cluster.kubectl(['label', 'node', 'ds-b', 'disk-']);
      await eventually('ds-b leaves', async () => JSON.stringify(await nodesOf('selective')) === JSON.stringify(['ds-a']));
      await api.request('POST', '/api/v1/nodes', node('ds-e', { disk: 'ssd' }));
      await eventually('a new node gets one', async () => JSON.stringify(await nodesOf('selective')) === JSON.stringify(['ds-a', 'ds-e']));
      await cluster.kubectl(['delete', 'node', 'ds-e']);
      await eventually('its pod goes with it', async () => JSON.stringify(await nodesOf('selective')) === JSON.stringify(['ds-a']));
    });

    test('DaemonSet-RollingUpdate', async () => {
      await eventually('daemon-set settled', async () => (await daemonPods('daemon-set')).length === 3);
      await cluster.kubectl(['set', 'image', 'daemonset/daemon-set', 'agent=agent:2', '-n', dns]);
      await eventually('every pod updated', async () => {
        const pods = await daemonPods('daemon-set');
        return pods.length === 3 && pods.every((p) => p.image === 'agent:2');
      });
      const out = await cluster.kubectl(['rollout', 'status', 'daemonset/daemon-set', '-n', dns, '--timeout=30s']);
      assert.match(out, /daemon set "daemon-set" successfully rolled out/);
      const history = await cluster.kubectl(['rollout', 'history', 'daemonset/daemon-set', '-n', dns]);
      assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    });

    test('DaemonSet-Rollback', async () => {
      await cluster.kubectl(['rollout', 'undo', 'daemonset/daemon-set', '-n', dns]);
      await eventually('back to agent:1', async () => {
        const pods = await daemonPods('daemon-set');
        return pods.length === 3 && pods.every((p) => p.image === 'agent:1');
      });
      const revisions = await cluster.kubectl(['get', 'controllerrevisions', '-n', dns, '-l', 'app=daemon-set', '-o', 'jsonpath={.items[*].revision}']);
      assert.deepEqual(revisions.split(' ').sort(), ['2', '3']);
    });

    test('DaemonSet readopts a pod whose owner reference was removed, rather than adding one', async () => {
      await apply(daemonSet('adopter'));
      await eventually('a pod per eligible node', async () => (await daemonPods('adopter')).length === 3);
      const ds = await get(`/apis/apps/v1/namespaces/${dns}/daemonsets/adopter`);
      const [first] = await daemonPods('adopter');
      await cluster.kubectl(['patch', 'pod', first.name, '-n', dns, '--type=json', '-p', '[{"op":"remove","path":"/metadata/ownerReferences"}]']);
      await eventually('the orphan readopted', async () => (await get(`/api/v1/namespaces/${dns}/pods/${first.name}`)).metadata.ownerReferences?.[0]?.uid === ds.metadata.uid);
      assert.deepEqual(await nodesOf('adopter'), ['ds-a', 'ds-b', 'ds-d']);
    });
  });

  describe('Deployment rollouts', () => {
    const dns = 'rollouts';
    let ready: { stop(): Promise<void> };
    // Pods of the image "broken" never become ready.
    const rsPath = `/apis/apps/v1/namespaces/${dns}/replicasets`;
    const rssOf = async (app: string) =>
      (await list(`${rsPath}?labelSelector=app%3D${app}`)).sort((a, b) => Number(a.metadata.annotations?.['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations?.['deployment.kubernetes.io/revision']));
    const sizes = async (app: string) => (await rssOf(app)).map((r) => r.spec?.replicas);
    const deploy = (name: string, replicas: number, spec: Record<string, unknown> = {}) =>
      apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: dns }, spec: { replicas, selector: { matchLabels: { app: name } }, template: podTemplate({ app: name }), ...spec } });
    const dget = (name: string) => get(`/apis/apps/v1/namespaces/${dns}/deployments/${name}`);
    const progressing = async (name: string) => ((await dget(name)).status?.conditions as { type: string; status: string; reason: string }[] | undefined)?.find((c) => c.type === 'Progressing');

    before(async () => {
      await cluster.kubectl(['create', 'namespace', dns]);
      ready = autoReady(api, dns, 300, (pod) => !JSON.stringify(pod.spec).includes('"broken"'));
    });
    after(async () => ready.stop());

    test('Deployment Proportional Scaling', async () => {
      await deploy('proportional', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
      await cluster.kubectl(['rollout', 'status', 'deployment/proportional', '-n', dns, '--timeout=60s']);
      await cluster.kubectl(['set', 'image', 'deployment/proportional', 'nginx=broken', '-n', dns]);
      // The rollout stalls: 8 old pods available, 5 new ones that never become ready.
      await eventually('a stalled rollout', async () => JSON.stringify(await sizes('proportional')) === '[8,5]');
      await cluster.kubectl(['scale', 'deployment/proportional', '--replicas=30', '-n', dns]);
      await eventually('proportional sizes', async () => JSON.stringify(await sizes('proportional')) === '[20,13]', 30_000, () => sizes('proportional'));
      const rss = await rssOf('proportional');
      assert.deepEqual(rss.map((r) => r.metadata.annotations?.['deployment.kubernetes.io/desired-replicas']), ['30', '30']);
      assert.deepEqual(rss.map((r) => r.metadata.annotations?.['deployment.kubernetes.io/max-replicas']), ['33', '33']);
    });

    test('Deployment Rollover', async () => {
      await deploy('rollover', 3, { minReadySeconds: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
      await cluster.kubectl(['rollout', 'status', 'deployment/rollover', '-n', dns, '--timeout=60s']);
      await cluster.kubectl(['set', 'image', 'deployment/rollover', 'nginx=broken', '-n', dns]);
      await eventually('the broken ReplicaSet', async () => (await rssOf('rollover')).length === 2);
      // Change again before the rollout finishes: the half-done ReplicaSet is abandoned.
      await cluster.kubectl(['set', 'image', 'deployment/rollover', 'nginx=nginx:3', '-n', dns]);
      await cluster.kubectl(['rollout', 'status', 'deployment/rollover', '-n', dns, '--timeout=60s']);
      await eventually('only the newest ReplicaSet has pods', async () => JSON.stringify(await sizes('rollover')) === '[0,0,3]', 30_000, () => sizes('rollover'));
      const d = await dget('rollover');
      assert.equal(d.status?.updatedReplicas, 3);
      assert.equal(d.status?.availableReplicas, 3);
    });

    test('Deployment pause, resume and restart', async () => {
      await deploy('pausable', 2);
      await cluster.kubectl(['rollout', 'status', 'deployment/pausable', '-n', dns, '--timeout=60s']);
      await cluster.kubectl(['rollout', 'pause', 'deployment/pausable', '-n', dns]);
      await eventually('Progressing DeploymentPaused', async () => (await progressing('pausable'))?.reason === 'DeploymentPaused');
      assert.equal((await progressing('pausable'))?.status, 'Unknown');
      await cluster.kubectl(['set', 'image', 'deployment/pausable', 'nginx=nginx:2', '-n', dns]);
      await cluster.kubectl(['scale', 'deployment/pausable', '--replicas=3', '-n', dns]);
      await eventually('scaled while paused', async () => JSON.stringify(await sizes('pausable')) === '[3]');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await rssOf('pausable')).length, 1, 'no rollout while paused');
      await cluster.kubectl(['rollout', 'resume', 'deployment/pausable', '-n', dns]);
      await cluster.kubectl(['rollout', 'status', 'deployment/pausable', '-n', dns, '--timeout=60s']);
      assert.deepEqual(await sizes('pausable'), [0, 3]);
      await cluster.kubectl(['rollout', 'restart', 'deployment/pausable', '-n', dns]);
      await cluster.kubectl(['rollout', 'status', 'deployment/pausable', '-n', dns, '--timeout=60s']);
      assert.deepEqual(await sizes('pausable'), [0, 0, 3]);
      const [, , restarted] = await rssOf('pausable');
      assert.ok((restarted.spec?.template as { metadata: { annotations: Record<string, string> } }).metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    });

    test('Deployment progress deadline', async () => {
      await deploy('deadline', 1, { progressDeadlineSeconds: 2, template: podTemplate({ app: 'deadline' }, 'broken') });
      await eventually('ProgressDeadlineExceeded', async () => (await progressing('deadline'))?.reason === 'ProgressDeadlineExceeded', 30_000);
      const cond = (await dget('deadline')).status?.conditions as { type: string; status: string; message: string }[];
      const p = cond.find((c) => c.type === 'Progressing')!;
      assert.equal(p.status, 'False');
      assert.match(p.message, /^ReplicaSet "deadline-[a-z0-9]+" has timed out progressing\.$/);
      const res = await cluster.kubectlResult(['rollout', 'status', 'deployment/deadline', '-n', dns, '--timeout=10s']);
      assert.notEqual(res.code, 0);
      assert.match(res.stderr, /deployment "deadline" exceeded its progress deadline/);
    });
  });
});
