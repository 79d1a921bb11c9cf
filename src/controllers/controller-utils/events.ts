// An event recorder writing core/v1 Events as client-go's does: one Event per
// (object, type, reason, message), counted up with lastTimestamp on repeats so
// a loop that keeps failing does not flood storage.
import type { KubeObject, ResourceClient } from '../../client/types.js';
import { formatTime } from '../../machinery/time.js';
import type { ControllerLog, EventRecorder, EventType } from '../context.js';

interface CoreEvent extends KubeObject {
  count?: number;
  lastTimestamp?: string;
}

const MAX_CACHED = 4096;

export class ApiEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, { name: string; namespace: string; count: number }>();

  constructor(
    private readonly events: ResourceClient<CoreEvent>,
    private readonly component: string,
    private readonly host: string,
    private readonly log: ControllerLog,
  ) {}

  event(object: KubeObject, type: EventType, reason: string, message: string): void {
    void this.write(object, type, reason, message).catch((err: Error) => this.log.debug(`event ${reason} on ${object.metadata?.name} not written: ${err.message}`));
  }

  private async write(object: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const meta = object.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const now = formatTime(new Date());
    const key = [meta.uid, type, reason, message].join('\0');
    const prior = this.seen.get(key);
    if (prior) {
      prior.count++;
      try {
        await this.events.patch(prior.namespace, prior.name, 'merge', { count: prior.count, lastTimestamp: now });
        return;
      } catch {
        this.seen.delete(key);
      }
    }
    const name = `${meta.name}.${(Date.now() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`;
    const event: CoreEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.host,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    await this.events.create(namespace, event);
    if (this.seen.size >= MAX_CACHED) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, { name, namespace, count: 1 });
  }
}
