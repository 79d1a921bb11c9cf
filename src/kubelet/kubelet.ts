// The node agent for one node: registers the Node, keeps its Lease and status,
// and runs a pod worker per pod bound to it. Pods and Nodes arrive from
// informers the host shares between its nodes (host.ts); the runtime is
// whatever implements the CRI-shaped interface (runtime/types.ts).
import type { INode } from 'kubernetes-models/v1/Node';
import type { INodeStatus } from 'kubernetes-models/v1/NodeStatus';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPodStatus } from 'kubernetes-models/v1/PodStatus';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Logger } from '../cli/log.js';
import { isAlreadyExists, isConflict, isNotFound } from '../client/errors.js';
import type { KubeObject, ResourceClient } from '../client/types.js';
import { microTimeNow } from '../machinery/time.js';
import { Backoff } from './backoff.js';
import type { ClusterDnsSettings } from './dns.js';
import type { EnvSources } from './env.js';
import { nodeRef, type EventSink } from './events.js';
import { nodeConditions, nodeStatus, registrationNode, statusChanged, type NodeConfig } from './node-status.js';
import { PodFiles } from './pod-files.js';
import { PodWorker, type WorkerContext } from './pod-worker.js';
import type { SysctlAdmission } from './sysctl.js';
import type { ProbeHandler } from './prober.js';
import type { ImageService, RuntimeService } from './runtime/types.js';
import type { Ticker } from './ticker.js';
import { VolumeManager } from './volumes/volume-manager.js';
import { volumeSources } from './volumes/sources.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_INTERVAL_MS = 10_000;
export const NODE_STATUS_UPDATE_FREQUENCY_MS = 10_000;
export const NODE_STATUS_REPORT_FREQUENCY_MS = 5 * 60_000;

/** The API collections a kubelet reads and writes. */
export interface KubeletApi {
  pods: ResourceClient<KubeObject>;
  nodes: ResourceClient<KubeObject>;
  leases: ResourceClient<KubeObject>;
  configmaps: ResourceClient<KubeObject>;
  secrets: ResourceClient<KubeObject>;
  persistentvolumeclaims: ResourceClient<KubeObject>;
  persistentvolumes: ResourceClient<KubeObject>;
  serviceaccounts: ResourceClient<KubeObject>;
}

/** What every node of a process shares. */
export interface KubeletShared {
  api: KubeletApi;
  events: EventSink;
  setPodStatus(pod: IPod, status: IPodStatus): void;
  forgetPodStatus(uid: string): void;
  /** Whether this version of the pod is the echo of the kubelet's own status write. */
  isOwnPodStatusWrite(pod: IPod): boolean;
  ticker: Ticker;
  log: Logger;
  /** CrashLoopBackOff base (10 s upstream; tests shorten it). */
  backoffBaseMs: number;
  /** Retry interval for pods waiting on a ConfigMap, Secret, image or sandbox. */
  retryMs: number;
  /** How often volumes follow their ConfigMaps, Secrets, pod fields and tokens (upstream: one minute). */
  volumeResyncMs?: number;
  /** Cluster DNS, cluster domain and the node's resolver, for the pods' resolv.conf and hostnames. */
  dns: ClusterDnsSettings;
  /** Every Service (for the pods' service links); undefined until listed once. */
  listServices(): IService[] | undefined;
  /** The sysctl admission of the nodes (safe sysctls and --allowed-unsafe-sysctls). */
  admitSysctls: SysctlAdmission;
}

export interface NodeAgentOptions {
  config: NodeConfig;
  runtime: RuntimeService & ImageService;
  probes: ProbeHandler;
  shared: KubeletShared;
  /** The kubelet's root directory where volumes are prepared on the host; absent on hollow nodes. */
  rootDir?: string;
}

function conditionsKey(conditions: { type: string; status: string }[] | undefined): string {
  return (conditions ?? []).map((c) => `${c.type}=${c.status}`).join(',');
}

function codeOf(err: unknown): number {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : 0;
}

