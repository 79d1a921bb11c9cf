// API-level [sig-node] conformance behaviours (common/node) on hollow nodes,
// each test named after its testname in conformance.yaml.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, type ApiClient, type ApiResponse } from '../helpers/api.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';

interface ObjectJson {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: unknown;
}
interface ListJson {
  items: ObjectJson[];
}
interface PodJson extends ObjectJson {
  spec: { nodeName?: string; containers: { name: string; image: string }[]; ephemeralContainers?: { name: string }[] };
  status: {
    phase?: string;
    message?: string;
    reason?: string;
    conditions?: { type: string; status: string }[];
    ephemeralContainerStatuses?: { name: string; state: { running?: object } }[];
  };
}

const NS = 'default';
const PODS = `/api/v1/namespaces/${NS}/pods`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const STRATEGIC = { 'Content-Type': 'application/strategic-merge-patch+json' };

describe('node conformance (API level, hollow nodes)', () => {
  let cluster: TestCluster;
  let api: ApiClient;

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 2 });
    api = await apiClient(cluster.kubeconfig);
    await eventually('2 Ready nodes', async () => {
      const out = await cluster.kubectl(['get', 'nodes', '--no-headers']);
      const lines = out.trim().split('\n');
      return lines.length === 2 && lines.every((l) => l.split(/\s+/)[1] === 'Ready');
    }, 60_000);
  });
  after(async () => cluster.stop());

  /** The request's response, failing the test unless its status is `want`. */
  async function call(method: string, path: string, body?: unknown, headers?: Record<string, string>, want = [200, 201]): Promise<ApiResponse> {
    const res = await api.request(method, path, body, headers);
    assert.ok(want.includes(res.status), `${method} ${path}: ${res.status} ${res.text}`);
    return res;
  }
  const names = (list: unknown) => (list as ListJson).items.map((i) => i.metadata.name).sort();
  const pod = (name: string, labels: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] },
  });
  const getPod = async (name: string) => (await call('GET', `${PODS}/${name}`)).body as PodJson;
  const running = (name: string) =>
    eventually(`pod ${name} Running`, async () => (await getPod(name)).status.phase === 'Running', 60_000, async () => (await getPod(name)).status);

  test('Pods, update', async () => {
    await cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(pod('pod-update', { name: 'foo', time: 'one' })) });
    assert.deepEqual(names((await call('GET', `${PODS}?labelSelector=time%3Done`)).body), ['pod-update']);
    await cluster.kubectl(['label', 'pod', 'pod-update', 'time=two', '--overwrite']);
    assert.deepEqual(names((await call('GET', `${PODS}?labelSelector=time%3Dtwo`)).body), ['pod-update']);
    assert.deepEqual(names((await call('GET', `${PODS}?labelSelector=time%3Done`)).body), []);
  });

  test('Pods, delete a collection', async () => {
    for (const n of ['coll-1', 'coll-2', 'coll-3']) await call('POST', PODS, pod(n, { type: 'Testing' }));
    await call('POST', PODS, pod('coll-other', { type: 'Other' }));
    assert.deepEqual(names((await call('GET', `${PODS}?labelSelector=type%3DTesting`)).body), ['coll-1', 'coll-2', 'coll-3']);
    await call('DELETE', `${PODS}?labelSelector=type%3DTesting&gracePeriodSeconds=0`);
    await eventually('the collection gone', async () => names((await call('GET', `${PODS}?labelSelector=type%3DTesting`)).body).length === 0, 60_000);
    assert.deepEqual(names((await call('GET', `${PODS}?labelSelector=type%3DOther`)).body), ['coll-other']);
  });

  test('Pods, patching status', async () => {
    await call('POST', PODS, pod('pod-status-patch'));
    await running('pod-status-patch');
    const patch = { metadata: { annotations: { patchedstatus: 'true' } }, status: { message: 'Patched by e2e test', reason: 'E2E' } };
    const patched = (await call('PATCH', `${PODS}/pod-status-patch/status`, patch, STRATEGIC)).body as PodJson;
    assert.equal(patched.status.message, 'Patched by e2e test');
    assert.equal(patched.status.reason, 'E2E');
    assert.equal(patched.metadata.annotations?.patchedstatus, 'true');
  });

  test('Pods, completes the lifecycle of a Pod and the PodStatus', async () => {
    await call('POST', PODS, pod('pod-lifecycle', { 'test-pod-static': 'true' }));
    await running('pod-lifecycle');
    const patched = (await call('PATCH', `${PODS}/pod-lifecycle`, { metadata: { labels: { 'test-pod': 'patched' } } }, MERGE)).body as PodJson;
    assert.equal(patched.metadata.labels?.['test-pod'], 'patched');
    assert.deepEqual(names((await call('GET', `${PODS}?labelSelector=test-pod-static%3Dtrue`)).body), ['pod-lifecycle']);
    const current = (await call('GET', `${PODS}/pod-lifecycle/status`)).body as PodJson;
    const conditions = (current.status.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
    assert.ok(conditions.some((c) => c.type === 'Ready'), 'the running pod has a Ready condition');
    const replaced = (await call('PUT', `${PODS}/pod-lifecycle/status`, { ...current, status: { ...current.status, conditions } })).body as PodJson;
    assert.equal(replaced.status.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
    await call('DELETE', `${PODS}/pod-lifecycle`);
    await eventually('pod-lifecycle gone', async () => (await api.request('GET', `${PODS}/pod-lifecycle`)).status === 404, 60_000);
  });

  const TEMPLATES = `/api/v1/namespaces/${NS}/podtemplates`;
  const template = (name: string, labels: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'PodTemplate',
    metadata: { name, labels },
    template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
  });

  test('PodTemplate lifecycle', async () => {
    await call('POST', TEMPLATES, template('nginx-pod-template', { podtemplate: 'static' }));
    await call('PATCH', `${TEMPLATES}/nginx-pod-template`, { metadata: { labels: { podtemplate: 'patched' }, annotations: { updated: 'true' } } }, STRATEGIC);
    const fetched = (await call('GET', `${TEMPLATES}/nginx-pod-template`)).body as ObjectJson;
    assert.equal(fetched.metadata.labels?.podtemplate, 'patched');
    assert.equal(fetched.metadata.annotations?.updated, 'true');
    assert.deepEqual(names((await call('GET', `${TEMPLATES}?labelSelector=podtemplate%3Dpatched`)).body), ['nginx-pod-template']);
    await call('DELETE', `${TEMPLATES}/nginx-pod-template`);
    assert.equal((await api.request('GET', `${TEMPLATES}/nginx-pod-template`)).status, 404);
  });

  test('PodTemplate, delete a collection', async () => {
    for (const n of ['tpl-1', 'tpl-2', 'tpl-3']) await call('POST', TEMPLATES, template(n, { podtemplate: 'set' }));
    assert.deepEqual(names((await call('GET', `${TEMPLATES}?labelSelector=podtemplate%3Dset`)).body), ['tpl-1', 'tpl-2', 'tpl-3']);
    await call('DELETE', `${TEMPLATES}?labelSelector=podtemplate%3Dset`);
    assert.deepEqual(names((await call('GET', `${TEMPLATES}?labelSelector=podtemplate%3Dset`)).body), []);
  });

  test('PodTemplate, replace', async () => {
    const created = (await call('POST', TEMPLATES, template('tpl-replace'))).body as ObjectJson;
    const replaced = (await call('PUT', `${TEMPLATES}/tpl-replace`, { ...created, metadata: { ...created.metadata, annotations: { updated: 'true' } } })).body as ObjectJson;
    assert.equal(replaced.metadata.annotations?.updated, 'true');
    const fetched = (await call('GET', `${TEMPLATES}/tpl-replace`)).body as ObjectJson;
    assert.equal(fetched.metadata.annotations?.updated, 'true');
  });

  test('lease API should be available', async () => {
    const LEASES = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;
    const spec = { holderIdentity: 'holder', leaseDurationSeconds: 30, acquireTime: '2026-01-01T00:00:00.000000Z', renewTime: '2026-01-01T00:00:00.000000Z', leaseTransitions: 0 };
    const lease = (name: string, labels: Record<string, string> = {}, s: object = spec) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, labels }, spec: s });
    type LeaseJson = ObjectJson & { spec: typeof spec };
    await call('POST', LEASES, lease('e2e-lease'));
    const read = (await call('GET', `${LEASES}/e2e-lease`)).body as LeaseJson;
    assert.deepEqual(read.spec, spec);
    const updatedSpec = { ...spec, holderIdentity: 'holder2', leaseTransitions: 1 };
    await call('PUT', `${LEASES}/e2e-lease`, { ...read, spec: updatedSpec });
    assert.deepEqual(((await call('GET', `${LEASES}/e2e-lease`)).body as LeaseJson).spec, updatedSpec);
    const patchedSpec = { ...updatedSpec, holderIdentity: 'holder3', leaseTransitions: 2, renewTime: '2026-01-02T00:00:00.000000Z' };
    await call('PATCH', `${LEASES}/e2e-lease`, { spec: { holderIdentity: 'holder3', leaseTransitions: 2, renewTime: patchedSpec.renewTime } }, STRATEGIC);
    assert.deepEqual(((await call('GET', `${LEASES}/e2e-lease`)).body as LeaseJson).spec, patchedSpec);
    await call('POST', LEASES, lease('e2e-lease-labels', { 'test-lease': 'true' }));
    assert.deepEqual(names((await call('GET', LEASES)).body), ['e2e-lease', 'e2e-lease-labels']);
    await call('DELETE', `${LEASES}?labelSelector=test-lease%3Dtrue`);
    assert.deepEqual(names((await call('GET', LEASES)).body), ['e2e-lease']);
    await call('DELETE', `${LEASES}/e2e-lease`);
    const gone = await api.request('GET', `${LEASES}/e2e-lease`);
    assert.equal(gone.status, 404);
    assert.equal((gone.body as { reason: string }).reason, 'NotFound');
  });

  test('Secret patching', async () => {
    const SECRETS = '/api/v1/namespaces/secret-patch/secrets';
    await cluster.kubectl(['create', 'namespace', 'secret-patch']);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    await call('POST', SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'e2e-secret', labels: { testsecret: 'true' } }, data: { key: b64('value') }, type: 'Opaque' });
    // The namespace holds no other secrets (no service-account token secrets upstream either).
    assert.deepEqual(names((await call('GET', `/api/v1/secrets?labelSelector=testsecret%3Dtrue`)).body), ['e2e-secret']);
    await call('PATCH', `${SECRETS}/e2e-secret`, { metadata: { labels: { testsecret: 'true' } }, data: { key: b64('value1') } }, STRATEGIC);
    const fetched = (await call('GET', `${SECRETS}/e2e-secret`)).body as ObjectJson & { data: Record<string, string> };
    assert.equal(Buffer.from(fetched.data.key, 'base64').toString(), 'value1');
    await call('DELETE', `${SECRETS}?labelSelector=testsecret%3Dtrue`);
    assert.deepEqual(names((await call('GET', `/api/v1/secrets?labelSelector=testsecret%3Dtrue`)).body), []);
  });

  const debugger_ = (name: string) => ({ name, image: 'busybox', command: ['sleep', '3600'], stdin: true, tty: true });
  const ephemeralRunning = (pod: string, name: string) =>
    eventually(`ephemeral container ${name} running`, async () => (await getPod(pod)).status.ephemeralContainerStatuses?.find((c) => c.name === name && c.state.running), 60_000, async () => (await getPod(pod)).status);

  test('Ephemeral Container Creation', async () => {
    await call('POST', PODS, pod('ephemeral-create'));
    await running('ephemeral-create');
    await call('PATCH', `${PODS}/ephemeral-create/ephemeralcontainers`, { spec: { ephemeralContainers: [debugger_('debugger')] } }, STRATEGIC);
    await ephemeralRunning('ephemeral-create', 'debugger');
  });

  test('Ephemeral Container, update ephemeral containers', async () => {
    await call('POST', PODS, pod('ephemeral-update'));
    await running('ephemeral-update');
    await call('PATCH', `${PODS}/ephemeral-update/ephemeralcontainers`, { spec: { ephemeralContainers: [debugger_('debugger-1')] } }, STRATEGIC);
    await ephemeralRunning('ephemeral-update', 'debugger-1');
    assert.deepEqual((await getPod('ephemeral-update')).spec.ephemeralContainers?.map((c) => c.name), ['debugger-1']);
    const current = (await call('GET', `${PODS}/ephemeral-update/ephemeralcontainers`)).body as PodJson;
    const spec = { ...current.spec, ephemeralContainers: [...(current.spec.ephemeralContainers ?? []), debugger_('debugger-2')] };
    await call('PUT', `${PODS}/ephemeral-update/ephemeralcontainers`, { ...current, spec });
    assert.deepEqual((await getPod('ephemeral-update')).spec.ephemeralContainers?.map((c) => c.name), ['debugger-1', 'debugger-2']);
    await ephemeralRunning('ephemeral-update', 'debugger-2');
  });

  test('Sysctls, reject invalid sysctls', async () => {
    const sysctls = [
      { name: 'foo-', value: 'bar' },
      { name: 'kernel.shmmax', value: '100000000' },
      { name: 'safe-and-unsafe', value: '100000000' },
      { name: 'bar..', value: '42' },
    ];
    const bad = { ...pod('sysctls-invalid'), spec: { ...pod('sysctls-invalid').spec, securityContext: { sysctls } } };
    const res = await api.request('POST', PODS, bad);
    assert.equal(res.status, 422, res.text);
    const status = res.body as { reason: string; message: string };
    assert.equal(status.reason, 'Invalid');
    assert.match(status.message, /Invalid value: "foo-"/);
    assert.match(status.message, /Invalid value: "bar\.\."/);
    assert.doesNotMatch(status.message, /safe-and-unsafe/);
    assert.doesNotMatch(status.message, /kernel\.shmmax/);
  });

  const RUNTIME_CLASSES = '/apis/node.k8s.io/v1/runtimeclasses';
  const runtimeClass = (name: string, extra: object = {}) => ({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name }, handler: 'runc', ...extra });
  const podWithClass = (name: string, className: string) => {
    const p = pod(name);
    return { ...p, spec: { ...p.spec, runtimeClassName: className } };
  };
  const scheduled = (name: string) => eventually(`pod ${name} scheduled`, async () => (await getPod(name)).spec.nodeName, 60_000, async () => (await getPod(name)).status);

  test('RuntimeClass API', async () => {
    const groups = (await call('GET', '/apis')).body as { groups: { name: string; versions: { groupVersion: string }[] }[] };
    assert.deepEqual(groups.groups.find((g) => g.name === 'node.k8s.io')?.versions.map((v) => v.groupVersion), ['node.k8s.io/v1']);
    const group = (await call('GET', '/apis/node.k8s.io')).body as { versions: { groupVersion: string }[] };
    assert.deepEqual(group.versions.map((v) => v.groupVersion), ['node.k8s.io/v1']);
    const resources = (await call('GET', '/apis/node.k8s.io/v1')).body as { resources: { name: string; verbs: string[] }[] };
    const rc = resources.resources.find((r) => r.name === 'runtimeclasses');
    assert.deepEqual(rc?.verbs.slice().sort(), ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);

    const watch = api.watch(`${RUNTIME_CLASSES}?watch=true&labelSelector=test%3Drc-api`);
    try {
      for (const n of ['rc-api-1', 'rc-api-2', 'rc-api-3']) await call('POST', RUNTIME_CLASSES, { ...runtimeClass(n), metadata: { name: n, labels: { test: 'rc-api' } } });
      const first = (await call('GET', `${RUNTIME_CLASSES}/rc-api-1`)).body as ObjectJson & { handler: string };
      assert.equal(first.handler, 'runc');
      assert.deepEqual(names((await call('GET', `${RUNTIME_CLASSES}?labelSelector=test%3Drc-api`)).body), ['rc-api-1', 'rc-api-2', 'rc-api-3']);
      const seen = new Set<string>();
      await eventually('three ADDED events', async () => {
        const e = await watch.next(1000);
        if (e?.type === 'ADDED' && e.object.metadata?.name) seen.add(e.object.metadata.name);
        return seen.size === 3;
      }, 30_000);
      const patched = (await call('PATCH', `${RUNTIME_CLASSES}/rc-api-1`, { metadata: { annotations: { patched: 'true' } } }, MERGE)).body as ObjectJson;
      assert.equal(patched.metadata.annotations?.patched, 'true');
      const updated = (await call('PUT', `${RUNTIME_CLASSES}/rc-api-1`, { ...patched, metadata: { ...patched.metadata, annotations: { updated: 'true' } } })).body as ObjectJson;
      assert.equal(updated.metadata.annotations?.updated, 'true');
      const changedHandler = await api.request('PUT', `${RUNTIME_CLASSES}/rc-api-1`, { ...updated, handler: 'other' });
      assert.equal(changedHandler.status, 422, changedHandler.text);
      assert.match((changedHandler.body as { message: string }).message, /handler: Invalid value: "other": field is immutable/);
      await eventually('MODIFIED events for the patch and the update', async () => {
        const e = await watch.next(1000);
        return e?.type === 'MODIFIED' && e.object.metadata?.name === 'rc-api-1' && (e.object.metadata as { annotations?: Record<string, string> }).annotations?.updated === 'true';
      }, 30_000);
      assert.match(await cluster.kubectl(['get', 'runtimeclass', 'rc-api-2']), /^NAME\s+HANDLER\s+AGE\nrc-api-2\s+runc\s+\S+\n$/);
      await call('DELETE', `${RUNTIME_CLASSES}/rc-api-1`);
      assert.equal((await api.request('GET', `${RUNTIME_CLASSES}/rc-api-1`)).status, 404);
      await call('DELETE', `${RUNTIME_CLASSES}?labelSelector=test%3Drc-api`);
      assert.deepEqual(names((await call('GET', `${RUNTIME_CLASSES}?labelSelector=test%3Drc-api`)).body), []);
    } finally {
      watch.close();
    }
  });

  test('Pod with the non-existing RuntimeClass is rejected.', async () => {
    const res = await api.request('POST', PODS, podWithClass('rc-missing', 'no-such-class'));
    assert.equal(res.status, 403, res.text);
    assert.equal((res.body as { reason: string }).reason, 'Forbidden');
    assert.match((res.body as { message: string }).message, /pod rejected: RuntimeClass "no-such-class" not found/);
  });

  test('Pod with the deleted RuntimeClass is rejected.', async () => {
    await call('POST', RUNTIME_CLASSES, runtimeClass('rc-deleted'));
    await call('DELETE', `${RUNTIME_CLASSES}/rc-deleted`);
    await eventually('rc-deleted gone', async () => (await api.request('GET', `${RUNTIME_CLASSES}/rc-deleted`)).status === 404);
    const res = await api.request('POST', PODS, podWithClass('rc-deleted-pod', 'rc-deleted'));
    assert.equal(res.status, 403, res.text);
    assert.match((res.body as { message: string }).message, /RuntimeClass "rc-deleted" not found/);
  });

  test('RuntimeClass Overhead field must be respected.', async () => {
    const podFixed = { cpu: '10m', memory: '1Mi' };
    await call('POST', RUNTIME_CLASSES, runtimeClass('rc-overhead', { overhead: { podFixed } }));
    const created = (await call('POST', PODS, podWithClass('rc-overhead-pod', 'rc-overhead'))).body as PodJson & { spec: { overhead?: object } };
    assert.deepEqual(created.spec.overhead, podFixed);
    await scheduled('rc-overhead-pod');
  });

  test('Can schedule a pod requesting existing RuntimeClass.', async () => {
    await call('POST', RUNTIME_CLASSES, runtimeClass('rc-plain'));
    const created = (await call('POST', PODS, podWithClass('rc-plain-pod', 'rc-plain'))).body as PodJson & { spec: { overhead?: object } };
    assert.equal(created.spec.overhead, undefined);
    await scheduled('rc-plain-pod');
  });
});
