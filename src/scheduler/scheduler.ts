// The scheduler: informer events feed the cache and the queue; one pod at a
// time goes through a synchronous scheduling cycle (filter, score, or
// preemption) and is assumed on its node; binding then runs asynchronously.
import type { Labels, Selector } from '../machinery/labels.js';
import { SchedulerCache } from './cache.js';
import { FitError } from './fiterror.js';
import type { PodInfo } from './podinfo.js';
import { Preemption } from './preemption.js';
import { DEFAULT_SCHEDULER_NAME, Profile } from './profile.js';
import { SchedulingQueue, type QueuedPodInfo } from './queue.js';
import { Algorithm } from './schedule.js';
import type { Node, PersistentVolumeClaim, Pod, PodCondition, PodDisruptionBudget } from './types.js';

export const ERR_NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/**
 * Cycles run back to back for this long before the loop yields to I/O (informer
 * events, binding responses, the API server's own requests in this process):
 * upstream's scheduleOne loop has a thread of its own, this one shares the
 * event loop, and yielding after every cycle starved it behind busy I/O.
 */
const SLICE_MS = 5;

/**
 * Binding requests in flight at once; the rest wait their turn, assumed. Each
 * in-flight request holds a keep-alive connection: unbounded bursts opened
 * (and, past the pool's idle limit, closed again) a TLS connection per bind.
 * Upstream's binds are throttled by its client's QPS limit instead.
 */
const MAX_BINDS_IN_FLIGHT = 32;

/** What the scheduler needs from the cluster besides informer events: writes through the API. */
export interface SchedulerBackend {
  /** POST pods/<name>/binding. */
  bind(pod: Pod, nodeName: string): Promise<void>;
  /** Patches pods/<name>/status: the PodScheduled condition and, when given, nominatedNodeName ('' clears it). */
  updatePodStatus(pod: Pod, condition: PodCondition, nominatedNodeName: string | undefined): Promise<void>;
  /** Marks the victim with DisruptionTarget and deletes it. */
  preemptVictim(victim: Pod, preemptor: Pod, nodeName: string): Promise<void>;
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, action: string, message: string): void;
  podDisruptionBudgets(): readonly PodDisruptionBudget[];
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  /** The Services and controllers selecting a pod, for default spreading. */
  defaultSelector?(pod: Pod): Selector | undefined;
  log?(message: string): void;
}

export interface SchedulerOptions {
  schedulerName?: string;
  random?: () => number;
}

function isAssigned(pod: Pod): boolean {
  return !!pod.spec.nodeName;
}

