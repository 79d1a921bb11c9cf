// The event recorder (client-go's record.EventRecorder with its correlator):
// core/v1 Events about objects, written in the background. A repeat of the
// same event (object, type, reason, message) within the window bumps `count`
// and `lastTimestamp` of the existing Event with a patch instead of creating
// another; a per-object token bucket drops floods; recording never blocks or
// throws into the caller — when the API is slow, events queue up to a bound
// and beyond it are dropped with a log line.
import { hostname } from 'node:os';
import type { Logger } from '../cli/log.js';
import { timeNow } from '../machinery/time.js';
import { isAlreadyExists, isApiStatusError, isNotFound } from './errors.js';
import { events as eventsResource } from './resources.js';
import type { KubeObject, ResourceClient, ResourceRef } from './types.js';

export type EventType = 'Normal' | 'Warning';

/** core/v1 ObjectReference. */
export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  /** e.g. spec.containers{nginx} */
  fieldPath?: string;
}

export interface CoreEvent extends KubeObject {
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: EventType;
  eventTime: null;
  reportingComponent: string;
  reportingInstance: string;
}

export interface EventRecorderOptions {
  /** source.component and reportingComponent, e.g. 'deployment-controller', 'kubelet', 'default-scheduler'. */
  component: string;
  /** source.host and reportingInstance (default: this machine's host name). */
  host?: string;
  /** Repeats within this window are counted into one Event (default 10 minutes). */
  aggregationWindowMs?: number;
  /** Events waiting to be written beyond this are dropped (default 1000). */
  maxPending?: number;
  /** Per-object spam filter: burst and refill interval (default 25 events, one more per 5 minutes). */
  spamBurst?: number;
  spamRefillMs?: number;
  log?: Logger;
}

/** The API client, or anything with resource(ref). */
export interface EventClient {
  resource<T extends KubeObject>(ref: ResourceRef): ResourceClient<T>;
}

interface SeenEvent {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  lastSeenMs: number;
  /** A count patch is queued: later repeats ride on it. */
  bumpQueued: boolean;
}

interface Bucket {
  tokens: number;
  lastMs: number;
}

const maxCacheEntries = 4096;

/** A reference to the object an event is about. */
export function referenceTo(object: KubeObject | ObjectReference): ObjectReference {
  if (!('metadata' in object) || object.metadata === undefined) {
    const { kind, namespace, name, uid, apiVersion, resourceVersion, fieldPath } = object as ObjectReference;
    return strip({ kind, namespace, name, uid, apiVersion, resourceVersion, fieldPath });
  }
  const meta = (object as KubeObject).metadata ?? {};
  return strip({
    kind: (object as KubeObject).kind,
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid,
    apiVersion: (object as KubeObject).apiVersion,
    resourceVersion: meta.resourceVersion,
  });
}

function strip(ref: ObjectReference): ObjectReference {
  const out: ObjectReference = {};
  for (const [k, v] of Object.entries(ref) as [keyof ObjectReference, string | undefined][]) if (v) out[k] = v;
  return out;
}

export class EventRecorder {
  private readonly events: ResourceClient<CoreEvent>;
  private readonly host: string;
  private readonly seen = new Map<string, SeenEvent>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly pending: (() => Promise<void>)[] = [];
  private draining: Promise<void> | undefined;
  private dropped = 0;

  constructor(
    client: EventClient,
    private readonly options: EventRecorderOptions,
  ) {
    this.events = client.resource<CoreEvent>(eventsResource);
    this.host = options.host ?? hostname();
  }

  /** Records an event about `object`; returns at once, never throws. */
  event(object: KubeObject | ObjectReference, type: EventType, reason: string, message: string): void {
    try {
      this.record(referenceTo(object), type, reason, message);
    } catch (err) {
      this.options.log?.warn('events', `could not record event ${reason}: ${(err as Error).message}`);
    }
  }

  /** Resolves once every queued event has been written (or dropped). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Events dropped so far because the queue was full or the spam filter refused them. */
  get droppedCount(): number {
    return this.dropped;
  }

