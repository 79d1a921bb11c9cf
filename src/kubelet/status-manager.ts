// Pod status writes (upstream pkg/kubelet/status): the pod workers set the
// status they computed; this writes it through pods/status when it differs
// from what was last written, one write per pod at a time, latest wins,
// failed writes retried with back-off. Shared by every node of a process.
import type { IPodStatus } from 'kubernetes-models/v1/PodStatus';
import type { Logger } from '../cli/log.js';
import type { KubeObject, ResourceClient } from '../client/types.js';
import { startupTracing } from './startup-trace.js';

interface Entry {
  namespace: string;
  name: string;
  uid: string;
  status: IPodStatus;
  json: string;
  writtenJson?: string;
  /** The pod's resourceVersion our last write made. */
  writtenResourceVersion?: string;
  writing: boolean;
  retryMs: number;
  /** When the first Running status was set (startup tracing; -1 once logged). */
  runningSetAt?: number;
}

function statusCode(err: unknown): number {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : 0;
}

export class PodStatusManager {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private active = 0;
  private closed = false;
  /** Written statuses, for tests and the benchmark. */
  writes = 0;

  constructor(
    private readonly pods: ResourceClient<KubeObject>,
    private readonly concurrency = 16,
    private readonly onWritten?: (uid: string, status: IPodStatus) => void,
    private readonly log?: Logger,
  ) {}

  set(pod: KubeObject, status: IPodStatus): void {
    const m = pod.metadata ?? {};
    const uid = m.uid ?? '';
    const json = JSON.stringify(status);
    let entry = this.entries.get(uid);
    if (!entry) {
      entry = { namespace: m.namespace ?? '', name: m.name ?? '', uid, status, json, writing: false, retryMs: 200 };
      this.entries.set(uid, entry);
    } else if (entry.json === json) {
      return;
    }
    entry.status = status;
    entry.json = json;
    if (startupTracing && status.phase === 'Running') entry.runningSetAt ??= performance.now();
    if (entry.writtenJson === json) return;
    if (!entry.writing) this.enqueue(uid);
  }

  /** Writes queued or in flight. */
  get pending(): number {
    return this.queue.length + this.active;
  }

  /** The last status set for a pod. */
  get(uid: string): IPodStatus | undefined {
    return this.entries.get(uid)?.status;
  }

  /** Whether this version of the pod is the one our own status write made (its only change is that status). */
  isOwnWrite(uid: string, resourceVersion: string | undefined): boolean {
    const written = this.entries.get(uid)?.writtenResourceVersion;
    return written !== undefined && written === resourceVersion;
  }

  forget(uid: string): void {
    this.entries.delete(uid);
  }

  /** Resolves when no write is queued or in flight. */
  async flush(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.queue.length > 0 || this.active > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  close(): void {
    this.closed = true;
  }

  private enqueue(uid: string): void {
    if (this.queued.has(uid)) return this.pump();
    this.queued.add(uid);
    this.queue.push(uid);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.active < this.concurrency && this.queue.length > 0) {
      const uid = this.queue.shift() as string;
      this.queued.delete(uid);
      const entry = this.entries.get(uid);
      if (!entry || entry.writing || entry.writtenJson === entry.json) continue;
      this.active++;
      entry.writing = true;
      void this.write(entry).finally(() => {
        this.active--;
        entry.writing = false;
        if (this.entries.get(uid) === entry && entry.writtenJson !== entry.json) this.enqueue(uid);
        this.pump();
      });
    }
  }

  private async write(entry: Entry): Promise<void> {
    const json = entry.json;
    const status = entry.status;
    const startedAt = performance.now();
    try {
      const written = await this.pods.patch(entry.namespace, entry.name, 'merge', { metadata: { uid: entry.uid }, status }, { subresource: 'status' });
      entry.writtenJson = json;
      entry.writtenResourceVersion = written.metadata?.resourceVersion;
      entry.retryMs = 200;
      this.writes++;
      this.onWritten?.(entry.uid, status);
      if (entry.runningSetAt !== undefined && entry.runningSetAt >= 0 && status.phase === 'Running') {
        const end = performance.now();
        this.log?.info('startup-trace', `pod ${entry.namespace}/${entry.name} status Running queued=${Math.round(startedAt - entry.runningSetAt)} patch=${Math.round(end - startedAt)} at=${Date.now()}`);
        entry.runningSetAt = -1;
      }
    } catch (err) {
      const code = statusCode(err);
      if (code === 404 || code === 409 || code === 422) {
        // Gone, another pod under the same name, or a status the server refuses: do not retry this one.
        entry.writtenJson = json;
        return;
      }
      await new Promise((r) => setTimeout(r, entry.retryMs).unref());
      entry.retryMs = Math.min(entry.retryMs * 2, 30_000);
    }
  }
}
