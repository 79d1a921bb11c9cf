// `k8ts agent` in a process of its own serves the kubelet API: a serving certificate the cluster CA
// signed through a kubernetes.io/kubelet-serving CertificateSigningRequest, clients verified against
// the cluster CA its kubeconfig names; the API server reaches it (verifying it) for kubectl logs, exec and top.
// The agent runs as if on another machine: --node-ip 127.0.0.2 (a loopback alias Linux routes without
// setup) is the only address its node advertises, and --bind-address 127.0.0.2 the only one it listens on.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually as poll } from '../helpers/eventually.js';
import { loadKubeconfig } from '../../src/pki/index.js';

const eventually = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000) => poll(what, check, timeoutMs);
const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');
const NODE_IP = '127.0.0.2';

describe('k8ts agent in a process of its own', () => {
  let cluster: TestCluster;
  let agent: ChildProcess;
  let agentOutput = '';

  before(async () => {
    cluster = await startTestCluster();
    agent = spawn(process.execPath, [main, 'agent', '--runtime', 'simulated', '--kubeconfig', cluster.kubeconfig, '--node-name', 'remote', '--node-ip', NODE_IP, '--bind-address', NODE_IP, '--kubelet-port', '0', '--allowed-unsafe-sysctls', 'kernel.msg*'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agent.stdout!.on('data', (c: Buffer) => (agentOutput += c.toString()));
    agent.stderr!.on('data', (c: Buffer) => (agentOutput += c.toString()));
    await eventually('node remote-0 Ready', async () => {
      const r = await cluster.kubectlResult(['get', 'node', 'remote-0', '--no-headers']);
      return r.code === 0 && r.stdout.split(/\s+/)[1] === 'Ready';
    });
  });
  after(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    await cluster?.stop();
  });

  test('--node-ip is the address the node advertises; --bind-address the only one its kubelet listens on; its serving certificate names it', async () => {
    const node = JSON.parse(await cluster.kubectl(['get', 'node', 'remote-0', '-o', 'json'])) as { status: { addresses: { type: string; address: string }[]; daemonEndpoints: { kubeletEndpoint: { Port: number } } } };
    assert.deepEqual(node.status.addresses, [
      { type: 'InternalIP', address: NODE_IP },
      { type: 'Hostname', address: 'remote-0' },
    ]);
    assert.match(await cluster.kubectl(['get', 'node', 'remote-0', '-o', 'wide', '--no-headers']), /^remote-0\s+Ready\s+\S+\s+\S+\s+\S+\s+127\.0\.0\.2\s/);
    const port = node.status.daemonEndpoints.kubeletEndpoint.Port;
    const kc = await loadKubeconfig(cluster.kubeconfig);
    const dial = (host: string) =>
      new Promise<PeerCertificate>((resolve, reject) => {
        const socket = connect({ host, port, servername: 'remote-0', ca: kc.caCertPem, cert: kc.clientCertPem, key: kc.clientKeyPem, checkServerIdentity: (_name, cert) => checkServerIdentity(host, cert) }, () => {
          resolve(socket.getPeerCertificate());
          socket.end();
        });
        socket.on('error', reject);
      });
    // Verified as the API server verifies it: the certificate must name the address dialled.
    assert.match((await dial(NODE_IP)).subjectaltname ?? '', /IP Address:127\.0\.0\.2\b/);
    await assert.rejects(dial('127.0.0.1'), { code: 'ECONNREFUSED' });
  });

  test('kubectl logs, exec and top reach a pod on the separately started agent', async () => {
    await cluster.kubectl(['run', 'far', '--image=busybox', '--', 'sh', '-c', 'echo hello from afar; sleep 3600']);
    await eventually('far Running on remote-0', async () => (await cluster.kubectl(['get', 'pod', 'far', '-o', 'jsonpath={.status.phase}/{.spec.nodeName}'])) === 'Running/remote-0');
    assert.equal(await cluster.kubectl(['logs', 'far']), 'hello from afar\n', agentOutput);
    assert.equal(await cluster.kubectl(['exec', 'far', '--', 'echo', 'exec works']), 'exec works\n');
    const top = await eventually('kubectl top pod far', async () => {
      const r = await cluster.kubectlResult(['top', 'pod', 'far', '--no-headers']);
      return r.code === 0 ? r.stdout : undefined;
    });
    assert.match(top, /^far\s+\d+m\s+\d+Mi/);
  });

  test('--allowed-unsafe-sysctls lets pods set the sysctls it names; other unsafe ones are rejected', async () => {
    const pod = (name: string, sysctl: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { nodeName: 'remote-0', securityContext: { sysctls: [{ name: sysctl, value: '65536' }] }, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
      });
    await cluster.kubectl(['create', '-f', '-'], { stdin: pod('allowed-sysctl', 'kernel.msgmax') });
    await cluster.kubectl(['create', '-f', '-'], { stdin: pod('forbidden-sysctl', 'kernel.sem') });
    await eventually('allowed-sysctl Running', async () => (await cluster.kubectl(['get', 'pod', 'allowed-sysctl', '-o', 'jsonpath={.status.phase}'])) === 'Running');
    const rejected = await eventually('forbidden-sysctl rejected', async () => {
      const status = await cluster.kubectl(['get', 'pod', 'forbidden-sysctl', '-o', 'jsonpath={.status.phase}/{.status.reason}/{.status.message}']);
      return status.startsWith('Failed/') ? status : undefined;
    });
    assert.equal(rejected, 'Failed/SysctlForbidden/Pod was rejected: forbidden sysctl: "kernel.sem" not allowlisted');
  });

  test('the agent\'s kubelet API refuses a client without a certificate the cluster CA signed', async () => {
    const node = JSON.parse(await cluster.kubectl(['get', 'node', 'remote-0', '-o', 'json'])) as { status: { daemonEndpoints: { kubeletEndpoint: { Port: number } } } };
    const port = node.status.daemonEndpoints.kubeletEndpoint.Port;
    assert.ok(port > 0);
    const outcome = await new Promise<string>((resolve) => {
      const req = request({ host: NODE_IP, port, path: '/healthz', rejectUnauthorized: false, timeout: 10_000 }, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (err) => resolve(`error ${err.message}`));
      req.end();
    });
    assert.match(outcome, /^error /, 'the TLS handshake fails without a client certificate');
  });

  test('the agent serves with a certificate the cluster CA issued through its kubelet-serving CSR', async () => {
    const csrs = JSON.parse(await cluster.kubectl(['get', 'csr', '-o', 'json'])) as { items: { spec: { signerName: string; username: string }; status: { certificate?: string; conditions?: { type: string }[] } }[] };
    const serving = csrs.items.filter((c) => c.spec.signerName === 'kubernetes.io/kubelet-serving');
    assert.equal(serving.length, 1);
    assert.deepEqual(serving[0].status.conditions?.map((c) => c.type), ['Approved']);
    const node = JSON.parse(await cluster.kubectl(['get', 'node', 'remote-0', '-o', 'json'])) as { status: { daemonEndpoints: { kubeletEndpoint: { Port: number } } } };
    const kc = await loadKubeconfig(cluster.kubeconfig);
    const presented = await new Promise<PeerCertificate>((resolve, reject) => {
      const socket = connect({ host: NODE_IP, port: node.status.daemonEndpoints.kubeletEndpoint.Port, servername: 'remote-0', ca: kc.caCertPem, cert: kc.clientCertPem, key: kc.clientKeyPem, checkServerIdentity: () => undefined }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on('error', reject);
    });
    assert.equal(presented.subject.CN, 'system:node:remote-0');
    assert.equal(presented.subject.O, 'system:nodes');
    const issued = new X509Certificate(Buffer.from(serving[0].status.certificate ?? '', 'base64'));
    assert.equal(presented.fingerprint256, issued.fingerprint256);
  });
});
