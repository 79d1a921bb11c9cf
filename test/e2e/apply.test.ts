// kubectl apply, client-side and server-side, and the managedFields every write records.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { type ApiClient } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';

type Entry = { manager: string; operation: string; apiVersion: string; fieldsV1: Record<string, unknown>; subresource?: string };
type Deployment = {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: Entry[] };
  spec: { replicas?: number; template: { spec: { containers: { name: string; image: string; ports?: object[]; env?: { name: string; value: string }[] }[] } } };
};

const deployment = (replicas: number | undefined, containers: object[], labels: Record<string, string> = { app: 'web' }) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: ${JSON.stringify(labels)}
spec:
${replicas === undefined ? '' : `  replicas: ${replicas}\n`}  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: ${JSON.stringify(containers)}
`;

describe('apply and managedFields', () => {
  let cluster: TestCluster;
  let api: ApiClient;

  before(async () => ({ cluster, api } = await startApiCluster()));
  after(async () => cluster.stop());

  const get = async (ns: string, name: string) =>
    (await api.request('GET', `/apis/apps/v1/namespaces/${ns}/deployments/${name}`)).body as Deployment;

  test('every write records its manager in managedFields', async () => {
    await cluster.kubectl(['create', 'configmap', 'tracked', '--from-literal=a=1']);
    await cluster.kubectl(['label', 'configmap', 'tracked', 'team=x']);
    const out = await cluster.kubectl(['get', 'configmap', 'tracked', '-o', 'yaml', '--show-managed-fields']);
    const cm = parse(out) as { metadata: { managedFields: Entry[] } };
    const managers = cm.metadata.managedFields.map((e) => `${e.manager}/${e.operation}`);
    assert.deepEqual(managers, ['kubectl-create/Update', 'kubectl-label/Update']);
    assert.deepEqual(cm.metadata.managedFields[0].fieldsV1, { 'f:data': { '.': {}, 'f:a': {} } });
    assert.deepEqual(cm.metadata.managedFields[1].fieldsV1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:team': {} } } });
    const hidden = parse(await cluster.kubectl(['get', 'configmap', 'tracked', '-o', 'yaml'])) as { metadata: Record<string, unknown> };
    assert.equal(hidden.metadata.managedFields, undefined);
  });

  test('client-side apply: change a field, remove a list item', async () => {
    await cluster.kubectl(['create', 'namespace', 'csa']);
    const two = [
      { name: 'web', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
      { name: 'sidecar', image: 'busybox' },
    ];
    await cluster.kubectl(['apply', '-n', 'csa', '-f', '-'], { stdin: deployment(2, two) });
    const one = [{ name: 'web', image: 'nginx:1.26', env: [{ name: 'A', value: '1' }] }];
    await cluster.kubectl(['apply', '-n', 'csa', '-f', '-'], { stdin: deployment(3, one) });
    const d = await get('csa', 'web');
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.template.spec.containers.map((c) => [c.name, c.image]), [['web', 'nginx:1.26']]);
    assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'A', value: '1' }]);
    assert.ok(d.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']);
    assert.ok(d.metadata.managedFields?.some((e) => e.manager === 'kubectl-client-side-apply' && e.operation === 'Update'));
  });

  test('server-side apply creates, updates, and removes what the applier stops applying', async () => {
    await cluster.kubectl(['create', 'namespace', 'ssa']);
    const containers = [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }, { name: 'sidecar', image: 'busybox' }];
    const created = await cluster.kubectl(['apply', '--server-side', '-n', 'ssa', '-f', '-'], { stdin: deployment(2, containers, { app: 'web', tier: 'front' }) });
    assert.match(created, /deployment.apps\/web serverside-applied/);
    let d = await get('ssa', 'web');
    const applied = d.metadata.managedFields?.find((e) => e.operation === 'Apply');
    assert.equal(applied?.manager, 'kubectl');
    assert.deepEqual((applied?.fieldsV1['f:spec'] as Record<string, unknown>)['f:replicas'], {});

    // The applier drops a label, a container and replicas: they go (replicas back to its default).
    await cluster.kubectl(['apply', '--server-side', '-n', 'ssa', '-f', '-'], { stdin: deployment(undefined, [{ name: 'web', image: 'nginx:1.26' }]) });
    d = await get('ssa', 'web');
    assert.deepEqual(d.metadata.labels, { app: 'web' });
    assert.deepEqual(d.spec.template.spec.containers.map((c) => [c.name, c.image]), [['web', 'nginx:1.26']]);
    assert.equal(d.spec.template.spec.containers[0].ports, undefined);
    assert.equal(d.spec.replicas, 1);
  });

  test('server-side apply conflicts with another manager unless forced', async () => {
    await cluster.kubectl(['create', 'namespace', 'conflict']);
    const containers = [{ name: 'web', image: 'nginx:1.25' }];
    await cluster.kubectl(['apply', '--server-side', '-n', 'conflict', '-f', '-'], { stdin: deployment(2, containers) });
    await cluster.kubectl(['scale', '-n', 'conflict', 'deployment/web', '--replicas=5']);
    const refused = await cluster.kubectlResult(['apply', '--server-side', '-n', 'conflict', '-f', '-'], { stdin: deployment(3, containers) });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas/);
    assert.equal((await get('conflict', 'web')).spec.replicas, 5);

    // Applying the value the other manager set is no conflict: both own it.
    await cluster.kubectl(['apply', '--server-side', '-n', 'conflict', '-f', '-'], { stdin: deployment(5, containers) });
    await cluster.kubectl(['apply', '--server-side', '--force-conflicts', '-n', 'conflict', '-f', '-'], { stdin: deployment(3, containers) });
    const d = await get('conflict', 'web');
    assert.equal(d.spec.replicas, 3);
    const scaler = d.metadata.managedFields?.find((e) => e.subresource === 'scale');
    assert.equal(scaler, undefined, 'the forced apply took .spec.replicas from kubectl scale');
  });

  test('apply patches are refused without a field manager or with a wrong apiVersion', async () => {
    const path = '/api/v1/namespaces/default/configmaps/ssa-bad';
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa-bad' } });
    const headers = { 'Content-Type': 'application/apply-patch+yaml' };
    const noManager = await api.request('PATCH', path, Buffer.from(body), headers);
    assert.equal(noManager.status, 422);
    assert.equal((noManager.body as { message: string }).message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const wrongVersion = await api.request('PATCH', `${path}?fieldManager=t`, Buffer.from(body.replace('"v1"', '"v2"')), headers);
    assert.equal(wrongVersion.status, 400);
    assert.equal((wrongVersion.body as { message: string }).message, 'Incorrect version specified in apply patch. Specified patch version: v2, expected: v1');
    const ok = await api.request('PATCH', `${path}?fieldManager=t`, Buffer.from('apiVersion: v1\nkind: ConfigMap\ndata:\n  k: v\n'), headers);
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual((ok.body as { data: object }).data, { k: 'v' });
  });

  test('Namespace, apply changes to a namespace status', async () => {
    // The apply reaches the status subresource and only status is taken from it.
    await cluster.kubectl(['create', 'namespace', 'ns-status']);
    const body = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns-status' },
      status: { conditions: [{ type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from an e2e test' }] },
    });
    const res = await api.request('PATCH', '/api/v1/namespaces/ns-status/status?fieldManager=e2e-test&force=true', Buffer.from(body), {
      'Content-Type': 'application/apply-patch+yaml',
    });
    assert.equal(res.status, 200, res.text);
    const ns = res.body as { status: { phase: string; conditions: { type: string; reason: string }[] }; metadata: { managedFields: Entry[] } };
    assert.equal(ns.status.phase, 'Active');
    assert.deepEqual(ns.status.conditions.map((c) => [c.type, c.reason]), [['StatusUpdate', 'E2E']]);
    const entry = ns.metadata.managedFields.find((e) => e.manager === 'e2e-test');
    assert.equal(entry?.subresource, 'status');
    assert.equal(entry?.operation, 'Apply');

    const patched = await api.request(
      'PATCH',
      '/api/v1/namespaces/ns-status/status',
      { status: { conditions: [{ type: 'StatusPatch', status: 'True', reason: 'E2E', message: 'Patched from an e2e test' }] } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    assert.equal(patched.status, 200, patched.text);
    const current = patched.body as { status: { conditions: { type: string; message: string }[] } };
    assert.deepEqual(current.status.conditions.map((c) => c.type), ['StatusPatch']);
    current.status.conditions[0].message = 'Updated from an e2e test';
    const updated = await api.request('PUT', '/api/v1/namespaces/ns-status/status', current);
    assert.equal(updated.status, 200, updated.text);
    assert.equal((updated.body as typeof current).status.conditions[0].message, 'Updated from an e2e test');
    assert.equal((updated.body as { status: { phase: string } }).status.phase, 'Active');
  });

  test('Namespace, apply update to a namespace and apply finalizer to a namespace', async () => {
    await cluster.kubectl(['create', 'namespace', 'ns-apply']);
    const apply = (body: object) =>
      api.request('PATCH', '/api/v1/namespaces/ns-apply?fieldManager=e2e-test', Buffer.from(JSON.stringify(body)), {
        'Content-Type': 'application/apply-patch+yaml',
      });
    const labelled = await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns-apply', labels: { 'e2e-ns-apply': 'updated' } } });
    assert.equal(labelled.status, 200, labelled.text);
    assert.equal((labelled.body as { metadata: { labels: Record<string, string> } }).metadata.labels['e2e-ns-apply'], 'updated');

    const ns = (await api.request('GET', '/api/v1/namespaces/ns-apply')).body as { spec: { finalizers: string[] } };
    ns.spec.finalizers.push('e2e.example.com/fakeFinalizer');
    const finalized = await api.request('PUT', '/api/v1/namespaces/ns-apply/finalize', ns);
    assert.equal(finalized.status, 200, finalized.text);
    assert.deepEqual((finalized.body as typeof ns).spec.finalizers, ['kubernetes', 'e2e.example.com/fakeFinalizer']);
    const fresh = finalized.body as typeof ns;
    fresh.spec.finalizers = ['kubernetes'];
    const removed = await api.request('PUT', '/api/v1/namespaces/ns-apply/finalize', fresh);
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual((removed.body as typeof ns).spec.finalizers, ['kubernetes']);
  });
});
