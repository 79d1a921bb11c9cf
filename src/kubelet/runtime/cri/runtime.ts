// The kubelet's runtime interface (../types.ts) over a CRI v1 runtime — the
// agent's containerd — speaking gRPC on its unix socket, as upstream's kubelet
// does. Translation only: the kubelet's logic is the same for every runtime.
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import type { Logger } from '../../../cli/log.js';
import { ensureMasquerade, writeCniConfig } from '../../containerd/cni.js';
import {
  LABEL_POD_UID,
  RuntimeError,
  type AuthConfig,
  type Container,
  type ContainerConfig,
  type ContainerEvent,
  type ContainerFilter,
  type ContainerState,
  type ContainerStatus,
  type ContainerUsage,
  type ExecSyncResponse,
  type Image,
  type ImageService,
  type LogOptions,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type RuntimeCondition,
  type RuntimeService,
  type StreamSession,
  type VersionInfo,
} from '../types.js';
import { CriClient, CriError, isNotFoundError, isUnimplemented, type Message } from './client.js';
import { readCriLog } from './logs.js';
import { removePodCgroups } from './pod-cgroups.js';
import { criAttach, criExec, criPortForward } from './streaming.js';

export const CRI_API_VERSION = 'v1';
/** Where the kubelet puts pod logs; the runtime keeps them under its own log root instead. */
const KUBELET_POD_LOG_ROOT = '/var/log/pods';

export interface CriRuntimeOptions {
  socket: string;
  /** The directory standing in for /var/log/pods. */
  podLogRoot: string;
  /** The CNI configuration directory: the pod network is written there once the pod CIDR is known. */
  cniConfDir: string;
  /** Where the cgroup hierarchies are mounted (tests point it elsewhere). */
  cgroupRoot?: string;
  log: Logger;
  /** How often container states are polled when the runtime cannot stream events (containerd < 1.7). */
  eventPollMs?: number;
}

function big(v: unknown): bigint {
  return BigInt(typeof v === 'string' || typeof v === 'number' ? v : 0);
}

function strMap(v: unknown): Record<string, string> {
  return { ...((v ?? {}) as Record<string, string>) };
}

type Meta = { name: string; uid: string; namespace: string; attempt: number };

function sandboxMeta(v: unknown): Meta {
  const m = (v ?? {}) as Meta;
  return { name: m.name ?? '', uid: m.uid ?? '', namespace: m.namespace ?? '', attempt: m.attempt ?? 0 };
}

export class CriRuntime implements RuntimeService, ImageService {
  readonly client: CriClient;
  private readonly listeners = new Set<(e: ContainerEvent) => void>();
  private stopEvents: (() => void) | undefined;

  constructor(private readonly options: CriRuntimeOptions) {
    this.client = new CriClient(options.socket);
  }

  close(): void {
    this.stopEvents?.();
    this.client.close();
  }

  private rt(method: string, req: Message = {}, timeoutMs?: number): Promise<Message> {
    return this.client.runtimeCall(method, req, timeoutMs);
  }

  private notFound<T>(id: string, p: Promise<T>): Promise<T> {
    return p.catch((err: unknown) => {
      if (isNotFoundError(err)) throw new RuntimeError('NotFound', `${id}: ${(err as Error).message}`);
      throw err;
    });
  }

  /** Waits until the CRI plugin answers (containerd accepts connections a moment before its CRI server is initialized). */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.version();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async version(): Promise<VersionInfo> {
    const r = await this.rt('version', { version: CRI_API_VERSION }, 10_000);
    return { version: String(r.version), runtimeName: String(r.runtimeName), runtimeVersion: String(r.runtimeVersion), runtimeApiVersion: String(r.runtimeApiVersion) };
  }

