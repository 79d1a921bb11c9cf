// The default scheduler profile: its plugins in upstream's order and weights,
// and the runner for each extension point.
import { Code, CycleState, Status, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type Result, type ScorePlugin, type SharedLister } from './framework.js';
import type { NodeInfo } from './nodeinfo.js';
import type { PodInfo } from './podinfo.js';
import { ImageLocality } from './plugins/imagelocality.js';
import { InterPodAffinity } from './plugins/interpodaffinity.js';
import { NodeAffinity } from './plugins/nodeaffinity.js';
import { NodeName } from './plugins/nodename.js';
import { NodePorts } from './plugins/nodeports.js';
import { NodeResourcesBalancedAllocation, NodeResourcesFit } from './plugins/noderesources.js';
import { NodeUnschedulable } from './plugins/nodeunschedulable.js';
import { PodTopologySpread, type DefaultSelector } from './plugins/podtopologyspread.js';
import { TaintToleration } from './plugins/tainttoleration.js';
import { VolumeBinding, type ClaimLookup } from './plugins/volumebinding.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface ProfileOptions {
  claims?: ClaimLookup;
  /** For the system default spreading of pods without constraints of their own. */
  defaultSelector?: DefaultSelector;
}

export class Profile {
  readonly preFilter: PreFilterPlugin[];
  readonly filter: FilterPlugin[];
  readonly preScore: PreScorePlugin[];
  readonly score: ScorePlugin[];

  constructor(options: ProfileOptions = {}) {
    const unschedulable = new NodeUnschedulable();
    const nodeName = new NodeName();
    const taints = new TaintToleration();
    const nodeAffinity = new NodeAffinity();
    const ports = new NodePorts();
    const fit = new NodeResourcesFit();
    const volumes = new VolumeBinding(options.claims ?? (() => undefined));
    const spread = new PodTopologySpread(options.defaultSelector);
    const podAffinity = new InterPodAffinity();
    this.preFilter = [volumes, spread, podAffinity];
    this.filter = [unschedulable, nodeName, taints, nodeAffinity, ports, fit, spread, podAffinity];
    const images = new ImageLocality();
    this.preScore = [spread, podAffinity, images];
    this.score = [taints, nodeAffinity, fit, spread, podAffinity, new NodeResourcesBalancedAllocation(), images];
  }

  /** Runs every PreFilter; the first rejection ends the cycle. */
  runPreFilter(state: CycleState, pod: PodInfo): Result {
    for (const p of this.preFilter) {
      const s = p.preFilter(state, pod);
      if (s && s.code !== Code.Skip) {
        s.plugin = p.name;
        return s;
      }
    }
    return undefined;
  }

  /** Filters stop at the first plugin that rejects the node. */
  runFilter(state: CycleState, pod: PodInfo, node: NodeInfo): Result {
    for (const p of this.filter) {
      const s = p.filter(state, pod, node);
      if (s) {
        s.plugin = p.name;
        return s;
      }
    }
    return undefined;
  }

  /** Weighted sum of every score plugin, each normalized to 0..100 first. */
  runScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
    const skipped = new Set<string>();
    for (const p of this.preScore) {
      const s = p.preScore(state, pod, nodes);
      if (s?.code === Code.Skip) skipped.add(p.name);
    }
    const totals = new Array<number>(nodes.length).fill(0);
    const scores = new Array<number>(nodes.length);
    for (const p of this.score) {
      if (skipped.has(p.name)) continue;
      for (let i = 0; i < nodes.length; i++) scores[i] = p.score(state, pod, nodes[i]);
      p.normalize?.(state, pod, nodes, scores);
      for (let i = 0; i < nodes.length; i++) totals[i] += scores[i] * p.weight;
    }
    return totals;
  }

  /** Keeps PreFilter state right for a what-if with `other` added to / removed from `node`. */
  addPod(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo): void {
    for (const p of this.preFilter) p.addPod?.(state, pod, other, node);
  }

  removePod(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo): void {
    for (const p of this.preFilter) p.removePod?.(state, pod, other, node);
  }

  newCycleState(snapshot: SharedLister): CycleState {
    return new CycleState(snapshot);
  }
}

export { Status };
