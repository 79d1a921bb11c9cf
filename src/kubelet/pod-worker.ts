// One pod on one node (upstream podWorkers + kuberuntime SyncPod): makes the
// runtime match the pod spec — sandbox, init containers in order, app
// containers with restart policy and CrashLoopBackOff, probes — then reports
// the status computed from what the runtime says. Every sync starts from the
// runtime's state, so a restarted agent picks up running pods without
// restarting them. Graceful deletion: preStop, stop with the grace period,
// then the final delete of the pod object.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPodStatus } from 'kubernetes-models/v1/PodStatus';
import type { Logger } from '../cli/log.js';
import type { Backoff } from './backoff.js';
import { ContainerConfigError, containerEnv, expandCommand, type EnvSources } from './env.js';
import { containerRef, podRef, type EventSink } from './events.js';
import { pullAuthFor } from './images/pull-secrets.js';
import { MISSING_CLUSTER_DNS_MESSAGE, podDnsConfig, podHostnameAndDomain, sandboxHostname, type ClusterDnsSettings } from './dns.js';
import { containerLinuxConfig, podPortMappings, sandboxLinuxConfig } from './linux-config.js';
import type { PodFiles } from './pod-files.js';
import { runLifecycleHandler, type HookRunner } from './lifecycle.js';
import { attemptsOf, computePodStatus, conditionsToCarry, isRestartableInit, type WaitingReason } from './pod-status.js';
import { StartupTrace } from './startup-trace.js';
import { SYSCTL_FORBIDDEN, type SysctlAdmission } from './sysctl.js';
import { PROBE_KIND, ProbeWorker, type ProbeHandler, type ProbeTarget, type ProbeType } from './prober.js';
import { ANNOTATION_TERMINATION_MESSAGE_PATH, ANNOTATION_TERMINATION_MESSAGE_POLICY, readMountTail, terminationMessage, type TerminationMessageSources } from './termination-message.js';
import {
  ANNOTATION_RESTART_COUNT,
  ANNOTATION_TERMINATION_GRACE,
  LABEL_CONTAINER_NAME,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  RuntimeError,
  type ContainerStatus,
  type ImageService,
  type LinuxContainerConfig,
  type Mount,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxStatus,
  type RuntimeService,
} from './runtime/types.js';
import type { PodVolumes } from './volumes/volume-manager.js';

/** What a pod worker needs from its node. */
export interface WorkerContext {
  nodeName: string;
  runtime: RuntimeService;
  images: ImageService;
  /** The scheme of container IDs ("containerd", "k8ts-simulated"). */
  runtimeName: string;
  probes: ProbeHandler;
  events: EventSink;
  env: EnvSources;
  backoff: Backoff;
  hostIPs(): string[];
  allocatable(): Record<string, string>;
  setStatus(pod: IPod, status: IPodStatus): void;
  /** The final delete (grace 0, UID precondition) once a deleted pod's containers are stopped. */
  deletePod(pod: IPod): Promise<void>;
  log: Logger;
  /** How soon a pod waiting for a missing ConfigMap/Secret or image tries again. */
  retryMs: number;
  volumes: PodVolumes;
  /** The pod's /etc/hosts and termination message files. */
  files: PodFiles;
  dns: ClusterDnsSettings;
  /** Whether the node admits the pod's sysctls (undefined) or why not. */
  admitSysctls: SysctlAdmission;
}

/** upstream's minimumGracePeriodInSeconds: what a container gets after its preStop hook used up the grace period. */
const MINIMUM_GRACE_PERIOD_SECONDS = 2;
/** Upstream waits for postStart without a limit; this bound keeps a hung hook from blocking the pod forever. */
const POST_START_TIMEOUT_SECONDS = 120;

