// Pod subresources and admission: binding, eviction, ephemeral containers,
// priority and default tolerations, and graceful deletion.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';

type Pod = {
  metadata: { name: string; deletionTimestamp?: string; deletionGracePeriodSeconds?: number };
  spec: { nodeName?: string; priority?: number; priorityClassName?: string; tolerations?: object[]; ephemeralContainers?: { name: string }[] };
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
};
type StatusBody = { status: string; code: number; reason?: string; message?: string; details?: { causes?: { reason: string; message: string }[] } };

describe('pod subresources and admission', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  const pods = '/api/v1/namespaces/default/pods';
  // A scheduler that does not exist keeps the default scheduler away from these pods.
  const pod = (name: string, spec: object = {}, labels: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { schedulerName: 'test-no-scheduler', containers: [{ name: 'c', image: 'busybox' }], ...spec },
  });
  const createPod = async (name: string, spec: object = {}, labels: Record<string, string> = {}) => {
    const res = await api.request('POST', pods, pod(name, spec, labels));
    assert.equal(res.status, 201, res.text);
    return res.body as Pod;
  };

  before(async () => ({ cluster, api } = await startApiCluster()));
  after(async () => cluster.stop());

  test('discovery lists pods/binding, pods/eviction and pods/ephemeralcontainers', async () => {
    const list = (await api.request('GET', '/api/v1')).body as { resources: { name: string; kind: string; group?: string; verbs: string[] }[] };
    const byName = new Map(list.resources.map((r) => [r.name, r]));
    assert.deepEqual(byName.get('pods/binding')?.verbs, ['create']);
    assert.equal(byName.get('pods/binding')?.kind, 'Binding');
    assert.equal(byName.get('pods/eviction')?.group, 'policy');
    assert.equal(byName.get('pods/eviction')?.kind, 'Eviction');
    assert.deepEqual(byName.get('pods/ephemeralcontainers')?.verbs, ['get', 'update', 'patch']);
  });

  test('pods/binding assigns the node once and sets PodScheduled', async () => {
    await createPod('bind-me');
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'node-a' } };
    const res = await api.request('POST', `${pods}/bind-me/binding`, binding);
    assert.equal(res.status, 201, res.text);
    assert.equal((res.body as StatusBody).status, 'Success');
    const bound = (await api.request('GET', `${pods}/bind-me`)).body as Pod;
    assert.equal(bound.spec.nodeName, 'node-a');
    assert.equal(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');

    const again = await api.request('POST', `${pods}/bind-me/binding`, { ...binding, target: { name: 'node-b' } });
    assert.equal(again.status, 409);
    assert.equal((again.body as StatusBody).message, 'Operation cannot be fulfilled on pods "bind-me": pod bind-me is already assigned to node "node-a"');

    const wrongName = await api.request('POST', `${pods}/bind-me/binding`, { ...binding, metadata: { name: 'other' } });
    assert.equal(wrongName.status, 400);
    assert.equal((wrongName.body as StatusBody).message, 'name in URL does not match name in Binding object');

    await createPod('bind-bad');
    const bad = await api.request('POST', `${pods}/bind-bad/binding`, { metadata: { name: 'bind-bad' }, target: { kind: 'Pod' } });
    assert.equal(bad.status, 422);
    assert.match(String((bad.body as StatusBody).message), /target\.kind: Unsupported value: "Pod"/);
    assert.match(String((bad.body as StatusBody).message), /target\.name: Required value/);

    const getBinding = await api.request('GET', `${pods}/bind-me/binding`);
    assert.equal(getBinding.status, 405);
  });

  test('pods/eviction is refused with 429 while the budget allows no disruption, then deletes the pod', async () => {
    await createPod('guarded', {}, { app: 'guarded' });
    const pdbs = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
    const created = await api.request('POST', pdbs, {
      metadata: { name: 'guard' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } },
    });
    assert.equal(created.status, 201, created.text);
    // Mark the pod running and ready so the budget applies (pending pods are evicted freely).
    await api.request(
      'PATCH',
      `${pods}/guarded/status`,
      { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    type Budget = { metadata: { generation: number }; status: { observedGeneration?: number; disruptionsAllowed: number; currentHealthy: number } };
    const budgetSays = (currentHealthy: number, disruptionsAllowed: number) =>
      eventually(`the disruption controller counts ${currentHealthy} healthy, ${disruptionsAllowed} allowed`, async () => {
        const b = (await api.request('GET', `${pdbs}/guard`)).body as Budget;
        return b.status.observedGeneration === b.metadata.generation && b.status.currentHealthy === currentHealthy && b.status.disruptionsAllowed === disruptionsAllowed;
      });
    await budgetSays(1, 0);
    const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'guarded', namespace: 'default' } };
    const refused = await api.request('POST', `${pods}/guarded/eviction`, eviction);
    assert.equal(refused.status, 429, refused.text);
    const body = refused.body as StatusBody;
    assert.equal(body.reason, 'TooManyRequests');
    assert.equal(body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(body.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget guard needs 1 healthy pods and has 1 currently' }]);
    assert.equal((await api.request('GET', `${pods}/guarded`)).status, 200);

    await api.request('PATCH', `${pdbs}/guard`, { spec: { minAvailable: 0 } }, { 'Content-Type': 'application/merge-patch+json' });
    await budgetSays(1, 1);
    const allowed = await api.request('POST', `${pods}/guarded/eviction`, eviction);
    assert.equal(allowed.status, 201, allowed.text);
    assert.equal((await api.request('GET', `${pods}/guarded`)).status, 404);
    await budgetSays(0, 0);
  });

  test('a pod matched by two budgets cannot be evicted', async () => {
    await createPod('doubly', {}, { app: 'doubly' });
    await api.request('PATCH', `${pods}/doubly/status`, { status: { phase: 'Running' } }, { 'Content-Type': 'application/merge-patch+json' });
    const pdbs = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
    for (const name of ['one', 'two']) {
      await api.request('POST', pdbs, { metadata: { name }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'doubly' } } } });
    }
    const res = await api.request('POST', `${pods}/doubly/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'doubly' } });
    assert.equal(res.status, 500);
    assert.equal((res.body as StatusBody).message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  });

  test('pods/ephemeralcontainers adds ephemeral containers and nothing else', async () => {
    await createPod('debug-me');
    const current = (await api.request('GET', `${pods}/debug-me/ephemeralcontainers`)).body as Pod;
    current.spec.ephemeralContainers = [{ name: 'debugger', image: 'busybox', stdin: true, tty: true } as { name: string }];
    (current.metadata as { labels?: object }).labels = { ignored: 'yes' };
    const res = await api.request('PUT', `${pods}/debug-me/ephemeralcontainers`, current);
    assert.equal(res.status, 200, res.text);
    const updated = res.body as Pod & { metadata: { labels?: object } };
    assert.deepEqual(updated.spec.ephemeralContainers?.map((c) => c.name), ['debugger']);
    assert.deepEqual(updated.metadata.labels, {});

    const patch = { spec: { ephemeralContainers: [{ name: 'debugger', image: 'busybox', stdin: true, tty: true }, { name: 'second', image: 'busybox' }] } };
    const patched = await api.request('PATCH', `${pods}/debug-me/ephemeralcontainers`, patch, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual((patched.body as Pod).spec.ephemeralContainers?.map((c) => c.name), ['debugger', 'second']);

    const remove = await api.request('PATCH', `${pods}/debug-me/ephemeralcontainers`, [{ op: 'remove', path: '/spec/ephemeralContainers/0' }], {
      'Content-Type': 'application/json-patch+json',
    });
    assert.equal(remove.status, 422, remove.text);
    assert.match(String((remove.body as StatusBody).message), /existing ephemeral containers "debugger" may not be removed/);
  });

  test('priority admission resolves priorityClassName and refuses unknown classes', async () => {
    const classes = await cluster.kubectl(['get', 'priorityclasses', '-o', 'name']);
    assert.deepEqual(classes.trim().split('\n').sort(), ['priorityclass.scheduling.k8s.io/system-cluster-critical', 'priorityclass.scheduling.k8s.io/system-node-critical']);
    const critical = await createPod('critical', { priorityClassName: 'system-cluster-critical' });
    assert.equal(critical.spec.priority, 2000000000);
    const plain = await createPod('plain');
    assert.equal(plain.spec.priority, 0);

    const missing = await api.request('POST', pods, pod('orphan-class', { priorityClassName: 'nope' }));
    assert.equal(missing.status, 403);
    assert.equal((missing.body as StatusBody).message, 'pods "orphan-class" is forbidden: no PriorityClass with name nope was found');

    const pcs = '/apis/scheduling.k8s.io/v1/priorityclasses';
    assert.equal((await api.request('POST', pcs, { metadata: { name: 'everyday' }, value: 100, globalDefault: true })).status, 201);
    const second = await api.request('POST', pcs, { metadata: { name: 'another' }, value: 5, globalDefault: true });
    assert.equal(second.status, 403);
    assert.match(String((second.body as StatusBody).message), /PriorityClass everyday is already marked as default\. Only one default can exist/);
    const defaulted = await createPod('defaulted');
    assert.equal(defaulted.spec.priorityClassName, 'everyday');
    assert.equal(defaulted.spec.priority, 100);
    const preset = await api.request('POST', pods, pod('preset', { priority: 7 }));
    assert.equal(preset.status, 403);
    assert.match(String((preset.body as StatusBody).message), /the integer value of priority \(7\) must not be provided in pod spec; priority admission controller computed 100/);
    await api.request('DELETE', `${pcs}/everyday`);
  });

  test('pods tolerate not-ready and unreachable nodes for 300 s by default', async () => {
    const created = await createPod('tolerant', { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] });
    assert.deepEqual(created.spec.tolerations, [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  test('a pod on a node is deleted gracefully; unscheduled pods and grace 0 go at once', async () => {
    await createPod('on-node', { nodeName: 'node-a', terminationGracePeriodSeconds: 45 });
    const deleting = await api.request('DELETE', `${pods}/on-node`);
    assert.equal(deleting.status, 200, deleting.text);
    const pending = (await api.request('GET', `${pods}/on-node`)).body as Pod;
    assert.equal(pending.metadata.deletionGracePeriodSeconds, 45);
    assert.ok(pending.metadata.deletionTimestamp);
    const shorter = await api.request('DELETE', `${pods}/on-node`, { gracePeriodSeconds: 10 });
    assert.equal((shorter.body as Pod).metadata.deletionGracePeriodSeconds, 10);
    assert.equal((await api.request('DELETE', `${pods}/on-node?gracePeriodSeconds=0`)).status, 200);
    assert.equal((await api.request('GET', `${pods}/on-node`)).status, 404);

    await createPod('unscheduled');
    assert.equal((await api.request('DELETE', `${pods}/unscheduled`)).status, 200);
    assert.equal((await api.request('GET', `${pods}/unscheduled`)).status, 404);
  });
});
