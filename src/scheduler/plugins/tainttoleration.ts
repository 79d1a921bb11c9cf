// TaintToleration: NoSchedule/NoExecute taints filter, PreferNoSchedule
// taints lower the score (fewer untolerated ones is better).
import { defaultNormalizeScore, MAX_NODE_SCORE, Status, type FilterPlugin, type Result, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import type { PodInfo } from '../podinfo.js';
import { findUntoleratedTaint, tolerated } from '../tolerations.js';

export class TaintToleration implements FilterPlugin, ScorePlugin {
  readonly name = 'TaintToleration';
  readonly weight = 3;

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Result {
    const taint = findUntoleratedTaint(node.node?.spec?.taints, pod.pod.spec.tolerations, ['NoSchedule', 'NoExecute']);
    if (!taint) return undefined;
    return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfo): number {
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
