// Real containers end to end: `k8ts server` with this machine as a node over
// its own containerd, images served by a local docker-registry that the node's
// registries.yaml mirrors docker.io to, driven by the real kubectl. Needs root,
// containerd, runc, the CNI plugins, busybox-static and docker-registry (npm
// test's setup installs them); a missing one fails the test.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { pushSeedImages, startRegistry, type TestRegistry } from '../helpers/registry.js';
import type { CriRuntime } from '../../src/kubelet/runtime/cri/runtime.js';

interface ContainerStatusJson {
  name: string;
  ready: boolean;
  restartCount: number;
  containerID?: string;
  state: { running?: object; waiting?: { reason: string; message?: string }; terminated?: { exitCode: number; reason: string; message?: string } };
  lastState?: { terminated?: { exitCode: number; reason: string } };
}
export interface PodJson {
  metadata: { name: string; uid: string };
  status: { phase: string; podIP?: string; containerStatuses?: ContainerStatusJson[]; initContainerStatuses?: ContainerStatusJson[] };
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

describe('real containers through containerd', () => {
  let registry: TestRegistry;
  let cluster: TestCluster;
  let runtime: CriRuntime;

  before(async () => {
    registry = await startRegistry();
    await pushSeedImages(registry);
    cluster = await startTestCluster({ runtime: 'containerd', registriesYaml: registry.registriesYaml(), kubeletBackoffBaseMs: 1000, nodeName: 'k8ts-node' });
    runtime = cluster.server.agent!.node.runtime;
  });
  after(async () => {
    await cluster?.stop();
    await registry?.stop();
  });

  test('the node registers Ready with containerd as its runtime', async () => {
    await eventually('node Ready', async () => (await cluster.kubectl(['get', 'node', 'k8ts-node', '--no-headers'])).split(/\s+/)[1] === 'Ready');
    const node = JSON.parse(await cluster.kubectl(['get', 'node', 'k8ts-node', '-o', 'json']));
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\/\d+\.\d+/);
    assert.ok(node.status.images.some((i: { names: string[] }) => i.names.includes('docker.io/k8ts/pause:3.10')));
  });

  test('kubectl create deployment web --image=nginx --replicas=3 runs three real containers serving HTTP', async () => {
    await cluster.kubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    const pods = await eventually(
      '3 running web pods',
      async () => {
        const list = JSON.parse(await cluster.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: PodJson[] };
        return list.items.length === 3 && list.items.every((p) => p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.ready) ? list.items : undefined;
      },
      120_000,
    );
    const running = await runtime.listContainers({ state: 'CONTAINER_RUNNING', labelSelector: { 'io.kubernetes.container.name': 'nginx' } });
    assert.equal(running.length, 3);
    for (const p of pods) {
      assert.match(p.status.containerStatuses![0].containerID!, /^containerd:\/\/[0-9a-f]{64}$/);
      const r = await httpGet(`http://${p.status.podIP}/`);
      assert.equal(r.status, 200);
      assert.match(r.body, /busybox httpd/);
    }
  });

  test('a Job running expr 3 + 2 completes and its log prints 5', async () => {
    await cluster.kubectl(['create', 'job', 'calc', '--image=busybox', '--', 'expr', '3', '+', '2']);
    await eventually('job complete', async () => (await cluster.kubectl(['get', 'job', 'calc', '-o', 'jsonpath={.status.succeeded}'])) === '1', 90_000);
    const [c] = await runtime.listContainers({ labelSelector: { 'io.kubernetes.container.name': 'calc' } });
    assert.equal(await runtime.readLogs(c.id), '5\n');
  });
});
