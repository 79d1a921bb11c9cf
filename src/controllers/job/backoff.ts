// Pod re-creation backoff of a Job (upstream backoffRecord): after failures
// not followed by a success, the next pod waits 10 s doubling per failure,
// capped at 6 minutes, counted from the last failure.

export const DEFAULT_JOB_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_JOB_POD_FAILURE_BACKOFF_MS = 6 * 60_000;

export interface BackoffRecord {
  /** Failures since the last success. */
  failuresAfterLastSuccess: number;
  /** When the last of those failures happened (ms since epoch). */
  lastFailureTime?: number;
}

/** A pod's finish time and whether it failed, as the backoff counts it. */
export interface FinishedPod {
  finishedAt: number;
  failed: boolean;
}

/** The record after newly finished pods, taken in the order they finished. */
export function nextBackoffRecord(record: BackoffRecord, finished: FinishedPod[]): BackoffRecord {
  let { failuresAfterLastSuccess, lastFailureTime } = record;
  const ordered = [...finished].sort((a, b) => a.finishedAt - b.finishedAt);
  for (const pod of ordered) {
    if (pod.failed) {
      failuresAfterLastSuccess++;
      lastFailureTime = Math.max(lastFailureTime ?? 0, pod.finishedAt);
    } else {
      failuresAfterLastSuccess = 0;
      lastFailureTime = undefined;
    }
  }
  return { failuresAfterLastSuccess, lastFailureTime };
}

/** The backoff delay for the number of failures: 0 for none, then 10 s, 20 s, 40 s... up to 6 min. */
export function backoffDelayMs(failures: number, base = DEFAULT_JOB_POD_FAILURE_BACKOFF_MS, cap = MAX_JOB_POD_FAILURE_BACKOFF_MS): number {
  if (failures <= 0) return 0;
  const exp = Math.min(failures - 1, 30);
  return Math.min(base * 2 ** exp, cap);
}

/** Milliseconds until a new pod may be created (0 when it may now). */
export function remainingBackoffMs(record: BackoffRecord, now: number, base?: number, cap?: number): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  const wait = backoffDelayMs(record.failuresAfterLastSuccess, base, cap) - (now - record.lastFailureTime);
  return Math.max(0, wait);
}
