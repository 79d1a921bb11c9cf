// core/v1 Events from the kubelet, aggregated as upstream's recorder does: a
// repeat of the same (object, reason, message) bumps `count` and
// `lastTimestamp` of the existing Event instead of creating another.
// Writes go out in the background, a few at a time, and a write that fails is
// dropped, not retried — events are best effort upstream too.
import { randomBytes } from 'node:crypto';
import type { KubeObject, ResourceClient } from '../client/types.js';
import { timeNow } from '../machinery/time.js';

export interface ObjectReference {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export type EventType = 'Normal' | 'Warning';

export interface EventSink {
  event(ref: ObjectReference, type: EventType, reason: string, message: string, host: string): void;
}

interface Recorded {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  /** The write in flight for this event (create or the last count update). */
  pending: Promise<void>;
}

/** Writes Events through the API; one instance can serve many nodes (the host is per call). */
export class EventRecorder implements EventSink {
  private readonly recent = new Map<string, Recorded>();
  private inFlight = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  /** The last write per involved object: an object's events are written in the order they happened. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly events: ResourceClient<KubeObject>,
    private readonly component = 'kubelet',
    private readonly maxInFlight = 8,
    /** Writes that matter more (pod statuses) waiting: events then go one at a time. */
    private readonly busy: () => boolean = () => false,
  ) {}

  event(ref: ObjectReference, type: EventType, reason: string, message: string, host: string): void {
    const namespace = ref.namespace || 'default';
    const objectKey = [ref.kind, namespace, ref.name, ref.uid ?? ''].join('\u0000');
    const key = [objectKey, ref.fieldPath ?? '', type, reason, message, host].join('\u0000');
    const now = timeNow();
    const seen = this.recent.get(key);
    if (seen) {
      seen.count++;
      const count = seen.count;
      seen.pending = this.inOrder(objectKey, () => this.write(() => this.events.patch(namespace, seen.name, 'merge', { count, lastTimestamp: now })));
      return;
    }
    if (this.recent.size > 10_000) this.recent.clear();
    const name = `${ref.name}.${Date.now().toString(16)}${randomBytes(4).toString('hex')}`;
    const body: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source: { component: this.component, host },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: this.component,
      reportingInstance: host,
    };
    const record: Recorded = { name, namespace, count: 1, firstTimestamp: now, pending: Promise.resolve() };
    record.pending = this.inOrder(objectKey, () => this.write(() => this.events.create(namespace, body)));
    this.recent.set(key, record);
  }

  private inOrder(objectKey: string, op: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(objectKey) ?? Promise.resolve()).then(op);
    this.chains.set(objectKey, next);
    void next.then(() => {
      if (this.chains.get(objectKey) === next) this.chains.delete(objectKey);
    });
    return next;
  }

  private write(op: () => Promise<unknown>): Promise<void> {
    if (this.queue.length >= 50_000) return Promise.resolve();
    return new Promise((resolve) => {
      this.queue.push(async () => {
        try {
          await op();
        } catch {
          // Best effort, as upstream: an event that cannot be written is dropped.
        }
        resolve();
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < (this.busy() ? 1 : this.maxInFlight) && this.queue.length > 0) {
      const job = this.queue.shift() as () => Promise<void>;
      this.inFlight++;
      void job().finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }
}

/** The identifying part of any object. */
export interface Referable {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

/** The reference of a pod's container for events ("spec.containers{app}"). */
export function containerRef(pod: Referable, containerName: string, init: boolean): ObjectReference {
  return { ...podRef(pod), fieldPath: `spec.${init ? 'initContainers' : 'containers'}{${containerName}}` };
}

export function podRef(pod: Referable): ObjectReference {
  const m = pod.metadata ?? {};
  return { kind: 'Pod', apiVersion: 'v1', name: m.name ?? '', namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion };
}

/** Upstream refers to nodes by name, with the name as UID. */
export function nodeRef(nodeName: string): ObjectReference {
  return { kind: 'Node', apiVersion: 'v1', name: nodeName, uid: nodeName };
}