function isTerminated(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Whether a node change can make a pending pod fit (not heartbeats). */
function schedulingPropertiesChanged(a: Node, b: Node): boolean {
  const j = (x: unknown): string => JSON.stringify(x ?? null);
  return (
    j(a.metadata.labels) !== j(b.metadata.labels) ||
    j(a.spec?.taints) !== j(b.spec?.taints) ||
    !!a.spec?.unschedulable !== !!b.spec?.unschedulable ||
    j(a.status?.allocatable) !== j(b.status?.allocatable) ||
    j(a.status?.images) !== j(b.status?.images)
  );
}

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue = new SchedulingQueue();
  readonly profile: Profile;
  readonly algorithm: Algorithm;
  readonly preemption: Preemption;
  readonly schedulerName: string;
  private running = false;
  private stopped: Promise<void> | undefined;
  private readonly bindings = new Set<Promise<void>>();
  private bindsInFlight = 0;
  private readonly bindTurns: (() => void)[] = [];
  /** Scheduling cycles run and the time spent in them (the algorithm alone, without API calls). */
  readonly stats = { cycles: 0, cycleMs: 0, bound: 0 };

  constructor(
    private readonly backend: SchedulerBackend,
    options: SchedulerOptions = {},
  ) {
    this.schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.profile = new Profile({ claims: (ns, name) => backend.claim(ns, name), defaultSelector: (pod) => backend.defaultSelector?.(pod) });
    this.algorithm = new Algorithm(this.profile, this.cache, this.queue, options.random);
    this.preemption = new Preemption(this.profile, this.cache, this.algorithm, () => backend.podDisruptionBudgets(), options.random);
  }

  private responsibleFor(pod: Pod): boolean {
    return (pod.spec.schedulerName || DEFAULT_SCHEDULER_NAME) === this.schedulerName;
  }

  // ---- informer events ----

  onPodAdd(pod: Pod): void {
    if (isAssigned(pod)) {
      if (!isTerminated(pod)) this.cache.addOrUpdatePod(pod);
    } else if (this.responsibleFor(pod) && !pod.metadata.deletionTimestamp && !(pod.spec.schedulingGates ?? []).length) {
      this.queue.add(pod);
    }
  }

  onPodUpdate(old: Pod | undefined, pod: Pod): void {
    if (isAssigned(pod)) {
      if (old && !isAssigned(old)) this.queue.delete(old);
      if (isTerminated(pod)) {
        this.cache.removePod(pod.metadata.uid ?? '');
        this.queue.moveAllToActiveOrBackoff('PodDelete');
      } else {
        this.cache.addOrUpdatePod(pod);
      }
    } else if (this.responsibleFor(pod)) {
      if (pod.metadata.deletionTimestamp || (pod.spec.schedulingGates ?? []).length) this.queue.delete(pod);
      else this.queue.update(old, pod);
    }
  }

  onPodDelete(pod: Pod): void {
    if (isAssigned(pod)) {
      this.cache.removePod(pod.metadata.uid ?? '');
      this.queue.moveAllToActiveOrBackoff('PodDelete');
    } else {
      this.queue.delete(pod);
    }
  }

  onNodeAdd(node: Node): void {
    this.cache.addOrUpdateNode(node);
    this.queue.moveAllToActiveOrBackoff('NodeAdd');
  }

  onNodeUpdate(old: Node | undefined, node: Node): void {
    this.cache.addOrUpdateNode(node);
    if (!old || schedulingPropertiesChanged(old, node)) this.queue.moveAllToActiveOrBackoff('NodeUpdate');
  }

  onNodeDelete(node: Node): void {
    this.cache.removeNode(node.metadata.name ?? '');
  }

  onNamespace(name: string, labels: Labels | undefined, deleted = false): void {
    if (deleted) this.cache.removeNamespace(name);
    else this.cache.setNamespace(name, labels);
    this.queue.moveAllToActiveOrBackoff('NamespaceChange');
  }

  /** A claim or PDB changed: pods waiting on volumes may now go. */
  onStorageChange(): void {
    this.queue.moveAllToActiveOrBackoff('PvcChange');
  }

  // ---- the loop ----

  start(): void {
    if (this.running) return;
    this.running = true;
    this.queue.run();
    this.stopped = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.queue.close();
    await this.stopped;
    await Promise.allSettled([...this.bindings]);
  }

  private async loop(): Promise<void> {
    let sliceStart = performance.now();
    while (this.running) {
      const q = await this.queue.pop();
      if (!q) break;
      const started = performance.now();
      try {
        this.scheduleOne(q);
      } catch (err) {
        this.backend.log?.(`scheduling ${q.podInfo.key} failed: ${String(err)}`);
        this.queue.addBackoff(q);
      }
      this.stats.cycles++;
      const ended = performance.now();
      this.stats.cycleMs += ended - started;
      if (ended - sliceStart >= SLICE_MS) {
        // Let informer events and binding responses in between slices of cycles.
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
  }

  /** One scheduling cycle; synchronous, so the cache is a consistent snapshot throughout. */
  scheduleOne(q: QueuedPodInfo): void {
    const info = q.podInfo;
    const pod = info.pod;
    if (pod.metadata.deletionTimestamp || this.cache.isAssumed(info.uid)) {
      this.queue.done(q);
      return;
    }
    const cycle = this.queue.cycle;
    let node: string;
    try {
      node = this.algorithm.schedule(info).node;
    } catch (err) {
      if (!(err instanceof FitError)) throw err;
      this.handleFitError(q, info, err, cycle);
      return;
    }
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName: node } };
    this.cache.assumePod(assumed);
    this.queue.deleteNominated(info.uid);
    // The request starts after this cycle (upstream binds in a goroutine of its own), not inside it.
    const binding = Promise.resolve()
      .then(() => this.bind(q, assumed, node))
      .finally(() => this.bindings.delete(binding));
    this.bindings.add(binding);
  }

  private handleFitError(q: QueuedPodInfo, info: PodInfo, err: FitError, cycle: number): void {
    let nominatedNode: string | undefined;
    if (err.numAllNodes > 0) {
      const state = this.profile.newCycleState(this.cache);
      // PreFilter state must exist for the what-ifs; a rejecting PreFilter leaves every node unresolvable anyway.
      if (!err.diagnosis.preFilterMsg) this.profile.runPreFilter(state, info);
      const result = this.preemption.preempt(state, info, err.diagnosis.nodeToStatus);
      err.diagnosis.postFilterMsg = result.message;
      nominatedNode = result.nominatedNode;
      if (nominatedNode) {
        this.queue.nominate(info, nominatedNode);
        for (const victim of result.victims) {
          this.backend.preemptVictim(victim.pod, info.pod, nominatedNode).catch((e: unknown) => this.backend.log?.(`preempting ${victim.key}: ${String(e)}`));
        }
      } else if (nominatedNode === '' && !info.pod.status?.nominatedNodeName) {
        nominatedNode = undefined;
      }
    }
    const message = err.numAllNodes === 0 ? ERR_NO_NODES_AVAILABLE : err.message;
    this.recordFailure(info.pod, 'Unschedulable', message, nominatedNode);
    this.queue.addUnschedulable(q, cycle);
  }

  private recordFailure(pod: Pod, reason: string, message: string, nominatedNode: string | undefined): void {
    this.backend.event(pod, 'Warning', 'FailedScheduling', 'Scheduling', message);
    const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const sameCondition = existing?.status === 'False' && existing.reason === reason && existing.message === message;
    if (sameCondition && (nominatedNode === undefined || nominatedNode === (pod.status?.nominatedNodeName ?? ''))) return;
    const condition: PodCondition = { type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    this.backend.updatePodStatus(pod, condition, nominatedNode).catch((e: unknown) => this.backend.log?.(`updating status of ${pod.metadata.namespace}/${pod.metadata.name}: ${String(e)}`));
  }

  /** backend.bind, at most MAX_BINDS_IN_FLIGHT at a time, in the order the cycles chose. */
  private async throttledBind(assumed: Pod, node: string): Promise<void> {
    if (this.bindsInFlight < MAX_BINDS_IN_FLIGHT) this.bindsInFlight++;
    else await new Promise<void>((turn) => this.bindTurns.push(turn));
    try {
      await this.backend.bind(assumed, node);
    } finally {
      // The slot passes straight to the next waiter, if any.
      const next = this.bindTurns.shift();
      if (next) next();
      else this.bindsInFlight--;
    }
  }

  private async bind(q: QueuedPodInfo, assumed: Pod, node: string): Promise<void> {
    try {
      await this.throttledBind(assumed, node);
    } catch (err) {
      this.cache.forgetPod(assumed.metadata.uid ?? '');
      const code = (err as { code?: number }).code;
      if (code === 404 || code === 409) {
        // Gone, or bound by someone else: nothing more to do for this pod.
        this.queue.done(q);
        return;
      }
      this.recordFailure(q.podInfo.pod, 'SchedulerError', `binding rejected: ${String((err as Error).message ?? err)}`, undefined);
      this.queue.addBackoff(q);
      return;
    }
    this.queue.done(q);
    this.stats.bound++;
    const m = assumed.metadata;
    this.backend.event(assumed, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${m.namespace ?? ''}/${m.name ?? ''} to ${node}`);
  }

  /** Resolves once every in-flight binding has finished (for tests and benchmarks). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.bindings]);
  }
}
