// Namespaces end to end: deletion by the namespace controller (content, pods in
// their grace period, finalizers, status conditions), the namespace
// conformance behaviours, and what every namespace gets: the `default`
// ServiceAccount, the kube-root-ca.crt ConfigMap, and the API token volume the
// ServiceAccount admission plugin adds to pods.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ApiClient } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from './apps-readiness.js';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface Obj {
  metadata: { name: string; uid: string; namespace?: string; deletionTimestamp?: string; finalizers?: string[]; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string };
  spec?: Record<string, unknown>;
  status?: { phase?: string; conditions?: Condition[] };
  data?: Record<string, string>;
  automountServiceAccountToken?: boolean;
}
interface PodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  volumes?: { name: string; projected?: unknown }[];
  containers: { name: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
  initContainers?: { name: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
}

const mountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('namespaces', () => {
  let cluster: TestCluster;
  let api: ApiClient;

  before(async () => ({ cluster, api } = await startApiCluster({ simulatedNodes: 1 })));
  after(async () => cluster.stop());

  const get = (path: string) => api.getIfExists<Obj>(path);
  const create = (path: string, obj: unknown) => api.create<Obj>(path, obj);
  const merge = (path: string, patch: unknown) => api.request('PATCH', path, patch, { 'Content-Type': 'application/merge-patch+json' });
  const createNamespace = async (name: string) => {
    await cluster.kubectl(['create', 'namespace', name]);
    // Pods need the namespace's `default` ServiceAccount, which its controller creates.
    await eventually(`${name}/default ServiceAccount`, async () => get(`/api/v1/namespaces/${name}/serviceaccounts/default`));
  };
  const sleeper = (name: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }], ...extra },
  });

  test('namespace-deletion-removes-pods', async () => {
    await createNamespace('nsdeletetest');
    await create('/api/v1/namespaces/nsdeletetest/pods', sleeper('test-pod'));
    await eventually('the pod running', async () => (await get('/api/v1/namespaces/nsdeletetest/pods/test-pod'))?.status?.phase === 'Running');
    // kubectl waits until the namespace is gone.
    assert.match(await cluster.kubectl(['delete', 'namespace', 'nsdeletetest', '--timeout=60s']), /namespace "nsdeletetest" deleted/);
    assert.equal(await get('/api/v1/namespaces/nsdeletetest'), undefined);
    await createNamespace('nsdeletetest');
    assert.equal(await get('/api/v1/namespaces/nsdeletetest/pods/test-pod'), undefined, 'the pod went with the namespace');
  });

  test('namespace-deletion-removes-services', async () => {
    await createNamespace('nsdeletesvc');
    await create('/api/v1/namespaces/nsdeletesvc/services', { metadata: { name: 'test-service' }, spec: { selector: { foo: 'bar' }, ports: [{ port: 80, targetPort: 80 }] } });
    assert.match(await cluster.kubectl(['delete', 'namespace', 'nsdeletesvc', '--timeout=60s']), /namespace "nsdeletesvc" deleted/);
    await createNamespace('nsdeletesvc');
    assert.equal(await get('/api/v1/namespaces/nsdeletesvc/services/test-service'), undefined);
  });

  test('deleting a namespace removes a Deployment with its ReplicaSet and running pods', async () => {
    await createNamespace('ns-workload');
    await cluster.kubectl(['create', 'deployment', 'web', '--image=busybox', '--replicas=3', '-n', 'ns-workload', '--', 'sleep', '3600']);
    await eventually('3 running pods', async () => {
      const pods = ((await api.request('GET', '/api/v1/namespaces/ns-workload/pods')).body as { items: Obj[] }).items;
      return pods.filter((p) => p.status?.phase === 'Running').length === 3;
    });
    assert.match(await cluster.kubectl(['delete', 'namespace', 'ns-workload', '--timeout=60s']), /namespace "ns-workload" deleted/);
    const left = await cluster.kubectlResult(['get', 'all', '-n', 'ns-workload', '-o', 'name']);
    assert.equal(left.stdout, '');
  });

  test('a Terminating namespace reports what remains in its conditions until its content is gone', async () => {
    await createNamespace('held');
    await create('/api/v1/namespaces/held/configmaps', { metadata: { name: 'held-cm', finalizers: ['example.com/hold'] } });
    await api.request('DELETE', '/api/v1/namespaces/held');
    const ns = await eventually('conditions naming the held content', async () => {
      const n = await get('/api/v1/namespaces/held');
      return n?.status?.conditions?.find((c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True') ? n : undefined;
    });
    assert.equal(ns.status?.phase, 'Terminating');
    const byType = Object.fromEntries((ns.status?.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason} ${c.message}`]));
    assert.deepEqual(byType, {
      NamespaceDeletionDiscoveryFailure: 'False ResourcesDiscovered All resources successfully discovered',
      NamespaceDeletionGroupVersionParsingFailure: 'False ParsedGroupVersions All legacy kube types successfully parsed',
      NamespaceDeletionContentFailure: 'False ContentDeleted All content successfully deleted, may be waiting on finalization',
      NamespaceContentRemaining: 'True SomeResourcesRemain Some resources are remaining: configmaps. has 1 resource instances',
      NamespaceFinalizersRemaining: 'True SomeFinalizersRemain Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    });
    const described = await cluster.kubectl(['describe', 'namespace', 'held']);
    assert.match(described, /Status:\s+Terminating/);
    assert.match(described, /NamespaceContentRemaining\s+True\s+.*SomeResourcesRemain\s+Some resources are remaining: configmaps\. has 1 resource instances/);
    const refused = await api.request('POST', '/api/v1/namespaces/held/configmaps', { metadata: { name: 'late' } });
    assert.equal(refused.status, 403);
    assert.equal((refused.body as { message: string }).message, 'configmaps "late" is forbidden: unable to create new content in namespace held because it is being terminated');
    await merge('/api/v1/namespaces/held/configmaps/held-cm', { metadata: { finalizers: null } });
    await eventually('the namespace gone', async () => (await get('/api/v1/namespaces/held')) === undefined);
  });

  test('a namespace waits for its terminating pods', async () => {
    await createNamespace('graceful');
    await create('/api/v1/namespaces/graceful/pods', sleeper('slow-stop', { terminationGracePeriodSeconds: 5 }));
    await eventually('the pod running', async () => (await get('/api/v1/namespaces/graceful/pods/slow-stop'))?.status?.phase === 'Running');
    // A finalizer keeps the deleted pod visible: the namespace must wait for it.
    await merge('/api/v1/namespaces/graceful/pods/slow-stop', { metadata: { finalizers: ['example.com/hold'] } });
    await api.request('DELETE', '/api/v1/namespaces/graceful');
    await eventually('the pod terminating', async () => (await get('/api/v1/namespaces/graceful/pods/slow-stop'))?.metadata.deletionTimestamp);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await get('/api/v1/namespaces/graceful'))?.status?.phase, 'Terminating');
    await merge('/api/v1/namespaces/graceful/pods/slow-stop', { metadata: { finalizers: null } });
    await eventually('the namespace gone', async () => (await get('/api/v1/namespaces/graceful')) === undefined, 30_000);
  });

  test('Namespace, apply finalizer to a namespace', async () => {
    await createNamespace('e2e-ns-finalizer');
    const ns = (await get('/api/v1/namespaces/e2e-ns-finalizer'))!;
    const fake = 'e2e.example.com/fakeFinalizer';
    const finalize = (finalizers: string[]) => api.request('PUT', '/api/v1/namespaces/e2e-ns-finalizer/finalize', { ...ns, spec: { finalizers } });
    const added = await finalize(['kubernetes', fake]);
    assert.equal(added.status, 200, added.text);
    assert.deepEqual(((await get('/api/v1/namespaces/e2e-ns-finalizer'))!.spec as { finalizers: string[] }).finalizers, ['kubernetes', fake]);
    // Deleted, the namespace is emptied but stays until the fake finalizer goes too.
    await api.request('DELETE', '/api/v1/namespaces/e2e-ns-finalizer');
    await eventually('only the fake finalizer left', async () => {
      const n = await get('/api/v1/namespaces/e2e-ns-finalizer');
      return JSON.stringify((n?.spec as { finalizers?: string[] })?.finalizers) === JSON.stringify([fake]);
    });
    const current = (await get('/api/v1/namespaces/e2e-ns-finalizer'))!;
    const removed = await api.request('PUT', '/api/v1/namespaces/e2e-ns-finalizer/finalize', { ...current, spec: { finalizers: [] } });
    assert.equal(removed.status, 200, removed.text);
    await eventually('the namespace gone', async () => (await get('/api/v1/namespaces/e2e-ns-finalizer')) === undefined);
  });

  test('Namespace, apply update to a namespace', async () => {
    await createNamespace('e2e-ns-update');
    const ns = (await get('/api/v1/namespaces/e2e-ns-update'))!;
    const res = await api.request('PUT', '/api/v1/namespaces/e2e-ns-update', { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, 'e2e-ns-update': 'updated' } } });
    assert.equal(res.status, 200, res.text);
    assert.equal((await get('/api/v1/namespaces/e2e-ns-update'))!.metadata.labels?.['e2e-ns-update'], 'updated');
  });

  test('every namespace gets a default ServiceAccount, recreated when deleted', async () => {
    await createNamespace('sa-default');
    const first = (await get('/api/v1/namespaces/sa-default/serviceaccounts/default'))!;
    assert.match(await cluster.kubectl(['get', 'serviceaccounts', '-n', 'sa-default']), /^NAME\s+SECRETS\s+AGE\ndefault\s+0\s+/);
    await cluster.kubectl(['delete', 'serviceaccount', 'default', '-n', 'sa-default']);
    const again = await eventually('default recreated', async () => {
      const sa = await get('/api/v1/namespaces/sa-default/serviceaccounts/default');
      return sa && sa.metadata.uid !== first.metadata.uid ? sa : undefined;
    });
    assert.ok(again.metadata.uid);
    for (const bootstrap of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await eventually(`${bootstrap}/default`, async () => get(`/api/v1/namespaces/${bootstrap}/serviceaccounts/default`));
    }
  });

  test('RootCA ConfigMap test', async () => {
    await createNamespace('root-ca');
    const ca = readFileSync(join(cluster.dataDir, 'tls', 'ca.crt'), 'utf8');
    const path = '/api/v1/namespaces/root-ca/configmaps/kube-root-ca.crt';
    const cm = await eventually('kube-root-ca.crt created', async () => get(path));
    assert.equal(cm.data?.['ca.crt'], ca);
    assert.match(cm.metadata.annotations?.['kubernetes.io/description'] ?? '', /^Contains a CA bundle that can be used to verify the kube-apiserver/);
    await api.request('DELETE', path);
    await eventually('recreated when deleted', async () => (await get(path))?.data?.['ca.crt'] === ca);
    await merge(path, { data: { 'ca.crt': 'tampered' } });
    await eventually('reconciled when modified', async () => (await get(path))?.data?.['ca.crt'] === ca);
  });

  test('pods run as the default ServiceAccount and mount the API token volume in every container', async () => {
    await cluster.kubectl(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'token-mounts', namespace: 'default' },
        spec: {
          initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }],
          containers: [
            { name: 'token-test', image: 'busybox', command: ['sleep', '3600'] },
            { name: 'own-mount', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'mine', mountPath }] },
          ],
          volumes: [{ name: 'mine', emptyDir: {} }],
        },
      }),
    });
    const pod = JSON.parse(await cluster.kubectl(['get', 'pod', 'token-mounts', '-o', 'json'])) as { spec: PodSpec };
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.equal(pod.spec.serviceAccount, 'default');
    const volume = pod.spec.volumes!.find((v) => v.name.startsWith('kube-api-access-'))!;
    assert.match(volume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volume.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    const mount = { name: volume.name, readOnly: true, mountPath };
    assert.deepEqual(pod.spec.initContainers![0].volumeMounts, [mount]);
    assert.deepEqual(pod.spec.containers[0].volumeMounts, [mount]);
    assert.deepEqual(pod.spec.containers[1].volumeMounts, [{ name: 'mine', mountPath }], 'a container with its own mount there keeps it');
    assert.match(await cluster.kubectl(['describe', 'pod', 'token-mounts']), new RegExp(`${mountPath} from ${volume.name} \\(ro\\)`));
  });

  test("the seed's custom ServiceAccount: kubectl create serviceaccount, and a pod naming it with the deprecated serviceAccount field", async () => {
    await createNamespace('seed-sa');
    assert.match(await cluster.kubectl(['create', 'serviceaccount', 'testacnt', '-n', 'seed-sa']), /serviceaccount\/testacnt created/);
    const listed = await cluster.kubectl(['get', 'serviceaccount', '-n', 'seed-sa']);
    assert.match(listed, /^NAME\s+SECRETS\s+AGE\ndefault\s+0\s+\S+\ntestacnt\s+0\s+\S+\n$/);
    await cluster.kubectl(['apply', '-n', 'seed-sa', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-pod' }, spec: { containers: [{ name: 'ubuntu', image: 'ubuntu' }], serviceAccount: 'testacnt' } }),
    });
    const spec = JSON.parse(await cluster.kubectl(['get', 'pod', 'web-pod', '-n', 'seed-sa', '-o', 'jsonpath={.spec}'])) as PodSpec;
    assert.equal(spec.serviceAccountName, 'testacnt');
    assert.equal(spec.serviceAccount, 'testacnt');
    assert.ok(spec.containers[0].volumeMounts?.some((m) => m.mountPath === mountPath));
  });

  test('a pod naming a missing ServiceAccount is refused', async () => {
    const res = await cluster.kubectlResult(['create', '-f', '-'], { stdin: JSON.stringify(sleeper('no-such-sa', { serviceAccountName: 'nope' })) });
    assert.notEqual(res.code, 0);
    assert.equal(res.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "no-such-sa" is forbidden: error looking up service account default/nope: serviceaccount "nope" not found');
    // Upstream admits before a generateName is resolved, so the message names the prefix.
    const generated = await api.request('POST', '/api/v1/namespaces/default/pods', { ...sleeper('', { serviceAccountName: 'nope' }), metadata: { generateName: 'gen-' } });
    assert.equal(generated.status, 403);
    assert.equal((generated.body as { message: string }).message, 'pods "gen-" is forbidden: error looking up service account default/nope: serviceaccount "nope" not found');
  });

  test('Service account tokens auto mount optionally', async () => {
    await create('/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'mount' }, automountServiceAccountToken: true });
    await create('/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'nomount' }, automountServiceAccountToken: false });
    const cases: [string, boolean | undefined, boolean][] = [
      ['default', undefined, true],
      ['mount', undefined, true],
      ['nomount', undefined, false],
      ['default', true, true],
      ['mount', true, true],
      ['nomount', true, true],
      ['default', false, false],
      ['mount', false, false],
      ['nomount', false, false],
    ];
    for (const [i, [sa, podValue, mounted]] of cases.entries()) {
      const spec = { serviceAccountName: sa, ...(podValue === undefined ? {} : { automountServiceAccountToken: podValue }) };
      const pod = await create('/api/v1/namespaces/default/pods', sleeper(`automount-${i}`, spec));
      const mounts = ((pod.spec as unknown as PodSpec).containers[0].volumeMounts ?? []).filter((m) => m.mountPath === mountPath);
      assert.equal(mounts.length === 1, mounted, `serviceAccount ${sa}, pod automount ${String(podValue)}`);
    }
  });

  test('ServiceAccount lifecycle test', async () => {
    const watch = api.watch('/api/v1/namespaces/default/serviceaccounts?labelSelector=test-serviceaccount-static%3Dtrue&watch=true');
    try {
      await create('/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'test-serviceaccount', labels: { 'test-serviceaccount-static': 'true' } } });
      const added = await watch.next(10_000);
      assert.equal(added?.type, 'ADDED');
      assert.equal(added?.object.metadata?.labels?.['test-serviceaccount-static'], 'true');
      const patched = await merge('/api/v1/namespaces/default/serviceaccounts/test-serviceaccount', { automountServiceAccountToken: false });
      assert.equal((patched.body as Obj).automountServiceAccountToken, false);
      const listed = (await api.request('GET', '/api/v1/namespaces/default/serviceaccounts?labelSelector=test-serviceaccount-static%3Dtrue')).body as { items: Obj[] };
      assert.deepEqual(listed.items.map((sa) => [sa.metadata.name, sa.automountServiceAccountToken]), [['test-serviceaccount', false]]);
      await api.request('DELETE', '/api/v1/namespaces/default/serviceaccounts/test-serviceaccount');
      for (let e = await watch.next(10_000); ; e = await watch.next(10_000)) {
        assert.ok(e, 'a DELETED event');
        if (e.type === 'DELETED') break;
      }
    } finally {
      watch.close();
    }
  });

  test('ServiceAccount, update a ServiceAccount', async () => {
    const sa = await create('/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'e2e-sa-update' } });
    const res = await api.request('PUT', '/api/v1/namespaces/default/serviceaccounts/e2e-sa-update', { ...sa, automountServiceAccountToken: true });
    assert.equal(res.status, 200, res.text);
    assert.equal((await get('/api/v1/namespaces/default/serviceaccounts/e2e-sa-update'))!.automountServiceAccountToken, true);
  });
});