  async status(): Promise<RuntimeCondition[]> {
    try {
      const r = await this.rt('status', {}, 10_000);
      const conditions = ((r.status as Message | undefined)?.conditions ?? []) as Message[];
      return conditions
        .filter((c) => c.type === 'RuntimeReady' || c.type === 'NetworkReady')
        .map((c) => ({ type: c.type as RuntimeCondition['type'], status: c.status === true, reason: String(c.reason ?? ''), message: String(c.message ?? '') }));
    } catch (err) {
      return [{ type: 'RuntimeReady', status: false, reason: 'ContainerRuntimeDown', message: `container runtime is down: ${(err as Error).message}` }];
    }
  }

  async updateRuntimeConfig(config: { podCIDR: string }): Promise<void> {
    if (writeCniConfig(this.options.cniConfDir, config.podCIDR)) this.options.log.info('kubelet', `pod network: bridge over ${config.podCIDR}`);
    try {
      ensureMasquerade(config.podCIDR);
    } catch (err) {
      this.options.log.warn('kubelet', `pod network: no masquerade rule for ${config.podCIDR} (pods reach only the node): ${(err as Error).message}`);
    }
    await this.rt('updateRuntimeConfig', { runtimeConfig: { networkConfig: { podCidr: config.podCIDR } } });
  }

  /** The kubelet's /var/log/pods/... directory, moved under this runtime's log root. */
  private logDirectory(dir: string): string {
    return dir.startsWith(`${KUBELET_POD_LOG_ROOT}/`) ? join(this.options.podLogRoot, dir.slice(KUBELET_POD_LOG_ROOT.length + 1)) : dir;
  }

  private sandboxMessage(config: PodSandboxConfig): Message {
    const linux = config.linux ?? {};
    const sc = linux.securityContext ?? {};
    const wrap = (v: number | undefined) => (v === undefined ? undefined : { value: v });
    return {
      metadata: config.metadata,
      hostname: config.hostNetwork ? '' : config.hostname,
      logDirectory: this.logDirectory(config.logDirectory),
      dnsConfig: config.dnsConfig,
      portMappings: config.portMappings.map((p) => ({ protocol: p.protocol, containerPort: p.containerPort, hostPort: p.hostPort ?? 0, hostIp: p.hostIp ?? '' })),
      labels: config.labels,
      annotations: config.annotations,
      linux: {
        cgroupParent: linux.cgroupParent ?? '',
        sysctls: linux.sysctls ?? {},
        securityContext: {
          namespaceOptions: sc.namespaceOptions ?? { network: config.hostNetwork ? 'NODE' : 'POD', pid: 'CONTAINER', ipc: 'POD' },
          runAsUser: wrap(sc.runAsUser),
          runAsGroup: wrap(sc.runAsGroup),
          supplementalGroups: sc.supplementalGroups ?? [],
          privileged: sc.privileged ?? false,
          readonlyRootfs: sc.readonlyRootfs ?? false,
        },
      },
    };
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const r = await this.rt('runPodSandbox', { config: this.sandboxMessage(config), runtimeHandler }, 240_000);
    return String(r.podSandboxId);
  }

  async stopPodSandbox(id: string): Promise<void> {
    const uid = await this.sandboxPodUid(id);
    await this.rt('stopPodSandbox', { podSandboxId: id }).catch((err: unknown) => {
      if (!isNotFoundError(err)) throw err;
    });
    if (uid) await this.releasePodCgroups(uid);
  }

  async removePodSandbox(id: string): Promise<void> {
    const uid = await this.sandboxPodUid(id);
    await this.rt('removePodSandbox', { podSandboxId: id }).catch((err: unknown) => {
      if (!isNotFoundError(err)) throw err;
    });
    if (uid) await this.releasePodCgroups(uid);
  }

  private async sandboxPodUid(id: string): Promise<string | undefined> {
    try {
      return (await this.podSandboxStatus(id)).metadata.uid;
    } catch {
      return undefined;
    }
  }

  /** Once no sandbox of the pod is ready (nothing of it runs or will start), its pod cgroup goes. */
  private async releasePodCgroups(uid: string): Promise<void> {
    const ready = (await this.listPodSandbox({ state: 'SANDBOX_READY' })).filter((s) => s.metadata.uid === uid);
    if (ready.length > 0) return;
    const busy = removePodCgroups(uid, this.options.cgroupRoot);
    if (busy.length > 0) this.options.log.warn('kubelet', `pod ${uid}: cgroups still in use: ${busy.join(', ')}`);
  }

