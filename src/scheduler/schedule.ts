// One scheduling decision (upstream schedulePod): PreFilter, Filter over
// enough nodes, Score, pick the best (ties at random).
import { CycleState, type Status } from './framework.js';
import { FitError } from './fiterror.js';
import type { NodeInfo } from './nodeinfo.js';
import type { PodInfo } from './podinfo.js';
import type { Profile } from './profile.js';
import type { SchedulerCache } from './cache.js';
import { podPriority } from './types.js';

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;

/** Adaptive percentageOfNodesToScore: all nodes up to 100, then 50% shrinking to 5% at 5,625 nodes. */
export function numFeasibleNodesToFind(numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  const percentage = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.trunc((numAllNodes * percentage) / 100));
}

export interface ScheduleResult {
  node: string;
  evaluatedNodes: number;
  feasibleNodes: number;
  state: CycleState;
}

/** Pods nominated to nodes (by preemption) that are not bound yet. */
export interface NominatedPods {
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
}

export class Algorithm {
  private nextStartNodeIndex = 0;

  constructor(
    private readonly profile: Profile,
    private readonly cache: SchedulerCache,
    private readonly nominated: NominatedPods,
    private readonly random: () => number = Math.random,
  ) {}

  /** Returns the chosen node or throws FitError. */
  schedule(pod: PodInfo): ScheduleResult {
    const all = this.cache.nodeInfos();
    if (all.length === 0) throw new FitError(0, { nodeToStatus: new Map() });
    const state = new CycleState(this.cache);
    const rejected = this.profile.runPreFilter(state, pod);
    if (rejected) {
      const nodeToStatus = new Map<string, Status>();
      for (const n of all) nodeToStatus.set(n.name, rejected);
      throw new FitError(all.length, { nodeToStatus, preFilterMsg: rejected.message });
    }
    const nodeToStatus = new Map<string, Status>();
    const feasible = this.findNodesThatFit(state, pod, all, nodeToStatus);
    if (feasible.length === 0) throw new FitError(all.length, { nodeToStatus });
    if (feasible.length === 1) return { node: feasible[0].name, evaluatedNodes: all.length, feasibleNodes: 1, state };
    const scores = this.profile.runScore(state, pod, feasible);
    return { node: this.selectHost(feasible, scores), evaluatedNodes: nodeToStatus.size + feasible.length, feasibleNodes: feasible.length, state };
  }

  private findNodesThatFit(state: CycleState, pod: PodInfo, all: readonly NodeInfo[], nodeToStatus: Map<string, Status>): NodeInfo[] {
    const nominatedName = pod.pod.status?.nominatedNodeName;
    if (nominatedName) {
      const node = this.cache.get(nominatedName);
      if (node && !this.filterWithNominated(state, pod, node)) return [node];
    }
    const want = numFeasibleNodesToFind(all.length);
    const feasible: NodeInfo[] = [];
    const n = all.length;
    let checked = 0;
    for (; checked < n && feasible.length < want; checked++) {
      const node = all[(this.nextStartNodeIndex + checked) % n];
      const status = this.filterWithNominated(state, pod, node);
      if (status) nodeToStatus.set(node.name, status);
      else feasible.push(node);
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + checked) % n;
    return feasible;
  }

  /** Runs the filters as if the node's higher-or-equal priority nominated pods were already there. */
  filterWithNominated(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    const all = this.nominated.nominatedPodsForNode(node.name);
    if (all.length === 0) return this.profile.runFilter(state, pod, node);
    const nominated = all.filter((p) => p.uid !== pod.uid && podPriority(p.pod) >= podPriority(pod.pod));
    if (nominated.length === 0) return this.profile.runFilter(state, pod, node);
    const what = state.clone();
    const copy = node.clone();
    for (const p of nominated) {
      copy.addPod(p);
      this.profile.addPod(what, pod, p, copy);
    }
    return this.profile.runFilter(what, pod, copy);
  }

  /** The highest score; among equals, each is equally likely (reservoir sampling). */
  private selectHost(nodes: readonly NodeInfo[], scores: readonly number[]): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
        ties = 1;
      } else if (scores[i] === scores[best]) {
        ties++;
        if (this.random() * ties < 1) best = i;
      }
    }
    return nodes[best].name;
  }
}
