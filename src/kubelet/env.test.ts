import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import { ContainerConfigError, containerEnv, expand, expandCommand, serviceEnv, type EnvSources } from './env.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const sources: EnvSources = {
  async getConfigMap(ns, name) {
    return ns === 'default' && name === 'cfg' ? { data: { color: 'blue', 'bad key': 'x', size: 'L' } } : undefined;
  },
  async getSecret(_ns, name) {
    return name === 'sec' ? { data: { password: b64('s3cret') } } : undefined;
  },
  listServices: () => [],
};

const pod = (env: object[], envFrom: object[] = [], resources: object = {}): IPod =>
  ({
    metadata: { name: 'web', namespace: 'default', uid: 'u-1', labels: { app: 'web' }, annotations: { note: 'hi' } },
    spec: { nodeName: 'n1', serviceAccountName: 'default', containers: [{ name: 'c', image: 'nginx', env, envFrom, resources }] },
    status: { podIP: '10.42.0.5', podIPs: [{ ip: '10.42.0.5' }], hostIP: '172.18.0.2', hostIPs: [{ ip: '172.18.0.2' }] },
  }) as unknown as IPod;

async function envOf(p: IPod, allocatable: Record<string, string> = {}): Promise<Record<string, string>> {
  return Object.fromEntries((await containerEnv(p, p.spec!.containers[0], sources, allocatable)).map((e) => [e.key, e.value]));
}

test('$(VAR) expansion: defined names expand, $$ escapes, unknown stay', () => {
  const vars: Record<string, string> = { A: 'x' };
  assert.equal(expand('$(A)-$(B)-$$(A)-$', (n) => vars[n]), 'x-$(B)-$(A)-$');
});

test('values, fieldRef and references to earlier variables', async () => {
  const env = await envOf(
    pod([
      { name: 'GREETING', value: 'hello' },
      { name: 'MSG', value: '$(GREETING) world' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'NOTE', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } },
    ]),
  );
  assert.deepEqual(env, { GREETING: 'hello', MSG: 'hello world', POD_NAME: 'web', POD_NS: 'default', POD_UID: 'u-1', POD_IP: '10.42.0.5', HOST_IP: '172.18.0.2', NODE: 'n1', SA: 'default', APP: 'web', NOTE: 'hi' });
});

test('DownwardAPI, environment for CPU and memory limits and requests', async () => {
  const p = pod(
    [
      { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'MEMORY_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
      { name: 'CPU_REQUEST', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
      { name: 'MEMORY_REQUEST', valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } } },
    ],
    [],
    { limits: { cpu: '1250m', memory: '64Mi' }, requests: { cpu: '250m', memory: '32Mi' } },
  );
  assert.deepEqual(await envOf(p), { CPU_LIMIT: '2', MEMORY_LIMIT: String(64 * 1024 * 1024), CPU_REQUEST: '250', MEMORY_REQUEST: '32' });
});

test('DownwardAPI, environment for default CPU and memory limits and requests', async () => {
  const p = pod([
    { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
    { name: 'MEMORY_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
  ]);
  assert.deepEqual(await envOf(p, { cpu: '4', memory: '8Gi' }), { CPU_LIMIT: '4', MEMORY_LIMIT: String(8 * 1024 ** 3) });
});

test('ConfigMap and Secret keys, envFrom with prefix; invalid names are skipped', async () => {
  const env = await envOf(
    pod(
      [
        { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'color' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
        { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'missing', key: 'x', optional: true } } },
      ],
      [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'sec' } }, { configMapRef: { name: 'nope', optional: true } }],
    ),
  );
  assert.deepEqual(env, { CFG_color: 'blue', CFG_size: 'L', password: 's3cret', COLOR: 'blue', PASSWORD: 's3cret' });
});