  private sandboxOf(s: Message): PodSandbox {
    return {
      id: String(s.id),
      metadata: sandboxMeta(s.metadata),
      state: s.state === 'SANDBOX_READY' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
      createdAt: big(s.createdAt),
      labels: strMap(s.labels),
      annotations: strMap(s.annotations),
      runtimeHandler: String(s.runtimeHandler ?? ''),
    };
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const r = await this.notFound(id, this.rt('podSandboxStatus', { podSandboxId: id }));
    const s = (r.status ?? {}) as Message;
    const net = (s.network ?? {}) as { ip?: string; additionalIps?: { ip: string }[] };
    return { ...this.sandboxOf(s), network: { ip: net.ip ?? '', additionalIps: (net.additionalIps ?? []).map((a) => a.ip) } };
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    const r = await this.rt('listPodSandbox', {
      filter: { id: filter.id ?? '', ...(filter.state ? { state: { state: filter.state } } : {}), labelSelector: filter.labelSelector ?? {} },
    });
    return ((r.items ?? []) as Message[]).map((s) => this.sandboxOf(s));
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const linux = config.linux ?? {};
    const sc = linux.securityContext;
    const wrap = (v: number | undefined) => (v === undefined ? undefined : { value: v });
    const request = {
      podSandboxId,
      config: {
        metadata: config.metadata,
        image: { image: config.image.image },
        command: config.command,
        args: config.args,
        workingDir: config.workingDir,
        envs: config.envs,
        mounts: (config.mounts ?? []).map((m) => ({ containerPath: m.containerPath, hostPath: m.hostPath, readonly: m.readonly, propagation: m.propagation ?? 'PROPAGATION_PRIVATE' })),
        labels: config.labels,
        annotations: config.annotations,
        logPath: config.logPath,
        stdin: config.stdin ?? false,
        stdinOnce: config.stdinOnce ?? false,
        tty: config.tty ?? false,
        linux: {
          resources: linux.resources ?? {},
          securityContext: sc
            ? { ...sc, runAsUser: wrap(sc.runAsUser), runAsGroup: wrap(sc.runAsGroup), namespaceOptions: sc.namespaceOptions ?? { network: sandboxConfig.hostNetwork ? 'NODE' : 'POD', pid: 'CONTAINER', ipc: 'POD' } }
            : { namespaceOptions: { network: sandboxConfig.hostNetwork ? 'NODE' : 'POD', pid: 'CONTAINER', ipc: 'POD' } },
        },
      },
      sandboxConfig: this.sandboxMessage(sandboxConfig),
    };
    const r = await this.rt('createContainer', request, 240_000).catch((err: unknown) => {
      throw new RuntimeError('CreateContainerError', (err as Error).message);
    });
    return String(r.containerId);
  }

  async startContainer(id: string): Promise<void> {
    await this.rt('startContainer', { containerId: id }, 240_000).catch((err: unknown) => {
      throw new RuntimeError('RunContainerError', (err as Error).message);
    });
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.rt('stopContainer', { containerId: id, timeout: timeoutSeconds }, (timeoutSeconds + 120) * 1000).catch((err: unknown) => {
      if (!isNotFoundError(err)) throw err;
    });
  }

  async removeContainer(id: string): Promise<void> {
    await this.rt('removeContainer', { containerId: id }).catch((err: unknown) => {
      if (!isNotFoundError(err)) throw err;
    });
  }

