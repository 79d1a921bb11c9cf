// PodTopologySpread: DoNotSchedule constraints filter on skew (with
// minDomains, nodeAffinityPolicy, nodeTaintsPolicy); ScheduleAnyway
// constraints score, fewer matching pods in the node's domain being better.
import { labelSelectorAsSelector, nothing, type Selector } from '../../machinery/labels.js';
import { MAX_NODE_SCORE, Status, type CycleState, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type Result, type ScorePlugin, type StateData } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import { podMatchesNodeSelectorAndAffinity } from '../nodeselector.js';
import type { PodInfo } from '../podinfo.js';
import { findUntoleratedTaint } from '../tolerations.js';
import type { Pod, TopologySpreadConstraint } from '../types.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + ' (missing required label)';

/** Finds the selector of the Services and controllers a pod belongs to (upstream DefaultSelector). */
export type DefaultSelector = (pod: Pod) => Selector | undefined;

const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** The system default constraints, used for scoring pods that have none of their own. */
const SYSTEM_DEFAULT_CONSTRAINTS = [
  { topologyKey: HOSTNAME_LABEL, maxSkew: 3 },
  { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 5 },
];

const PRE_FILTER_KEY = 'PreFilterPodTopologySpread';
const PRE_SCORE_KEY = 'PreScorePodTopologySpread';

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  /** The selector's canonical text, naming it in the nodes' memo of matching pods. */
  selectorKey: string;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorNodeTaints: boolean;
}

const pair = (key: string, value: string): string => `${key}\u0000${value}`;

function compile(pod: Pod, c: TopologySpreadConstraint): Constraint {
  let selector: Selector;
  try {
    const labels = pod.metadata.labels ?? {};
    const extra = (c.matchLabelKeys ?? []).filter((k) => k in labels).map((k) => ({ key: k, operator: 'In', values: [labels[k]] }));
    const ls = c.labelSelector && extra.length ? { ...c.labelSelector, matchExpressions: [...(c.labelSelector.matchExpressions ?? []), ...extra] } : c.labelSelector;
    selector = labelSelectorAsSelector(ls);
  } catch {
    selector = nothing();
  }
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector,
    selectorKey: selectorKeyOf(selector),
    minDomains: c.minDomains ?? 1,
    honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorNodeTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
  };
}

function constraintsOf(pod: Pod, when: TopologySpreadConstraint['whenUnsatisfiable']): Constraint[] {
  return (pod.spec.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === when).map((c) => compile(pod, c));
}

/** Whether the node takes part in the constraint's counting (node inclusion policies). */
function nodeIncluded(c: Constraint, pod: Pod, node: NodeInfo): boolean {
  if (!node.node) return false;
  if (c.honorNodeAffinity && !podMatchesNodeSelectorAndAffinity(pod, node.node)) return false;
  if (c.honorNodeTaints && findUntoleratedTaint(node.node.spec?.taints, pod.spec.tolerations, ['NoSchedule', 'NoExecute'])) return false;
  return true;
}

function hasAllKeys(constraints: readonly Constraint[], node: NodeInfo): boolean {
  const labels = node.labels;
  return constraints.every((c) => Object.hasOwn(labels, c.topologyKey));
}

function countMatching(c: Constraint, namespace: string, node: NodeInfo): number {
  return node.countMatching(namespace, c.selector, c.selectorKey);
}

function selectorKeyOf(selector: Selector): string {
  return selector.requirements() === null ? '\u0000nothing' : selector.toString();
}

class PreFilterState implements StateData {
  private readonly mins = new Map<Constraint, { min: number; domains: number }>();

  constructor(
    readonly constraints: Constraint[],
    /** Matching pods per topology pair, over eligible nodes. */
    readonly matchNum: Map<string, number>,
  ) {}

  clone(): PreFilterState {
    return new PreFilterState(this.constraints, new Map(this.matchNum));
  }

  /** The smallest count among the constraint's domains, and how many domains there are. */
  minMatch(c: Constraint): { min: number; domains: number } {
    let m = this.mins.get(c);
    if (!m) this.mins.set(c, (m = this.computeMin(c)));
    return m;
  }

  /** Forgets cached minimums after counts change. */
  changed(): void {
    this.mins.clear();
  }

