// The scheduling queue (upstream PriorityQueue): activeQ ordered by priority
// then arrival, backoffQ for pods that failed recently (1 s doubling to 10 s),
// and unschedulable pods that wait for a cluster event (or 5 minutes).
import { Heap } from './heap.js';
import { PodInfo } from './podinfo.js';
import type { NominatedPods } from './schedule.js';
import { podKey, podPriority, type Pod } from './types.js';

export const INITIAL_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 10_000;
export const MAX_IN_UNSCHEDULABLE_MS = 5 * 60_000;

export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When the pod was last added to the queue (orders equal priorities). */
  timestamp: number;
  attempts: number;
  initialAttemptTimestamp?: number;
  /** When the last attempt ended (backoff counts from here). */
  lastFailure?: number;
}

export type ClusterEvent = 'NodeAdd' | 'NodeUpdate' | 'PodDelete' | 'PodUpdate' | 'PvcChange' | 'NamespaceChange' | 'UnschedulableTimeout';

const keyOf = (q: QueuedPodInfo): string => q.podInfo.key;
const NONE: readonly PodInfo[] = Object.freeze([]);

function specChanged(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.spec) !== JSON.stringify(b.spec) || JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels);
}

export class SchedulingQueue implements NominatedPods {
  private readonly activeQ = new Heap<QueuedPodInfo>(keyOf, (a, b) => {
    const pa = podPriority(a.podInfo.pod);
    const pb = podPriority(b.podInfo.pod);
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  });
  private readonly backoffQ = new Heap<QueuedPodInfo>(keyOf, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** Popped and being scheduled. */
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private readonly nominatedByNode = new Map<string, Map<string, PodInfo>>();
  private readonly nominatedNodeOf = new Map<string, string>();
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private waiter: (() => void) | undefined;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts the periodic flushes of backoffQ (1 s) and of long-unschedulable pods (30 s). */
  run(): void {
    this.timers.push(setInterval(() => this.flushBackoffCompleted(), 1_000).unref());
    this.timers.push(setInterval(() => this.flushUnschedulableLeftover(), 30_000).unref());
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.waiter?.();
  }

  get cycle(): number {
    return this.schedulingCycle;
  }

  /** A new unscheduled pod. */
  add(pod: Pod): void {
    const key = podKey(pod);
    this.unschedulable.delete(key);
    this.backoffQ.delete(key);
    const existing = this.activeQ.get(key);
    const q: QueuedPodInfo = existing ? { ...existing, podInfo: new PodInfo(pod) } : { podInfo: new PodInfo(pod), timestamp: this.now(), attempts: 0 };
    this.activeQ.push(q);
    this.updateNominated(q.podInfo);
    this.wake();
  }

  /** The pod changed; a real change to an unschedulable pod sends it back for another try. */
  update(oldPod: Pod | undefined, pod: Pod): void {
    const key = podKey(pod);
    const info = new PodInfo(pod);
    this.updateNominated(info);
    for (const heap of [this.activeQ, this.backoffQ]) {
      const q = heap.get(key);
      if (q) {
        heap.push({ ...q, podInfo: info });
        return;
      }
    }
    const inFlight = this.inFlight.get(key);
    if (inFlight) {
      inFlight.podInfo = info;
      return;
    }
    const q = this.unschedulable.get(key);
    if (!q) return this.add(pod);
    q.podInfo = info;
    if (oldPod && specChanged(oldPod, pod)) {
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }

  delete(pod: Pod): void {
    const key = podKey(pod);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
    this.deleteNominated(pod.metadata.uid ?? key);
  }

  /** The next pod to schedule; waits while activeQ is empty. Undefined once closed. */
  async pop(): Promise<QueuedPodInfo | undefined> {
    while (!this.closed && this.activeQ.size === 0) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
    if (this.closed) return undefined;
    const q = this.activeQ.pop() as QueuedPodInfo;
    q.attempts++;
    q.initialAttemptTimestamp ??= this.now();
    this.schedulingCycle++;
    this.inFlight.set(keyOf(q), q);
    return q;
  }

  /** Called when a popped pod's attempt is over (bound, failed or gone). */
  done(q: QueuedPodInfo): void {
    this.inFlight.delete(keyOf(q));
  }

  /**
   * The pod did not fit: it waits for a cluster event, or goes to backoff
   * when something changed while it was being scheduled.
   */
  addUnschedulable(q: QueuedPodInfo, podSchedulingCycle: number): void {
    const key = keyOf(q);
    if (!this.inFlight.has(key)) return; // deleted meanwhile
    this.inFlight.delete(key);
    q.lastFailure = this.now();
    q.timestamp = this.now();
    if (this.moveRequestCycle >= podSchedulingCycle) this.backoffQ.push(q);
    else this.unschedulable.set(key, q);
  }

  /** An error (not a fit failure): retry after backoff. */
  addBackoff(q: QueuedPodInfo): void {
    const key = keyOf(q);
    if (!this.inFlight.has(key)) return;
    this.inFlight.delete(key);
    q.lastFailure = this.now();
    q.timestamp = this.now();
    this.backoffQ.push(q);
  }

  /** Something changed in the cluster that may let unschedulable pods fit. */
  moveAllToActiveOrBackoff(_event: ClusterEvent): void {
    for (const q of this.unschedulable.values()) this.requeue(q);
    this.unschedulable.clear();
    this.moveRequestCycle = this.schedulingCycle;
  }

  private requeue(q: QueuedPodInfo): void {
    if (this.backoffExpiry(q) > this.now()) this.backoffQ.push(q);
    else {
      this.activeQ.push(q);
      this.wake();
    }
  }

  backoffDuration(q: QueuedPodInfo): number {
    let d = INITIAL_BACKOFF_MS;
    for (let i = 1; i < q.attempts; i++) {
      d *= 2;
      if (d >= MAX_BACKOFF_MS) return MAX_BACKOFF_MS;
    }
    return d;
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    return (q.lastFailure ?? 0) + this.backoffDuration(q);
  }

  flushBackoffCompleted(): void {
    const now = this.now();
    let moved = false;
    for (let q = this.backoffQ.peek(); q && this.backoffExpiry(q) <= now; q = this.backoffQ.peek()) {
      this.backoffQ.pop();
      this.activeQ.push(q);
      moved = true;
    }
    if (moved) this.wake();
  }

  flushUnschedulableLeftover(): void {
    const now = this.now();
    for (const [key, q] of this.unschedulable) {
      if (now - (q.lastFailure ?? 0) > MAX_IN_UNSCHEDULABLE_MS) {
        this.unschedulable.delete(key);
        this.requeue(q);
      }
    }
  }

  // ---- nominated pods (preemption) ----

  /** Records that the pod waits for room on a node it preempted on. */
  nominate(info: PodInfo, nodeName: string): void {
    this.deleteNominated(info.uid);
    if (!nodeName) return;
    let m = this.nominatedByNode.get(nodeName);
    if (!m) this.nominatedByNode.set(nodeName, (m = new Map()));
    m.set(info.uid, info);
    this.nominatedNodeOf.set(info.uid, nodeName);
  }

  deleteNominated(uid: string): void {
    const node = this.nominatedNodeOf.get(uid);
    if (node === undefined) return;
    this.nominatedNodeOf.delete(uid);
    const m = this.nominatedByNode.get(node);
    m?.delete(uid);
    if (m?.size === 0) this.nominatedByNode.delete(node);
  }

  private updateNominated(info: PodInfo): void {
    const node = info.pod.status?.nominatedNodeName;
    if (node) this.nominate(info, node);
  }

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    if (this.nominatedByNode.size === 0) return NONE;
    const m = this.nominatedByNode.get(nodeName);
    return m ? [...m.values()] : NONE;
  }

  /** Sizes, for tests and metrics. */
  counts(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.activeQ.size, backoff: this.backoffQ.size, unschedulable: this.unschedulable.size };
  }

  private wake(): void {
    this.waiter?.();
  }
}