  private containerOf(c: Message, imageField: unknown): Container {
    return {
      id: String(c.id),
      podSandboxId: String(c.podSandboxId ?? ''),
      metadata: { name: String((c.metadata as Message)?.name ?? ''), attempt: Number((c.metadata as Message)?.attempt ?? 0) },
      image: { image: String((imageField as Message)?.image ?? '') },
      imageRef: String(c.imageRef ?? ''),
      state: c.state as ContainerState,
      createdAt: big(c.createdAt),
      labels: strMap(c.labels),
      annotations: strMap(c.annotations),
    };
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const r = await this.notFound(id, this.rt('containerStatus', { containerId: id }));
    const s = (r.status ?? {}) as Message;
    return {
      ...this.containerOf(s, s.image),
      podSandboxId: '',
      startedAt: big(s.startedAt),
      finishedAt: big(s.finishedAt),
      exitCode: Number(s.exitCode ?? 0),
      reason: String(s.reason ?? ''),
      message: String(s.message ?? ''),
      logPath: String(s.logPath ?? ''),
      mounts: ((s.mounts ?? []) as Message[]).map((m) => ({ containerPath: String(m.containerPath ?? ''), hostPath: String(m.hostPath ?? ''), readonly: m.readonly === true })),
    };
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    const r = await this.rt('listContainers', {
      filter: { id: filter.id ?? '', podSandboxId: filter.podSandboxId ?? '', ...(filter.state ? { state: { state: filter.state } } : {}), labelSelector: filter.labelSelector ?? {} },
    });
    return ((r.containers ?? []) as Message[]).map((c) => this.containerOf(c, c.image));
  }

  async reopenContainerLog(id: string): Promise<void> {
    await this.notFound(id, this.rt('reopenContainerLog', { containerId: id }));
  }