  private computeMin(c: Constraint): { min: number; domains: number } {
    const prefix = `${c.topologyKey}\u0000`;
    let min = Infinity;
    let domains = 0;
    for (const [k, v] of this.matchNum) {
      if (!k.startsWith(prefix)) continue;
      domains++;
      if (v < min) min = v;
    }
    return { min: domains ? min : 0, domains };
  }
}

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'PodTopologySpread';
  readonly weight = 2;

  constructor(private readonly defaultSelector: DefaultSelector = () => undefined) {}

  /** The pod's ScheduleAnyway constraints, or the system defaults when it declares none at all. */
  private scoringConstraints(pod: Pod): { constraints: Constraint[]; requireAllTopologies: boolean } {
    if ((pod.spec.topologySpreadConstraints ?? []).length > 0) return { constraints: constraintsOf(pod, 'ScheduleAnyway'), requireAllTopologies: true };
    const selector = this.defaultSelector(pod);
    if (!selector || selector.empty()) return { constraints: [], requireAllTopologies: false };
    const selectorKey = selectorKeyOf(selector);
    const constraints = SYSTEM_DEFAULT_CONSTRAINTS.map((c) => ({ ...c, selector, selectorKey, minDomains: 1, honorNodeAffinity: true, honorNodeTaints: false }));
    return { constraints, requireAllTopologies: false };
  }

  preFilter(state: CycleState, pod: PodInfo): Result {
    const constraints = constraintsOf(pod.pod, 'DoNotSchedule');
    if (constraints.length === 0) {
      state.write(PRE_FILTER_KEY, new PreFilterState([], new Map()));
      return undefined;
    }
    const matchNum = new Map<string, number>();
    const ns = pod.pod.metadata.namespace ?? '';
    for (const node of state.snapshot.nodeInfos()) {
      if (!hasAllKeys(constraints, node)) continue;
      for (const c of constraints) {
        if (!nodeIncluded(c, pod.pod, node)) continue;
        const k = pair(c.topologyKey, node.labels[c.topologyKey]);
        matchNum.set(k, (matchNum.get(k) ?? 0) + countMatching(c, ns, node));
      }
    }
    state.write(PRE_FILTER_KEY, new PreFilterState(constraints, matchNum));
    return undefined;
  }

  addPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void {
    this.update(state, pod, added, node, 1);
  }

  removePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void {
    this.update(state, pod, removed, node, -1);
  }

  private update(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: number): void {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s || s.constraints.length === 0 || !hasAllKeys(s.constraints, node)) return;
    if (other.pod.metadata.namespace !== pod.pod.metadata.namespace) return;
    for (const c of s.constraints) {
      if (!nodeIncluded(c, pod.pod, node) || !c.selector.matches(other.pod.metadata.labels ?? {})) continue;
      const k = pair(c.topologyKey, node.labels[c.topologyKey]);
      s.matchNum.set(k, (s.matchNum.get(k) ?? 0) + delta);
    }
    s.changed();
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Result {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return Status.error('PodTopologySpread: no PreFilter state');
    const podLabels = pod.pod.metadata.labels ?? {};
    for (const c of s.constraints) {
      const value = node.labels[c.topologyKey];
      if (value === undefined) return Status.unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
      const { min, domains } = s.minMatch(c);
      const minMatch = domains < c.minDomains ? 0 : min;
      const self = c.selector.matches(podLabels) ? 1 : 0;
      const skew = (s.matchNum.get(pair(c.topologyKey, value)) ?? 0) + self - minMatch;
      if (skew > c.maxSkew) return Status.unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
    }
    return undefined;
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Result {
    const { constraints, requireAllTopologies } = this.scoringConstraints(pod.pod);
    if (constraints.length === 0) return Status.skip();
    const ignored = new Set<string>();
    const counts = new Map<string, number>();
    const domains = constraints.map(() => new Set<string>());
    for (const node of nodes) {
      if (requireAllTopologies && !hasAllKeys(constraints, node)) {
        ignored.add(node.name);
        continue;
      }
      constraints.forEach((c, i) => {
        const v = node.labels[c.topologyKey];
        if (v === undefined) return;
        domains[i].add(v);
        if (c.topologyKey !== HOSTNAME_LABEL) counts.set(pair(c.topologyKey, v), 0);
      });
    }
    const ns = pod.pod.metadata.namespace ?? '';
    for (const node of state.snapshot.nodeInfos()) {
      if (requireAllTopologies && !hasAllKeys(constraints, node)) continue;
      for (const c of constraints) {
        const v = node.labels[c.topologyKey];
        if (v === undefined || c.topologyKey === HOSTNAME_LABEL || !nodeIncluded(c, pod.pod, node)) continue;
        const k = pair(c.topologyKey, v);
        const n = counts.get(k);
        if (n !== undefined) counts.set(k, n + countMatching(c, ns, node));
      }
    }
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME_LABEL ? nodes.length - ignored.size : domains[i].size) + 2));
    state.write(PRE_SCORE_KEY, new PreScoreState(constraints, counts, weights, ignored));
    return undefined;
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s || s.ignored.has(node.name)) return 0;
    let score = 0;
    s.constraints.forEach((c, i) => {
      const v = node.labels[c.topologyKey];
      if (v === undefined) return;
      const count = c.topologyKey === HOSTNAME_LABEL ? countMatching(c, pod.pod.metadata.namespace ?? '', node) : (s.counts.get(pair(c.topologyKey, v)) ?? 0);
      score += count * s.weights[i] + (c.maxSkew - 1);
    });
    return Math.round(score);
  }

  normalize(state: CycleState, _pod: PodInfo, nodes: readonly NodeInfo[], scores: number[]): void {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s) return;
    let min = Infinity;
    let max = 0;
    nodes.forEach((n, i) => {
      if (s.ignored.has(n.name)) return;
      if (scores[i] < min) min = scores[i];
      if (scores[i] > max) max = scores[i];
    });
    nodes.forEach((n, i) => {
      if (s.ignored.has(n.name)) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i])) / max);
    });
  }
}

class PreScoreState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly counts: Map<string, number>,
    readonly weights: number[],
    readonly ignored: Set<string>,
  ) {}

  clone(): PreScoreState {
    return this;
  }
}
