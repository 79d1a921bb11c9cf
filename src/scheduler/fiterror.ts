// The FailedScheduling message: "0/N nodes are available: <prefilter>.
// <sorted reason histogram>. <postfilter>" exactly as upstream's FitError.
import type { Status } from './framework.js';

export interface Diagnosis {
  /** Why each rejected node was rejected. */
  nodeToStatus: Map<string, Status>;
  /** Set when a PreFilter plugin rejected the pod outright. */
  preFilterMsg?: string;
  /** What preemption (PostFilter) had to say, e.g. "preemption: ...". */
  postFilterMsg?: string;
}

export class FitError extends Error {
  constructor(
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {
    super();
  }

  override get message(): string {
    return fitErrorMessage(this.numAllNodes, this.diagnosis);
  }
}

/** "N reason" strings for a set of statuses, sorted as Go's sort.Strings does (bytewise). */
export function reasonHistogram(statuses: Iterable<Status>): string[] {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const reasons = reasonHistogram(d.nodeToStatus.values());
    if (reasons.length) msg += ` ${reasons.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}
