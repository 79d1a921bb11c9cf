// The CronJob controller: creates a Job from the template at each scheduled
// time (in spec.timeZone), honours concurrencyPolicy, suspend and
// startingDeadlineSeconds, keeps status.active / lastScheduleTime /
// lastSuccessfulTime, and deletes finished Jobs beyond the history limits.
import { CronParseError, loadLocationError, parseCronSchedule, type CronSchedule } from '../../api/batch/cron.js';
import * as resources from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { formatTime } from '../../machinery/time.js';
import type { Controller, ControllerContext, EventRecorder, EventType } from '../context.js';
import { controllerRefOf, newControllerRef } from '../controller-utils/pods.js';
import { canonicalJson } from '../controller-utils/hash.js';
import { isAlreadyExists, isNotFound, keyOf, runQueue, splitKey, type ReconcileResult } from '../controller-utils/run.js';
import { finishedCondition, type CronJob, type Job } from '../job/types.js';
import {
  MAX_MISSED_SCHEDULES_TO_WARN,
  formatInZone,
  formatRFC1123Z,
  jobNameFor,
  mostRecentScheduleTime,
  nextScheduleDelayMs,
  type ScheduleState,
} from './schedule.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const COMPONENT = 'cronjob-controller';
/** Far start times are looked at again daily (timers cannot wait longer than ~24.8 days). */
const MAX_REQUEUE_MS = 24 * 3_600_000;

type CronJobStatus = NonNullable<CronJob['status']>;
type StatusEvent = [type: EventType, reason: string, message: string];
type ObjectReference = NonNullable<CronJobStatus['active']>[number];

export interface CronJobControllerOptions {
  /** The clock (tests only). */
  now?: () => number;
}

function jobRef(job: Job): ObjectReference {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    namespace: job.metadata?.namespace,
    name: job.metadata?.name,
    uid: job.metadata?.uid,
    resourceVersion: job.metadata?.resourceVersion,
  };
}

const byStartTime = (a: Job, b: Job) => {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa || !sb) return !sa && !sb ? (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '') : sa ? -1 : 1;
  return Date.parse(sa) - Date.parse(sb) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
};

export class CronJobController {
  private readonly queue = new WorkQueue<string>();
  private readonly cronJobs;
  private readonly jobs;
  private readonly recorder: EventRecorder;
  private readonly now: () => number;
  /** Jobs this controller created, which a stale cache may not yet list in status.active. */
  private readonly created = new Set<string>();