  private record(ref: ObjectReference, type: EventType, reason: string, message: string): void {
    const nowMs = Date.now();
    if (!this.allow(ref, nowMs)) return;
    const key = JSON.stringify([ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion, ref.fieldPath, type, reason, message]);
    const window = this.options.aggregationWindowMs ?? 10 * 60_000;
    const previous = this.seen.get(key);
    const timestamp = timeNow(new Date(nowMs));
    if (previous && nowMs - previous.lastSeenMs <= window) {
      previous.count++;
      previous.lastSeenMs = nowMs;
      previous.lastTimestamp = timestamp;
      this.touch(key, previous);
      if (previous.bumpQueued) return;
      previous.bumpQueued = true;
      this.enqueue(() => this.bump(ref, type, reason, message, previous));
      return;
    }
    const namespace = ref.namespace || 'default';
    const name = `${ref.name ?? 'unknown'}.${(BigInt(nowMs) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))).toString(16)}`;
    const entry: SeenEvent = { name, namespace, count: 1, firstTimestamp: timestamp, lastTimestamp: timestamp, lastSeenMs: nowMs, bumpQueued: false };
    this.touch(key, entry);
    this.enqueue(() => this.create(this.build(ref, type, reason, message, entry)));
  }

  private build(ref: ObjectReference, type: EventType, reason: string, message: string, e: SeenEvent): CoreEvent {
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: e.name, namespace: e.namespace },
      involvedObject: ref,
      reason,
      message,
      source: { component: this.options.component, host: this.host },
      firstTimestamp: e.firstTimestamp,
      lastTimestamp: e.lastTimestamp,
      count: e.count,
      type,
      eventTime: null,
      reportingComponent: this.options.component,
      reportingInstance: this.host,
    };
  }

  private async create(event: CoreEvent): Promise<void> {
    try {
      await this.events.create(event.metadata?.namespace, event);
    } catch (err) {
      if (!isAlreadyExists(err)) this.failed(event.reason, err);
    }
  }

  /** A repeat: patch count and lastTimestamp; if the Event is gone, create it again with the count so far. */
  private async bump(ref: ObjectReference, type: EventType, reason: string, message: string, entry: SeenEvent): Promise<void> {
    entry.bumpQueued = false;
    const { name, namespace, count, lastTimestamp } = entry;
    try {
      await this.events.patch(namespace, name, 'merge', { count, lastTimestamp, message });
    } catch (err) {
      if (!isNotFound(err)) return this.failed(reason, err);
      await this.create(this.build(ref, type, reason, message, entry));
    }
  }

  /** EventSourceObjectSpamFilter: a token bucket per (source, object). */
  private allow(ref: ObjectReference, nowMs: number): boolean {
    const key = JSON.stringify([ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion]);
    const burst = this.options.spamBurst ?? 25;
    const refillMs = this.options.spamRefillMs ?? 5 * 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: burst, lastMs: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + (nowMs - bucket.lastMs) / refillMs);
    bucket.lastMs = nowMs;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > maxCacheEntries) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens < 1) {
      this.dropped++;
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  /** Keeps the aggregation cache in LRU order, bounded. */
  private touch(key: string, entry: SeenEvent): void {
    this.seen.delete(key);
    this.seen.set(key, entry);
    if (this.seen.size > maxCacheEntries) this.seen.delete(this.seen.keys().next().value as string);
  }

  private enqueue(write: () => Promise<void>): void {
    if (this.pending.length >= (this.options.maxPending ?? 1000)) {
      this.dropped++;
      if (this.dropped % 100 === 1) this.options.log?.warn('events', `event queue full; dropped ${this.dropped} events so far`);
      return;
    }
    this.pending.push(write);
    if (!this.draining) this.draining = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (let write = this.pending.shift(); write; write = this.pending.shift()) {
        await write().catch((err: unknown) => this.failed('event', err));
      }
    } finally {
      this.draining = undefined;
    }
  }

  private failed(reason: string, err: unknown): void {
    const detail = isApiStatusError(err) ? `${err.code} ${err.reason}: ${err.message}` : (err as Error).message;
    this.options.log?.warn('events', `dropped event ${reason}: ${detail}`);
  }
}
