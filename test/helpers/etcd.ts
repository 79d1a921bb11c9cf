// A real single-member etcd for tests: /usr/bin/etcd on free loopback ports
// with a fresh data dir. Tests that need etcd fail (never skip) when it is missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const etcdBinary = '/usr/bin/etcd';

export interface EtcdServer {
  /** The client URL, e.g. http://127.0.0.1:41234. */
  endpoint: string;
  dataDir: string;
  /** Graceful stop (SIGTERM), then removes the data dir. */
  stop(): Promise<void>;
  /** SIGKILL, keeping the data dir for restart(). */
  kill(): Promise<void>;
  /** Stops the server (gracefully) and keeps the data dir for restart(). */
  shutdown(): Promise<void>;
  /** Starts again on the same ports and data dir; waits until healthy. */
  restart(): Promise<void>;
}

export interface StartEtcdOptions {
  /** Extra etcd flags, e.g. ['--auto-compaction-retention=1']. */
  args?: string[];
  /** How long to wait for health (ms). */
  readyTimeoutMs?: number;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdServer> {
  if (!existsSync(etcdBinary)) {
    throw new Error(`${etcdBinary} not found: install Debian's etcd-server package (apt-get install etcd-server)`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name=k8ts-test',
    `--data-dir=${join(dataDir, 'member')}`,
    `--listen-client-urls=${endpoint}`,
    `--advertise-client-urls=${endpoint}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=k8ts-test=${peer}`,
    '--log-level=warn',
    '--logger=zap',
    ...(options.args ?? []),
  ];
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  let child: EtcdChild | undefined;

  const launch = async (): Promise<void> => {
    child = spawnEtcd(args);
    await waitHealthy(endpoint, child, readyTimeoutMs);
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    if (child) await terminate(child, signal);
    child = undefined;
  };

  try {
    await launch();
  } catch (err) {
    await halt('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    endpoint,
    dataDir,
    stop: async () => {
      await halt('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
    kill: () => halt('SIGKILL'),
    shutdown: () => halt('SIGTERM'),
    restart: async () => {
      await halt('SIGTERM');
      await launch();
    },
  };
}

interface EtcdChild extends ChildProcess {
  output: string[];
}

function spawnEtcd(args: string[]): EtcdChild {
  const child = spawn(etcdBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] }) as EtcdChild;
  child.output = [];
  const keep = (chunk: Buffer) => {
    child.output.push(chunk.toString('utf8'));
    if (child.output.length > 200) child.output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

async function waitHealthy(endpoint: string, child: EtcdChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`etcd exited during start-up (${child.exitCode ?? child.signalCode}):\n${child.output.join('')}`);
    }
    if (await isHealthy(endpoint)) return;
    await sleep(50);
  }
  throw new Error(`etcd at ${endpoint} not healthy after ${timeoutMs} ms:\n${child.output.join('')}`);
}

async function isHealthy(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await response.json()) as { health?: string };
    return response.ok && body.health === 'true';
  } catch {
    return false;
  }
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
