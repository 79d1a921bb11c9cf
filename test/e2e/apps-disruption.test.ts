// PodDisruptionBudget conformance behaviours (shared/conformance.yaml,
// test/e2e/apps/disruption.go): the API of budgets, the disruption controller's
// status, and evictions it grants or refuses, against hollow nodes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';

interface Budget {
  metadata: { name: string; generation?: number; labels?: Record<string, string> };
  spec: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: unknown };
  status?: {
    observedGeneration?: number;
    disruptionsAllowed?: number;
    currentHealthy?: number;
    desiredHealthy?: number;
    expectedPods?: number;
    disruptedPods?: Record<string, string>;
    conditions?: { type: string; status: string; reason: string }[];
  };
}
interface Pod {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status?: { phase?: string };
}
interface StatusBody {
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { reason: string; message: string }[] };
}

const mergePatch = { 'Content-Type': 'application/merge-patch+json' };
const podSpec = { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] };
const VIOLATES = "Cannot evict pod as it would violate the pod's disruption budget.";

describe('disruption conformance', () => {
  let cluster: TestCluster;
  let api: ApiClient;

  before(async () => ({ cluster, api } = await startApiCluster({ simulatedNodes: 2 })));
  after(async () => cluster.stop());

  const namespace = (prefix: string) => api.createNamespace(prefix);

  const budgets = (ns: string) => `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`;
  const getBudget = async (ns: string, name = 'foo') => {
    const res = await api.request('GET', `${budgets(ns)}/${name}`);
    assert.equal(res.status, 200, res.text);
    return res.body as Budget;
  };
  const createBudget = (ns: string, spec: Budget['spec'], name = 'foo', labels: Record<string, string> = {}) =>
    api.create<Budget>(budgets(ns), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, labels }, spec: { selector: { matchLabels: { foo: 'bar' } }, ...spec } });
  /** waitForPdbToBeProcessed: the controller has seen the budget's latest generation. */
  const processed = (ns: string, name = 'foo') =>
    eventually(`${name} processed`, async () => {
      const pdb = await getBudget(ns, name);
      return (pdb.status?.observedGeneration ?? 0) >= (pdb.metadata.generation ?? 1) ? pdb : undefined;
    });
  const healthy = (ns: string, n: number) =>
    eventually(`the budget sees ${n} healthy pods`, async () => {
      const pdb = await getBudget(ns);
      return pdb.status?.currentHealthy === n && pdb.status.observedGeneration === pdb.metadata.generation ? pdb : undefined;
    }, 30_000, () => getBudget(ns).then((b) => b.status));
  const updateBudget = (ns: string, change: (b: Budget) => Budget) =>
    eventually('an update without conflict', async () => {
      const res = await api.request('PUT', `${budgets(ns)}/foo`, change(await getBudget(ns)));
      if (res.status === 409) return undefined;
      assert.equal(res.status, 200, res.text);
      return res.body as Budget;
    });
  const runningPods = (ns: string, n: number) =>
    eventually(`${n} running pods`, async () => {
      const items = ((await api.request('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=foo%3Dbar`)).body as { items: Pod[] }).items.filter((p) => !p.metadata.deletionTimestamp);
      return items.length === n && items.every((p) => p.status?.phase === 'Running') ? items : undefined;
    }, 60_000);
  async function createPods(ns: string, n: number): Promise<void> {
    for (let i = 0; i < n; i++) await api.create(`/api/v1/namespaces/${ns}/pods`, { metadata: { name: `pod-${i}`, labels: { foo: 'bar' } }, spec: podSpec });
  }
  const evict = (ns: string, pod: string) =>
    api.request('POST', `/api/v1/namespaces/${ns}/pods/${pod}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: ns } });

  test('PodDisruptionBudget: list and delete collection', async () => {
    const [a, b] = [await namespace('pdb-list'), await namespace('pdb-list')];
    const label = `e2e-pdb=${a}`;
    await createBudget(a, { minAvailable: 2 }, 'foo', { 'e2e-pdb': a });
    await createBudget(a, { minAvailable: 1 }, 'bar', { 'e2e-pdb': a });
    await createBudget(b, { minAvailable: 2 }, 'foo', { 'e2e-pdb': a });
    const all = ((await api.request('GET', `/apis/policy/v1/poddisruptionbudgets?labelSelector=${encodeURIComponent(label)}`)).body as { items: Budget[] }).items;
    assert.equal(all.length, 3);
    const res = await api.request('DELETE', budgets(a));
    assert.equal(res.status, 200, res.text);
    await eventually('the collection deleted', async () => ((await api.request('GET', budgets(a))).body as { items: Budget[] }).items.length === 0);
    assert.equal(((await api.request('GET', budgets(b))).body as { items: Budget[] }).items.length, 1, 'other namespaces keep theirs');
  });

  test('PodDisruptionBudget: create, update, patch, and delete object', async () => {
    const ns = await namespace('pdb-crud');
    await createBudget(ns, { minAvailable: '1%' });
    await processed(ns);
    const updated = await updateBudget(ns, (b) => ({ ...b, spec: { ...b.spec, minAvailable: '2%' } }));
    assert.equal(updated.spec.minAvailable, '2%');
    await processed(ns);
    const res = await api.request('PATCH', `${budgets(ns)}/foo`, { spec: { minAvailable: '3%' } }, mergePatch);
    assert.equal(res.status, 200, res.text);
    assert.equal((res.body as Budget).spec.minAvailable, '3%');
    const seen = await processed(ns);
    assert.equal(seen.metadata.generation, 3);
    assert.equal((await api.request('DELETE', `${budgets(ns)}/foo`)).status, 200);
    await eventually('the budget gone', async () => (await api.getIfExists(`${budgets(ns)}/foo`)) === undefined);
  });

  test('PodDisruptionBudget: Status updates', async () => {
    const ns = await namespace('pdb-status');
    await createBudget(ns, { minAvailable: 1 });
    await createPods(ns, 3);
    await runningPods(ns, 3);
    // Since disruptionsAllowed starts out 0, seeing it positive means the controller works.
    const pdb = await eventually('disruptions allowed', async () => {
      const b = await getBudget(ns);
      return (b.status?.disruptionsAllowed ?? 0) > 0 ? b : undefined;
    });
    assert.deepEqual([pdb.status?.currentHealthy, pdb.status?.desiredHealthy, pdb.status?.expectedPods, pdb.status?.disruptionsAllowed], [3, 1, 3, 2]);
    assert.deepEqual(pdb.status?.conditions?.map((c) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'True', 'SufficientPods']]);
    const table = await cluster.kubectl(['get', 'pdb', 'foo', '-n', ns]);
    assert.match(table, /foo\s+1\s+N\/A\s+2\s/);
  });

  test('PodDisruptionBudget: update and patch status', async () => {
    const ns = await namespace('pdb-status-write');
    await createBudget(ns, { minAvailable: 1 });
    await processed(ns);
    await createPods(ns, 1);
    const [pod] = await runningPods(ns, 1);
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const updated = await eventually('a status update without conflict', async () => {
      const b = await getBudget(ns);
      const res = await api.request('PUT', `${budgets(ns)}/foo/status`, { ...b, status: { ...b.status, disruptedPods: { [pod.metadata.name]: at } } });
      if (res.status === 409) return undefined;
      assert.equal(res.status, 200, res.text);
      return res.body as Budget;
    });
    assert.deepEqual(updated.status?.disruptedPods, { [pod.metadata.name]: at });
    assert.deepEqual((await getBudget(ns)).status?.disruptedPods, { [pod.metadata.name]: at }, 'the controller keeps a pending eviction');
    const res = await api.request('PATCH', `${budgets(ns)}/foo/status`, { status: { disruptedPods: null } }, mergePatch);
    assert.equal(res.status, 200, res.text);
    assert.equal((res.body as Budget).status?.disruptedPods, undefined);
    assert.equal((await getBudget(ns)).status?.disruptedPods, undefined);
  });

  test('PodDisruptionBudget: block an eviction until the PDB is updated to allow it', async () => {
    const ns = await namespace('pdb-block');
    await api.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, {
      metadata: { name: 'rs' },
      spec: { replicas: 3, selector: { matchLabels: { foo: 'bar' } }, template: { metadata: { labels: { foo: 'bar' } }, spec: podSpec } },
    });
    await createBudget(ns, { maxUnavailable: 0 });
    const [pod, other] = await runningPods(ns, 3);
    const blocked = await healthy(ns, 3);
    assert.deepEqual([blocked.status?.expectedPods, blocked.status?.desiredHealthy, blocked.status?.disruptionsAllowed], [3, 3, 0]);

    const refused = await evict(ns, pod.metadata.name);
    assert.equal(refused.status, 429, refused.text);
    const status = refused.body as StatusBody;
    assert.equal(status.reason, 'TooManyRequests');
    assert.equal(status.message, VIOLATES);
    assert.deepEqual(status.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget foo needs 3 healthy pods and has 3 currently' }]);

    await updateBudget(ns, (b) => ({ ...b, spec: { ...b.spec, maxUnavailable: undefined, minAvailable: 2 } }));
    await eventually('the budget allows one disruption', async () => (await getBudget(ns)).status?.disruptionsAllowed === 1);
    const granted = await evict(ns, pod.metadata.name);
    assert.equal(granted.status, 201, granted.text);
    await eventually('the evicted pod gone', async () => (await api.getIfExists(`/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`)) === undefined);
    await runningPods(ns, 3);
    await healthy(ns, 3);

    const patched = await api.request('PATCH', `${budgets(ns)}/foo`, { spec: { minAvailable: null, maxUnavailable: 0 } }, mergePatch);
    assert.equal(patched.status, 200, patched.text);
    await eventually('the budget allows nothing', async () => {
      const b = await getBudget(ns);
      return b.status?.observedGeneration === b.metadata.generation && b.status?.disruptionsAllowed === 0 && b.status?.currentHealthy === 3;
    });
    const refusedAgain = await evict(ns, other.metadata.name);
    assert.equal(refusedAgain.status, 429, refusedAgain.text);
    assert.equal((refusedAgain.body as StatusBody).message, VIOLATES);

    assert.equal((await api.request('DELETE', `${budgets(ns)}/foo`)).status, 200);
    const free = await evict(ns, other.metadata.name);
    assert.equal(free.status, 201, free.text);
  });
});
