// The Job controller: runs a Job's pods to `completions` successes (one per
// index for Indexed Jobs), `parallelism` at a time, replacing failed pods after
// an exponential backoff until backoffLimit, activeDeadlineSeconds or the pod
// failure policy fails the Job. Pods carry the job-tracking finalizer until
// their outcome is in status (first in uncountedTerminatedPods, then in the
// succeeded/failed counters), so no outcome is lost or counted twice.
import * as resources from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { timeNow } from '../../machinery/time.js';
import { selectorOf } from '../../api/workloads-common.js';
import type { Controller, ControllerContext, EventRecorder, EventType } from '../context.js';
import { claimObjects } from '../controller-utils/claim.js';
import { Expectations } from '../controller-utils/expectations.js';
import { canonicalJson } from '../controller-utils/hash.js';
import { addPodControllerUIDIndexer, controllerRefOf, isPodActive, isPodReady, newControllerRef, podsOwnedBy, podsToDelete } from '../controller-utils/pods.js';
import { isNotFound, keyOf, runQueue, splitKey, type ReconcileResult } from '../controller-utils/run.js';
import { slowStartBatch } from '../controller-utils/slowstart.js';
import type { Pod, PodTemplateSpec } from '../controller-utils/types.js';
import { nextBackoffRecord, remainingBackoffMs, type BackoffRecord, type FinishedPod } from './backoff.js';
import {
  BACKOFF_LIMIT_EXCEEDED,
  COMPLETIONS_REACHED,
  DEADLINE_EXCEEDED,
  FAILED_INDEXES,
  MAX_FAILED_INDEXES_EXCEEDED,
  POD_FAILURE_POLICY,
  newCondition,
  recordedVerdict,
  setCondition,
  successPolicyVerdict,
  terminalType,
  type Verdict,
} from './conditions.js';
import { matchPodFailurePolicy } from './failure-policy.js';
import { completionIndexOf, formatIndexes, indexFailureCountOf, matchSuccessPolicy, parseIndexes, pendingIndexes } from './indexes.js';
import { JOB_TRACKING_FINALIZER, hasTrackingFinalizer, jobPod } from './pod-template.js';
import { finishedCondition, type Job, type JobStatus } from './types.js';

/** Upstream's cap on pods created or deleted by one sync. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
const COMPONENT = 'job-controller';
/** Far deadlines are looked at again daily (timers cannot wait longer than ~24.8 days). */
const MAX_REQUEUE_MS = 24 * 3_600_000;

export interface JobControllerOptions {
  /** The clock (tests only). */
  now?: () => number;
  /** Pod re-creation backoff base and cap in ms (tests only; upstream 10 s and 6 min). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
}

type Outcome = 'succeeded' | 'failed';

const isTerminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const isIndexed = (job: Job) => job.spec?.completionMode === 'Indexed';
const perIndexLimit = (job: Job) => (isIndexed(job) ? (job.spec?.backoffLimitPerIndex ?? undefined) : undefined);

/** Only pods in phase Failed are replaced (and counted) under these settings. */
function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || !!job.spec?.podFailurePolicy;
}

/** What a pod's end means for the Job, or undefined while it is not over. */
function outcomeOf(pod: Pod, job: Job): Outcome | undefined {
  if (pod.status?.phase === 'Succeeded') return 'succeeded';
  if (pod.status?.phase === 'Failed') return 'failed';
  if (pod.metadata?.deletionTimestamp && !onlyReplaceFailedPods(job)) return 'failed';
  return undefined;
}

/** The Job's record of pod outcomes, which recordFinishedPods extends. */
interface OutcomeRecord {
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  completed: Set<number>;
  failedIndexes: Set<number>;
}

/**
 * Adds the outcomes of finished tracked pods to the record: which pods to
 * release (their finalizer goes), which outcomes are new, and the message of
 * a FailJob rule that matched.
 */
