// TaintToleration: NoSchedule/NoExecute taints filter, PreferNoSchedule
// taints lower the score (fewer untolerated ones is better).
import { defaultNormalizeScore, MAX_NODE_SCORE, Status, type FilterPlugin, type Result, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import type { PodInfo } from '../podinfo.js';
import { findUntoleratedTaint, tolerated } from '../tolerations.js';

const FILTERED_EFFECTS = ['NoSchedule', 'NoExecute'] as const;

export class TaintToleration implements FilterPlugin, ScorePlugin {
  readonly name = 'TaintToleration';
  readonly weight = 3;

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Result {
    const taints = node.node?.spec?.taints;
    if (!taints?.length) return undefined;
    const taint = findUntoleratedTaint(taints, pod.pod.spec.tolerations, FILTERED_EFFECTS);
    if (!taint) return undefined;
    return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfo): number {
    if (!node.node?.spec?.taints?.length) return 0;
    const tolerations = (pod.pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    let count = 0;
    for (const taint of node.node?.spec?.taints ?? []) {
      if (taint.effect === 'PreferNoSchedule' && !tolerated(taint, tolerations)) count++;
    }
    return count;
  }

  normalize(_state: unknown, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): void {
    defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
  }
}
