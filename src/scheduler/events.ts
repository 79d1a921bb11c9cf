// Events the scheduler records (core/v1, source default-scheduler). A repeat
// of the same event for the same pod bumps the count of the existing Event,
// as upstream's recorder does, instead of creating another one. Writes go out
// a few at a time behind the bindings (upstream's broadcaster is asynchronous too).
import { randomBytes } from 'node:crypto';
import type { KubeObject, ResourceClient } from '../client/types.js';
import type { Pod } from './types.js';

const SERIES_WINDOW_MS = 10 * 60_000;
const MAX_REMEMBERED = 4096;
/**
 * Each write waits for the store's fsync, not for CPU: with 4 in flight the
 * Scheduled events fell seconds behind the bindings; 16 ride the same group commits.
 */
const MAX_IN_FLIGHT = 16;
const MAX_PENDING = 10_000;

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  last: number;
}

export class SchedulerEvents {
  private readonly seen = new Map<string, Seen>();
  private readonly pending: (() => Promise<unknown>)[] = [];
  private inFlight = 0;

  constructor(
    private readonly events: ResourceClient<KubeObject>,
    private readonly component: string,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  record(pod: Pod, type: 'Normal' | 'Warning', reason: string, action: string, message: string): void {
    const m = pod.metadata;
    const namespace = m.namespace ?? 'default';
    const key = `${m.uid ?? ''}\u0000${reason}\u0000${message}`;
    const now = Date.now();
    const prev = this.seen.get(key);
    if (prev && now - prev.last < SERIES_WINDOW_MS) {
      prev.count++;
      prev.last = now;
      const patch = { count: prev.count, lastTimestamp: timestamp() };
      this.enqueue(() => this.events.patch(prev.namespace, prev.name, 'merge', patch));
      return;
    }
    const name = `${m.name ?? 'pod'}.${randomBytes(8).toString('hex')}`;
    if (this.seen.size >= MAX_REMEMBERED) this.seen.clear();
    this.seen.set(key, { name, namespace, count: 1, last: now });
    const ts = timestamp();
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion },
      reason,
      message,
      type,
      action,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.component,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    };
    this.enqueue(() => this.events.create(namespace, event));
  }

  private enqueue(write: () => Promise<unknown>): void {
    if (this.pending.length >= MAX_PENDING) return; // like upstream's full broadcaster channel: drop
    this.pending.push(write);
    this.drain();
  }

  private drain(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.pending.length > 0) {
      const write = this.pending.shift() as () => Promise<unknown>;
      this.inFlight++;
      write()
        .catch(this.onError)
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }
}