function recordFinishedPods(job: Job, tracked: Pod[], record: OutcomeRecord, now: number) {
  const completions = job.spec?.completions ?? 0;
  const limitPerIndex = perIndexLimit(job);
  const succeeding = recordedVerdict(job.status?.conditions)?.interim === 'SuccessCriteriaMet';
  const { uncounted, completed, failedIndexes } = record;
  const release: Pod[] = [];
  const recorded: (FinishedPod & { uid: string })[] = [];
  let failJobMessage: string | undefined;
  for (const pod of tracked) {
    const uid = pod.metadata?.uid ?? '';
    const outcome = outcomeOf(pod, job);
    if (!outcome) continue;
    release.push(pod);
    if (uncounted.succeeded.has(uid) || uncounted.failed.has(uid)) continue;
    // Pods removed once the Job met its success criteria are no failures.
    if (outcome === 'failed' && succeeding) continue;
    let failIndex = false;
    if (outcome === 'failed' && pod.status?.phase === 'Failed' && job.spec?.podFailurePolicy) {
      const match = matchPodFailurePolicy(job.spec.podFailurePolicy, pod);
      if (!match.countFailed) continue;
      if (match.action === 'FailJob') failJobMessage ??= match.message;
      failIndex = match.action === 'FailIndex';
    }
    const index = isIndexed(job) ? completionIndexOf(pod.metadata, completions) : undefined;
    if (outcome === 'failed' && limitPerIndex !== undefined && index !== undefined && (failIndex || indexFailureCountOf(pod.metadata) + 1 > limitPerIndex)) {
      failedIndexes.add(index);
    }
    if (outcome === 'succeeded' && isIndexed(job)) {
      if (index === undefined || completed.has(index)) continue;
      completed.add(index);
    }
    uncounted[outcome].add(uid);
    recorded.push({ uid, finishedAt: finishedAt(pod, now), failed: outcome === 'failed' });
  }
  return { release, recorded, failJobMessage };
}

/** Milliseconds left of activeDeadlineSeconds, counted from startTime; undefined without one. */
function deadlineRemainingMs(job: Job, status: JobStatus, now: number): number | undefined {
  const seconds = job.spec?.activeDeadlineSeconds;
  if (seconds === undefined || seconds === null || !status.startTime) return undefined;
  return Date.parse(status.startTime) + seconds * 1000 - now;
}

export interface JobFacts {
  active: Pod[];
  /** Succeeded pods (NonIndexed) or completed indexes (Indexed), recorded or counted. */
  succeeded: number;
  failed: number;
  completed: Set<number>;
  failedIndexes: Set<number>;
  deadlineMs?: number;
}

/** Whether the Job has failed or met its success criteria, in upstream's order of checks. */
export function decideVerdict(job: Job, f: JobFacts): Verdict | undefined {
  const completions = job.spec?.completions;
  const maxFailedIndexes = job.spec?.maxFailedIndexes ?? undefined;
  if (f.failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, f.active)) return { interim: 'FailureTarget', ...BACKOFF_LIMIT_EXCEEDED };
  if (maxFailedIndexes !== undefined && f.failedIndexes.size > maxFailedIndexes) return { interim: 'FailureTarget', ...MAX_FAILED_INDEXES_EXCEEDED };
  if (f.failedIndexes.size > 0 && f.completed.size + f.failedIndexes.size >= (completions ?? 0)) return { interim: 'FailureTarget', ...FAILED_INDEXES };
  if (f.deadlineMs !== undefined && f.deadlineMs <= 0) return { interim: 'FailureTarget', ...DEADLINE_EXCEEDED };
  const rule = isIndexed(job) ? matchSuccessPolicy(job.spec?.successPolicy?.rules ?? [], f.completed, completions ?? 0) : undefined;
  if (rule !== undefined) return successPolicyVerdict(rule);
  const complete = completions === undefined || completions === null ? f.succeeded > 0 && f.active.length === 0 : f.succeeded >= completions;
  return complete ? { interim: 'SuccessCriteriaMet', ...COMPLETIONS_REACHED } : undefined;
}

/** spec.managedBy: Jobs that name another controller are left to it. */
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';
function managedByThisController(job: Job): boolean {
  const by = job.spec?.managedBy;
  return by === undefined || by === null || by === JOB_CONTROLLER_NAME;
}

/** A failed pod whose failure counts (the pod failure policy may ignore it). */
function countsAsFailure(pod: Pod, job: Job): boolean {
  if (outcomeOf(pod, job) !== 'failed') return false;
  if (pod.status?.phase !== 'Failed' || !job.spec?.podFailurePolicy) return true;
  return matchPodFailurePolicy(job.spec.podFailurePolicy, pod).countFailed;
}

