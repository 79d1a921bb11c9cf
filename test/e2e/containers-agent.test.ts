// `k8ts agent --runtime containerd` in a process of its own: this machine joins a running control plane as a
// node with real containers, serves the kubelet API with a certificate from its kubelet-serving CSR, and the
// API server reaches it for kubectl logs, exec and top. Needs root, containerd, runc, the CNI plugins,
// busybox-static and docker-registry; a missing one fails the test.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually as poll } from '../helpers/eventually.js';
import { acquireHostLock } from '../helpers/host-lock.js';
import { pushSeedImages, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { tempDir } from '../helpers/tmp.js';

const eventually = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 120_000) => poll(what, check, timeoutMs);
const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');
const NODE = 'k8ts-joined';

describe('k8ts agent --runtime containerd in a process of its own', () => {
  let releaseHost: (() => void) | undefined;
  let registry: TestRegistry;
  let cluster: TestCluster;
  let agent: ChildProcess | undefined;
  let agentOutput = '';

  before(async () => {
    releaseHost = await acquireHostLock();
    registry = await startRegistry();
    await pushSeedImages(registry);
    cluster = await startTestCluster();
    const dataDir = tempDir('k8ts-agent');
    writeFileSync(join(dataDir, 'registries.yaml'), registry.registriesYaml());
    agent = spawn(process.execPath, [main, 'agent', '--runtime', 'containerd', '--kubeconfig', cluster.kubeconfig, '--data-dir', dataDir, '--node-name', NODE, '--kubelet-port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agent.stdout!.on('data', (c: Buffer) => (agentOutput += c.toString()));
    agent.stderr!.on('data', (c: Buffer) => (agentOutput += c.toString()));
    await eventually(`node ${NODE} Ready`, async () => {
      const r = await cluster.kubectlResult(['get', 'node', NODE, '--no-headers']);
      return r.code === 0 && r.stdout.split(/\s+/)[1] === 'Ready';
    });
  });
  after(async () => {
    // The agent leaves pods running across its restarts: delete them first, so no container outlives the test.
    await cluster?.kubectlResult(['delete', 'pods', '--all', '--wait=true', '--timeout=60s']);
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent!.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    await cluster?.stop();
    await registry?.stop();
    releaseHost?.();
  });

  test('a joined containerd node runs a real container; kubectl logs, exec and top reach it', async () => {
    await cluster.kubectl(['run', 'joined', '--image=busybox', '--', 'sh', '-c', 'echo hello from a joined node; exec sleep 3600']);
    await eventually('joined Running', async () => (await cluster.kubectl(['get', 'pod', 'joined', '-o', 'jsonpath={.status.phase}/{.spec.nodeName}'])) === `Running/${NODE}`);
    assert.equal(await eventually('the log line', async () => (await cluster.kubectl(['logs', 'joined'])) || undefined), 'hello from a joined node\n', agentOutput);
    assert.equal(await cluster.kubectl(['exec', 'joined', '--', 'cat', '/proc/1/cmdline']), 'sleep\u00003600\u0000');
    const top = await eventually('kubectl top pod joined', async () => {
      const r = await cluster.kubectlResult(['top', 'pod', 'joined', '--no-headers']);
      return r.code === 0 ? r.stdout : undefined;
    });
    assert.match(top, /^joined\s+\d+m\s+\d+Mi/);
    const runtime = await cluster.kubectl(['get', 'node', NODE, '-o', 'jsonpath={.status.nodeInfo.containerRuntimeVersion}']);
    assert.match(runtime, /^containerd:\/\//);
  });

  test('the joined node serves with the certificate its kubelet-serving CSR was issued', async () => {
    const csrs = JSON.parse(await cluster.kubectl(['get', 'csr', '-o', 'json'])) as { items: { spec: { signerName: string; request: string }; status: { certificate?: string } }[] };
    const serving = csrs.items.filter((c) => c.spec.signerName === 'kubernetes.io/kubelet-serving');
    assert.equal(serving.length, 1);
    assert.ok(serving[0].status.certificate, 'issued');
  });
});
