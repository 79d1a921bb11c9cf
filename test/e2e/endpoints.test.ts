// Endpoints, EndpointSlices and their mirroring, end to end: Services with pods
// running on hollow nodes, read back with the real kubectl and the raw API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';

interface Meta {
  name: string;
  uid: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  generateName?: string;
}
interface Address {
  ip: string;
  nodeName?: string;
  hostname?: string;
  targetRef?: { kind: string; name: string; namespace: string; uid: string };
}
interface Subset {
  addresses?: Address[];
  notReadyAddresses?: Address[];
  ports?: { name?: string; port: number; protocol: string }[];
}
interface EndpointsJson {
  metadata: Meta;
  subsets?: Subset[];
}
interface SliceJson {
  metadata: Meta;
  addressType: string;
  endpoints: { addresses: string[]; conditions: { ready?: boolean; serving?: boolean; terminating?: boolean }; nodeName?: string; zone?: string; hostname?: string; targetRef?: { kind: string; name: string; uid: string } }[] | null;
  ports: { name?: string; port: number; protocol: string }[] | null;
}
interface PodJson {
  metadata: Meta;
  spec: { nodeName?: string };
  status: { podIP?: string; phase?: string; conditions?: { type: string; status: string }[] };
}

describe('endpoints and endpoint slices', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  const ns = 'default';

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 2 });
    api = await apiClient(cluster.kubeconfig);
    await eventually('2 ready nodes', async () => {
      const out = await cluster.kubectl(['get', 'nodes', '--no-headers']);
      return out.trim().split('\n').filter((l) => / Ready /.test(l)).length === 2;
    });
  });
  after(async () => {
    await cluster?.stop();
  });

  const get = async <T>(path: string) => {
    const res = await api.request('GET', path);
    return res.status === 200 ? (res.body as T) : undefined;
  };
  const endpointsOf = (name: string) => get<EndpointsJson>(`/api/v1/namespaces/${ns}/endpoints/${name}`);
  const slicesOf = async (name: string) =>
    (await get<{ items: SliceJson[] }>(`/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${name}`)}`))?.items ?? [];
  const apply = (obj: object) => cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(obj) });
  const service = (name: string, spec: object, labels: Record<string, string> = {}) => apply({ apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec });
  const pod = (name: string, labels: Record<string, string>, ports: object[], extra: { annotations?: Record<string, string>; spec?: object } = {}) =>
    apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
      spec: { containers: [{ name: 'c', image: 'nginx', ports }], ...(extra.spec ?? {}) },
    });
  const runningPod = async (name: string) =>
    eventually(`${name} Running with an IP`, async () => {
      const p = await get<PodJson>(`/api/v1/namespaces/${ns}/pods/${name}`);
      return p?.status.phase === 'Running' && p.status.podIP ? p : undefined;
    });
  const readyPod = async (name: string) =>
    eventually(`${name} Ready`, async () => {
      const p = await runningPod(name);
      return p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
    });
  const ipPorts = (e: EndpointsJson | undefined) =>
    (e?.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => (s.ports ?? []).map((p) => `${a.ip}:${p.port}`))).sort();
  const deletePod = (name: string) => cluster.kubectl(['delete', 'pod', name, '--wait=true']);

  test('Service, endpoints', async () => {
    await service('ep-basic', { selector: { app: 'ep-basic' }, ports: [{ port: 80, targetPort: 80 }] });
    const empty = await eventually('empty Endpoints', () => endpointsOf('ep-basic'));
    assert.equal(empty.subsets, undefined);
    const got = await cluster.kubectlResult(['get', 'endpoints', 'ep-basic']);
    assert.match(got.stdout, /^NAME\s+ENDPOINTS\s+AGE\nep-basic\s+<none>\s+\S+\n$/);
    assert.equal(got.stderr, 'Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n');
    await pod('ep-basic-1', { app: 'ep-basic' }, [{ containerPort: 80 }]);
    const p1 = await readyPod('ep-basic-1');
    await eventually('one endpoint', async () => ipPorts(await endpointsOf('ep-basic')).join() === `${p1.status.podIP}:80`);
    await pod('ep-basic-2', { app: 'ep-basic' }, [{ containerPort: 80 }]);
    const p2 = await readyPod('ep-basic-2');
    const both = [`${p1.status.podIP}:80`, `${p2.status.podIP}:80`].sort();
    await eventually('two endpoints', async () => ipPorts(await endpointsOf('ep-basic')).join() === both.join());
    const ep = (await endpointsOf('ep-basic'))!;
    const address = ep.subsets![0].addresses!.find((a) => a.ip === p1.status.podIP)!;
    assert.equal(address.nodeName, p1.spec.nodeName);
    assert.deepEqual(address.targetRef, { kind: 'Pod', namespace: ns, name: 'ep-basic-1', uid: p1.metadata.uid });
    const table = await cluster.kubectl(['get', 'endpoints', 'ep-basic', '--no-headers']);
    assert.match(table, new RegExp(`^ep-basic\\s+${both.join(',').replace(/\./g, '\\.')}\\s+\\S+\\n$`));
    await deletePod('ep-basic-2');
    await eventually('one endpoint left', async () => ipPorts(await endpointsOf('ep-basic')).join() === `${p1.status.podIP}:80`);
    await deletePod('ep-basic-1');
    await eventually('no endpoints', async () => (await endpointsOf('ep-basic'))?.subsets === undefined);
  });

  test('Service, endpoints with multiple ports', async () => {
    await service('ep-multi', {
      selector: { app: 'ep-multi' },
      ports: [
        { name: 'portname1', port: 80, targetPort: 'svc1' },
        { name: 'portname2', port: 81, targetPort: 'svc2' },
      ],
    });
    await eventually('Endpoints', () => endpointsOf('ep-multi'));
    await pod('ep-multi-1', { app: 'ep-multi' }, [{ name: 'svc1', containerPort: 100 }]);
    const p1 = await readyPod('ep-multi-1');
    await eventually('pod 1 on port 100', async () => ipPorts(await endpointsOf('ep-multi')).join() === `${p1.status.podIP}:100`);
    await pod('ep-multi-2', { app: 'ep-multi' }, [{ name: 'svc2', containerPort: 101 }]);
    const p2 = await readyPod('ep-multi-2');
    const both = [`${p1.status.podIP}:100`, `${p2.status.podIP}:101`].sort().join();
    await eventually('both pods, each on its port', async () => ipPorts(await endpointsOf('ep-multi')).join() === both);
    const ep = (await endpointsOf('ep-multi'))!;
    // Different ports: two subsets, each port named after the Service port.
    assert.equal(ep.subsets?.length, 2);
    const names = ep.subsets!.flatMap((s) => s.ports!.map((p) => `${p.name}/${p.port}/${p.protocol}`)).sort();
    assert.deepEqual(names, ['portname1/100/TCP', 'portname2/101/TCP']);
    await deletePod('ep-multi-1');
    await eventually('pod 2 only', async () => ipPorts(await endpointsOf('ep-multi')).join() === `${p2.status.podIP}:101`);
    await deletePod('ep-multi-2');
    await eventually('no endpoints', async () => (await endpointsOf('ep-multi'))?.subsets === undefined);
  });

  test('EndpointSlice API', async () => {
    // should create Endpoints and EndpointSlices for Pods matching a Service
    await service('es-match', { selector: { app: 'es-match' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] }, { tier: 'front' });
    await pod('es-match-1', { app: 'es-match' }, [{ name: 'web', containerPort: 8080 }]);
    const p1 = await readyPod('es-match-1');
    const svc = (await get<{ metadata: Meta }>(`/api/v1/namespaces/${ns}/services/es-match`))!;
    const slice = await eventually('a slice with the pod', async () => {
      const slices = await slicesOf('es-match');
      return slices.length === 1 && slices[0].endpoints?.length === 1 ? slices[0] : undefined;
    });
    assert.match(slice.metadata.name, /^es-match-[a-z0-9]{5}$/);
    assert.deepEqual(slice.metadata.labels, {
      tier: 'front',
      'kubernetes.io/service-name': 'es-match',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'es-match', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const [endpoint] = slice.endpoints!;
    assert.deepEqual(endpoint.addresses, [p1.status.podIP]);
    assert.deepEqual(endpoint.conditions, { ready: true, serving: true, terminating: false });
    assert.equal(endpoint.nodeName, p1.spec.nodeName);
    assert.deepEqual(endpoint.targetRef, { kind: 'Pod', namespace: ns, name: 'es-match-1', uid: p1.metadata.uid });
    const table = await cluster.kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=es-match']);
    assert.match(table, new RegExp(`^NAME\\s+ADDRESSTYPE\\s+PORTS\\s+ENDPOINTS\\s+AGE\\n${slice.metadata.name}\\s+IPv4\\s+8080\\s+${p1.status.podIP!.replace(/\./g, '\\.')}\\s+\\S+\\n$`));
    assert.match(await cluster.kubectl(['get', 'endpoints', 'es-match', '--no-headers']), new RegExp(`^es-match\\s+${p1.status.podIP!.replace(/\./g, '\\.')}:8080\\s`));
    assert.match(await cluster.kubectl(['describe', 'service', 'es-match']), new RegExp(`\\nEndpoints:\\s+${p1.status.podIP!.replace(/\./g, '\\.')}:8080\\n`));
  });

  test('EndpointSlice API', async () => {
    // should create and delete Endpoints and EndpointSlices for a Service with a selector specified
    await service('es-lifecycle', { selector: { app: 'es-lifecycle' }, ports: [{ port: 80 }] });
    const placeholder = await eventually('a placeholder slice', async () => (await slicesOf('es-lifecycle'))[0]);
    assert.equal(placeholder.endpoints, null);
    assert.equal(placeholder.ports, null);
    assert.match(await cluster.kubectl(['get', 'endpointslices', placeholder.metadata.name, '--no-headers']), /\sIPv4\s+<unset>\s+<unset>\s/);
    await eventually('Endpoints', () => endpointsOf('es-lifecycle'));
    await cluster.kubectl(['delete', 'service', 'es-lifecycle']);
    await eventually('Endpoints deleted', async () => (await endpointsOf('es-lifecycle')) === undefined);
    await eventually('slices deleted', async () => (await slicesOf('es-lifecycle')).length === 0);
  });

  test('EndpointSlice API', async () => {
    // should have Endpoints and EndpointSlices pointing to API Server
    const ep = (await endpointsOf('kubernetes'))!;
    const port = Number(new URL((await cluster.kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}']))).port);
    assert.equal(ep.subsets?.length, 1);
    assert.deepEqual(ep.subsets![0].ports, [{ name: 'https', port, protocol: 'TCP' }]);
    const ip = ep.subsets![0].addresses![0].ip;
    const slice = (await get<SliceJson>(`/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices/kubernetes`))!;
    assert.equal(slice.metadata.labels?.['kubernetes.io/service-name'], 'kubernetes');
    assert.deepEqual(slice.endpoints?.map((e) => e.addresses), [[ip]]);
    assert.deepEqual(slice.ports, [{ name: 'https', port, protocol: 'TCP' }]);
    // Not mirrored a second time.
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual((await slicesOf('kubernetes')).map((s) => s.metadata.name), ['kubernetes']);
  });

  test('EndpointSlice API', async () => {
    // should support creating EndpointSlice API operations
    const base = `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`;
    const discovery = (await get<{ resources: { name: string; verbs: string[] }[] }>('/apis/discovery.k8s.io/v1'))!;
    assert.deepEqual(discovery.resources.find((r) => r.name === 'endpointslices')?.verbs.sort(), ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    const body = (name: string) => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, labels: { 'e2e-test': 'ops' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['1.2.3.4', '5.6.7.8'] }],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    });
    for (const n of ['ops-1', 'ops-2', 'ops-3']) assert.equal((await api.request('POST', base, body(n))).status, 201);
    const watch = api.watch(`${base}?watch=true&labelSelector=e2e-test%3Dops&resourceVersion=0`);
    try {
      const listed = (await get<{ items: SliceJson[] }>(`${base}?labelSelector=e2e-test%3Dops`))!;
      assert.equal(listed.items.length, 3);
      const patched = await api.request('PATCH', `${base}/ops-1`, { metadata: { annotations: { patched: 'true' } } }, { 'Content-Type': 'application/merge-patch+json' });
      assert.equal((patched.body as SliceJson).metadata.annotations?.patched, 'true');
      const current = (await get<SliceJson>(`${base}/ops-1`))!;
      const updated = await api.request('PUT', `${base}/ops-1`, { ...current, metadata: { ...current.metadata, annotations: { updated: 'true' } } });
      assert.equal((updated.body as SliceJson).metadata.annotations?.updated, 'true');
      assert.equal((await api.request('DELETE', `${base}/ops-1`)).status, 200);
      assert.equal((await api.request('GET', `${base}/ops-1`)).status, 404);
      assert.equal((await api.request('DELETE', `${base}?labelSelector=e2e-test%3Dops`)).status, 200);
      assert.equal((await get<{ items: SliceJson[] }>(`${base}?labelSelector=e2e-test%3Dops`))!.items.length, 0);
      const seen = new Set<string>();
      for (let e = await watch.next(5000); e; e = await watch.next(5000)) {
        seen.add(e.type);
        if (seen.has('DELETED') && seen.has('MODIFIED')) break;
      }
      assert.ok(seen.has('ADDED') && seen.has('MODIFIED') && seen.has('DELETED'), [...seen].join());
    } finally {
      watch.close();
    }
  });

  test('EndpointSlice Mirroring', async () => {
    await service('mirror', { ports: [{ name: 'example', port: 80, protocol: 'TCP' }] });
    await apply({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'mirror', labels: { origin: 'hand' } },
      subsets: [{ addresses: [{ ip: '10.1.2.3' }], ports: [{ name: 'example', port: 80, protocol: 'TCP' }] }],
    });
    const ep = (await endpointsOf('mirror'))!;
    const slice = await eventually('a mirrored slice', async () => (await slicesOf('mirror'))[0]);
    assert.match(slice.metadata.name, /^mirror-[a-z0-9]{5}$/);
    assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.equal(slice.metadata.labels?.origin, 'hand');
    assert.deepEqual(slice.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}/${r.uid}`), [`Endpoints/mirror/${ep.metadata.uid}`]);
    assert.deepEqual(slice.endpoints, [{ addresses: ['10.1.2.3'], conditions: { ready: true } }]);
    assert.deepEqual(slice.ports, [{ name: 'example', port: 80, protocol: 'TCP' }]);
    // Update: the slice follows.
    await apply({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'mirror', labels: { origin: 'hand' } },
      subsets: [{ addresses: [{ ip: '10.2.3.4' }], ports: [{ name: 'example', port: 8090, protocol: 'TCP' }] }],
    });
    await eventually('the slice updated', async () => {
      const slices = await slicesOf('mirror');
      return slices.length === 1 && slices[0].endpoints?.[0].addresses[0] === '10.2.3.4' && slices[0].ports?.[0].port === 8090;
    });
    // Delete: the slices go.
    await cluster.kubectl(['delete', 'endpoints', 'mirror']);
    await eventually('mirrored slices deleted', async () => (await slicesOf('mirror')).length === 0);
    // A Service with a selector is not mirrored.
    assert.equal((await slicesOf('ep-basic')).every((s) => s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslice-controller.k8s.io'), true);
  });

  test('Endpoint resource lifecycle', async () => {
    const base = `/api/v1/namespaces/${ns}/endpoints`;
    const created = await api.request('POST', base, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'testservice', labels: { 'test-endpoint-static': 'true' } },
      subsets: [{ addresses: [{ ip: '10.0.0.24' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }],
    });
    assert.equal(created.status, 201);
    const watch = api.watch(`${base}?watch=true&labelSelector=test-endpoint-static%3Dtrue&resourceVersion=${(created.body as EndpointsJson & { metadata: { resourceVersion: string } }).metadata.resourceVersion}`);
    try {
      const current = (await endpointsOf('testservice'))!;
      const updated = await api.request('PUT', `${base}/testservice`, { ...current, metadata: { ...current.metadata, labels: { ...current.metadata.labels, 'test-service': 'updated' } } });
      assert.equal((updated.body as EndpointsJson).metadata.labels?.['test-service'], 'updated');
      const patch = { metadata: { labels: { 'test-service': 'patched' } }, subsets: [{ addresses: [{ ip: '10.0.0.25' }], ports: [{ name: 'http-test', port: 8080, protocol: 'TCP' }] }] };
      await api.request('PATCH', `${base}/testservice`, patch, { 'Content-Type': 'application/strategic-merge-patch+json' });
      const patched = (await endpointsOf('testservice'))!;
      assert.equal(patched.metadata.labels?.['test-service'], 'patched');
      assert.deepEqual(patched.subsets, [{ addresses: [{ ip: '10.0.0.25' }], ports: [{ name: 'http-test', port: 8080, protocol: 'TCP' }] }]);
      // The endpoints controller leaves an Endpoints without a Service alone.
      await new Promise((r) => setTimeout(r, 1000));
      assert.ok(await endpointsOf('testservice'));
      assert.equal((await api.request('DELETE', `${base}?labelSelector=test-endpoint-static%3Dtrue`)).status, 200);
      let deleted = false;
      for (let e = await watch.next(5000); e; e = await watch.next(5000)) {
        if (e.type === 'DELETED') {
          deleted = true;
          break;
        }
      }
      assert.ok(deleted, 'a DELETED watch event');
    } finally {
      watch.close();
    }
  });

  test('not-ready pods are notReadyAddresses unless the Service publishes them; headless Services are labelled', async () => {
    await service('ep-ready', { selector: { app: 'ep-ready' }, clusterIP: 'None', ports: [{ port: 80 }] });
    await service('ep-publish', { selector: { app: 'ep-ready' }, publishNotReadyAddresses: true, ports: [{ port: 80 }] });
    const spec = { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { exec: { command: ['cat', '/ready'] }, periodSeconds: 1 } }] };
    await apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ep-unready', labels: { app: 'ep-ready' }, annotations: { 'k8ts.io/simulate-probe-fail': 'readiness' } }, spec });
    const p = await runningPod('ep-unready');
    const ep = await eventually('a not-ready address', async () => {
      const e = await endpointsOf('ep-ready');
      return e?.subsets?.[0]?.notReadyAddresses?.length === 1 ? e : undefined;
    });
    assert.equal(ep.subsets![0].addresses, undefined);
    assert.equal(ep.subsets![0].notReadyAddresses![0].ip, p.status.podIP);
    assert.equal(ep.metadata.labels?.['service.kubernetes.io/headless'], '');
    const published = await eventually('a published address', async () => {
      const e = await endpointsOf('ep-publish');
      return e?.subsets?.[0]?.addresses?.length === 1 ? e : undefined;
    });
    assert.equal(published.metadata.labels?.['service.kubernetes.io/headless'], undefined);
    const [slice] = await eventually('a slice', async () => ((await slicesOf('ep-ready'))[0]?.endpoints?.length ? slicesOf('ep-ready') : undefined));
    assert.equal(slice.metadata.labels?.['service.kubernetes.io/headless'], '');
    assert.deepEqual(slice.endpoints![0].conditions, { ready: false, serving: false, terminating: false });
    const [pubSlice] = await eventually('a published slice', async () => ((await slicesOf('ep-publish'))[0]?.endpoints?.length ? slicesOf('ep-publish') : undefined));
    assert.deepEqual(pubSlice.endpoints![0].conditions, { ready: true, serving: false, terminating: false });
  });

  test('a pod without the named target port is left out; Service labels, hostname and the zone carry over', async () => {
    await cluster.kubectl(['label', 'node', 'k8ts-sim-0', 'k8ts-sim-1', 'topology.kubernetes.io/zone=zone-a']);
    await service('ep-named', { selector: { app: 'ep-named' }, ports: [{ name: 'web', port: 80, targetPort: 'web' }] }, { team: 'blue' });
    await pod('ep-named-with', { app: 'ep-named' }, [{ name: 'web', containerPort: 8080 }], { spec: { hostname: 'host-a', subdomain: 'ep-named' } });
    await pod('ep-named-without', { app: 'ep-named' }, [{ name: 'other', containerPort: 9090 }]);
    const withPort = await readyPod('ep-named-with');
    await readyPod('ep-named-without');
    const ep = await eventually('one address', async () => {
      const e = await endpointsOf('ep-named');
      return ipPorts(e).length === 1 ? e : undefined;
    });
    assert.deepEqual(ipPorts(ep), [`${withPort.status.podIP}:8080`]);
    assert.equal(ep.subsets![0].addresses![0].hostname, 'host-a');
    assert.equal(ep.metadata.labels?.team, 'blue');
    // The slice controller keeps the port-less pod in a slice of its own (no ports).
    const slices = await eventually('two slices', async () => {
      const s = await slicesOf('ep-named');
      return s.length === 2 && s.every((x) => x.endpoints?.length === 1) ? s : undefined;
    });
    const withSlice = slices.find((s) => s.ports?.length)!;
    assert.deepEqual(withSlice.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
    assert.equal(withSlice.endpoints![0].hostname, 'host-a');
    assert.equal(withSlice.endpoints![0].zone, 'zone-a');
  });

  test('a terminating pod leaves the Endpoints and stays in its slice as terminating', async () => {
    await service('ep-term', { selector: { app: 'ep-term' }, ports: [{ port: 80 }] });
    await pod('ep-term-1', { app: 'ep-term' }, [{ containerPort: 80 }], {
      spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], lifecycle: { preStop: { sleep: { seconds: 20 } } } }] },
    });
    const p = await readyPod('ep-term-1');
    await eventually('one endpoint', async () => ipPorts(await endpointsOf('ep-term')).length === 1);
    await cluster.kubectl(['delete', 'pod', 'ep-term-1', '--wait=false']);
    await eventually('no ready endpoints', async () => (await endpointsOf('ep-term'))?.subsets === undefined);
    const slice = await eventually('a terminating endpoint', async () => {
      const [s] = await slicesOf('ep-term');
      return s?.endpoints?.[0]?.conditions.terminating ? s : undefined;
    });
    assert.deepEqual(slice.endpoints![0].addresses, [p.status.podIP]);
    assert.equal(slice.endpoints![0].conditions.ready, false);
    await cluster.kubectl(['delete', 'pod', 'ep-term-1', '--grace-period=0', '--force']);
  });

  test("the seeds' Service walkthrough: a Service matches all 3 replicas on ALL its selector labels, forwards to targetPort, one address per named port", async () => {
    const labels = { app: 'my-app', type: 'microservice' };
    await apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'microservice-one' },
      spec: { replicas: 3, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 3000 }] }] } } },
    });
    await pod('half-match', { app: 'my-app' }, [{ containerPort: 3000 }]);
    await service('microservice-one-service', { selector: labels, ports: [{ protocol: 'TCP', port: 3200, targetPort: 3000 }] });
    const ips = await eventually('3 endpoints', async () => {
      const list = (await get<{ items: PodJson[] }>(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent('app=my-app,type=microservice')}`))!.items;
      const ready = list.filter((p) => p.status.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      if (ready.length !== 3) return undefined;
      const want = ready.map((p) => `${p.status.podIP}:3000`).sort();
      return ipPorts(await endpointsOf('microservice-one-service')).join() === want.join() ? want : undefined;
    });
    const half = await readyPod('half-match');
    assert.ok(!ips.includes(`${half.status.podIP}:3000`));
    const table = await cluster.kubectl(['get', 'endpoints']);
    assert.match(table, /^NAME\s+ENDPOINTS\s+AGE\n/);
    assert.match(table, /\nkubernetes\s+\d+\.\d+\.\d+\.\d+:\d+\s/);
    assert.match(table, /\nmicroservice-one-service\s+\S+:3000,\S+:3000,\S+:3000\s/);

    await apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mongodb' }, spec: { replicas: 1, selector: { matchLabels: { app: 'mongodb' } }, template: { metadata: { labels: { app: 'mongodb' } }, spec: { containers: [{ name: 'mongodb', image: 'mongo', ports: [{ containerPort: 27017 }] }, { name: 'exporter', image: 'exporter', ports: [{ containerPort: 9216 }] }] } } } });
    await service('mongodb-service', {
      selector: { app: 'mongodb' },
      ports: [
        { name: 'mongodb', protocol: 'TCP', port: 27017, targetPort: 27017 },
        { name: 'mongodb-exporter', protocol: 'TCP', port: 9216, targetPort: 9216 },
      ],
    });
    const line = await eventually('both ports of the mongodb pod', async () => {
      const out = await cluster.kubectl(['get', 'endpoints', 'mongodb-service', '--no-headers']);
      return /^mongodb-service\s+(\S+):27017,\1:9216\s/.test(out) || /^mongodb-service\s+(\S+):9216,\1:27017\s/.test(out) ? out : undefined;
    });
    assert.ok(line);
  });
});