type StatusEvent = [type: EventType, reason: string, message: string];

/** A pod to create: its completion index and, with backoffLimitPerIndex, that index's failures so far. */
interface PlannedPod {
  index?: number;
  failures?: number;
}

/** When a pod finished: its containers' latest finish, else its deletion, else now. */
function finishedAt(pod: Pod, now: number): number {
  const times = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((s) => s.state?.terminated?.finishedAt)
    .filter((t): t is string => !!t)
    .map((t) => Date.parse(t));
  if (times.length > 0) return Math.max(...times);
  const deleted = pod.metadata?.deletionTimestamp;
  return deleted ? Date.parse(deleted) : now;
}

/** Container restarts of the active pods reach backoffLimit (restartPolicy OnFailure). */
function pastBackoffLimitOnFailure(job: Job, active: Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  const limit = job.spec?.backoffLimit ?? 6;
  let restarts = 0;
  for (const pod of active) {
    for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
  }
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

function statusKey(s: JobStatus | undefined): string {
  return canonicalJson(s ?? {});
}

export class JobController {
  private readonly queue = new WorkQueue<string>();
  /** Keys of pods with our finalizer and no (live) Job controlling them. */
  private readonly orphans = new WorkQueue<string>();
  private readonly expectations = new Expectations();
  /** Each Job's failures since its last success, as its pods' outcomes were recorded (upstream's backoff store). */
  private readonly backoffs = new Map<string, { record: BackoffRecord; seen: Set<string> }>();
  /** Pods whose finalizer this controller removed while the informer may still show it. */
  private readonly finalizersRemoved = new Set<string>();
  private readonly jobs;
  private readonly pods;
  private readonly recorder: EventRecorder;
  private readonly now: () => number;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly options: JobControllerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.jobs = ctx.informers.informerFor<Job>(resources.jobs);
    this.pods = ctx.informers.informerFor<Pod>(resources.pods);
    addPodControllerUIDIndexer(this.pods);
    this.recorder = ctx.recorder(COMPONENT);
    this.jobs.addEventHandler({
      onAdd: (job) => this.queue.add(keyOf(job)),
      onUpdate: (_old, job) => this.queue.add(keyOf(job)),
      onDelete: (job) => {
        this.expectations.delete(keyOf(job));
        this.queue.add(keyOf(job));
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podChanged(undefined, pod),
      onUpdate: (old, pod) => this.podChanged(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([
      runQueue(this.ctx, signal, this.queue, 5, (key) => this.sync(key)),
      runQueue(this.ctx, signal, this.orphans, 1, (key) => this.syncOrphanPod(key)),
    ]);
  }

  /** A pod holding our finalizer without a Job that still tracks it loses the finalizer. */
  private async syncOrphanPod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.lister.get(namespace, name);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.jobs.lister.get(namespace, ref.name);
      if (job && job.metadata?.uid === ref.uid && (!managedByThisController(job) || !finishedCondition(job))) return;
    }
    await this.removeFinalizers([pod]);
  }

  /** The key of the Job a pod's controller reference names. */
  private jobKeyOf(pod: Pod): string | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'Job' || !ref.apiVersion.startsWith('batch/')) return undefined;
    return `${pod.metadata?.namespace}/${ref.name}`;
  }

  private podChanged(old: Pod | undefined, pod: Pod): void {
    if (old && old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    if (!hasTrackingFinalizer(pod)) this.finalizersRemoved.delete(pod.metadata?.uid ?? '');
    const key = this.jobKeyOf(pod);
    if (hasTrackingFinalizer(pod) && (!key || !this.jobs.lister.get(pod.metadata?.namespace, controllerRefOf(pod)!.name))) this.orphans.add(keyOf(pod));
    if (!key) {
      if (old && controllerRefOf(old)) this.enqueueOldOwner(old);
      else if (!old || JSON.stringify(old.metadata?.labels) !== JSON.stringify(pod.metadata?.labels)) this.enqueueMatchingJobs(pod);
      return;
    }
    if (!old) this.expectations.creationObserved(key);
    if (pod.metadata?.deletionTimestamp && !old?.metadata?.deletionTimestamp) this.expectations.deletionObserved(key, keyOf(pod));
    if (old && controllerRefOf(old)?.uid !== controllerRefOf(pod)?.uid) this.enqueueOldOwner(old);
    this.queue.add(key);
  }

  private enqueueOldOwner(old: Pod): void {
    const key = this.jobKeyOf(old);
    if (key) this.queue.add(key);
  }

  /** Jobs that may adopt an orphan pod. */
  private enqueueMatchingJobs(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) return;
    for (const job of this.jobs.lister.list(pod.metadata?.namespace)) {
      if (selectorOf(job.spec?.selector)?.matches(pod.metadata?.labels ?? {})) this.queue.add(keyOf(job));
    }
  }

  private podDeleted(pod: Pod): void {
    this.finalizersRemoved.delete(pod.metadata?.uid ?? '');
    const key = this.jobKeyOf(pod);
    if (!key) return;
    this.expectations.deletionObserved(key, keyOf(pod));
    this.queue.add(key);
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const job = this.jobs.lister.get(namespace, name);
    if (!job) {
      this.expectations.delete(key);
      this.backoffs.delete(key);
      await this.releaseOrphanedPods(namespace, name);
      return;
    }
    if (!managedByThisController(job)) return;
    const owned = podsOwnedBy(this.pods, job, false);
    if (finishedCondition(job) || job.metadata?.deletionTimestamp) {
      this.backoffs.delete(key);
      await this.removeFinalizers(owned.filter((p) => hasTrackingFinalizer(p)));
      return;
    }
    const selector = selectorOf(job.spec?.selector);
    if (!selector) return;
    const candidates = podsOwnedBy(this.pods, job, true).filter((p) => controllerRefOf(p)?.uid === job.metadata?.uid || isPodActive(p));
    const pods = await claimObjects(candidates, {
      owner: job,
      ownerRef: newControllerRef(job, 'batch/v1', 'Job'),
      selector,
      resource: this.ctx.client.resource<Pod>(resources.pods),
      freshOwner: () => this.ctx.client.resource<Job>(resources.jobs).get(namespace, name).catch(() => undefined),
    });
    // Pods this Job owned that it just released keep no finalizer of ours.
    await this.removeFinalizers(owned.filter((p) => hasTrackingFinalizer(p) && !pods.some((q) => q.metadata?.uid === p.metadata?.uid)));
    return this.syncJob(key, job, pods);
  }

  private async syncJob(key: string, job: Job, pods: Pod[]): Promise<void | ReconcileResult> {
    const now = this.now();
    const jobs = this.ctx.client.resource<Job>(resources.jobs);
    const completions = job.spec?.completions;
    const indexed = isIndexed(job);
    const status: JobStatus = structuredClone(job.status ?? {});
    const uncounted = {
      succeeded: new Set(status.uncountedTerminatedPods?.succeeded ?? []),
      failed: new Set(status.uncountedTerminatedPods?.failed ?? []),
    };
    const completed = new Set(indexed ? parseIndexes(status.completedIndexes, completions ?? 0) : []);
    const limitPerIndex = perIndexLimit(job);
    const failedIndexes = new Set(limitPerIndex !== undefined ? parseIndexes(status.failedIndexes ?? '', completions ?? 0) : []);

    // 1. Record the outcome of finished pods that still hold our finalizer.
    const tracked = pods.filter((p) => hasTrackingFinalizer(p) && !this.finalizersRemoved.has(p.metadata?.uid ?? ''));
    const { release, recorded, failJobMessage } = recordFinishedPods(job, tracked, { uncounted, completed, failedIndexes }, now);
    const newUncounted = recorded.length > 0;
    this.recordOutcomes(key, recorded);
    if (failJobMessage && !recordedVerdict(status.conditions)) {
      status.conditions = setCondition(status.conditions ?? [], newCondition('FailureTarget', 'True', POD_FAILURE_POLICY, failJobMessage));
    }
    const writeUncounted = () => {
      status.uncountedTerminatedPods = {
        ...(uncounted.succeeded.size ? { succeeded: [...uncounted.succeeded] } : {}),
        ...(uncounted.failed.size ? { failed: [...uncounted.failed] } : {}),
      };
      const completedIndexes = formatIndexes(completed);
      if (indexed && completedIndexes) status.completedIndexes = completedIndexes;
      if (limitPerIndex !== undefined) status.failedIndexes = formatIndexes(failedIndexes);
    };
    if (newUncounted || failJobMessage) {
      writeUncounted();
      job = await jobs.updateStatus({ ...job, status: structuredClone(status) });
    }

    // 2. Remove the finalizers of pods whose outcome is recorded (or ignored).
    const releaseError = await this.removeFinalizers(release).then(() => undefined, (err: Error) => err);

    // 3. Move recorded outcomes whose pods are released into the counters.
    const byUid = new Map(pods.map((p) => [p.metadata?.uid ?? '', p]));
    const released = (uid: string) => {
      const pod = byUid.get(uid);
      return !pod || !hasTrackingFinalizer(pod) || this.finalizersRemoved.has(uid);
    };
    for (const outcome of ['succeeded', 'failed'] as const) {
      for (const uid of [...uncounted[outcome]]) {
        if (!released(uid)) continue;
        uncounted[outcome].delete(uid);
        status[outcome] = (status[outcome] ?? 0) + 1;
      }
    }
    writeUncounted();

    const active = pods.filter(isPodActive);
    const terminating = pods.filter((p) => p.metadata?.deletionTimestamp && !isTerminal(p)).length;
    const succeeded = indexed ? completed.size : (status.succeeded ?? 0) + uncounted.succeeded.size;
    const failed = (status.failed ?? 0) + uncounted.failed.size;
    const suspended = job.spec?.suspend === true;

    // 4. Decide whether the Job is done.
    let verdict = recordedVerdict(status.conditions);
    const deadlineMs = suspended ? undefined : deadlineRemainingMs(job, status, now);
    if (!verdict) {
      verdict = decideVerdict(job, { active, succeeded, failed, completed, failedIndexes, deadlineMs });
      if (verdict) status.conditions = setCondition(status.conditions ?? [], newCondition(verdict.interim, 'True', verdict.reason, verdict.message));
    }
    let requeueAfterMs = !verdict && deadlineMs !== undefined ? deadlineMs + 100 : undefined;

    let manageError: Error | undefined;
    // Events of status changes go out once the status is written (a stale cache may compute them twice).
    const events: StatusEvent[] = [];
    if (verdict) {
      manageError = await this.deletePods(key, job, active).then(() => undefined, (err: Error) => err);
      if (active.length === 0 && terminating === 0 && uncounted.succeeded.size + uncounted.failed.size === 0) events.push(this.finish(status, verdict));
    } else {
      events.push(...this.applySuspension(job, status));
      if (!status.startTime && !suspended) status.startTime = timeNow(new Date(now));
      if (this.expectations.satisfied(key)) {
        const done = new Set([...completed, ...failedIndexes]);
        const r = await this.manageJob(key, job, pods, active, terminating, succeeded, done, now).catch((err: Error) => {
          manageError = err;
          return undefined;
        });
        if (r !== undefined) requeueAfterMs = requeueAfterMs === undefined ? r : Math.min(requeueAfterMs, r);
      }
    }

    status.active = verdict ? 0 : active.length;
    status.ready = verdict ? 0 : active.filter(isPodReady).length;
    status.terminating = terminating;
    // The counters are omitted when zero (omitempty); ready and terminating are always written.
    for (const counter of ['active', 'succeeded', 'failed'] as const) if (!status[counter]) delete status[counter];
    // Status is computed from the cached Job: on a conflict the retry recomputes it from a newer one.
    if (statusKey(job.status) !== statusKey(status)) await jobs.updateStatus({ ...job, status });
    for (const [type, reason, message] of events) this.recorder.event(job, type, reason, message);
    const err = manageError ?? releaseError;
    if (err) throw err;
    if (requeueAfterMs !== undefined) return { requeueAfterMs: Math.min(requeueAfterMs, MAX_REQUEUE_MS) };
  }

  /** Adds newly recorded pod outcomes to the Job's backoff record, each pod once. */
  private recordOutcomes(key: string, outcomes: (FinishedPod & { uid: string })[]): void {
    const entry = this.backoffs.get(key) ?? { record: { failuresAfterLastSuccess: 0 }, seen: new Set<string>() };
    const fresh = outcomes.filter((o) => !entry.seen.has(o.uid));
    for (const o of fresh) entry.seen.add(o.uid);
    entry.record = nextBackoffRecord(entry.record, fresh);
    this.backoffs.set(key, entry);
  }

  /** The terminal condition once every pod has terminated, and its event. */
  private finish(status: JobStatus, verdict: Verdict): StatusEvent {
    const type = terminalType(verdict);
    status.conditions = setCondition(status.conditions ?? [], newCondition(type, 'True', verdict.reason, verdict.message));
    if (type !== 'Complete') return ['Warning', verdict.reason, verdict.message];
    status.completionTime = timeNow(new Date(this.now()));
    return ['Normal', 'Completed', 'Job completed'];
  }

  /** The Suspended condition follows spec.suspend; resuming restarts the clock of activeDeadlineSeconds. */
  private applySuspension(job: Job, status: JobStatus): StatusEvent[] {
    const current = status.conditions?.find((c) => c.type === 'Suspended');
    if (job.spec?.suspend) {
      if (current?.status === 'True') return [];
      status.conditions = setCondition(status.conditions ?? [], newCondition('Suspended', 'True', 'JobSuspended', 'Job suspended'));
      return [['Normal', 'Suspended', 'Job suspended']];
    }
    if (current?.status !== 'True') return [];
    status.conditions = setCondition(status.conditions ?? [], newCondition('Suspended', 'False', 'JobResumed', 'Job resumed'));
    status.startTime = timeNow(new Date(this.now()));
    return [['Normal', 'Resumed', 'Job resumed']];
  }

  /** Creates or deletes pods towards `parallelism`; returns a requeue delay while backing off. */
  private async manageJob(key: string, job: Job, pods: Pod[], active: Pod[], terminating: number, succeeded: number, completed: Set<number>, now: number): Promise<number | undefined> {
    if (job.spec?.suspend) {
      await this.deletePods(key, job, active);
      return undefined;
    }
    const parallelism = job.spec?.parallelism ?? 1;
    const completions = job.spec?.completions;
    let wantActive: number;
    if (completions === undefined || completions === null) wantActive = succeeded > 0 ? Math.min(active.length, parallelism) : parallelism;
    else wantActive = Math.max(0, Math.min(parallelism, completions - (isIndexed(job) ? completed.size : succeeded)));

    const doomed: Pod[] = [];
    if (isIndexed(job)) {
      // Pods without a valid index, of a finished index, or duplicating another's index go first.
      const seen = new Set<number>();
      for (const pod of [...active].sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? ''))) {
        const index = completionIndexOf(pod.metadata, completions ?? 0);
        if (index === undefined || completed.has(index) || seen.has(index)) doomed.push(pod);
        else seen.add(index);
      }
    }
    const keep = active.filter((p) => !doomed.includes(p));
    const excess = keep.length - wantActive;
    if (excess > 0) doomed.push(...podsToDelete(keep, pods, Math.min(excess, MAX_POD_CREATE_DELETE_PER_SYNC)));
    if (doomed.length > 0) {
      await this.deletePods(key, job, doomed);
      return undefined;
    }
    let diff = wantActive - active.length;
    if (onlyReplaceFailedPods(job)) diff -= terminating;
    if (diff <= 0) return undefined;
    const count = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (perIndexLimit(job) !== undefined) return this.createPodsPerIndex(key, job, pods, active, completed, count, now);
    const finished: FinishedPod[] = pods
      .filter((p) => outcomeOf(p, job))
      .map((p) => ({ finishedAt: finishedAt(p, now), failed: countsAsFailure(p, job) }));
    const { backoffBaseMs: base, backoffCapMs: cap } = this.options;
    // The pods still present cover what happened before this controller started.
    const wait = Math.max(
      remainingBackoffMs(this.backoffs.get(key)?.record ?? { failuresAfterLastSuccess: 0 }, now, base, cap),
      remainingBackoffMs(nextBackoffRecord({ failuresAfterLastSuccess: 0 }, finished), now, base, cap),
    );
    if (wait > 0) return wait;
    const activeIndexes = new Set(active.map((p) => completionIndexOf(p.metadata, completions ?? 0) ?? -1));
    const planned = isIndexed(job) ? pendingIndexes(completions ?? 0, completed, activeIndexes, count).map((index) => ({ index })) : Array.from({ length: count }, () => ({}));
    await this.createPods(key, job, planned);
    return undefined;
  }

  /** With backoffLimitPerIndex each index backs off on its own failures, which its next pod carries. */
  private async createPodsPerIndex(key: string, job: Job, pods: Pod[], active: Pod[], done: Set<number>, count: number, now: number): Promise<number | undefined> {
    const completions = job.spec?.completions ?? 0;
    const failures = new Map<number, { count: number; at: number }>();
    for (const pod of pods) {
      const index = completionIndexOf(pod.metadata, completions);
      if (index === undefined || !countsAsFailure(pod, job)) continue;
      const n = indexFailureCountOf(pod.metadata) + 1;
      const at = finishedAt(pod, now);
      const seen = failures.get(index);
      if (!seen || n > seen.count || (n === seen.count && at > seen.at)) failures.set(index, { count: n, at });
    }
    const activeIndexes = new Set(active.map((p) => completionIndexOf(p.metadata, completions) ?? -1));
    const planned: PlannedPod[] = [];
    let wait: number | undefined;
    for (const index of pendingIndexes(completions, done, activeIndexes, completions)) {
      if (planned.length >= count) break;
      const f = failures.get(index);
      const left = f ? remainingBackoffMs({ failuresAfterLastSuccess: f.count, lastFailureTime: f.at }, now, this.options.backoffBaseMs, this.options.backoffCapMs) : 0;
      if (left > 0) wait = Math.min(wait ?? left, left);
      else planned.push({ index, failures: f?.count ?? 0 });
    }
    await this.createPods(key, job, planned);
    return wait;
  }

  private async createPods(key: string, job: Job, planned: PlannedPod[]): Promise<void> {
    if (planned.length === 0) return;
    const ns = job.metadata!.namespace!;
    const podClient = this.ctx.client.resource<Pod>(resources.pods);
    const ref = newControllerRef(job, 'batch/v1', 'Job');
    this.expectations.expectCreations(key, planned.length);
    let next = 0;
    const { successes, error } = await slowStartBatch(planned.length, async () => {
      const { index, failures } = planned[next++];
      try {
        const pod = await podClient.create(ns, jobPod(job.metadata!.name!, job.spec!.template as PodTemplateSpec, ref, index, failures));
        this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
      } catch (err) {
        this.expectations.creationObserved(key);
        this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
        throw err;
      }
    });
    for (let i = successes + (error ? 1 : 0); i < planned.length; i++) this.expectations.creationObserved(key);
    if (error) throw error;
  }

  private async deletePods(key: string, job: Job, victims: Pod[]): Promise<void> {
    if (victims.length === 0) return;
    const podClient = this.ctx.client.resource<Pod>(resources.pods);
    this.expectations.expectDeletions(key, victims.map(keyOf));
    const results = await Promise.allSettled(
      victims.map(async (pod) => {
        try {
          await podClient.delete(pod.metadata?.namespace, pod.metadata!.name!);
          this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name}`);
        } catch (err) {
          this.expectations.deletionObserved(key, keyOf(pod));
          if (isNotFound(err)) return;
          this.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
          throw err;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason as Error;
  }

  /** Removes the job-tracking finalizer (a JSON patch that tests it is still where it was). */
  private async removeFinalizers(pods: Pod[]): Promise<void> {
    const podClient = this.ctx.client.resource<Pod>(resources.pods);
    const results = await Promise.allSettled(
      pods.map(async (pod) => {
        const i = pod.metadata?.finalizers?.indexOf(JOB_TRACKING_FINALIZER) ?? -1;
        if (i < 0) return;
        const path = `/metadata/finalizers/${i}`;
        try {
          await podClient.patch(pod.metadata?.namespace, pod.metadata!.name!, 'json', [
            { op: 'test', path, value: JOB_TRACKING_FINALIZER },
            { op: 'remove', path },
          ]);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        this.finalizersRemoved.add(pod.metadata?.uid ?? '');
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason as Error;
  }

  /** A deleted Job's pods must not stay blocked on its finalizer. */
  private async releaseOrphanedPods(namespace: string, name: string): Promise<void> {
    const orphans = this.pods.lister.list(namespace).filter((p) => {
      const ref = controllerRefOf(p);
      return ref?.kind === 'Job' && ref.name === name && hasTrackingFinalizer(p);
    });
    await this.removeFinalizers(orphans);
  }
}

export const jobController: Controller = {
  name: 'job',
  start: (ctx, signal) => new JobController(ctx).run(signal),
};
