// Completion-index bookkeeping of Indexed Jobs: the compressed interval
// lists of status.completedIndexes / status.failedIndexes ("1,3-5,7") and
// which indexes still need a pod.

/** Parses "1,3-5,7" into sorted indexes below `completions` (malformed parts are skipped). */
export function parseIndexes(text: string | undefined, completions: number): number[] {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    for (let i = first; i <= last && i < completions; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** Formats indexes as upstream's compressed intervals; "" for none. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The lowest `count` indexes below `completions` that are neither finished
 * (succeeded or failed) nor held by an active pod.
 */
export function pendingIndexes(completions: number, done: Set<number>, active: Set<number>, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) {
    if (!done.has(i) && !active.has(i)) out.push(i);
  }
  return out;
}

/** The completion index a pod's annotation (or label) names; undefined when absent or out of range. */
export function completionIndexOf(meta: { annotations?: Record<string, string>; labels?: Record<string, string> } | undefined, completions: number): number | undefined {
  const text = meta?.annotations?.[COMPLETION_INDEX] ?? meta?.labels?.[COMPLETION_INDEX];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n < completions ? n : undefined;
}

export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

/** Counted failures of the pod's index before this pod (backoffLimitPerIndex). */
export const INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';

export function indexFailureCountOf(meta: { annotations?: Record<string, string> } | undefined): number {
  const n = Number(meta?.annotations?.[INDEX_FAILURE_COUNT]);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/** A successPolicy rule (Indexed Jobs): some indexes, or some count of them, succeeded. */
export interface SuccessPolicyRule {
  succeededIndexes?: string;
  succeededCount?: number;
}

/** The index of the first rule the completed indexes satisfy. */
export function matchSuccessPolicy(rules: SuccessPolicyRule[], completed: Set<number>, completions: number): number | undefined {
  if (completed.size === 0) return undefined;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule.succeededIndexes !== undefined) {
      const required = parseIndexes(rule.succeededIndexes, completions);
      if (required.length === 0) continue;
      const matched = required.filter((x) => completed.has(x)).length;
      if (rule.succeededCount !== undefined ? matched >= rule.succeededCount : matched === required.length) return i;
    } else if (rule.succeededCount !== undefined && completed.size >= rule.succeededCount) {
      return i;
    }
  }
  return undefined;
}
