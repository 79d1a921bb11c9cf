// The TTL-after-finished controller: deletes a finished Job (background
// propagation) once spec.ttlSecondsAfterFinished has passed since it finished.
import * as resources from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { isNotFound, keyOf, runQueue, splitKey, type ReconcileResult } from '../controller-utils/run.js';
import { finishedCondition, type Job } from '../job/types.js';

/** Far expiries are looked at again daily (timers cannot wait longer than ~24.8 days). */
const MAX_REQUEUE_MS = 24 * 3_600_000;

/** Milliseconds until a Job's TTL expires (<= 0: expired); undefined when it has none or is not finished. */
export function msUntilExpiry(job: Job, now: number): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata?.deletionTimestamp) return undefined;
  const finished = finishedCondition(job);
  if (!finished) return undefined;
  const at = Date.parse(finished.lastTransitionTime ?? '');
  if (Number.isNaN(at)) return undefined;
  return at + ttl * 1000 - now;
}

export class TTLAfterFinishedController {
  private readonly queue = new WorkQueue<string>();
  private readonly jobs;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly now: () => number = Date.now,
  ) {
    this.jobs = ctx.informers.informerFor<Job>(resources.jobs);
    const enqueue = (job: Job) => {
      if (msUntilExpiry(job, this.now()) !== undefined) this.queue.add(keyOf(job));
    };
    this.jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_old, job) => enqueue(job) });
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 2, (key) => this.sync(key));
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cached = this.jobs.lister.get(namespace, name);
    if (!cached) return;
    const left = msUntilExpiry(cached, this.now());
    if (left === undefined) return;
    if (left > 0) return { requeueAfterMs: Math.min(left, MAX_REQUEUE_MS) };
    // The cache may be stale (the TTL changed, the Job was re-created): decide on the API's copy.
    const client = this.ctx.client.resource<Job>(resources.jobs);
    let job: Job;
    try {
      job = await client.get(namespace, name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const fresh = msUntilExpiry(job, this.now());
    if (fresh === undefined) return;
    if (fresh > 0) return { requeueAfterMs: Math.min(fresh, MAX_REQUEUE_MS) };
    this.ctx.log.info(`cleaning up job ${key}: ttlSecondsAfterFinished expired`);
    try {
      await client.delete(namespace, name, { propagationPolicy: 'Background', preconditions: { uid: job.metadata?.uid, resourceVersion: job.metadata?.resourceVersion } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

export const ttlAfterFinishedController: Controller = {
  name: 'ttl-after-finished',
  start: (ctx, signal) => new TTLAfterFinishedController(ctx).run(signal),
};