  async listContainerStats(): Promise<ContainerUsage[]> {
    const r = await this.rt('listContainerStats', { filter: {} }, 30_000);
    const value = (v: unknown) => Number((v as Message | undefined)?.value ?? 0);
    return ((r.stats ?? []) as Message[]).map((s) => {
      const attributes = (s.attributes ?? {}) as Message;
      const cpu = (s.cpu ?? {}) as Message;
      const memory = (s.memory ?? {}) as Message;
      const nanoCores = cpu.usageNanoCores ? value(cpu.usageNanoCores) : undefined;
      return {
        containerId: String(attributes.id ?? ''),
        name: String((attributes.metadata as Message | undefined)?.name ?? ''),
        labels: strMap(attributes.labels),
        timestamp: big(cpu.timestamp ?? memory.timestamp),
        usageCoreNanoSeconds: value(cpu.usageCoreNanoSeconds),
        ...(nanoCores ? { usageNanoCores: nanoCores } : {}),
        workingSetBytes: value(memory.workingSetBytes),
        usageBytes: value(memory.usageBytes),
        rssBytes: value(memory.rssBytes),
      };
    });
  }

  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
    const r = await this.notFound(id, this.rt('execSync', { containerId: id, cmd, timeout: timeoutSeconds }, (timeoutSeconds + 30) * 1000));
    return { stdout: Buffer.from(r.stdout as Uint8Array).toString(), stderr: Buffer.from(r.stderr as Uint8Array).toString(), exitCode: Number(r.exitCode ?? 0) };
  }

  async readLogs(id: string, options?: LogOptions): Promise<string> {
    const status = await this.containerStatus(id);
    return readCriLog(status.logPath, options);
  }

  exec(id: string, cmd: string[], session: StreamSession): Promise<{ exitCode: number }> {
    return criExec(this.client, id, cmd, session);
  }

  attach(id: string, session: StreamSession): Promise<void> {
    return criAttach(this.client, id, session);
  }

  portForward(podSandboxId: string, port: number, signal: AbortSignal): Promise<Duplex> {
    return criPortForward(this.client, podSandboxId, port, signal);
  }

  onContainerEvent(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.stopEvents) this.stopEvents = this.watchEvents();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.stopEvents?.();
        this.stopEvents = undefined;
      }
    };
  }

  private emit(event: ContainerEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** GetContainerEvents when the runtime streams them; otherwise a poll of container states. */
  private watchEvents(): () => void {
    let stopped = false;
    let poll: (() => void) | undefined;
    const stream = this.client.containerEvents();
    stream.on('data', (e: Message) => {
      const sandbox = (e.podSandboxStatus ?? undefined) as Message | undefined;
      this.emit({
        containerId: String(e.containerId),
        podSandboxId: String(sandbox?.id ?? ''),
        type: e.containerEventType as ContainerEvent['type'],
        createdAt: big(e.createdAt),
        podSandboxMetadata: sandbox ? sandboxMeta(sandbox.metadata) : undefined,
      });
    });
    stream.on('error', (err: Error & { code?: number; details?: string }) => {
      if (stopped) return;
      if (isUnimplemented(new CriError(err.code ?? 2, err.details ?? ''))) {
        this.options.log.debug('kubelet', 'runtime has no GetContainerEvents: polling container states');
        poll = this.pollEvents();
        return;
      }
      // containerd restarting: start over after a pause.
      setTimeout(() => {
        if (!stopped && this.stopEvents) this.stopEvents = this.watchEvents();
      }, 1000).unref();
    });
    return () => {
      stopped = true;
      stream.cancel();
      poll?.();
    };
  }

  private pollEvents(): () => void {
    const states = new Map<string, { state: ContainerState; sandbox: string; uid: string }>();
    let busy = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        const now = await this.listContainers();
        const seen = new Set<string>();
        for (const c of now) {
          seen.add(c.id);
          const before = states.get(c.id);
          states.set(c.id, { state: c.state, sandbox: c.podSandboxId, uid: c.labels[LABEL_POD_UID] ?? '' });
          // Exited since the last look — including containers that started and exited in between, and those that
          // exited before the first look (a pod's worker may have seen them running): at worst one needless sync.
          if (c.state === 'CONTAINER_EXITED' && before?.state !== 'CONTAINER_EXITED') this.emitStopped(c.id, c.podSandboxId, c.labels[LABEL_POD_UID] ?? '');
        }
        for (const [id, s] of states) {
          if (seen.has(id)) continue;
          states.delete(id);
          if (s.state === 'CONTAINER_RUNNING') this.emitStopped(id, s.sandbox, s.uid);
        }
      } catch {
        // The runtime is restarting: the next tick sees the difference.
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void tick(), this.options.eventPollMs ?? 1000);
    timer.unref();
    return () => clearInterval(timer);
  }

  private emitStopped(containerId: string, podSandboxId: string, uid: string): void {
    this.emit({ containerId, podSandboxId, type: 'CONTAINER_STOPPED_EVENT', createdAt: BigInt(Date.now()) * 1_000_000n, podSandboxMetadata: { name: '', namespace: '', uid, attempt: 0 } });
  }

  // ImageService

  async pullImage(image: string, sandboxConfig?: PodSandboxConfig, auth?: AuthConfig): Promise<string> {
    const r = await this.client
      .imageCall('pullImage', { image: { image }, ...(auth ? { auth } : {}), ...(sandboxConfig ? { sandboxConfig: this.sandboxMessage(sandboxConfig) } : {}) })
      .catch((err: unknown) => {
        throw new RuntimeError('ErrImagePull', (err as Error).message);
      });
    return String(r.imageRef);
  }

  private imageOf(i: Message): Image {
    return { id: String(i.id), repoTags: (i.repoTags ?? []) as string[], repoDigests: (i.repoDigests ?? []) as string[], size: big(i.size) };
  }

  async imageStatus(image: string): Promise<Image | undefined> {
    const r = await this.client.imageCall('imageStatus', { image: { image } }, 30_000);
    return r.image ? this.imageOf(r.image as Message) : undefined;
  }

  async listImages(): Promise<Image[]> {
    const r = await this.client.imageCall('listImages', {}, 30_000);
    return ((r.images ?? []) as Message[]).map((i) => this.imageOf(i));
  }

  async removeImage(image: string): Promise<void> {
    await this.client.imageCall('removeImage', { image: { image } }, 60_000).catch((err: unknown) => {
      if (!isNotFoundError(err)) throw err;
    });
  }
}