  constructor(
    private readonly ctx: ControllerContext,
    options: CronJobControllerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.cronJobs = ctx.informers.informerFor<CronJob>(resources.cronjobs);
    this.jobs = ctx.informers.informerFor<Job>(resources.jobs);
    this.recorder = ctx.recorder(COMPONENT);
    this.cronJobs.addEventHandler({
      onAdd: (cj) => this.queue.add(keyOf(cj)),
      onUpdate: (_old, cj) => this.queue.add(keyOf(cj)),
      onDelete: (cj) => this.queue.add(keyOf(cj)),
    });
    const jobChanged = (job: Job) => {
      const ref = controllerRefOf(job);
      if (ref?.kind === 'CronJob') this.queue.add(`${job.metadata?.namespace}/${ref.name}`);
    };
    this.jobs.addEventHandler({
      onAdd: jobChanged,
      onUpdate: (old, job) => {
        if (controllerRefOf(old)?.uid !== controllerRefOf(job)?.uid) jobChanged(old);
        jobChanged(job);
      },
      onDelete: jobChanged,
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 5, (key) => this.sync(key));
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cronJob = this.cronJobs.lister.get(namespace, name);
    if (!cronJob) return;
    for (const ref of cronJob.status?.active ?? []) this.created.delete(ref.uid ?? '');
    const owned = this.jobs.lister.list(namespace).filter((j) => controllerRefOf(j)?.uid === cronJob.metadata?.uid);
    const status: CronJobStatus = structuredClone(cronJob.status ?? {});
    // Events of status changes go out once the status is written (a stale cache may compute them twice).
    const events = await this.reconcileActive(owned, status);
    let result: ReconcileResult | undefined;
    let error: unknown;
    try {
      result = await this.schedule(cronJob, status);
    } catch (err) {
      error = err;
    }
    await this.cleanupFinishedJobs(cronJob, owned, status);
    if (canonicalJson(cronJob.status ?? {}) !== canonicalJson(status)) {
      // Computed from the cached CronJob: on a conflict the retry recomputes it from a newer one.
      await this.ctx.client.resource<CronJob>(resources.cronjobs).updateStatus({ ...cronJob, status });
    }
    for (const [type, reason, message] of events) this.recorder.event(cronJob, type, reason, message);
    if (error) throw error;
    return result;
  }

  /** status.active follows the owned Jobs: finished ones leave it, forgotten running ones join it. */
  private async reconcileActive(owned: Job[], status: CronJobStatus): Promise<StatusEvent[]> {
    const events: StatusEvent[] = [];
    const active = new Map((status.active ?? []).map((r) => [r.uid ?? '', r]));
    for (const job of owned) {
      const uid = job.metadata?.uid ?? '';
      const finished = finishedCondition(job);
      if (finished) {
        if (active.delete(uid)) events.push(['Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata?.name}, condition: ${finished.type}`]);
        const completion = job.status?.completionTime;
        if (finished.type === 'Complete' && completion && (!status.lastSuccessfulTime || Date.parse(completion) > Date.parse(status.lastSuccessfulTime))) {
          status.lastSuccessfulTime = completion;
        }
      } else if (!active.has(uid)) {
        active.set(uid, jobRef(job));
        if (!this.created.has(uid)) events.push(['Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata?.name}`]);
      }
    }
    const ownedUids = new Set(owned.map((j) => j.metadata?.uid));
    for (const [uid, ref] of active) {
      if (ownedUids.has(uid)) continue;
      // The cache may just be behind: only a Job the API does not have is gone.
      const fresh = await this.ctx.client.resource<Job>(resources.jobs).get(ref.namespace, ref.name ?? '').catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      if (fresh && fresh.metadata?.uid === uid) continue;
      active.delete(uid);
      events.push(['Normal', 'MissingJob', `Active job went missing: ${ref.name}`]);
    }
    if (active.size > 0) status.active = [...active.values()];
    else delete status.active;
    return events;
  }

  /** Starts the Job due now, if any; returns when to look again. */
  private async schedule(cronJob: CronJob, status: CronJobStatus): Promise<ReconcileResult | undefined> {
    if (cronJob.metadata?.deletionTimestamp) return undefined;
    const spec = cronJob.spec!;
    const timeZone = spec.timeZone ?? undefined;
    if (timeZone) {
      const err = loadLocationError(timeZone);
      if (err) {
        this.recorder.event(cronJob, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${timeZone}": ${err}`);
        return undefined;
      }
    }
    if (spec.suspend) return undefined;
    let schedule: CronSchedule;
    try {
      schedule = parseCronSchedule(spec.schedule);
    } catch (err) {
      if (!(err instanceof CronParseError)) throw err;
      this.recorder.event(cronJob, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${spec.schedule}" : ${err.message}`);
      return undefined;
    }
    const now = new Date(this.now());
    const state: ScheduleState = {
      earliest: new Date(status.lastScheduleTime ?? cronJob.metadata?.creationTimestamp ?? now.toISOString()),
      startingDeadlineSeconds: spec.startingDeadlineSeconds ?? undefined,
      timeZone,
    };
    const again = () => {
      const ms = nextScheduleDelayMs(schedule, { ...state, earliest: new Date(status.lastScheduleTime ?? state.earliest) }, now);
      return ms === undefined ? undefined : { requeueAfterMs: Math.min(ms, MAX_REQUEUE_MS) };
    };
    const { mostRecent: scheduled, missed } = mostRecentScheduleTime(schedule, state, now);
    if (!scheduled) return again();
    if (missed > MAX_MISSED_SCHEDULES_TO_WARN) {
      this.recorder.event(cronJob, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    if (state.startingDeadlineSeconds !== undefined && scheduled.getTime() + state.startingDeadlineSeconds * 1000 < now.getTime()) {
      this.recorder.event(cronJob, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatRFC1123Z(scheduled)}`);
      return again();
    }
    const jobName = jobNameFor(cronJob.metadata!.name!, scheduled);
    const lastScheduled = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : undefined;
    if ((status.active ?? []).some((r) => r.name === jobName) || lastScheduled === scheduled.getTime()) {
      // Created by an earlier sync whose status write was lost: the status catches up.
      if (lastScheduled === undefined || lastScheduled < scheduled.getTime()) status.lastScheduleTime = formatTime(scheduled);
      return again();
    }
    if (spec.concurrencyPolicy === 'Forbid' && (status.active ?? []).length > 0) {
      this.recorder.event(cronJob, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return again();
    }
    if (spec.concurrencyPolicy === 'Replace') await this.replaceActive(cronJob, status);
    const created = await this.createJob(cronJob, jobName, scheduled, timeZone);
    if (created) status.active = [...(status.active ?? []), jobRef(created)];
    status.lastScheduleTime = formatTime(scheduled);
    return again();
  }

  private async replaceActive(cronJob: CronJob, status: CronJobStatus): Promise<void> {
    const jobs = this.ctx.client.resource<Job>(resources.jobs);
    for (const ref of [...(status.active ?? [])]) {
      try {
        await jobs.delete(ref.namespace, ref.name ?? '', { propagationPolicy: 'Background' });
        this.recorder.event(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
      } catch (err) {
        if (!isNotFound(err)) {
          this.recorder.event(cronJob, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
          throw err;
        }
      }
      status.active = (status.active ?? []).filter((r) => r.uid !== ref.uid);
    }
    if (status.active?.length === 0) delete status.active;
  }

  private async createJob(cronJob: CronJob, name: string, scheduled: Date, timeZone: string | undefined): Promise<Job | undefined> {
    const template = cronJob.spec!.jobTemplate;
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cronJob.metadata?.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: formatInZone(scheduled, timeZone) },
        ownerReferences: [newControllerRef(cronJob, 'batch/v1', 'CronJob')],
      },
      spec: structuredClone(template.spec) as Job['spec'],
    };
    try {
      const created = await this.ctx.client.resource<Job>(resources.jobs).create(cronJob.metadata?.namespace, job);
      this.created.add(created.metadata?.uid ?? '');
      this.recorder.event(cronJob, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
      return created;
    } catch (err) {
      // Someone (an earlier run of this controller) created it: its status already says so.
      if (isAlreadyExists(err)) return undefined;
      this.recorder.event(cronJob, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit. */
  private async cleanupFinishedJobs(cronJob: CronJob, owned: Job[], status: CronJobStatus): Promise<void> {
    const spec = cronJob.spec!;
    const activeUids = new Set((status.active ?? []).map((r) => r.uid));
    const finished = owned.filter((j) => !activeUids.has(j.metadata?.uid) && finishedCondition(j));
    const groups: [string, number | undefined][] = [
      ['Complete', spec.successfulJobsHistoryLimit ?? undefined],
      ['Failed', spec.failedJobsHistoryLimit ?? undefined],
    ];
    for (const [type, limit] of groups) {
      if (limit === undefined) continue;
      const jobs = finished.filter((j) => finishedCondition(j)?.type === type).sort(byStartTime);
      for (const job of jobs.slice(0, Math.max(0, jobs.length - limit))) {
        if (job.metadata?.deletionTimestamp) continue;
        try {
          await this.ctx.client.resource<Job>(resources.jobs).delete(job.metadata?.namespace, job.metadata!.name!, { propagationPolicy: 'Background' });
          this.recorder.event(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata?.name}`);
        } catch (err) {
          if (!isNotFound(err)) this.recorder.event(cronJob, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
        }
      }
    }
  }
}

export const cronJobController: Controller = {
  name: 'cronjob',
  start: (ctx, signal) => new CronJobController(ctx).run(signal),
};
