import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { ContainerConfigError, containerEnv, expand, expandCommand, type EnvSources } from './env.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const sources: EnvSources = {
  async getConfigMap(ns, name) {
    return ns === 'default' && name === 'cfg' ? { data: { color: 'blue', 'bad key': 'x', size: 'L' } } : undefined;
  },
  async getSecret(_ns, name) {
    return name === 'sec' ? { data: { password: b64('s3cret') } } : undefined;
  },
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
