// Streaming benchmark (`npm run bench -- streaming`):
// 1. exec throughput — bytes through `kubectl exec -i pod -- cat` (stdin in,
//    stdout back: kubectl → API server → kubelet → runtime and back)
//    beside the same bytes echoed over a direct TCP connection;
// 2. port-forward throughput — bytes echoed through `kubectl port-forward`
//    (SPDY in WebSocket) beside the same direct TCP echo;
// 3. time to the answer of `kubectl exec pod -- true` and `kubectl logs pod`
//    beside `kubectl get pod` (the same kubectl start and TLS, no stream).
// K8TS_BENCH_STREAM_RUNTIME picks the node:
// - containerd (the default as root with containerd installed): this machine
//   as a node, a busybox pod running an echo server (`nc -ll -e cat`); the
//   baseline is that echo server over a direct TCP connection to the pod IP,
//   the port-forward goes to the same port and exec runs the pod's `cat`.
//   These are the figures a user sees; the default because they are.
// - simulated: one hollow node, whose runtime echoes in the kubelet's process;
//   the baseline is a loopback echo server. The streaming path of k8ts alone.
// K8TS_BENCH_STREAM_MB sets the bytes moved (default 32 MiB each way);
// K8TS_BENCH_EXEC_MB and K8TS_BENCH_PORTFORWARD_MB set one of the two alone
// (the 100 MiB exec and 1 GiB port-forward shapes of issue 8).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { createLogger } from '../src/cli/log.js';
import { startServer, type RunningServer } from '../src/cli/server.js';
import { containerdAvailable } from '../src/kubelet/containerd/supervisor.js';
import { containerdPaths } from '../src/kubelet/containerd/paths.js';
import { shellImage } from '../src/kubelet/images/busybox.js';
import { ociArchive } from '../src/kubelet/images/oci.js';
import { acquireHostLock } from '../test/helpers/host-lock.js';
import { kubectl, kubectlPath } from '../test/helpers/kubectl.js';
import { tempDir } from '../test/helpers/tmp.js';
import { percentile, type BenchRow } from './report.js';

const MB = Number(process.env.K8TS_BENCH_STREAM_MB ?? 32);
const EXEC_MB = Number(process.env.K8TS_BENCH_EXEC_MB ?? MB);
const PORTFORWARD_MB = Number(process.env.K8TS_BENCH_PORTFORWARD_MB ?? MB);
const RUNTIME = process.env.K8TS_BENCH_STREAM_RUNTIME ?? (containerdAvailable() ? 'containerd' : 'simulated');
const IMAGE = 'docker.io/library/busybox:bench';
const ECHO_PORT = 7007;

function progress(step: string): void {
  process.stderr.write(`streaming bench: ${step}\n`);
}

/** Echoes `bytes` through a TCP port; resolves with MB/s. */
function echoThroughput(port: number, bytes: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 'e');
    let sent = 0;
    let got = 0;
    const started = process.hrtime.bigint();
    const socket = connect(port, host, () => {
      const pump = () => {
        while (sent < bytes) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    socket.on('data', (c: Buffer) => {
      got += c.length;
      if (got >= bytes) {
        const s = Number(process.hrtime.bigint() - started) / 1e9;
        socket.destroy();
        resolve(bytes / 1024 / 1024 / s);
      }
    });
    socket.on('error', reject);
  });
}

async function timed(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = Date.now();
    await fn();
    samples.push(Date.now() - t);
  }
  return percentile(samples, 50);
}