test('missing sources and keys fail with the messages upstream shows in CreateContainerConfigError', async () => {
  const cases: [object[], object[], string][] = [
    [[{ name: 'X', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k' } } }], [], 'configmap "missing" not found'],
    [[{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nokey' } } }], [], "couldn't find key nokey in ConfigMap default/cfg"],
    [[{ name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }], [], 'secret "gone" not found'],
    [[{ name: 'X', valueFrom: { secretKeyRef: { name: 'sec', key: 'user' } } }], [], "couldn't find key user in Secret default/sec"],
    [[], [{ secretRef: { name: 'gone' } }], 'secret "gone" not found'],
  ];
  for (const [env, envFrom, message] of cases) {
    await assert.rejects(envOf(pod(env, envFrom)), (err: Error) => err instanceof ContainerConfigError && err.message === message);
  }
});

test('command and args expand from the environment', () => {
  const c = { name: 'c', command: ['echo', '$(A)'], args: ['$(B)', '$$(A)'] };
  assert.deepEqual(expandCommand(c, [{ key: 'A', value: '1' }, { key: 'B', value: '2' }]), { command: ['echo', '1'], args: ['2', '$(A)'] });
});

const service = (namespace: string, name: string, clusterIP: string, ports: object[]): IService =>
  ({ metadata: { name, namespace }, spec: { clusterIP, ports } }) as unknown as IService;
const kubernetes = service('default', 'kubernetes', '10.43.0.1', [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
const fooservice = service('default', 'fooservice', '10.43.0.20', [{ port: 8765, protocol: 'TCP', targetPort: 8080 }]);

test('service links: every variable of a Service, in upstream order', () => {
  const dns = service('apps', 'my-dns', 'fd00::a', [
    { name: 'dns', port: 53, protocol: 'UDP' },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' },
  ]);
  assert.deepEqual([...serviceEnv([dns], 'apps', true)], [
    ['MY_DNS_SERVICE_HOST', 'fd00::a'],
    ['MY_DNS_SERVICE_PORT', '53'],
    ['MY_DNS_SERVICE_PORT_DNS', '53'],
    ['MY_DNS_SERVICE_PORT_DNS_TCP', '53'],
    ['MY_DNS_PORT', 'udp://[fd00::a]:53'],
    ['MY_DNS_PORT_53_UDP', 'udp://[fd00::a]:53'],
    ['MY_DNS_PORT_53_UDP_PROTO', 'udp'],
    ['MY_DNS_PORT_53_UDP_PORT', '53'],
    ['MY_DNS_PORT_53_UDP_ADDR', 'fd00::a'],
    ['MY_DNS_PORT_53_TCP', 'tcp://[fd00::a]:53'],
    ['MY_DNS_PORT_53_TCP_PROTO', 'tcp'],
    ['MY_DNS_PORT_53_TCP_PORT', '53'],
    ['MY_DNS_PORT_53_TCP_ADDR', 'fd00::a'],
  ]);
});

test('service links: the namespace\'s Services with a cluster IP, and always the default kubernetes Service', () => {
  const headless = service('default', 'headless', 'None', [{ port: 80 }]);
  const external = service('default', 'external', '', [{ port: 80 }]);
  const other = service('other', 'elsewhere', '10.43.0.30', [{ port: 80 }]);
  const all = [kubernetes, fooservice, headless, external, other];
  const names = (m: Map<string, string>) => [...new Set([...m.keys()].map((k) => k.split('_')[0]))];
  assert.deepEqual(names(serviceEnv(all, 'default', true)), ['FOOSERVICE', 'KUBERNETES']);
  assert.deepEqual(names(serviceEnv(all, 'default', false)), ['KUBERNETES']);
  assert.deepEqual(names(serviceEnv(all, 'other', true)), ['ELSEWHERE', 'KUBERNETES']);
  assert.deepEqual(names(serviceEnv(all, 'other', false)), ['KUBERNETES']);
  assert.equal(serviceEnv(all, 'other', false).get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
  // A kubernetes Service of the pod's own namespace wins over the default one.
  const own = service('other', 'kubernetes', '10.43.0.99', [{ port: 80 }]);
  for (const order of [[kubernetes, own], [own, kubernetes]]) assert.equal(serviceEnv(order, 'other', true).get('KUBERNETES_SERVICE_HOST'), '10.43.0.99');
});

test('service links: they follow the container\'s own variables, which win and can refer to them', async () => {
  const p = pod([
    { name: 'FOOSERVICE_SERVICE_PORT', value: 'mine' },
    { name: 'FOO_URL', value: 'http://$(FOOSERVICE_SERVICE_HOST):$(FOOSERVICE_SERVICE_PORT)' },
  ]);
  const env = await containerEnv(p, p.spec!.containers[0], { ...sources, listServices: () => [kubernetes, fooservice] });
  assert.deepEqual(env.slice(0, 3), [
    { key: 'FOOSERVICE_SERVICE_PORT', value: 'mine' },
    { key: 'FOO_URL', value: 'http://10.43.0.20:mine' },
    { key: 'FOOSERVICE_SERVICE_HOST', value: '10.43.0.20' },
  ]);
  const map = new Map(env.map((e) => [e.key, e.value]));
  assert.equal(map.get('FOOSERVICE_PORT_8765_TCP'), 'tcp://10.43.0.20:8765');
  assert.equal(map.get('FOOSERVICE_SERVICE_PORT'), 'mine');
  assert.equal(map.get('KUBERNETES_PORT'), 'tcp://10.43.0.1:443');
  assert.equal(env.filter((e) => e.key === 'FOOSERVICE_SERVICE_PORT').length, 1);
});

test('service links: before the Services are listed, the container waits with CreateContainerConfigError', async () => {
  await assert.rejects(
    containerEnv(pod([]), pod([]).spec!.containers[0], { ...sources, listServices: () => undefined }),
    (err: Error) => err instanceof ContainerConfigError && err.message === 'services have not yet been read at least once, cannot construct envvars',
  );
});