/** Go's time.Duration String for whole seconds: 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${s % 60}s` : `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}

/** Go's time.Duration String at millisecond precision: 0s, 523ms, 1.234s. */
export function goDurationMs(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  return `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}

function nanosToMs(n: bigint): number {
  return Number(n / 1_000_000n);
}

function shouldRestart(restartPolicy: string, exitCode: number): boolean {
  if (restartPolicy === 'Always') return true;
  if (restartPolicy === 'OnFailure') return exitCode !== 0;
  return false;
}

function isTerminal(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

function pullPolicy(c: IContainer): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  const last = image.slice(image.lastIndexOf('/') + 1);
  return !last.includes(':') || last.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

export class PodWorker {
  private syncing = false;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private readonly probeWorkers = new Map<string, ProbeWorker>();
  private readonly ready = new Map<string, boolean>();
  private readonly started = new Map<string, boolean>();
  private readonly waiting = new Map<string, WaitingReason>();
  /** Containers whose back-off event was already sent, by "<id>". */
  private readonly backoffEventSent = new Set<string>();
  /** The last failed pull of each container (image pull back-off), by container name. */
  private readonly pullFailure = new Map<string, { at: number; message: string }>();
  private lastStatus: IPodStatus | undefined;
  /** Exited containers' messages (with their termination messages), by container ID: read once. */
  private readonly exitMessages = new Map<string, string>();
  private removedFromApi = false;
  private finished = false;
  private readonly trace = new StartupTrace();

  constructor(
    private pod: IPod,
    private readonly ctx: WorkerContext,
    private readonly onDone: (uid: string) => void,
  ) {}

  get uid(): string {
    return this.pod.metadata?.uid ?? '';
  }

  /** A newer version of the pod from the API; `resync` false when nothing the sync acts on changed. */
  update(pod: IPod, resync = true): void {
    this.pod = pod;
    if (resync) this.kick();
  }

  /** The pod object is gone from the API (force deleted): stop everything, write nothing. */
  removed(): void {
    this.removedFromApi = true;
    this.kick();
  }

  /** Runs a sync now, or right after the one in progress. */
  kick(): void {
    if (this.finished) return;
    if (this.syncing) {
      this.dirty = true;
      return;
    }
    void this.run();
  }

  stop(): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.probeWorkers.values()) w.stop();
    this.probeWorkers.clear();
  }

  private requeueAfter(ms: number): void {
    const at = Date.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, ms);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    this.syncing = true;
    try {
      do {
        this.dirty = false;
        try {
          await this.sync();
        } catch (err) {
          this.ctx.log.warn('kubelet', `pod ${this.describe()}: sync failed: ${(err as Error).message}`);
          this.requeueAfter(this.ctx.retryMs);
        }
      } while (this.dirty && !this.finished);
    } finally {
      this.syncing = false;
    }
  }

  private describe(): string {
    return `${this.pod.metadata?.namespace}/${this.pod.metadata?.name}`;
  }

  private podLabelSelector(): Record<string, string> {
    return { [LABEL_POD_UID]: this.uid };
  }

  private async containerStatuses(): Promise<ContainerStatus[]> {
    const list = await this.ctx.runtime.listContainers({ labelSelector: this.podLabelSelector() });
    const out: ContainerStatus[] = [];
    for (const c of list) {
      try {
        out.push(await this.withExitMessage(await this.ctx.runtime.containerStatus(c.id)));
      } catch (err) {
        if (!(err instanceof RuntimeError && err.reason === 'NotFound')) throw err;
      }
    }
    for (const id of this.exitMessages.keys()) if (!list.some((c) => c.id === id)) this.exitMessages.delete(id);
    return out;
  }

  /** An exited container's status with its termination message, read once; once its file is gone, the message the API has kept. */
  private async withExitMessage(status: ContainerStatus): Promise<ContainerStatus> {
    if (status.state !== 'CONTAINER_EXITED') return status;
    let message = this.exitMessages.get(status.id);
    if (message === undefined) {
      const sources: TerminationMessageSources = {
        readMountTail: async (mount, max) => readMountTail(this.ctx.runtime, status.id, mount, max).catch((err: NodeJS.ErrnoException) => {
          const kept = err.code === 'ENOENT' ? this.reportedMessage(status.id) : undefined;
          if (kept === undefined) throw err;
          return kept;
        }),
        readLogTail: (id, tailLines) => this.ctx.runtime.readLogs(id, { tailLines }),
      };
      message = await terminationMessage(status, sources);
      this.exitMessages.set(status.id, message);
    }
    return { ...status, message };
  }

  /** The termination message the API shows for a container instance (state or lastState), if any. */
  private reportedMessage(containerId: string): string | undefined {
    const st = this.pod.status;
    const all = [...(st?.initContainerStatuses ?? []), ...(st?.containerStatuses ?? []), ...(st?.ephemeralContainerStatuses ?? [])];
    const full = `${this.ctx.runtimeName}://${containerId}`;
    for (const s of all) {
      for (const t of [s.state?.terminated, s.lastState?.terminated]) if (t?.containerID === full && t.message) return t.message;
    }
    return undefined;
  }

  private sandboxConfig(attempt: number): PodSandboxConfig {
    const m = this.pod.metadata ?? {};
    return {
      metadata: { name: m.name ?? '', uid: this.uid, namespace: m.namespace ?? '', attempt },
      hostname: sandboxHostname(this.pod, this.ctx.dns.clusterDomain),
      logDirectory: `/var/log/pods/${m.namespace}_${m.name}_${this.uid}`,
      dnsConfig: podDnsConfig(this.pod, this.ctx.dns).config,
      portMappings: podPortMappings(this.pod),
      labels: { [LABEL_POD_NAME]: m.name ?? '', [LABEL_POD_NAMESPACE]: m.namespace ?? '', [LABEL_POD_UID]: this.uid },
      annotations: { ...(m.annotations ?? {}) },
      hostNetwork: this.pod.spec?.hostNetwork === true,
      linux: sandboxLinuxConfig(this.pod),
    };
  }

  private async sync(): Promise<void> {
    if (this.finished) return;
    if (this.removedFromApi || this.pod.metadata?.deletionTimestamp) {
      await this.terminate();
      return;
    }
    const spec = this.pod.spec ?? { containers: [] };
    const restartPolicy = spec.restartPolicy ?? 'Always';
    this.trace.mark('queued');
    // The pod's state in the runtime (upstream GetPodStatus): both questions at once.
    const [statuses, sandboxes] = await Promise.all([this.containerStatuses(), this.ctx.runtime.listPodSandbox({ labelSelector: this.podLabelSelector() })]);
    this.trace.mark('podStatus');
    let containers = statuses;
    let sandbox: PodSandbox | undefined = sandboxes.find((s) => s.state === 'SANDBOX_READY');
    const reportedTerminal = isTerminal(this.lastStatus?.phase ?? this.pod.status?.phase);
    if (reportedTerminal) {
      // Terminal pods never run again: make sure nothing does, keep reporting.
      await this.killAll(containers, 0, '');
      if (sandbox) await this.ctx.runtime.stopPodSandbox(sandbox.id);
      await this.unmountVolumes();
      const last = this.lastStatus ?? this.pod.status ?? {};
      const status = computePodStatus(this.statusInput(await this.containerStatuses(), undefined));
      // The phase stays terminal, with the reason it got (DeadlineExceeded...).
      this.publish({ ...status, phase: last.phase, ...(last.reason ? { reason: last.reason, message: last.message } : {}) });
      return;
    }
    if (this.deadlineExceeded()) {
      await this.killAll(containers, 0, '');
      if (sandbox) await this.ctx.runtime.stopPodSandbox(sandbox.id);
      this.ctx.events.event(podRef(this.pod), 'Normal', 'DeadlineExceeded', 'Pod was active on the node longer than the specified deadline', this.ctx.nodeName);
      const status = computePodStatus(this.statusInput(await this.containerStatuses(), undefined));
      this.publish({ ...status, phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
      return;
    }
    if (sandboxes.length === 0 && containers.length === 0) {
      // Upstream admits a pod before running anything of it; a rejected pod fails at once.
      const forbidden = this.ctx.admitSysctls(this.pod);
      if (forbidden !== undefined) {
        this.reject(SYSCTL_FORBIDDEN, forbidden);
        return;
      }
    }
    // Volumes before the sandbox (upstream WaitForAttachAndMount): a missing source keeps the pod ContainerCreating.
    const volumesReady = await this.ctx.volumes.mountPod(this.pod);
    this.trace.mark('volumes');
    if (!volumesReady) this.requeueAfter(this.ctx.retryMs);
    if (!volumesReady && !sandbox) {
      this.report(containers, undefined);
      return;
    }
    let sandboxStatus: PodSandboxStatus | undefined;
    if (!sandbox) {
      if (podDnsConfig(this.pod, this.ctx.dns).missingClusterDNS) {
        this.ctx.events.event(podRef(this.pod), 'Warning', 'MissingClusterDNS', `pod: "${this.podDescription()}". ${MISSING_CLUSTER_DNS_MESSAGE}`, this.ctx.nodeName);
      }
      try {
        const id = await this.ctx.runtime.runPodSandbox(this.sandboxConfig(sandboxes.length));
        this.trace.mark('runPodSandbox');
        sandbox = sandboxStatus = await this.ctx.runtime.podSandboxStatus(id);
        this.trace.mark('sandboxStatus');
      } catch (err) {
        this.ctx.events.event(podRef(this.pod), 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(err as Error).message}`, this.ctx.nodeName);
        this.report(containers, undefined);
        this.requeueAfter(this.ctx.retryMs);
        return;
      }
    }
    sandboxStatus ??= await this.ctx.runtime.podSandboxStatus(sandbox.id);
    const sandboxConfig = this.sandboxConfig(sandbox.metadata.attempt);
    // Host-network pods have the node's address.
    const podIP = this.pod.spec?.hostNetwork ? (this.ctx.hostIPs()[0] ?? '') : sandboxStatus.network.ip;

    // Init containers, in order: each must succeed before the next starts.
    let initDone = volumesReady;
    for (const c of volumesReady ? (spec.initContainers ?? []) : []) {
      const [latest] = attemptsOf(containers, c.name);
      if (isRestartableInit(c)) {
        if (!latest || latest.state === 'CONTAINER_EXITED') {
          await this.startOrBackOff(c, true, latest, sandbox.id, sandboxConfig, podIP, 'Always');
          initDone = false;
          break;
        }
        if (latest.state === 'CONTAINER_RUNNING' && (!c.startupProbe || this.started.get(latest.id))) continue;
        initDone = false;
        break;
      }
      if (latest?.state === 'CONTAINER_EXITED' && latest.exitCode === 0) continue;
      initDone = false;
      if (!latest) await this.startContainer(c, true, 0, sandbox.id, sandboxConfig, podIP);
      else if (latest.state === 'CONTAINER_EXITED') {
        if (restartPolicy !== 'Never') await this.startOrBackOff(c, true, latest, sandbox.id, sandboxConfig, podIP, 'OnFailure');
      }
      break;
    }
    if (initDone) {
      for (const c of spec.containers) {
        const [latest] = attemptsOf(containers, c.name);
        if (!latest) await this.startContainer(c, false, 0, sandbox.id, sandboxConfig, podIP);
        else if (latest.state === 'CONTAINER_EXITED') await this.startOrBackOff(c, false, latest, sandbox.id, sandboxConfig, podIP, restartPolicy);
        else if (latest.state === 'CONTAINER_CREATED') await this.ctx.runtime.startContainer(latest.id);
      }
      // Ephemeral containers (kubectl debug) start once and are never restarted.
      for (const c of this.pod.spec?.ephemeralContainers ?? []) {
        if (attemptsOf(containers, c.name).length > 0) continue;
        const [target] = c.targetContainerName ? attemptsOf(containers, c.targetContainerName) : [];
        await this.startContainer(c as IContainer, false, 0, sandbox.id, sandboxConfig, podIP, undefined, target?.state === 'CONTAINER_RUNNING' ? target.id : undefined);
      }
    }
    containers = await this.containerStatuses();
    this.trace.mark('containerStatuses');
    this.syncProbes(containers, podIP);
    const status = this.report(containers, { ready: true, ip: podIP });
    if (status.phase === 'Running') this.trace.finish(this.ctx.log, this.describe());
    if (isTerminal(status.phase)) {
      // Nothing will run again: release the sandbox (and its IP) and the volumes.
      await this.ctx.runtime.stopPodSandbox(sandbox.id);
      await this.unmountVolumes();
    }
  }

  /** Upstream rejectPod: a Warning event and the Failed phase with the reason, nothing started. */
  private reject(reason: string, message: string): void {
    this.ctx.events.event(podRef(this.pod), 'Warning', reason, message, this.ctx.nodeName);
    const status = computePodStatus(this.statusInput([], undefined));
    this.publish({ ...status, phase: 'Failed', reason, message: `Pod was rejected: ${message}` });
  }

  private deadlineExceeded(): boolean {
    const deadline = this.pod.spec?.activeDeadlineSeconds;
    const start = this.lastStatus?.startTime ?? this.pod.status?.startTime;
    if (deadline === undefined) return false;
    if (!start) {
      // Started by this sync (the status it writes has the startTime): check again once a whole deadline has passed.
      this.requeueAfter(deadline * 1000);
      return false;
    }
    const left = Date.parse(start) + deadline * 1000 - Date.now();
    if (left > 0) this.requeueAfter(left);
    return left <= 0;
  }

  private statusInput(containers: ContainerStatus[], sandbox: { ready: boolean; ip: string } | undefined) {
    const conditions = conditionsToCarry(this.lastStatus?.conditions, this.pod.status?.conditions);
    const pod: IPod = this.lastStatus ? { ...this.pod, status: { ...this.pod.status, ...this.lastStatus, conditions } } : this.pod;
    return {
      pod,
      sandbox,
      containers,
      waiting: this.waiting,
      ready: this.ready,
      started: this.started,
      hostIPs: this.ctx.hostIPs(),
      runtimeName: this.ctx.runtimeName,
      now: new Date(),
    };
  }

  private report(containers: ContainerStatus[], sandbox: { ready: boolean; ip: string } | undefined): IPodStatus {
    const status = computePodStatus(this.statusInput(containers, sandbox));
    this.publish(status);
    return status;
  }

  private publish(status: IPodStatus): void {
    this.lastStatus = status;
    if (!this.removedFromApi) this.ctx.setStatus(this.pod, status);
  }

  /** Restarts an exited container unless its restart policy or the back-off says not yet. */
  private async startOrBackOff(c: IContainer, init: boolean, latest: ContainerStatus | undefined, sandboxId: string, sandboxConfig: PodSandboxConfig, podIP: string, restartPolicy: string): Promise<void> {
    if (!latest) {
      await this.startContainer(c, init, 0, sandboxId, sandboxConfig, podIP);
      return;
    }
    if (!shouldRestart(restartPolicy, latest.exitCode)) return;
    const key = `${this.uid}/${c.name}`;
    const finished = nanosToMs(latest.finishedAt);
    if (this.ctx.backoff.isInBackOffSince(key, finished)) {
      const podDesc = this.podDescription();
      this.waiting.set(c.name, {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(this.ctx.backoff.get(key))} restarting failed container=${c.name} pod=${podDesc}`,
      });
      if (!this.backoffEventSent.has(latest.id)) {
        this.backoffEventSent.add(latest.id);
        this.ctx.events.event(containerRef(this.pod, c.name, init), 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podDesc}`, this.ctx.nodeName);
      }
      this.requeueAfter(this.ctx.backoff.retryAt(key, finished) - Date.now() + 5);
      return;
    }
    this.ctx.backoff.next(key);
    const restartCount = (Number(latest.annotations[ANNOTATION_RESTART_COUNT]) || 0) + 1;
    // Keep the latest dead container (it is the lastState); older attempts go.
    for (const old of (await this.containerStatuses()).filter((x) => x.metadata.name === c.name && x.id !== latest.id && x.state === 'CONTAINER_EXITED')) {
      await this.ctx.runtime.removeContainer(old.id).catch(() => undefined);
    }
    await this.startContainer(c, init, restartCount, sandboxId, sandboxConfig, podIP, latest);
  }

  /** Pulls, resolves the environment, creates and starts one container; on failure records why it waits. */
  private async startContainer(
    c: IContainer,
    init: boolean,
    restartCount: number,
    sandboxId: string,
    sandboxConfig: PodSandboxConfig,
    podIP: string,
    previous?: ContainerStatus,
    pidTargetId?: string,
  ): Promise<boolean> {
    const ref = containerRef(this.pod, c.name, init);
    const ev = this.ctx.events;
    const node = this.ctx.nodeName;
    const image = c.image ?? '';
    const policy = pullPolicy(c);
    const present = await this.ctx.images.imageStatus(image);
    this.trace.mark('imageStatus');
    if (policy === 'Never' && !present) {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      this.waiting.set(c.name, { reason: 'ErrImageNeverPull', message });
      ev.event(ref, 'Warning', 'ErrImageNeverPull', message, node);
      this.requeueAfter(this.ctx.retryMs);
      return false;
    }
    if (policy === 'Always' || !present) {
      // Upstream's image pull back-off: after a failed pull, wait before the next one.
      const pullKey = `${this.uid}/${c.name}/pull`;
      const failed = this.pullFailure.get(c.name);
      if (failed && this.ctx.backoff.isInBackOffSince(pullKey, failed.at)) {
        // The failure stays ErrImagePull for the first half of the back-off (syncs woken by the pod's own status update
        // must not hide it at once), then ImagePullBackOff until the next pull.
        const errUntil = failed.at + this.ctx.backoff.get(pullKey) / 2;
        if (Date.now() < errUntil) {
          this.waiting.set(c.name, { reason: 'ErrImagePull', message: failed.message });
          this.requeueAfter(errUntil - Date.now() + 5);
          return false;
        }
        this.waiting.set(c.name, { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${failed.message}` });
        ev.event(ref, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, node);
        ev.event(ref, 'Warning', 'Failed', 'Error: ImagePullBackOff', node);
        this.requeueAfter(this.ctx.backoff.retryAt(pullKey, failed.at) - Date.now() + 5);
        return false;
      }
      ev.event(ref, 'Normal', 'Pulling', `Pulling image "${image}"`, node);
      const t0 = Date.now();
      try {
        const auth = await pullAuthFor(image, this.pod.metadata?.namespace ?? '', (this.pod.spec?.imagePullSecrets ?? []).map((s) => s.name ?? ''), this.ctx.env.getSecret);
        await this.ctx.images.pullImage(image, sandboxConfig, auth);
      } catch (err) {
        const message = `Failed to pull image "${image}": ${(err as Error).message}`;
        this.waiting.set(c.name, { reason: 'ErrImagePull', message });
        this.pullFailure.set(c.name, { at: Date.now(), message });
        ev.event(ref, 'Warning', 'Failed', message, node);
        ev.event(ref, 'Warning', 'Failed', 'Error: ErrImagePull', node);
        // Shown as ErrImagePull for half the back-off, then as ImagePullBackOff until the next pull.
        this.requeueAfter(this.ctx.backoff.next(pullKey) / 2);
        return false;
      }
      this.pullFailure.delete(c.name);
      const took = goDurationMs(Date.now() - t0);
      const size = (await this.ctx.images.imageStatus(image))?.size ?? 0n;
      ev.event(ref, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${size} bytes.`, node);
    } else {
      ev.event(ref, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, node);
    }
    let envs;
    let linux: LinuxContainerConfig;
    let mounts;
    try {
      linux = containerLinuxConfig(this.pod, c, pidTargetId);
      const podWithIPs: IPod = { ...this.pod, status: { ...this.pod.status, podIP, podIPs: podIP ? [{ ip: podIP }] : [], hostIP: this.ctx.hostIPs()[0], hostIPs: this.ctx.hostIPs().map((ip) => ({ ip })) } };
      envs = await containerEnv(podWithIPs, c, this.ctx.env, this.ctx.allocatable());
      mounts = [...(await this.ctx.volumes.containerMounts(this.pod, c, envs)), ...(await this.podFileMounts(c, podIP))];
      this.trace.mark('envAndMounts');
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      this.waiting.set(c.name, { reason: 'CreateContainerConfigError', message: err.message });
      ev.event(ref, 'Warning', 'Failed', `Error: ${err.message}`, node);
      this.requeueAfter(this.ctx.retryMs);
      return false;
    }
    const { command, args } = expandCommand(c, envs);
    const m = this.pod.metadata ?? {};
    let id: string;
    try {
      id = await this.ctx.runtime.createContainer(
        sandboxId,
        {
          metadata: { name: c.name, attempt: restartCount },
          image: { image },
          command,
          args,
          workingDir: c.workingDir ?? '',
          envs,
          labels: { [LABEL_POD_NAME]: m.name ?? '', [LABEL_POD_NAMESPACE]: m.namespace ?? '', [LABEL_POD_UID]: this.uid, [LABEL_CONTAINER_NAME]: c.name },
          annotations: {
            [ANNOTATION_RESTART_COUNT]: String(restartCount),
            [ANNOTATION_TERMINATION_GRACE]: String(this.pod.spec?.terminationGracePeriodSeconds ?? 30),
            [ANNOTATION_TERMINATION_MESSAGE_PATH]: c.terminationMessagePath ?? '',
            [ANNOTATION_TERMINATION_MESSAGE_POLICY]: c.terminationMessagePolicy ?? 'File',
            ...(previous ? { 'k8ts.io/previous-container': previous.id } : {}),
          },
          logPath: `${c.name}/${restartCount}.log`,
          stdin: c.stdin,
          stdinOnce: c.stdinOnce,
          tty: c.tty,
          linux,
          mounts,
        },
        sandboxConfig,
      );
    } catch (err) {
      this.waiting.set(c.name, { reason: 'CreateContainerError', message: (err as Error).message });
      ev.event(ref, 'Warning', 'Failed', `Error: ${(err as Error).message}`, node);
      this.requeueAfter(this.ctx.retryMs);
      return false;
    }
    this.trace.mark('createContainer');
    ev.event(ref, 'Normal', 'Created', `Created container: ${c.name}`, node);
    try {
      await this.ctx.runtime.startContainer(id);
      this.trace.mark('startContainer');
    } catch (err) {
      this.waiting.set(c.name, { reason: 'RunContainerError', message: (err as Error).message });
      ev.event(ref, 'Warning', 'Failed', `Error: ${(err as Error).message}`, node);
      return false;
    }
    ev.event(ref, 'Normal', 'Started', `Started container ${c.name}`, node);
    this.waiting.delete(c.name);
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      // Upstream waits for postStart before the container counts as started; a failure kills it (the restart policy decides what next).
      const failure = await runLifecycleHandler(postStart, { pod: this.pod, containerName: c.name, containerId: id, podIP }, this.hookRunner(), POST_START_TIMEOUT_SECONDS);
      if (failure !== undefined) {
        ev.event(ref, 'Warning', 'FailedPostStartHook', failure, node);
        await this.kill(id, c.name, init, this.pod.spec?.terminationGracePeriodSeconds ?? 30, 'FailedPostStartHook');
      }
    }
    return true;
  }

  /** The kubelet's own files in the container: /etc/hosts and the termination message file. */
  private async podFileMounts(c: IContainer, podIP: string): Promise<Mount[]> {
    const { hostname, domain } = podHostnameAndDomain(this.pod, this.ctx.dns.clusterDomain);
    const hosts = await this.ctx.files.hostsMount(this.pod, c, podIP ? [podIP] : [], hostname, domain);
    const termination = await this.ctx.files.terminationMessageMount(this.pod, c);
    return [...(hosts ? [hosts] : []), ...(termination ? [termination] : [])];
  }

  private podDescription(): string {
    const m = this.pod.metadata ?? {};
    return `${m.name}_${m.namespace}(${this.uid})`;
  }

  /** preStop, then stop with the grace period (upstream killContainer). */
  private async kill(containerId: string, name: string, init: boolean, graceSeconds: number, message: string): Promise<void> {
    const ref = containerRef(this.pod, name, init);
    this.ctx.events.event(ref, 'Normal', 'Killing', message ? `${message}` : `Stopping container ${name}`, this.ctx.nodeName);
    const preStop = this.findSpec(name)?.lifecycle?.preStop;
    let grace = graceSeconds;
    if (preStop && grace > 0) {
      // preStop runs within the grace period; what it used is taken from the time SIGTERM gets, down to upstream's minimum of 2 s.
      const t0 = Date.now();
      const podIP = this.lastStatus?.podIP ?? this.pod.status?.podIP ?? '';
      const failure = await runLifecycleHandler(preStop, { pod: this.pod, containerName: name, containerId, podIP }, this.hookRunner(), grace);
      if (failure !== undefined) this.ctx.events.event(ref, 'Warning', 'FailedPreStopHook', failure, this.ctx.nodeName);
      grace = Math.max(MINIMUM_GRACE_PERIOD_SECONDS, grace - Math.floor((Date.now() - t0) / 1000));
    }
    await this.ctx.runtime.stopContainer(containerId, grace);
  }

  private hookRunner(): HookRunner {
    return { runtime: this.ctx.runtime, network: this.ctx.probes };
  }

  private async killAll(containers: ContainerStatus[], graceSeconds: number, reasonMessage: string): Promise<void> {
    const init = new Set((this.pod.spec?.initContainers ?? []).map((c) => c.name));
    await Promise.all(
      containers
        .filter((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED')
        .map((c) => this.kill(c.id, c.metadata.name, init.has(c.metadata.name), graceSeconds, reasonMessage)),
    );
  }

  /** The pod is being deleted (or was removed): stop it, report, and send the final delete. */
  private async terminate(): Promise<void> {
    for (const w of this.probeWorkers.values()) w.stop();
    this.probeWorkers.clear();
    const grace = this.removedFromApi ? 0 : (this.pod.metadata?.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30);
    const containers = await this.containerStatuses();
    if (!this.removedFromApi) await this.killAll(containers, grace, '');
    else await Promise.all(containers.filter((c) => c.state === 'CONTAINER_RUNNING').map((c) => this.ctx.runtime.stopContainer(c.id, 0)));
    const sandboxes = await this.ctx.runtime.listPodSandbox({ labelSelector: this.podLabelSelector() });
    for (const s of sandboxes) await this.ctx.runtime.stopPodSandbox(s.id);
    if (!this.removedFromApi) {
      const status = computePodStatus(this.statusInput(await this.containerStatuses(), undefined));
      this.publish(status);
      try {
        await this.ctx.deletePod(this.pod);
      } catch (err) {
        this.ctx.log.warn('kubelet', `pod ${this.describe()}: final delete failed: ${(err as Error).message}`);
        this.requeueAfter(this.ctx.retryMs);
        return;
      }
    }
    for (const s of sandboxes) await this.ctx.runtime.removePodSandbox(s.id);
    await this.unmountVolumes();
    this.ctx.backoff.forgetPrefix(`${this.uid}/`);
    this.stop();
    this.onDone(this.uid);
  }

  /** Tears down the pod's volumes once its containers are gone; a failure is logged and retried by the orphan cleanup. */
  private async unmountVolumes(): Promise<void> {
    try {
      await this.ctx.volumes.unmountPod(this.uid);
    } catch (err) {
      this.ctx.log.warn('kubelet', `pod ${this.describe()}: volume teardown failed: ${(err as Error).message}`);
    }
  }

  /** Starts probe workers for running containers and stops those of containers that are gone. */
  private syncProbes(containers: ContainerStatus[], podIP: string): void {
    const specs = new Map([...(this.pod.spec?.initContainers ?? []), ...this.pod.spec!.containers].map((c) => [c.name, c]));
    const running = new Set<string>();
    for (const c of containers) {
      if (c.state !== 'CONTAINER_RUNNING') continue;
      const spec = specs.get(c.metadata.name);
      if (!spec) continue;
      for (const [type, probe] of [['liveness', spec.livenessProbe], ['readiness', spec.readinessProbe], ['startup', spec.startupProbe]] as const) {
        if (!probe) continue;
        const key = `${c.id}/${type}`;
        running.add(key);
        if (this.probeWorkers.has(key)) continue;
        const target: ProbeTarget = { pod: this.pod, containerName: c.metadata.name, containerId: c.id, podIP };
        const worker = new ProbeWorker(type, probe, target, nanosToMs(c.startedAt), this.ctx.probes, this.probeListener(), () => !spec.startupProbe || this.started.get(c.id) === true);
        this.probeWorkers.set(key, worker);
        worker.start();
      }
    }
    for (const [key, worker] of this.probeWorkers) {
      if (running.has(key)) continue;
      worker.stop();
      this.probeWorkers.delete(key);
      const id = key.slice(0, key.indexOf('/'));
      this.ready.delete(id);
      this.started.delete(id);
    }
  }

  private probeListener() {
    return {
      failed: (target: ProbeTarget, type: ProbeType, output: string) => {
        const init = (this.pod.spec?.initContainers ?? []).some((c) => c.name === target.containerName);
        this.ctx.events.event(containerRef(this.pod, target.containerName, init), 'Warning', 'Unhealthy', `${PROBE_KIND[type]} probe failed: ${output}`, this.ctx.nodeName);
      },
      resultChanged: (target: ProbeTarget, type: ProbeType, success: boolean) => {
        if (this.finished) return;
        if (type === 'readiness') this.ready.set(target.containerId, success);
        else if (type === 'startup' && success) this.started.set(target.containerId, true);
        else if (!success) {
          const init = (this.pod.spec?.initContainers ?? []).some((c) => c.name === target.containerName);
          const probe = type === 'liveness' ? this.findSpec(target.containerName)?.livenessProbe : this.findSpec(target.containerName)?.startupProbe;
          const grace = probe?.terminationGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
          void this.kill(target.containerId, target.containerName, init, grace, `Container ${target.containerName} failed ${type} probe, will be restarted`)
            .catch(() => undefined)
            .finally(() => this.kick());
          return;
        }
        this.kick();
      },
    };
  }

  private findSpec(name: string): IContainer | undefined {
    return [...(this.pod.spec?.containers ?? []), ...(this.pod.spec?.initContainers ?? [])].find((c) => c.name === name);
  }
}
