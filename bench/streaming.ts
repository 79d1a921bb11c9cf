// Streaming benchmark (`npm run bench -- streaming`), one hollow node:
// 1. exec throughput — bytes through `kubectl exec -i pod -- cat` (stdin in,
//    stdout back: kubectl → API server → kubelet → simulated runtime and back)
//    beside the same bytes echoed over a direct loopback TCP connection;
// 2. port-forward throughput — bytes echoed through `kubectl port-forward`
//    (SPDY in WebSocket) beside the same direct TCP echo;
// 3. time to the answer of `kubectl exec pod -- true` and `kubectl logs pod`
//    beside `kubectl get pod` (the same kubectl start and TLS, no stream).
// K8TS_BENCH_STREAM_MB sets the bytes moved (default 32 MiB each way);
// K8TS_BENCH_EXEC_MB and K8TS_BENCH_PORTFORWARD_MB set one of the two alone
// (the 100 MiB exec and 1 GiB port-forward shapes of issue 8).
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { createLogger } from '../src/cli/log.js';
import { startServer } from '../src/cli/server.js';
import { kubectl, kubectlPath } from '../test/helpers/kubectl.js';
import { tempDir } from '../test/helpers/tmp.js';
import { percentile, type BenchRow } from './report.js';

const MB = Number(process.env.K8TS_BENCH_STREAM_MB ?? 32);
const EXEC_MB = Number(process.env.K8TS_BENCH_EXEC_MB ?? MB);
const PORTFORWARD_MB = Number(process.env.K8TS_BENCH_PORTFORWARD_MB ?? MB);

function progress(step: string): void {
  process.stderr.write(`streaming bench: ${step}\n`);
}

/** Echoes `bytes` through a TCP port; resolves with MB/s. */
function echoThroughput(port: number, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 'e');
    let sent = 0;
    let got = 0;
    const started = process.hrtime.bigint();
    const socket = connect(port, '127.0.0.1', () => {
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

export async function benchStreaming(): Promise<BenchRow[]> {
  const server = await startServer(
    { dataDir: tempDir('k8ts-bench-stream'), httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16', simulatedNodes: 1, kubeletPort: 0 },
    createLogger(0, () => {}),
  );
  const kc = server.kubeconfigPath;
  const rows: BenchRow[] = [];
  const echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  const echoPort = (echo.address() as { port: number }).port;
  try {
    await kubectl(kc, ['run', 'bench', '--image=nginx', '--port=80']);
    for (;;) {
      const r = await kubectl(kc, ['get', 'pod', 'bench', '-o', 'jsonpath={.status.phase}']);
      if (r.stdout === 'Running') break;
      await new Promise((res) => setTimeout(res, 250));
    }
    let bytes = EXEC_MB * 1024 * 1024;
    let direct = await echoThroughput(echoPort, bytes);

    progress(`exec: ${EXEC_MB} MiB through kubectl exec -i -- cat`);
    const execMBs = await new Promise<number>((resolve, reject) => {
      const child = spawn(kubectlPath(), ['--kubeconfig', kc, 'exec', '-i', 'bench', '--', 'cat']);
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
    rows.push({ backend: 'exec', metric: `MB/s, ${EXEC_MB} MiB stdin→stdout (baseline: loopback TCP echo)`, value: execMBs, baseline: direct, higherIsBetter: true });

    bytes = PORTFORWARD_MB * 1024 * 1024;
    direct = await echoThroughput(echoPort, bytes);
    progress(`port-forward: ${PORTFORWARD_MB} MiB echoed`);
    const pf = spawn(kubectlPath(), ['--kubeconfig', kc, 'port-forward', 'pod/bench', ':80']);
    const local = await new Promise<number>((resolve) => {
      let out = '';
      pf.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
    });
    const pfMBs = await echoThroughput(local, bytes);
    pf.kill('SIGINT');
    rows.push({ backend: 'port-forward', metric: `MB/s, ${PORTFORWARD_MB} MiB echoed (baseline: loopback TCP echo)`, value: pfMBs, baseline: direct, higherIsBetter: true });

    progress('time to answer');
    const get = await timed(() => kubectl(kc, ['get', 'pod', 'bench']), 5);
    rows.push({ backend: 'exec', metric: 'ms, kubectl exec -- true, p50 (baseline: kubectl get pod)', value: await timed(() => kubectl(kc, ['exec', 'bench', '--', 'true']), 5), baseline: get, higherIsBetter: false });
    rows.push({ backend: 'logs', metric: 'ms, kubectl logs, p50 (baseline: kubectl get pod)', value: await timed(() => kubectl(kc, ['logs', 'bench']), 5), baseline: get, higherIsBetter: false });
  } finally {
    echo.close();
    await server.stop();
  }
  return rows;
}