/** The pod under test, its echo port, and the same echo reached directly (the baseline). */
interface StreamTarget {
  kubeconfig: string;
  pod: string;
  port: number;
  direct: { host: string; port: number };
  baseline: string;
  stop(): Promise<void>;
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const podPhase = async (kc: string, pod: string) => (await kubectl(kc, ['get', 'pod', pod, '-o', 'jsonpath={.status.phase}'])).stdout;

async function simulatedTarget(): Promise<StreamTarget> {
  const server = await startServer(
    { dataDir: tempDir('k8ts-bench-stream'), httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16', simulatedNodes: 1, kubeletPort: 0 },
    createLogger(0, () => {}),
  );
  const echo: Server = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  const kc = server.kubeconfigPath;
  await kubectl(kc, ['run', 'bench', '--image=nginx', '--port=80']);
  await until('pod bench Running', async () => (await podPhase(kc, 'bench')) === 'Running');
  return {
    kubeconfig: kc,
    pod: 'bench',
    port: 80,
    direct: { host: '127.0.0.1', port: (echo.address() as { port: number }).port },
    baseline: 'loopback TCP echo',
    stop: async () => {
      echo.close();
      await server.stop();
    },
  };
}

async function containerdTarget(): Promise<StreamTarget> {
  const dataDir = tempDir('k8ts-bench-stream');
  // The image is imported at the agent's start, as an air-gapped tarball.
  const { imagesDir } = containerdPaths(dataDir);
  mkdirSync(imagesDir, { recursive: true });
  writeFileSync(join(imagesDir, 'busybox.tar'), ociArchive(shellImage(), [IMAGE]));
  // The node's containerd shares the host's pod bridge with other runs' real-container clusters.
  const releaseHostLock = await acquireHostLock();
  let server: RunningServer;
  try {
    server = await startServer(
      { dataDir, httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16', runtime: 'containerd', nodeName: 'bench-stream', kubeletPort: 0 },
      createLogger(0, () => {}),
    );
  } catch (err) {
    releaseHostLock();
    throw err;
  }
  const stop = async () => {
    if (server.agent) server.agent.removePodsOnStop = true;
    await server.stop().finally(releaseHostLock);
  };
  const kc = server.kubeconfigPath;
  try {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bench' },
      spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'echo', image: IMAGE, command: ['nc', '-ll', '-p', String(ECHO_PORT), '-e', 'cat'] }] },
    };
    const applied = await kubectl(kc, ['apply', '-f', '-'], { stdin: JSON.stringify(pod) });
    if (applied.code !== 0) throw new Error(applied.stderr);
    await until('pod bench Running', async () => (await podPhase(kc, 'bench')) === 'Running');
    const podIP = (await kubectl(kc, ['get', 'pod', 'bench', '-o', 'jsonpath={.status.podIP}'])).stdout;
    // Running is the process started; nc listens a moment later.
    await until('the echo server listening', () => echoThroughput(ECHO_PORT, 1024, podIP).then(() => true, () => false), 30_000);
    return { kubeconfig: kc, pod: 'bench', port: ECHO_PORT, direct: { host: podIP, port: ECHO_PORT }, baseline: 'direct TCP echo to the pod IP', stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Bytes in through `kubectl exec -i pod -- cat` and back out; resolves with MB/s. */
function execThroughput(kc: string, pod: string, bytes: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(kubectlPath(), ['--kubeconfig', kc, 'exec', '-i', pod, '--', 'cat']);
    let got = 0;
    const started = process.hrtime.bigint();
    child.stdout.on('data', (c: Buffer) => (got += c.length));
    child.on('close', () => (got >= bytes ? resolve(bytes / 1024 / 1024 / (Number(process.hrtime.bigint() - started) / 1e9)) : reject(new Error(`exec returned ${got} of ${bytes} bytes`))));
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!child.stdin.write(chunk)) return void child.stdin.once('drain', pump);
      }
      child.stdin.end();
    };
    pump();
  });
}

/** Bytes echoed through `kubectl port-forward pod :port`; resolves with MB/s. */
async function portForwardThroughput(kc: string, pod: string, port: number, bytes: number): Promise<number> {
  const pf = spawn(kubectlPath(), ['--kubeconfig', kc, 'port-forward', `pod/${pod}`, `:${port}`]);
  try {
    const local = await new Promise<number>((resolve) => {
      let out = '';
      pf.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
    });
    return await echoThroughput(local, bytes);
  } finally {
    pf.kill('SIGINT');
  }
}

export async function benchStreaming(): Promise<BenchRow[]> {
  if (RUNTIME !== 'containerd' && RUNTIME !== 'simulated') throw new Error(`K8TS_BENCH_STREAM_RUNTIME=${RUNTIME}: want containerd or simulated`);
  const target = RUNTIME === 'containerd' ? await containerdTarget() : await simulatedTarget();
  const { kubeconfig: kc, pod } = target;
  const rows: BenchRow[] = [];
  try {
    let bytes = EXEC_MB * 1024 * 1024;
    let direct = await echoThroughput(target.direct.port, bytes, target.direct.host);
    progress(`exec (${RUNTIME}): ${EXEC_MB} MiB through kubectl exec -i -- cat`);
    const execMBs = await execThroughput(kc, pod, bytes);
    rows.push({ backend: `exec, ${RUNTIME}`, metric: `MB/s, ${EXEC_MB} MiB stdin→stdout (baseline: ${target.baseline})`, value: execMBs, baseline: direct, higherIsBetter: true });

    bytes = PORTFORWARD_MB * 1024 * 1024;
    direct = await echoThroughput(target.direct.port, bytes, target.direct.host);
    progress(`port-forward (${RUNTIME}): ${PORTFORWARD_MB} MiB echoed`);
    const pfMBs = await portForwardThroughput(kc, pod, target.port, bytes);
    rows.push({ backend: `port-forward, ${RUNTIME}`, metric: `MB/s, ${PORTFORWARD_MB} MiB echoed (baseline: ${target.baseline})`, value: pfMBs, baseline: direct, higherIsBetter: true });

    progress('time to answer');
    const get = await timed(() => kubectl(kc, ['get', 'pod', pod]), 5);
    rows.push({ backend: `exec, ${RUNTIME}`, metric: 'ms, kubectl exec -- true, p50 (baseline: kubectl get pod)', value: await timed(() => kubectl(kc, ['exec', pod, '--', 'true']), 5), baseline: get, higherIsBetter: false });
    rows.push({ backend: `logs, ${RUNTIME}`, metric: 'ms, kubectl logs, p50 (baseline: kubectl get pod)', value: await timed(() => kubectl(kc, ['logs', pod]), 5), baseline: get, higherIsBetter: false });
  } finally {
    await target.stop();
  }
  return rows;
}
