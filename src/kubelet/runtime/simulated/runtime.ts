// A container runtime without containers (like KWOK): sandboxes get an IP from
// the node's pod CIDR, containers "run" per their script (script.ts), exit on a
// timer, answer probes and execs, and have simulated logs. One instance per node.
// Exec and attach run a small shell (shell.ts) over an in-memory filesystem;
// port-forward reaches a simulated responder (responder.ts) on any port.
import { createHash, randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { PassThrough, Writable, type Duplex, type Readable } from 'node:stream';
import { resolvConfText } from '../../dns.js';
import { MemoryLog } from '../../logs/memory-log.js';
import { SimulatedFs } from './fs.js';
import { simulatedResponder } from './responder.js';
import { runCommand } from './shell.js';
import { ANNOTATION_EXIT_AFTER, ANNOTATION_EXIT_CODE, execExitCode, scriptFor, statements, words, type ContainerScript, type ProbeType } from './script.js';
import {
  RuntimeError,
  type Container,
  type ContainerConfig,
  type ContainerEvent,
  type ContainerFilter,
  type ContainerState,
  type ContainerStatus,
  type ExecSyncResponse,
  type Image,
  type ImageService,
  type LogOptions,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxState,
  type PodSandboxStatus,
  type RuntimeCondition,
  type RuntimeService,
  type StreamSession,
  type VersionInfo,
} from '../types.js';

export const SIMULATED_RUNTIME_NAME = 'k8ts-simulated';
export const SIMULATED_RUNTIME_VERSION = '0.1.0';

interface SandboxRecord {
  id: string;
  config: PodSandboxConfig;
  state: PodSandboxState;
  createdAt: bigint;
  ip: string;
}

interface ContainerRecord {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  imageRef: string;
  state: ContainerState;
  createdAt: bigint;
  startedAt: bigint;
  finishedAt: bigint;
  exitCode: number;
  reason: string;
  script: ContainerScript;
  env: Record<string, string>;
  timer?: NodeJS.Timeout;
  log: MemoryLog;
  fs: SimulatedFs;
  /** A shell main process (stdin: true): what attach writes to. */
  mainStdin?: PassThrough;
  /** Output of the main process, for attached clients. */
  attached: Set<StreamSession>;
  stopMain?: AbortController;
}

function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

function newId(): string {
  return randomBytes(32).toString('hex');
}

/** docker.io/library/nginx:latest for `nginx`, as containerd names images. */
export function normalizeImage(image: string): string {
  let name = image;
  const firstSlash = name.indexOf('/');
  const first = firstSlash < 0 ? '' : name.slice(0, firstSlash);
  if (firstSlash < 0) name = `docker.io/library/${name}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') name = `docker.io/${name}`;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !name.includes('@')) name += ':latest';
  return name;
}

function matches(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Allocates pod IPs from a /N IPv4 CIDR: .1 is the gateway, addresses are reused after release. */
class PodIPAllocator {
  private base = 0;
  private size = 0;
  private next = 2;
  private readonly used = new Set<number>();

  configure(cidr: string): void {
    const [addr, bits] = cidr.split('/');
    const parts = addr.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p))) return;
    this.base = ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
    this.size = 2 ** (32 - Number(bits));
  }

  get configured(): boolean {
    return this.size > 0;
  }

  allocate(): string {
    if (!this.configured) throw new RuntimeError('CreateContainerError', 'no pod CIDR configured for the network');
    for (let tries = 0; tries < this.size; tries++) {
      const offset = this.next;
      this.next = this.next + 1 >= this.size - 1 ? 2 : this.next + 1;
      if (!this.used.has(offset)) {
        this.used.add(offset);
        const n = this.base + offset;
        return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
      }
    }
    throw new RuntimeError('CreateContainerError', 'no IP addresses available in the pod CIDR');
  }

  release(ip: string): void {
    const parts = ip.split('.').map(Number);
    if (parts.length !== 4) return;
    const n = ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
    this.used.delete(n - this.base);
  }
}

export class SimulatedRuntime implements RuntimeService, ImageService {
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly images = new Map<string, Image>();
  private readonly listeners = new Set<(e: ContainerEvent) => void>();
  private readonly ips = new PodIPAllocator();

  constructor(private readonly options: { logMaxBytes?: number } = {}) {}

  async version(): Promise<VersionInfo> {
    return { version: '0.1.0', runtimeName: SIMULATED_RUNTIME_NAME, runtimeVersion: SIMULATED_RUNTIME_VERSION, runtimeApiVersion: 'v1' };
  }

  async status(): Promise<RuntimeCondition[]> {
    return [
      { type: 'RuntimeReady', status: true, reason: '', message: '' },
      this.ips.configured
        ? { type: 'NetworkReady', status: true, reason: '', message: '' }
        : { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'Network plugin returns error: no pod CIDR' },
    ];
  }

  async updateRuntimeConfig(config: { podCIDR: string }): Promise<void> {
    if (config.podCIDR && !this.ips.configured) this.ips.configure(config.podCIDR);
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = newId();
    const ip = config.hostNetwork ? '' : this.ips.allocate();
    this.sandboxes.set(id, { id, config, state: 'SANDBOX_READY', createdAt: nowNanos(), ip });
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    const sandbox = this.sandboxes.get(podSandboxId);
    if (!sandbox) return;
    for (const c of this.containers.values()) {
      if (c.sandboxId === podSandboxId && c.state === 'CONTAINER_RUNNING') this.exit(c, 137, 'Error');
    }
    if (sandbox.state === 'SANDBOX_READY' && sandbox.ip) this.ips.release(sandbox.ip);
    sandbox.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.stopPodSandbox(podSandboxId);
    for (const c of [...this.containers.values()]) {
      if (c.sandboxId === podSandboxId) await this.removeContainer(c.id);
    }
    this.sandboxes.delete(podSandboxId);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    const s = this.sandboxes.get(podSandboxId);
    if (!s) throw new RuntimeError('NotFound', `an error occurred when try to find sandbox "${podSandboxId}": not found`);
    return { ...this.sandboxOf(s), network: { ip: s.state === 'SANDBOX_READY' ? s.ip : '', additionalIps: [] } };
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    const out: PodSandbox[] = [];
    for (const s of this.sandboxes.values()) {
      if (filter.id && s.id !== filter.id) continue;
      if (filter.state && s.state !== filter.state) continue;
      if (!matches(s.config.labels, filter.labelSelector)) continue;
      out.push(this.sandboxOf(s));
    }
    return out;
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const sandbox = this.sandboxes.get(podSandboxId);
    if (!sandbox || sandbox.state !== 'SANDBOX_READY') throw new RuntimeError('CreateContainerError', `sandbox "${podSandboxId}" is not ready`);
    const image = this.images.get(normalizeImage(config.image.image));
    if (!image) throw new RuntimeError('CreateContainerError', `failed to get image "${config.image.image}": not found`);
    const env = Object.fromEntries(config.envs.map((e) => [e.key, e.value]));
    // A host-network sandbox has no hostname of its own: the node's.
    const hostName = sandboxConfig.hostname || osHostname();
    env.HOSTNAME ??= hostName;
    const script = scriptFor({
      name: config.metadata.name,
      image: config.image.image,
      command: config.command,
      args: config.args,
      env,
      annotations: sandboxConfig.annotations,
      stdin: config.stdin,
    });
    const id = newId();
    this.containers.set(id, {
      id,
      sandboxId: podSandboxId,
      config,
      imageRef: image.repoDigests[0] ?? image.id,
      state: 'CONTAINER_CREATED',
      createdAt: nowNanos(),
      startedAt: 0n,
      finishedAt: 0n,
      exitCode: 0,
      reason: '',
      script,
      env,
      log: new MemoryLog(this.options.logMaxBytes),
      fs: new SimulatedFs(
        {
          '/etc/hostname': `${hostName}\n`,
          '/etc/hosts': `127.0.0.1\tlocalhost\n${sandbox.ip || '127.0.0.1'}\t${hostName}\n`,
          ...(sandboxConfig.dnsConfig ? { '/etc/resolv.conf': resolvConfText(sandboxConfig.dnsConfig) } : {}),
        },
        config.mounts ?? [],
      ),
      attached: new Set(),
    });
    this.emit(id, 'CONTAINER_CREATED_EVENT');
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const c = this.mustGet(containerId);
    if (c.state !== 'CONTAINER_CREATED') throw new RuntimeError('RunContainerError', `container ${containerId} is not in created state`);
    c.state = 'CONTAINER_RUNNING';
    c.startedAt = nowNanos();
    this.emit(containerId, 'CONTAINER_STARTED_EVENT');
    if (this.runsShell(c)) {
      this.startShell(c);
      return;
    }
    if (this.runsLive(c)) {
      this.startLive(c);
      return;
    }
    const startedAt = new Date(Number(c.startedAt / 1_000_000n));
    if (c.script.output.length > 0) c.log.write('stdout', c.script.output.map((l) => `${l}\n`).join(''), startedAt);
    const after = c.script.exitAfterMs;
    if (after !== undefined) {
      c.timer = setTimeout(() => this.exit(c, c.script.exitCode, c.script.exitCode === 0 ? 'Completed' : 'Error'), after);
      c.timer.unref();
    }
  }

  async stopContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (c?.state === 'CONTAINER_RUNNING') this.exit(c, 137, 'Error');
    else if (c?.state === 'CONTAINER_CREATED') this.exit(c, 0, '');
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    if (c.timer) clearTimeout(c.timer);
    this.containers.delete(containerId);
    this.emit(containerId, 'CONTAINER_DELETED_EVENT', c.sandboxId);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    const c = this.mustGet(containerId);
    return { ...this.containerOf(c), startedAt: c.startedAt, finishedAt: c.finishedAt, exitCode: c.exitCode, reason: c.reason, message: '', logPath: c.config.logPath, mounts: c.config.mounts ?? [] };
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    const out: Container[] = [];
    for (const c of this.containers.values()) {
      if (filter.id && c.id !== filter.id) continue;
      if (filter.state && c.state !== filter.state) continue;
      if (filter.podSandboxId && c.sandboxId !== filter.podSandboxId) continue;
      if (!matches(c.config.labels, filter.labelSelector)) continue;
      out.push(this.containerOf(c));
    }
    return out;
  }

  async execSync(containerId: string, cmd: string[]): Promise<ExecSyncResponse> {
    const c = this.mustGet(containerId);
    if (c.state !== 'CONTAINER_RUNNING') throw new RuntimeError('NotFound', `container ${containerId} is not running`);
    const { exitCode, output } = execExitCode(cmd, c.env);
    return { stdout: output.map((l) => l + '\n').join(''), stderr: '', exitCode };
  }

  /** How a probe of `type` on this container comes out (the simulated network and exec answer alike). */
  probeSucceeds(containerId: string, type: ProbeType): boolean {
    const c = this.containers.get(containerId);
    return c?.state === 'CONTAINER_RUNNING' && !c.script.failingProbes.has(type);
  }

  async exec(containerId: string, cmd: string[], session: StreamSession): Promise<{ exitCode: number }> {
    const c = this.mustGet(containerId);
    if (c.state !== 'CONTAINER_RUNNING') throw new RuntimeError('NotFound', `container ${containerId} is not running`);
    const stopped = new AbortController();
    const onExit = (e: ContainerEvent) => e.containerId === containerId && e.type === 'CONTAINER_STOPPED_EVENT' && stopped.abort();
    const unsubscribe = this.onContainerEvent(onExit);
    const terminal = { width: 0, height: 0 };
    session.onResize?.((size) => Object.assign(terminal, size));
    try {
      const exitCode = await runCommand(cmd, {
        env: c.env,
        fs: c.fs,
        stdin: session.stdin,
        stdout: session.stdout,
        stderr: session.stderr,
        tty: session.tty,
        signal: AbortSignal.any([session.signal, stopped.signal]),
        terminal,
      });
      return { exitCode };
    } finally {
      unsubscribe();
    }
  }

  async attach(containerId: string, session: StreamSession): Promise<void> {
    const c = this.mustGet(containerId);
    if (c.state !== 'CONTAINER_RUNNING') throw new RuntimeError('NotFound', `container ${containerId} is not running`);
    c.attached.add(session);
    const input = session.stdin;
    const forward = (chunk: Buffer) => c.mainStdin?.write(chunk);
    input?.on('data', forward);
    try {
      await new Promise<void>((resolve) => {
        const done = () => {
          unsubscribe();
          session.signal.removeEventListener('abort', done);
          resolve();
        };
        const unsubscribe = this.onContainerEvent((e) => e.containerId === containerId && e.type === 'CONTAINER_STOPPED_EVENT' && done());
        session.signal.addEventListener('abort', done);
        // stdinOnce: the container's stdin closes with the first attached client's.
        input?.once('end', () => {
          if (c.config.stdinOnce) c.mainStdin?.end();
        });
      });
    } finally {
      input?.off('data', forward);
      c.attached.delete(session);
    }
  }

  async portForward(podSandboxId: string, port: number, signal: AbortSignal): Promise<Duplex> {
    const sandbox = this.sandboxes.get(podSandboxId);
    if (!sandbox || sandbox.state !== 'SANDBOX_READY') throw new RuntimeError('NotFound', `an error occurred when try to find sandbox "${podSandboxId}": not found`);
    return simulatedResponder(sandbox.config.metadata.name, port, signal);
  }

  async readMountedFile(containerId: string, containerPath: string, maxBytes: number): Promise<string> {
    const data = this.containers.get(containerId)?.fs.readFile(containerPath);
    if (!data) throw Object.assign(new Error(`open ${containerPath}: no such file or directory`), { code: 'ENOENT' });
    return data.subarray(Math.max(0, data.length - maxBytes)).toString('utf8');
  }

  streamLogs(containerId: string, options: LogOptions, signal: AbortSignal): Readable {
    return this.mustGet(containerId).log.read(options, signal);
  }

  /** A container whose command is an interactive shell (`kubectl run -it -- sh`): it runs until its stdin says exit. */
  private runsShell(c: ContainerRecord): boolean {
    const argv = [...c.config.command, ...c.config.args];
    return c.config.stdin === true && c.script.exitAfterMs === undefined && (argv.length === 0 || (/(^|\/)(sh|bash|ash)$/.test(argv[0]) && argv.length === 1));
  }

  /**
   * `sh -c` with a loop (`while true; do echo ...; sleep 1; done`) or writing a file (`printf DONE >
   * /dev/termination-log`): interpreted live, so its output appears over time and its files exist.
   */
  private runsLive(c: ContainerRecord): boolean {
    const argv = [...c.config.command, ...c.config.args];
    const podAnnotations = this.sandboxes.get(c.sandboxId)?.config.annotations ?? {};
    const exitAfter = Object.keys(podAnnotations).some((k) => k.startsWith(ANNOTATION_EXIT_AFTER) || k.startsWith(ANNOTATION_EXIT_CODE));
    if (exitAfter || !/(^|\/)(sh|bash|ash)$/.test(argv[0] ?? '') || argv[1] !== '-c') return false;
    const script = argv[2] ?? '';
    return /\b(while|until|for)\b/.test(script) || statements(script).some((line) => words(line, c.env).some((w) => w.startsWith('>')));
  }

  private startLive(c: ContainerRecord): void {
    const argv = [...c.config.command, ...c.config.args];
    c.stopMain = new AbortController();
    const writer = (stream: 'stdout' | 'stderr') =>
      new Writable({
        write: (chunk: Buffer, _e, done) => {
          c.log.write(stream, chunk.toString('utf8'));
          for (const s of c.attached) (stream === 'stdout' ? s.stdout : (s.stderr ?? s.stdout))?.write(chunk);
          done();
        },
      });
    void runCommand(argv.slice(0, 3), { env: c.env, fs: c.fs, stdout: writer('stdout'), stderr: writer('stderr'), tty: false, signal: c.stopMain.signal }).then(
      (code) => c.state === 'CONTAINER_RUNNING' && this.exit(c, code, code === 0 ? 'Completed' : 'Error'),
      () => c.state === 'CONTAINER_RUNNING' && this.exit(c, 1, 'Error'),
    );
  }

  private startShell(c: ContainerRecord): void {
    c.mainStdin = new PassThrough();
    c.stopMain = new AbortController();
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => {
      c.log.write('stdout', chunk.toString('utf8'));
      for (const s of c.attached) s.stdout?.write(chunk);
    });
    void runCommand(['sh'], { env: c.env, fs: c.fs, stdin: c.mainStdin, stdout: out, tty: c.config.tty === true, signal: c.stopMain.signal }).then(
      (code) => c.state === 'CONTAINER_RUNNING' && this.exit(c, code, code === 0 ? 'Completed' : 'Error'),
      () => c.state === 'CONTAINER_RUNNING' && this.exit(c, 1, 'Error'),
    );
  }

  async readLogs(containerId: string, options: LogOptions = {}): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.mustGet(containerId).log.read({ ...options, follow: false })) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  onContainerEvent(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async pullImage(image: string): Promise<string> {
    const name = normalizeImage(image);
    const existing = this.images.get(name);
    if (existing) return existing.id;
    const digest = createHash('sha256').update(name).digest('hex');
    const repo = name.slice(0, name.lastIndexOf(':') > name.lastIndexOf('/') ? name.lastIndexOf(':') : name.length);
    const img: Image = { id: `sha256:${digest}`, repoTags: [name], repoDigests: [`${repo}@sha256:${digest}`], size: BigInt(1_000_000 + (parseInt(digest.slice(0, 6), 16) % 50_000_000)) };
    this.images.set(name, img);
    return img.id;
  }

  async imageStatus(image: string): Promise<Image | undefined> {
    return this.images.get(normalizeImage(image));
  }

  async listImages(): Promise<Image[]> {
    return [...this.images.values()];
  }

  async removeImage(image: string): Promise<void> {
    this.images.delete(normalizeImage(image));
  }

  /** Stops every timer and every running shell (the node is going away). */
  shutdown(): void {
    for (const c of this.containers.values()) {
      if (c.timer) clearTimeout(c.timer);
      c.stopMain?.abort();
    }
  }

  private exit(c: ContainerRecord, exitCode: number, reason: string): void {
    if (c.timer) clearTimeout(c.timer);
    c.timer = undefined;
    c.stopMain?.abort();
    c.mainStdin?.end();
    c.log.end();
    c.state = 'CONTAINER_EXITED';
    c.exitCode = exitCode;
    c.reason = reason;
    c.finishedAt = nowNanos();
    if (c.startedAt === 0n) c.startedAt = c.finishedAt;
    this.emit(c.id, 'CONTAINER_STOPPED_EVENT');
  }

  private emit(containerId: string, type: ContainerEvent['type'], sandboxId?: string): void {
    const podSandboxId = sandboxId ?? this.containers.get(containerId)?.sandboxId ?? '';
    const podSandboxMetadata = this.sandboxes.get(podSandboxId)?.config.metadata;
    const event: ContainerEvent = { containerId, podSandboxId, type, createdAt: nowNanos(), podSandboxMetadata };
    for (const l of this.listeners) l(event);
  }

  private mustGet(containerId: string): ContainerRecord {
    const c = this.containers.get(containerId);
    if (!c) throw new RuntimeError('NotFound', `an error occurred when try to find container "${containerId}": not found`);
    return c;
  }

  private sandboxOf(s: SandboxRecord): PodSandbox {
    return { id: s.id, metadata: s.config.metadata, state: s.state, createdAt: s.createdAt, labels: s.config.labels, annotations: s.config.annotations };
  }

  private containerOf(c: ContainerRecord): Container {
    return {
      id: c.id,
      podSandboxId: c.sandboxId,
      metadata: c.config.metadata,
      image: { image: normalizeImage(c.config.image.image) },
      imageRef: c.imageRef,
      state: c.state,
      createdAt: c.createdAt,
      labels: c.config.labels,
      annotations: c.config.annotations,
    };
  }
}
