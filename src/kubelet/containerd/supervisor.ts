// Runs the agent's containerd as a child process and keeps it running: restarts
// it (with back-off) when it dies. Containers survive a restart of containerd —
// their shims keep them — and the CRI plugin recovers its state from disk, so
// running pods come back as they were.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import type { Logger } from '../../cli/log.js';
import type { ContainerdPaths } from './paths.js';

export const CONTAINERD_BIN = '/usr/bin/containerd';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts connections on the unix socket. */
export function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export class ContainerdSupervisor {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartDelayMs = 500;
  private readonly pidFile: string;
  private readonly logFile: string;
  /** Times containerd was started (the first start counts). */
  starts = 0;

  constructor(
    private readonly paths: ContainerdPaths,
    private readonly log: Logger,
  ) {
    this.pidFile = join(paths.state, 'k8ts-containerd.pid');
    this.logFile = join(paths.root, 'containerd.log');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts containerd (stopping one a previous agent left running) and waits until its socket answers. */
  async start(): Promise<void> {
    await this.stopLeftover();
    this.spawnOnce();
    await this.waitReady(30_000);
  }

  private async stopLeftover(): Promise<void> {
    let pid = 0;
    try {
      pid = Number(readFileSync(this.pidFile, 'utf8'));
    } catch {
      return;
    }
    if (!pid || !alive(pid) || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('containerd')) return;
    this.log.info('containerd', `stopping containerd ${pid} left by a previous agent`);
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }

  private spawnOnce(): void {
    mkdirSync(dirname(this.logFile), { recursive: true });
    mkdirSync(this.paths.state, { recursive: true });
    const out = openSync(this.logFile, 'a');
    // Its own process group: a Ctrl-C meant for k8ts does not reach it; the supervisor stops it in order.
    const child = spawn(CONTAINERD_BIN, ['--config', this.paths.configFile], { stdio: ['ignore', out, out], detached: true });
    closeSync(out);
    this.child = child;
    this.starts++;
    if (child.pid) writeFileSync(this.pidFile, String(child.pid));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      this.log.warn('containerd', `containerd exited (${signal ?? `code ${code}`}); restarting in ${this.restartDelayMs} ms (log: ${this.logFile})`);
      setTimeout(() => {
        if (this.stopping) return;
        this.spawnOnce();
        void this.waitReady(30_000).then(
          () => {
            this.restartDelayMs = 500;
            this.log.info('containerd', 'containerd restarted');
          },
          () => undefined,
        );
      }, this.restartDelayMs).unref();
      this.restartDelayMs = Math.min(this.restartDelayMs * 2, 10_000);
    });
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (existsSync(this.paths.socket) && (await socketAnswers(this.paths.socket))) return;
      if (!this.child && !this.stopping) await sleep(200);
      await sleep(100);
    }
    throw new Error(`containerd did not answer on ${this.paths.socket} within ${timeoutMs / 1000}s (log: ${this.logFile})`);
  }

  /** Stops containerd (SIGTERM, then SIGKILL); the containers' shims keep running. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    rmSync(this.pidFile, { force: true });
  }
}

/** Whether this machine can run the containerd runtime (Linux, root, containerd installed). */
export function containerdAvailable(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0 && existsSync(CONTAINERD_BIN);
}
