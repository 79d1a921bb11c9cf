// NodeAffinity: spec.nodeSelector and required node affinity filter;
// preferred node affinity terms add their weights to the score.
import { defaultNormalizeScore, MAX_NODE_SCORE, Status, type FilterPlugin, type Result, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import { podMatchesNodeSelectorAndAffinity, termMatches } from '../nodeselector.js';
import type { PodInfo } from '../podinfo.js';

export const ERR_REASON_POD_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export class NodeAffinity implements FilterPlugin, ScorePlugin {
  readonly name = 'NodeAffinity';
  readonly weight = 2;

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Result {
    if (!node.node || podMatchesNodeSelectorAndAffinity(pod.pod, node.node)) return undefined;
    return Status.unresolvable(ERR_REASON_POD_NODE_AFFINITY);
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfo): number {
    const preferred = pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    let sum = 0;
    for (const term of preferred) if (term.weight !== 0 && node.node && termMatches(term.preference, node.node)) sum += term.weight;
    return sum;
  }

  normalize(_state: unknown, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): void {
    defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
  }
}
