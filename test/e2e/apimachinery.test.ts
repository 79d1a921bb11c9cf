// API machinery behaviours, driven through HTTPS with the admin's credentials
// and through the real kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';

type Obj = { metadata: { name: string; resourceVersion: string; labels?: Record<string, string> }; [k: string]: unknown };
type List = { metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: Obj[] };

describe('API machinery', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  const cms = '/api/v1/namespaces/default/configmaps';

  before(async () => ({ cluster, api } = await startApiCluster()));
  after(async () => cluster.stop());

  const configMap = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { k: 'v' }) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels },
    data,
  });

  test('requests without credentials get 401 Unauthorized', async () => {
    const res = await (await apiClient(cluster.kubeconfig, false)).request('GET', '/api/v1/namespaces');
    assert.equal(res.status, 401);
    assert.equal((res.body as { reason: string }).reason, 'Unauthorized');
  });

  test('Aggregated Discovery Endpoint Accept Headers', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    for (const path of ['/api', '/apis']) {
      const res = await api.request('GET', path, undefined, { Accept: accept });
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /as=APIGroupDiscoveryList/);
      assert.equal((res.body as { kind: string }).kind, 'APIGroupDiscoveryList');
    }
    const core = (await api.request('GET', '/api', undefined, { Accept: accept })).body as {
      items: { versions: { resources: { resource: string }[] }[] }[];
    };
    const resources = core.items[0].versions[0].resources.map((r) => r.resource);
    for (const r of ['namespaces', 'configmaps', 'pods']) assert.ok(resources.includes(r), r);
  });

  test('Discovery, confirm the PreferredVersion for each api group', async () => {
    const groups = (await api.request('GET', '/apis')).body as { groups: { name: string; preferredVersion: { groupVersion: string } }[] };
    for (const group of groups.groups) {
      assert.ok(group.preferredVersion.groupVersion.startsWith(`${group.name}/`), group.name);
      const one = (await api.request('GET', `/apis/${group.name}`)).body as { preferredVersion: unknown };
      assert.deepEqual(one.preferredVersion, group.preferredVersion);
    }
  });

  test('ConfigMap lifecycle', async () => {
    const created = await api.request('POST', cms, configMap('lifecycle', { 'test-configmap-static': 'true' }));
    assert.equal(created.status, 201);
    const patched = await api.request('PATCH', `${cms}/lifecycle`, { data: { k: 'patched' } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(patched.status, 200);
    assert.deepEqual(((await api.request('GET', `${cms}/lifecycle`)).body as { data: unknown }).data, { k: 'patched' });
    const listed = (await api.request('GET', `${cms}?labelSelector=test-configmap-static%3Dtrue`)).body as List;
    assert.deepEqual(listed.items.map((i) => i.metadata.name), ['lifecycle']);
    assert.equal((listed.items[0] as { data?: { k?: string } }).data?.k, 'patched');
    const deleted = await api.request('DELETE', `${cms}?labelSelector=test-configmap-static%3Dtrue`);
    assert.equal(deleted.status, 200);
    assert.equal((await api.request('GET', `${cms}/lifecycle`)).status, 404);
  });

  test('ConfigMap, with empty-key', async () => {
    const res = await api.request('POST', cms, configMap('empty-key', {}, { '': 'value' }));
    assert.equal(res.status, 422);
    assert.equal((res.body as { reason: string }).reason, 'Invalid');
    assert.equal((await api.request('GET', `${cms}/empty-key`)).status, 404);
  });

  test('API Chunking, server should return chunks of results for list calls', async () => {
    await api.request('POST', '/api/v1/namespaces', { metadata: { name: 'chunking' } });
    // PodTemplates as upstream: a namespace's configmaps include its kube-root-ca.crt.
    const path = '/api/v1/namespaces/chunking/podtemplates';
    const podTemplate = (name: string) => ({ metadata: { name }, template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
    for (let i = 0; i < 40; i++) assert.equal((await api.request('POST', path, podTemplate(`template-${String(i).padStart(2, '0')}`))).status, 201);
    const names: string[] = [];
    let token = '';
    let first: List | undefined;
    do {
      const page = (await api.request('GET', `${path}?limit=17${token ? `&continue=${encodeURIComponent(token)}` : ''}`)).body as List;
      first ??= page;
      assert.ok(page.items.length <= 17);
      if (page.metadata.continue) assert.equal(page.metadata.remainingItemCount, 40 - names.length - page.items.length);
      names.push(...page.items.map((i) => i.metadata.name));
      token = page.metadata.continue ?? '';
    } while (token);
    assert.equal(names.length, 40);
    assert.deepEqual(names, [...names].sort());
    assert.equal(first!.items.length, 17);
  });

  test('watch-configmaps-from-resource-version', async () => {
    await api.request('POST', cms, configMap('watch-rv'));
    const first = (await api.request('PATCH', `${cms}/watch-rv`, { data: { k: '1' } }, { 'Content-Type': 'application/merge-patch+json' })).body as Obj;
    await api.request('PATCH', `${cms}/watch-rv`, { data: { k: '2' } }, { 'Content-Type': 'application/merge-patch+json' });
    await api.request('DELETE', `${cms}/watch-rv`);
    const watch = api.watch(`${cms}?watch=true&fieldSelector=metadata.name%3Dwatch-rv&resourceVersion=${first.metadata.resourceVersion}`);
    try {
      const modified = await watch.next();
      assert.equal(modified?.type, 'MODIFIED');
      assert.equal((modified?.object as { data: { k: string } }).data.k, '2');
      const deleted = await watch.next();
      assert.equal(deleted?.type, 'DELETED');
      assert.equal(await watch.next(500), undefined);
    } finally {
      watch.close();
    }
  });

  test('watch-configmaps-label-changed', async () => {
    const label = 'watch-this-configmap';
    await api.request('POST', cms, configMap('label-changed', { [label]: 'label-changed-and-restored' }));
    const watch = api.watch(`${cms}?watch=true&labelSelector=${label}%3Dlabel-changed-and-restored`);
    const patch = (body: unknown) => api.request('PATCH', `${cms}/label-changed`, body, { 'Content-Type': 'application/merge-patch+json' });
    try {
      assert.equal((await watch.next())?.type, 'ADDED');
      await patch({ data: { mutation: '1' } });
      assert.equal((await watch.next())?.type, 'MODIFIED');
      await patch({ metadata: { labels: { [label]: 'wrong-value' } } });
      assert.equal((await watch.next())?.type, 'DELETED');
      await patch({ data: { mutation: '2' } });
      assert.equal(await watch.next(500), undefined, 'no event while the object is outside the selector');
      await patch({ metadata: { labels: { [label]: 'label-changed-and-restored' } } });
      const back = await watch.next();
      assert.equal(back?.type, 'ADDED');
      assert.equal((back?.object as { data: { mutation: string } }).data.mutation, '2');
    } finally {
      watch.close();
    }
  });

  test('Namespace patching', async () => {
    await api.request('POST', '/api/v1/namespaces', { metadata: { name: 'patch-me' } });
    const res = await api.request('PATCH', '/api/v1/namespaces/patch-me', { metadata: { labels: { testLabel: 'testValue' } } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(res.status, 200);
    const ns = (await api.request('GET', '/api/v1/namespaces/patch-me')).body as Obj;
    assert.equal(ns.metadata.labels?.testLabel, 'testValue');
  });

  test('a deleted namespace terminates, refuses new content, and goes away with its content', async () => {
    await api.request('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    assert.equal((await api.request('POST', '/api/v1/namespaces/doomed/configmaps', configMap('inside'))).status, 201);
    const deleting = await api.request('DELETE', '/api/v1/namespaces/doomed');
    assert.ok([200, 202].includes(deleting.status));
    assert.equal((deleting.body as { status: { phase: string } }).status.phase, 'Terminating');
    const refused = await api.request('POST', '/api/v1/namespaces/doomed/configmaps', configMap('late'));
    if (refused.status !== 404) {
      assert.equal(refused.status, 403);
      assert.match((refused.body as { message: string }).message, /unable to create new content in namespace doomed because it is being terminated/);
    }
    const deadline = Date.now() + 15_000;
    while ((await api.request('GET', '/api/v1/namespaces/doomed')).status !== 404) {
      assert.ok(Date.now() < deadline, 'namespace deleted within 15 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal((await api.request('GET', '/api/v1/namespaces/doomed/configmaps/inside')).status, 404);
  });

  test('bad input is refused with a Status and changes nothing', async () => {
    const malformed = await api.request('POST', cms, Buffer.from('{"metadata": '));
    assert.equal(malformed.status, 400);
    assert.equal((malformed.body as { kind: string }).kind, 'Status');
    const huge = await api.request('POST', cms, configMap('huge', {}, { big: 'x'.repeat(3.5 * 1024 * 1024) }));
    assert.equal(huge.status, 413);
    assert.equal((await api.request('GET', `${cms}/huge`)).status, 404);
    const wrongKind = await api.request('POST', cms, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } });
    assert.equal(wrongKind.status, 400);
    const unknown = await api.request('GET', '/api/v1/namespaces/default/widgets');
    assert.equal(unknown.status, 404);
    const noNamespace = await api.request('POST', '/api/v1/namespaces/nope/configmaps', configMap('x'));
    assert.equal(noNamespace.status, 404);
    assert.equal((noNamespace.body as { message: string }).message, 'namespaces "nope" not found');
    const stale = await api.request('POST', cms, configMap('stale'));
    const obj = stale.body as Obj;
    await api.request('PUT', `${cms}/stale`, { ...obj, data: { k: 'new' } });
    const conflict = await api.request('PUT', `${cms}/stale`, { ...obj, data: { k: 'lost update' } });
    assert.equal(conflict.status, 409);
    assert.equal((conflict.body as { reason: string }).reason, 'Conflict');
  });

  test('kubectl: create, get in every output, label, annotate, patch and delete', async () => {
    const manifest = JSON.stringify(configMap('from-kubectl', { app: 'web' }, { color: 'blue' }));
    assert.match(await cluster.kubectl(['create', '-f', '-'], { stdin: manifest }), /configmap\/from-kubectl created/);
    assert.match(await cluster.kubectl(['get', 'configmaps']), /^NAME\s+DATA\s+AGE\n(.*\n)*from-kubectl\s+1\s+\d+s/m);
    assert.match(await cluster.kubectl(['get', 'cm', '--show-labels']), /from-kubectl\s+1\s+\S+\s+app=web/);
    assert.equal(await cluster.kubectl(['get', 'cm', 'from-kubectl', '-o', 'jsonpath={.data.color}']), 'blue');
    assert.equal(await cluster.kubectl(['get', 'cm', '-l', 'app=web', '-o', 'name']), 'configmap/from-kubectl\n');
    assert.match(await cluster.kubectl(['get', 'cm', 'from-kubectl', '-o', 'yaml']), /resourceVersion: "\d+"/);
    await cluster.kubectl(['label', 'cm', 'from-kubectl', 'tier=front']);
    await cluster.kubectl(['annotate', 'cm', 'from-kubectl', 'note=hello']);
    await cluster.kubectl(['patch', 'cm', 'from-kubectl', '--type=merge', '-p', '{"data":{"color":"red"}}']);
    await cluster.kubectl(['patch', 'cm', 'from-kubectl', '--type=json', '-p', '[{"op":"add","path":"/data/size","value":"L"}]']);
    const got = JSON.parse(await cluster.kubectl(['get', 'cm', 'from-kubectl', '-o', 'json'])) as {
      data: Record<string, string>;
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    assert.deepEqual(got.data, { color: 'red', size: 'L' });
    assert.equal(got.metadata.labels.tier, 'front');
    assert.equal(got.metadata.annotations.note, 'hello');
    assert.match(
      await cluster.kubectl(['get', 'cm', 'from-kubectl', '-o', 'custom-columns=NAME:.metadata.name,COLOR:.data.color']),
      /NAME\s+COLOR\nfrom-kubectl\s+red/,
    );
    assert.match(await cluster.kubectl(['get', 'namespaces']), /kube-system\s+Active/);
    assert.match(await cluster.kubectl(['delete', 'cm', 'from-kubectl']), /configmap "from-kubectl" deleted/);
    const missing = await cluster.kubectlResult(['get', 'cm', 'from-kubectl']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): configmaps "from-kubectl" not found/);
  });

  test("kubectl's typed commands (protobuf bodies): create namespace, configmap, secret, deployment, job, cronjob, run, scale, set image, autoscale", async () => {
    assert.match(await cluster.kubectl(['create', 'namespace', 'typed']), /namespace\/typed created/);
    await cluster.kubectl(['create', 'configmap', 'typed-cm', '--from-literal=a=b', '-n', 'typed']);
    await cluster.kubectl(['create', 'secret', 'generic', 'typed-secret', '--from-literal=p=q', '-n', 'typed']);
    await cluster.kubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '-n', 'typed']);
    await cluster.kubectl(['create', 'job', 'once', '--image=busybox', '-n', 'typed', '--', 'echo', 'hi']);
    await cluster.kubectl(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '-n', 'typed']);
    await cluster.kubectl(['run', 'nginx', '--image=nginx', '--labels=app=nginx', '-n', 'typed']);
    const cm = JSON.parse(await cluster.kubectl(['get', 'cm', 'typed-cm', '-n', 'typed', '-o', 'json'])) as { data: unknown };
    assert.deepEqual(cm.data, { a: 'b' });
    const secret = JSON.parse(await cluster.kubectl(['get', 'secret', 'typed-secret', '-n', 'typed', '-o', 'json'])) as { data: { p: string } };
    assert.equal(Buffer.from(secret.data.p, 'base64').toString(), 'q');
    await cluster.kubectl(['scale', 'deployment', 'web', '--replicas=3', '-n', 'typed']);
    await cluster.kubectl(['set', 'image', 'deployment/web', 'nginx=nginx:1.25', '-n', 'typed']);
    const deploy = JSON.parse(await cluster.kubectl(['get', 'deploy', 'web', '-n', 'typed', '-o', 'json'])) as {
      metadata: { generation: number };
      spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
    };
    assert.equal(deploy.spec.replicas, 3);
    assert.equal(deploy.spec.template.spec.containers[0].image, 'nginx:1.25');
    assert.equal(deploy.metadata.generation, 3);
    assert.match(await cluster.kubectl(['get', 'pods', '-n', 'typed']), /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nnginx\s+0\/1\s+Pending\s+0\s+/);
    assert.match(await cluster.kubectl(['get', 'cronjobs', '-n', 'typed']), /tick\s+\*\/5 \* \* \* \*/);
    // kubectl autoscale sends an autoscaling/v1 HorizontalPodAutoscaler as protobuf.
    assert.match(await cluster.kubectl(['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=70', '-n', 'typed']), /horizontalpodautoscaler.autoscaling\/web autoscaled/);
    const hpa = JSON.parse(await cluster.kubectl(['get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-n', 'typed', '-o', 'json'])) as {
      spec: { minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number; scaleTargetRef: { kind: string; name: string } };
    };
    assert.deepEqual(hpa.spec, { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70, scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' } });
  });

  test('kubectl: a seed manifest with a typo fails as upstream', async () => {
    const manifest = [
      'apiVersion: apps/v1',
      'kind: ReplicaSet',
      'metadata:',
      '  name: myapp-replicaset',
      'spec:',
      '  replicase: 3',
      '  selector:',
      '    matchLabels: {type: front-end}',
      '  template:',
      '    metadata:',
      '      labels: {type: front-end}',
      '    spec:',
      '      containers:',
      '      - name: nginx',
      '        image: nginx',
    ].join('\n');
    const result = await cluster.kubectlResult(['create', '-f', '-'], { stdin: manifest });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /strict decoding error: unknown field "spec.replicase"/);
    assert.equal((await cluster.kubectlResult(['get', 'rs', 'myapp-replicaset'])).code, 1);
  });

  test('kubectl: version, cluster-info and api-resources', async () => {
    assert.match(await cluster.kubectl(['version']), /Server Version: v1\.33/);
    assert.match(await cluster.kubectl(['cluster-info']), /Kubernetes control plane.* is running at https:\/\/127\.0\.0\.1:\d+/);
    const resources = await cluster.kubectl(['api-resources']);
    assert.match(resources, /configmaps\s+cm\s+v1\s+true\s+ConfigMap/);
    assert.match(resources, /namespaces\s+ns\s+v1\s+false\s+Namespace/);
  });
});