export class NodeAgent {
  readonly name: string;
  private readonly workers = new Map<string, PodWorker>();
  private readonly backoff: Backoff;
  private readonly cancelTasks: (() => void)[] = [];
  private runtimeName = 'unknown';
  private nodeUid = '';
  private podCIDR = '';
  private lease: KubeObject | undefined;
  private lastPosted: INodeStatus | undefined;
  private lastPostedAt = 0;
  private registered = false;
  private beating = false;
  /** The Node's status as the informer last saw it (others, e.g. the node lifecycle controller, write it too). */
  private observedConditions = '';
  private stopped = false;
  readonly volumes: VolumeManager;
  private readonly files: PodFiles;
  /** Lease renewals and status posts written (for the benchmark). */
  writes = 0;

  constructor(private readonly options: NodeAgentOptions) {
    this.name = options.config.nodeName;
    this.backoff = new Backoff(options.shared.backoffBaseMs, 30 * options.shared.backoffBaseMs);
    this.volumes = new VolumeManager({
      nodeName: this.name,
      sources: volumeSources(options.shared.api),
      events: options.shared.events,
      log: options.shared.log,
      allocatable: () => options.config.allocatable,
      rootDir: options.rootDir,
      ticker: options.shared.ticker,
      resyncMs: options.shared.volumeResyncMs,
    });
    const rootDir = options.rootDir;
    this.files = new PodFiles({ podDir: rootDir === undefined ? undefined : (uid) => this.volumes.podDir(uid) });
  }

  private get shared(): KubeletShared {
    return this.options.shared;
  }

  private get log(): Logger {
    return this.shared.log;
  }

  /** Registers the node and starts heartbeats; retries registration until it succeeds. */
  async start(): Promise<void> {
    // The runtime's container events wake the pod's worker (upstream's evented PLEG).
    this.cancelTasks.push(
      this.options.runtime.onContainerEvent((e) => {
        if (e.type === 'CONTAINER_STOPPED_EVENT') this.workers.get(e.podSandboxMetadata?.uid ?? '')?.kick();
      }),
    );
    const version = await this.options.runtime.version();
    this.runtimeName = version.runtimeName;
    this.event('Normal', 'Starting', 'Starting kubelet.');
    const { ticker } = this.shared;
    this.volumes.start();
    this.cancelTasks.push(() => this.volumes.stop());
    this.cancelTasks.push(ticker.every(LEASE_RENEW_INTERVAL_MS, () => this.heartbeat()));
    this.cancelTasks.push(ticker.every(NODE_STATUS_UPDATE_FREQUENCY_MS, () => this.syncNodeStatus()));
    await this.heartbeat();
    await this.syncNodeStatus();
  }

  /** Stops heartbeats and pod workers; containers keep running (an agent restart recovers them). */
  stop(): void {
    this.stopped = true;
    for (const cancel of this.cancelTasks) cancel();
    for (const w of this.workers.values()) w.stop();
    this.workers.clear();
  }

  /** Registration (until done), then the Lease and status. */
  private async heartbeat(): Promise<void> {
    if (this.stopped || this.beating) return;
    this.beating = true;
    try {
      if (!this.registered) await this.register();
      if (this.registered) await this.renewLease();
    } finally {
      this.beating = false;
    }
  }

