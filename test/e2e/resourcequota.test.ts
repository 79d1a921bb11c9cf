// ResourceQuota: the controller's status.used and the admission that refuses what does not
// fit, as the conformance behaviours (test/e2e/apimachinery/resource_quota.go) check them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';

type ResourceList = Record<string, string>;
type Quota = { metadata: { name: string; labels?: Record<string, string> }; spec: { hard: ResourceList }; status?: { hard?: ResourceList; used?: ResourceList } };
type StatusBody = { code: number; reason: string; message: string };

const mergePatch = { 'Content-Type': 'application/merge-patch+json' };

describe('ResourceQuota', () => {
  let cluster: TestCluster;
  let api: ApiClient;

  before(async () => ({ cluster, api } = await startApiCluster()));
  after(async () => cluster.stop());

  async function namespace(name: string): Promise<string> {
    assert.equal((await api.request('POST', '/api/v1/namespaces', { metadata: { name } })).status, 201);
    return `/api/v1/namespaces/${name}`;
  }

  /** The number of configmaps in a namespace once the root CA publisher has put kube-root-ca.crt there. */
  async function configMapsOnceRootCAExists(ns: string): Promise<number> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const items = ((await api.request('GET', `${ns}/configmaps`)).body as { items: { metadata: { name: string } }[] }).items;
      if (items.some((cm) => cm.metadata.name === 'kube-root-ca.crt')) return items.length;
      if (Date.now() > deadline) assert.fail('kube-root-ca.crt never appeared');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const quotaBody = (name: string, hard: ResourceList, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name },
    spec: { hard, ...extra },
  });

  /** Waits until the quota's status.used has these values (and hard equals spec.hard). */
  async function waitForUsed(ns: string, name: string, expected: ResourceList): Promise<Quota> {
    const deadline = Date.now() + 20_000;
    let quota: Quota | undefined;
    for (;;) {
      quota = (await api.request('GET', `${ns}/resourcequotas/${name}`)).body as Quota;
      const used = quota.status?.used ?? {};
      const matches = Object.entries(expected).every(([k, v]) => used[k] === v) && JSON.stringify(quota.status?.hard) === JSON.stringify(quota.spec.hard);
      if (matches) return quota;
      if (Date.now() > deadline) assert.fail(`quota ${name} used ${JSON.stringify(quota.status)} never reached ${JSON.stringify(expected)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const pod = (name: string, resources?: { requests?: ResourceList; limits?: ResourceList }, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ...(resources ? { resources } : {}) }], ...extra },
  });

  test('ResourceQuota, object count quota, resourcequotas', async () => {
    const ns = await namespace('rq-count');
    assert.equal((await api.request('POST', `${ns}/resourcequotas`, quotaBody('test-quota', { resourcequotas: '1' }))).status, 201);
    const quota = await waitForUsed(ns, 'test-quota', { resourcequotas: '1' });
    assert.deepEqual(quota.status?.hard, { resourcequotas: '1' });
    const second = await api.request('POST', `${ns}/resourcequotas`, quotaBody('second', { pods: '1' }));
    assert.equal(second.status, 403);
    assert.equal((second.body as StatusBody).message, 'resourcequotas "second" is forbidden: exceeded quota: test-quota, requested: resourcequotas=1, used: resourcequotas=1, limited: resourcequotas=1');
  });

  for (const [testname, plural, body] of [
    ['ResourceQuota, object count quota, configmap', 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-configmap' }, data: { a: 'b' } }],
    ['ResourceQuota, object count quota, secret', 'secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'test-secret' }, data: { a: 'Yg==' } }],
    ['ResourceQuota, object count quota, service', 'services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'test-service' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } }],
    [
      'ResourceQuota, object count quota, replicationController',
      'replicationcontrollers',
      { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'test-rc' }, spec: { replicas: 0, selector: { app: 'rc' }, template: { metadata: { labels: { app: 'rc' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } },
    ],
  ] as const) {
    test(testname, async () => {
      const ns = await namespace(`rq-${plural}`);
      // As upstream's test: the namespace's own kube-root-ca.crt counts, so the quota allows one more.
      const existing = plural === 'configmaps' ? await configMapsOnceRootCAExists(ns) : 0;
      const hard: ResourceList = { [plural]: String(existing + 1), resourcequotas: '1', ...(plural === 'services' ? { 'services.nodeports': '1' } : {}) };
      await api.request('POST', `${ns}/resourcequotas`, quotaBody('test-quota', hard));
      await waitForUsed(ns, 'test-quota', { [plural]: String(existing), resourcequotas: '1' });
      assert.equal((await api.request('POST', `${ns}/${plural}`, body)).status, 201);
      await waitForUsed(ns, 'test-quota', { [plural]: String(existing + 1), ...(plural === 'services' ? { 'services.nodeports': '1' } : {}) });
      const another = await api.request('POST', `${ns}/${plural}`, { ...body, metadata: { name: 'over-quota' } });
      assert.equal(another.status, 403);
      assert.match((another.body as StatusBody).message, new RegExp(`exceeded quota: test-quota, requested: .*${plural}=1`));
      assert.equal((await api.request('DELETE', `${ns}/${plural}/${body.metadata.name}`)).status, 200);
      await waitForUsed(ns, 'test-quota', { [plural]: String(existing) });
    });
  }

  test('ResourceQuota, object count quota, replicaSet', async () => {
    const ns = await namespace('rq-replicaset');
    await api.request('POST', `${ns}/resourcequotas`, quotaBody('test-quota', { 'count/replicasets.apps': '1' }));
    await waitForUsed(ns, 'test-quota', { 'count/replicasets.apps': '0' });
    const apps = ns.replace('/api/v1/', '/apis/apps/v1/');
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'test-rs' }, spec: { replicas: 0, selector: { matchLabels: { app: 'rs' } }, template: { metadata: { labels: { app: 'rs' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } };
    assert.equal((await api.request('POST', `${apps}/replicasets`, rs)).status, 201);
    await waitForUsed(ns, 'test-quota', { 'count/replicasets.apps': '1' });
    assert.equal((await api.request('DELETE', `${apps}/replicasets/test-rs`)).status, 200);
    await waitForUsed(ns, 'test-quota', { 'count/replicasets.apps': '0' });
  });

  test('ResourceQuota, object count quota, pod', async () => {
    const ns = await namespace('rq-pod');
    const hard = { pods: '2', 'requests.cpu': '1', 'requests.memory': '500Mi', 'requests.ephemeral-storage': '50Gi', 'requests.example.com/dongle': '3' };
    await api.request('POST', `${ns}/resourcequotas`, quotaBody('test-quota', hard));
    await waitForUsed(ns, 'test-quota', { pods: '0', 'requests.cpu': '0' });
    const requests = { cpu: '500m', memory: '252Mi', 'ephemeral-storage': '30Gi', 'example.com/dongle': '2' };
    assert.equal((await api.request('POST', `${ns}/pods`, pod('test-pod', { requests, limits: { 'example.com/dongle': '2' } }))).status, 201);
    await waitForUsed(ns, 'test-quota', { pods: '1', 'requests.cpu': '500m', 'requests.memory': '252Mi', 'requests.ephemeral-storage': '30Gi', 'requests.example.com/dongle': '2' });
    const over = await api.request('POST', `${ns}/pods`, pod('fail-pod', { requests: { cpu: '600m', memory: '100Mi' } }));
    assert.equal(over.status, 403);
    assert.equal(
      (over.body as StatusBody).message,
      'pods "fail-pod" is forbidden: exceeded quota: test-quota, requested: requests.cpu=600m, used: requests.cpu=500m, limited: requests.cpu=1',
    );
    const dongles = await api.request('POST', `${ns}/pods`, pod('fail-dongles', { requests: { 'example.com/dongle': '2' }, limits: { 'example.com/dongle': '2' } }));
    assert.equal(dongles.status, 403);
    // A pod's resources cannot change.
    const resized = await api.request('PATCH', `${ns}/pods/test-pod`, { spec: { containers: [{ name: 'pause', resources: { requests: { cpu: '100m' } } }] } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(resized.status, 422);
    assert.equal((await api.request('DELETE', `${ns}/pods/test-pod`)).status, 200);
    await waitForUsed(ns, 'test-quota', { pods: '0', 'requests.cpu': '0', 'requests.memory': '0' });
  });

  test('ResourceQuota, quota scope, BestEffort and NotBestEffort scope', async () => {
    const ns = await namespace('rq-besteffort');
    await api.request('POST', `${ns}/resourcequotas`, quotaBody('quota-besteffort', { pods: '5' }, { scopes: ['BestEffort'] }));
    await api.request('POST', `${ns}/resourcequotas`, quotaBody('quota-not-besteffort', { pods: '5' }, { scopes: ['NotBestEffort'] }));
    await waitForUsed(ns, 'quota-besteffort', { pods: '0' });
    await waitForUsed(ns, 'quota-not-besteffort', { pods: '0' });
    await api.request('POST', `${ns}/pods`, pod('best-effort'));
    await waitForUsed(ns, 'quota-besteffort', { pods: '1' });
    await waitForUsed(ns, 'quota-not-besteffort', { pods: '0' });
    await api.request('DELETE', `${ns}/pods/best-effort`);
    await waitForUsed(ns, 'quota-besteffort', { pods: '0' });
    await api.request('POST', `${ns}/pods`, pod('burstable', { requests: { cpu: '100m', memory: '200Mi' }, limits: { cpu: '200m', memory: '400Mi' } }));
    await waitForUsed(ns, 'quota-not-besteffort', { pods: '1' });
    await waitForUsed(ns, 'quota-besteffort', { pods: '0' });
    await api.request('DELETE', `${ns}/pods/burstable`);
    await waitForUsed(ns, 'quota-not-besteffort', { pods: '0' });
  });

  test('ResourceQuota, quota scope, Terminating and NotTerminating scope', async () => {
    const ns = await namespace('rq-terminating');
    const hard = { pods: '5', 'requests.cpu': '1', 'requests.memory': '500Mi', 'limits.cpu': '2', 'limits.memory': '1Gi' };
    await api.request('POST', `${ns}/resourcequotas`, quotaBody('quota-terminating', hard, { scopes: ['Terminating'] }));
    await api.request('POST', `${ns}/resourcequotas`, quotaBody('quota-not-terminating', hard, { scopes: ['NotTerminating'] }));
    await waitForUsed(ns, 'quota-terminating', { pods: '0' });
    await waitForUsed(ns, 'quota-not-terminating', { pods: '0' });
    const resources = { requests: { cpu: '500m', memory: '200Mi' }, limits: { cpu: '1', memory: '400Mi' } };
    await api.request('POST', `${ns}/pods`, pod('long-running', resources));
    await waitForUsed(ns, 'quota-not-terminating', { pods: '1', 'requests.cpu': '500m', 'requests.memory': '200Mi', 'limits.cpu': '1', 'limits.memory': '400Mi' });
    await waitForUsed(ns, 'quota-terminating', { pods: '0', 'requests.cpu': '0' });
    await api.request('DELETE', `${ns}/pods/long-running`);
    await waitForUsed(ns, 'quota-not-terminating', { pods: '0', 'requests.cpu': '0' });
    await api.request('POST', `${ns}/pods`, pod('terminating', resources, { activeDeadlineSeconds: 3600 }));
    await waitForUsed(ns, 'quota-terminating', { pods: '1', 'limits.memory': '400Mi' });
    await waitForUsed(ns, 'quota-not-terminating', { pods: '0' });
    // A pod without the resources the quota limits must declare them.
    const undeclared = await api.request('POST', `${ns}/pods`, pod('undeclared', undefined, { activeDeadlineSeconds: 60 }));
    assert.equal(undeclared.status, 403);
    assert.equal(
      (undeclared.body as StatusBody).message,
      'pods "undeclared" is forbidden: failed quota: quota-terminating: must specify limits.cpu for: pause; limits.memory for: pause; requests.cpu for: pause; requests.memory for: pause',
    );
  });

  test('ResourceQuota, update and delete', async () => {
    const ns = await namespace('rq-update');
    await api.request('POST', `${ns}/resourcequotas`, quotaBody('test-quota', { cpu: '1', memory: '500Mi' }));
    // The controller writes the status meanwhile: read and replace until no conflict.
    let updated;
    do {
      const current = (await api.request('GET', `${ns}/resourcequotas/test-quota`)).body as Quota;
      updated = await api.request('PUT', `${ns}/resourcequotas/test-quota`, { ...current, spec: { hard: { cpu: '2', memory: '1Gi' } } });
    } while (updated.status === 409);
    assert.equal(updated.status, 200);
    assert.deepEqual((updated.body as Quota).spec.hard, { cpu: '2', memory: '1Gi' });
    await waitForUsed(ns, 'test-quota', { cpu: '0', memory: '0' });
    assert.equal((await api.request('DELETE', `${ns}/resourcequotas/test-quota`)).status, 200);
    assert.equal((await api.request('GET', `${ns}/resourcequotas/test-quota`)).status, 404);
  });

  test('ResourceQuota, manage lifecycle of a ResourceQuota', async () => {
    const ns = await namespace('rq-lifecycle');
    const body = { ...quotaBody('e2e-quota', { cpu: '1', memory: '500Mi' }), metadata: { name: 'e2e-quota', labels: { 'e2e-rq-label': 'e2e-quota' } } };
    assert.equal((await api.request('POST', `${ns}/resourcequotas`, body)).status, 201);
    const listed = (await api.request('GET', '/api/v1/resourcequotas?labelSelector=e2e-rq-label%3De2e-quota')).body as { items: Quota[] };
    assert.equal(listed.items.length, 1);
    const patched = await api.request('PATCH', `${ns}/resourcequotas/e2e-quota`, { metadata: { labels: { 'e2e-rq-label': 'e2e-quota', patched: 'true' } }, spec: { hard: { cpu: '2', memory: '1Gi' } } }, mergePatch);
    assert.deepEqual((patched.body as Quota).spec.hard, { cpu: '2', memory: '1Gi' });
    assert.equal((patched.body as Quota).metadata.labels?.patched, 'true');
    assert.equal((await api.request('DELETE', `${ns}/resourcequotas?labelSelector=e2e-rq-label%3De2e-quota`)).status, 200);
    assert.equal(((await api.request('GET', `${ns}/resourcequotas`)).body as { items: Quota[] }).items.length, 0);
  });

  test('ResourceQuota, apply changes to a ResourceQuota status', async () => {
    const ns = await namespace('rq-status');
    await api.request('POST', `${ns}/resourcequotas`, quotaBody('e2e-rq-status', { cpu: '500m', memory: '500Mi' }));
    await waitForUsed(ns, 'e2e-rq-status', { cpu: '0', memory: '0' });
    const statusPath = `${ns}/resourcequotas/e2e-rq-status/status`;
    const current = (await api.request('GET', statusPath)).body as Quota;
    const put = await api.request('PUT', statusPath, { ...current, status: { hard: { cpu: '1', memory: '1Gi' }, used: current.status?.used } });
    assert.equal(put.status, 200);
    assert.deepEqual((put.body as Quota).status?.hard, { cpu: '1', memory: '1Gi' });
    assert.deepEqual((put.body as Quota).spec.hard, { cpu: '500m', memory: '500Mi' }, 'the spec does not change through /status');
    // The controller puts status.hard back to spec.hard.
    await waitForUsed(ns, 'e2e-rq-status', { cpu: '0' });
    const patchedSpec = await api.request('PATCH', `${ns}/resourcequotas/e2e-rq-status`, { spec: { hard: { cpu: '2', memory: '2Gi' } } }, mergePatch);
    assert.equal(patchedSpec.status, 200);
    const settled = await waitForUsed(ns, 'e2e-rq-status', { cpu: '0' });
    assert.deepEqual(settled.status?.hard, { cpu: '2', memory: '2Gi' });
    const patchedStatus = await api.request('PATCH', statusPath, { spec: { hard: { cpu: '9' } }, status: { hard: { cpu: '3', memory: '3Gi' } } }, mergePatch);
    assert.equal(patchedStatus.status, 200);
    assert.deepEqual((patchedStatus.body as Quota).spec.hard, { cpu: '2', memory: '2Gi' });
    const read = (await api.request('GET', statusPath)).body as Quota;
    assert.ok(read.status?.hard, 'GET /status answers the object');
  });

  test('kubectl describe quota shows used against hard', async () => {
    await cluster.kubectl(['create', 'namespace', 'rq-kubectl']);
    await cluster.kubectl(['create', 'quota', 'compute', '--hard=pods=2,configmaps=5', '-n', 'rq-kubectl']);
    await waitForUsed('/api/v1/namespaces/rq-kubectl', 'compute', { pods: '0' });
    await cluster.kubectl(['run', 'one', '--image=busybox', '-n', 'rq-kubectl']);
    await cluster.kubectl(['run', 'two', '--image=busybox', '-n', 'rq-kubectl']);
    const refused = await cluster.kubectlResult(['run', 'three', '--image=busybox', '-n', 'rq-kubectl']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Error from server \(Forbidden\): pods "three" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2/);
    await waitForUsed('/api/v1/namespaces/rq-kubectl', 'compute', { pods: '2' });
    assert.match(await cluster.kubectl(['describe', 'quota', 'compute', '-n', 'rq-kubectl']), /Resource\s+Used\s+Hard\n-+\s+-+\s+-+\n(configmaps\s+\d+\s+5\n)?pods\s+2\s+2/);
  });
});
