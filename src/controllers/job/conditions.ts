// Job conditions and their upstream reasons and messages. Since 1.31 a Job
// first gets the interim FailureTarget / SuccessCriteriaMet condition and only
// once its pods have terminated the terminal Failed / Complete one.
import { timeNow } from '../../machinery/time.js';
import type { JobCondition } from './types.js';

export interface Verdict {
  /** FailureTarget or SuccessCriteriaMet. */
  interim: 'FailureTarget' | 'SuccessCriteriaMet';
  reason: string;
  message: string;
}

export const BACKOFF_LIMIT_EXCEEDED: Omit<Verdict, 'interim'> = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
export const DEADLINE_EXCEEDED: Omit<Verdict, 'interim'> = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
export const COMPLETIONS_REACHED: Omit<Verdict, 'interim'> = { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
export const MAX_FAILED_INDEXES_EXCEEDED: Omit<Verdict, 'interim'> = { reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' };
export const FAILED_INDEXES: Omit<Verdict, 'interim'> = { reason: 'FailedIndexes', message: 'Job has failed indexes' };
export const POD_FAILURE_POLICY = 'PodFailurePolicy';
export const successPolicyVerdict = (rule: number): Verdict => ({ interim: 'SuccessCriteriaMet', reason: 'SuccessPolicy', message: `Matched rules at index ${rule}` });

export const terminalType = (v: Verdict) => (v.interim === 'FailureTarget' ? 'Failed' : 'Complete');

export function newCondition(type: string, status: 'True' | 'False', reason: string, message: string, now = timeNow()): JobCondition {
  return { type, status, reason, message, lastProbeTime: now, lastTransitionTime: now };
}

/** Sets a condition: a changed status moves lastTransitionTime; the same status only refreshes reason and message. */
export function setCondition(conditions: JobCondition[], next: JobCondition): JobCondition[] {
  const i = conditions.findIndex((c) => c.type === next.type);
  if (i < 0) return [...conditions, next];
  const cur = conditions[i];
  if (cur.status === next.status && cur.reason === next.reason && cur.message === next.message) return conditions;
  const merged = cur.status === next.status ? { ...cur, reason: next.reason, message: next.message, lastProbeTime: next.lastProbeTime } : next;
  return conditions.map((c, j) => (j === i ? merged : c));
}

/** The verdict an interim condition already recorded. */
export function recordedVerdict(conditions: JobCondition[] | undefined): Verdict | undefined {
  for (const interim of ['FailureTarget', 'SuccessCriteriaMet'] as const) {
    const c = conditions?.find((x) => x.type === interim && x.status === 'True');
    if (c) return { interim, reason: c.reason ?? '', message: c.message ?? '' };
  }
  return undefined;
}