  private async register(): Promise<void> {
    const { nodes } = this.shared.api;
    try {
      const created = await nodes.create(undefined, registrationNode(this.options.config));
      this.nodeUid = created.metadata?.uid ?? '';
      this.nodeChanged(created as INode);
      this.log.debug('kubelet', `node ${this.name} registered`);
    } catch (err) {
      if (!isAlreadyExists(err)) {
        this.log.warn('kubelet', `node ${this.name}: registration failed: ${(err as Error).message}`);
        return;
      }
      try {
        const existing = await nodes.get(undefined, this.name);
        this.nodeUid = existing.metadata?.uid ?? '';
        // Re-registration keeps the node, and makes sure the kubelet's own labels are there.
        const labels = (registrationNode(this.options.config).metadata?.labels ?? {}) as Record<string, string>;
        const patched = await nodes.patch(undefined, this.name, 'merge', { metadata: { labels } });
        this.nodeChanged(patched as INode);
      } catch (e) {
        this.log.warn('kubelet', `node ${this.name}: registration failed: ${(e as Error).message}`);
        return;
      }
    }
    this.registered = true;
    this.event('Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
  }

  private async renewLease(): Promise<void> {
    const { leases } = this.shared.api;
    const renewTime = microTimeNow();
    try {
      if (!this.lease) {
        try {
          this.lease = await leases.get(NODE_LEASE_NAMESPACE, this.name);
        } catch (err) {
          if (!isNotFound(err)) throw err;
          this.lease = await leases.create(NODE_LEASE_NAMESPACE, {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: {
              name: this.name,
              namespace: NODE_LEASE_NAMESPACE,
              ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.name, uid: this.nodeUid }],
            },
            spec: { holderIdentity: this.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime },
          });
          this.writes++;
          return;
        }
      }
      const spec = (this.lease.spec ?? {}) as Record<string, unknown>;
      this.lease = await leases.update({ ...this.lease, spec: { ...spec, holderIdentity: this.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime } });
      this.writes++;
    } catch (err) {
      // A conflict or a lost lease: read it again next time.
      if (isConflict(err) || isNotFound(err)) this.lease = undefined;
      else this.log.debug('kubelet', `node ${this.name}: lease renewal failed: ${(err as Error).message}`);
    }
  }

  /** Posts the node status when it changed, and at least every five minutes. */
  async syncNodeStatus(): Promise<void> {
    if (!this.registered || this.stopped) return;
    if (!this.podCIDR) {
      // As upstream's status loop: read the Node itself until the control plane has given it a pod CIDR.
      try {
        const node = (await this.shared.api.nodes.get(undefined, this.name)) as INode;
        const cidr = node.spec?.podCIDR ?? '';
        if (cidr) {
          this.podCIDR = cidr;
          await this.options.runtime.updateRuntimeConfig({ podCIDR: cidr });
          for (const w of this.workers.values()) w.kick();
        }
      } catch {
        // The next period tries again.
      }
    }
    const conditions = nodeConditions(await this.options.runtime.status(), this.lastPosted?.conditions);
    const images = (await this.options.runtime.listImages()).map((i) => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: Number(i.size) }));
    const status = nodeStatus(this.options.config, conditions, images);
    const due = Date.now() - this.lastPostedAt >= NODE_STATUS_REPORT_FREQUENCY_MS;
    // Someone else changed the conditions (the node lifecycle controller's Unknown): post ours again.
    const overwritten = this.lastPosted !== undefined && this.observedConditions !== '' && this.observedConditions !== conditionsKey(status.conditions);
    if (!statusChanged(this.lastPosted, status) && !due && !overwritten) return;
    try {
      await this.shared.api.nodes.patch(undefined, this.name, 'merge', { status }, { subresource: 'status' });
      this.writes++;
    } catch (err) {
      if (isNotFound(err)) this.registered = false;
      this.log.debug('kubelet', `node ${this.name}: status update failed: ${(err as Error).message}`);
      return;
    }
    this.emitConditionEvents(this.lastPosted, status);
    this.lastPosted = status;
    this.lastPostedAt = Date.now();
  }

  private emitConditionEvents(before: INodeStatus | undefined, after: INodeStatus): void {
    const was = new Map((before?.conditions ?? []).map((c) => [c.type, c.status]));
    const eventFor: Record<string, [string, string]> = {
      MemoryPressure: ['NodeHasInsufficientMemory', 'NodeHasSufficientMemory'],
      DiskPressure: ['NodeHasDiskPressure', 'NodeHasNoDiskPressure'],
      PIDPressure: ['NodeHasInsufficientPID', 'NodeHasSufficientPID'],
      Ready: ['NodeReady', 'NodeNotReady'],
    };
    for (const c of after.conditions ?? []) {
      if (was.get(c.type) === c.status) continue;
      const [whenTrue, whenFalse] = eventFor[c.type] ?? [];
      if (!whenTrue) continue;
      const reason = c.status === 'True' ? whenTrue : whenFalse;
      if (c.type === 'Ready' && c.status !== 'True' && !before) continue;
      this.event('Normal', reason, `Node ${this.name} status is now: ${reason}`);
    }
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.shared.events.event(nodeRef(this.name), type, reason, message, this.name);
  }

  /** The Node changed in the API: pick up the pod CIDR the control plane allocated. */
  nodeChanged(node: INode): void {
    if (node.metadata?.uid) this.nodeUid = node.metadata.uid;
    this.observedConditions = conditionsKey(node.status?.conditions);
    const cidr = node.spec?.podCIDR ?? '';
    if (cidr && cidr !== this.podCIDR) {
      this.podCIDR = cidr;
      void this.options.runtime.updateRuntimeConfig({ podCIDR: cidr }).then(async () => {
        await this.syncNodeStatus();
        for (const w of this.workers.values()) w.kick();
      });
    }
  }

  podChanged(pod: IPod): void {
    if (this.stopped) return;
    const uid = pod.metadata?.uid ?? '';
    let worker = this.workers.get(uid);
    if (!worker) {
      worker = new PodWorker(pod, this.workerContext(), (done) => {
        this.workers.delete(done);
        this.shared.forgetPodStatus(done);
      });
      this.workers.set(uid, worker);
      worker.kick();
    } else {
      // Upstream's RECONCILE: a change that is only our own status write needs no sync.
      worker.update(pod, !this.shared.isOwnPodStatusWrite(pod));
    }
  }

  podDeleted(pod: IPod): void {
    this.workers.get(pod.metadata?.uid ?? '')?.removed();
  }

  /** Pods the runtime runs that the API no longer has (deleted while the agent was down) are stopped and removed. */
  async removeOrphans(known: Set<string>): Promise<void> {
    for (const sandbox of await this.options.runtime.listPodSandbox()) {
      if (known.has(sandbox.metadata.uid) || this.workers.has(sandbox.metadata.uid)) continue;
      await this.options.runtime.removePodSandbox(sandbox.id);
    }
    await this.volumes.cleanupOrphans(new Set([...known, ...this.workers.keys()]));
  }

  get podWorkers(): number {
    return this.workers.size;
  }

  private workerContextCache: WorkerContext | undefined;

  private workerContext(): WorkerContext {
    if (this.workerContextCache) return this.workerContextCache;
    const { api } = this.shared;
    const cfg = this.options.config;
    const env: EnvSources = {
      getConfigMap: async (ns, name) => {
        try {
          return (await api.configmaps.get(ns, name)) as { data?: Record<string, string> };
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      },
      getSecret: async (ns, name) => {
        try {
          return (await api.secrets.get(ns, name)) as { data?: Record<string, string> };
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      },
      listServices: () => this.shared.listServices(),
    };
    const hostIPs = cfg.addresses.filter((a) => a.type === 'InternalIP').map((a) => a.address);
    this.workerContextCache = {
      nodeName: this.name,
      runtime: this.options.runtime,
      images: this.options.runtime,
      runtimeName: this.runtimeName,
      probes: this.options.probes,
      events: this.shared.events,
      env,
      backoff: this.backoff,
      hostIPs: () => hostIPs,
      allocatable: () => cfg.allocatable,
      setStatus: (pod, status) => this.shared.setPodStatus(pod, status),
      deletePod: async (pod) => {
        try {
          await api.pods.delete(pod.metadata?.namespace, pod.metadata?.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
        } catch (err) {
          // Already gone, or a new pod under the same name (the UID precondition failed): nothing to delete.
          if (!isNotFound(err) && codeOf(err) !== 409) throw err;
        }
      },
      log: this.log,
      retryMs: this.shared.retryMs,
      volumes: this.volumes,
      files: this.files,
      dns: this.shared.dns,
      admitSysctls: this.shared.admitSysctls,
    };
    return this.workerContextCache;
  }
}
