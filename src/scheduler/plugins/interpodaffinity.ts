// InterPodAffinity: required pod affinity / anti-affinity (and the existing
// pods' anti-affinity towards the incoming pod) filter; preferred terms score.
import type { Labels } from '../../machinery/labels.js';
import { Status, MAX_NODE_SCORE, type CycleState, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type Result, type ScorePlugin, type StateData } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import { affinityTermMatches, type AffinityTerm, type PodInfo } from '../podinfo.js';

export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

const PRE_FILTER_KEY = 'PreFilterInterPodAffinity';
const PRE_SCORE_KEY = 'PreScoreInterPodAffinity';
/** Weight of an existing pod's required affinity term when scoring (hardPodAffinityWeight). */
const HARD_POD_AFFINITY_WEIGHT = 1;

const pair = (key: string, value: string): string => `${key}\u0000${value}`;

class Counts extends Map<string, number> {
  bump(key: string, delta: number): void {
    const n = (this.get(key) ?? 0) + delta;
    if (n === 0) this.delete(key);
    else this.set(key, n);
  }
}

function cloneCounts(c: Counts): Counts {
  const n = new Counts();
  for (const [k, v] of c) n.set(k, v);
  return n;
}

class PreFilterState implements StateData {
  existingAntiAffinityCounts = new Counts();
  affinityCounts = new Counts();
  antiAffinityCounts = new Counts();
  nsLabels: Labels | undefined;

  clone(): PreFilterState {
    const c = new PreFilterState();
    c.existingAntiAffinityCounts = cloneCounts(this.existingAntiAffinityCounts);
    c.affinityCounts = cloneCounts(this.affinityCounts);
    c.antiAffinityCounts = cloneCounts(this.antiAffinityCounts);
    c.nsLabels = this.nsLabels;
    return c;
  }
}

function matchesAll(terms: readonly AffinityTerm[], pod: PodInfo, nsLabels: Labels | undefined): boolean {
  return terms.length > 0 && terms.every((t) => affinityTermMatches(t, pod.pod, nsLabels));
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'InterPodAffinity';
  readonly weight = 2;

  preFilter(state: CycleState, pod: PodInfo): Result {
    const s = new PreFilterState();
    const snapshot = state.snapshot;
    s.nsLabels = snapshot.namespaceLabels(pod.pod.metadata.namespace ?? '');
    for (const node of snapshot.havePodsWithRequiredAntiAffinity()) {
      for (const existing of node.podsWithRequiredAntiAffinity) this.countExistingAntiAffinity(s, pod, existing, node, 1);
    }
    if (pod.requiredAffinityTerms.length + pod.requiredAntiAffinityTerms.length > 0) {
      for (const node of snapshot.nodeInfos()) {
        for (const existing of node.pods) this.countIncomingAffinity(state, s, pod, existing, node, 1);
      }
    }
    state.write(PRE_FILTER_KEY, s);
    return undefined;
  }

  private countExistingAntiAffinity(s: PreFilterState, pod: PodInfo, existing: PodInfo, node: NodeInfo, delta: number): void {
    const labels = node.labels;
    for (const term of existing.requiredAntiAffinityTerms) {
      const value = labels[term.topologyKey];
      if (value !== undefined && affinityTermMatches(term, pod.pod, s.nsLabels)) s.existingAntiAffinityCounts.bump(pair(term.topologyKey, value), delta);
    }
  }

  private countIncomingAffinity(state: CycleState, s: PreFilterState, pod: PodInfo, existing: PodInfo, node: NodeInfo, delta: number): void {
    const labels = node.labels;
    const nsLabels = state.snapshot.namespaceLabels(existing.pod.metadata.namespace ?? '');
    if (matchesAll(pod.requiredAffinityTerms, existing, nsLabels)) {
      for (const term of pod.requiredAffinityTerms) {
        const value = labels[term.topologyKey];
        if (value !== undefined) s.affinityCounts.bump(pair(term.topologyKey, value), delta);
      }
    }
    for (const term of pod.requiredAntiAffinityTerms) {
      const value = labels[term.topologyKey];
      if (value !== undefined && affinityTermMatches(term, existing.pod, nsLabels)) s.antiAffinityCounts.bump(pair(term.topologyKey, value), delta);
    }
  }

  addPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void {
    this.update(state, pod, added, node, 1);
  }

  removePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void {
    this.update(state, pod, removed, node, -1);
  }

  private update(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: number): void {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return;
    this.countExistingAntiAffinity(s, pod, other, node, delta);
    this.countIncomingAffinity(state, s, pod, other, node, delta);
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Result {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return Status.error('InterPodAffinity: no PreFilter state');
    if (!this.satisfiesAffinity(s, pod, node)) return Status.unresolvable(ERR_REASON_AFFINITY);
    const labels = node.labels;
    for (const term of pod.requiredAntiAffinityTerms) {
      const value = labels[term.topologyKey];
      if (value !== undefined && (s.antiAffinityCounts.get(pair(term.topologyKey, value)) ?? 0) > 0) return Status.unschedulable(ERR_REASON_ANTI_AFFINITY);
    }
    if (s.existingAntiAffinityCounts.size > 0) {
      for (const [k, v] of Object.entries(labels)) {
        if ((s.existingAntiAffinityCounts.get(pair(k, v)) ?? 0) > 0) return Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
      }
    }
    return undefined;
  }

  private satisfiesAffinity(s: PreFilterState, pod: PodInfo, node: NodeInfo): boolean {
    let podsExist = true;
    const labels = node.labels;
    for (const term of pod.requiredAffinityTerms) {
      const value = labels[term.topologyKey];
      // Every topology key of the terms must exist on the node.
      if (value === undefined) return false;
      if ((s.affinityCounts.get(pair(term.topologyKey, value)) ?? 0) <= 0) podsExist = false;
    }
    if (podsExist) return true;
    // The first of a group of pods with affinity to each other may go anywhere
    // that has the topology, provided no pod matches yet and it matches itself.
    return s.affinityCounts.size === 0 && matchesAll(pod.requiredAffinityTerms, pod, s.nsLabels);
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Result {
    if (nodes.length === 0) return Status.skip();
    const hasPreferred = pod.preferredAffinityTerms.length + pod.preferredAntiAffinityTerms.length > 0;
    const snapshot = state.snapshot;
    const candidates = hasPreferred ? snapshot.nodeInfos() : snapshot.havePodsWithAffinity();
    const scores = new Map<string, number>();
    const add = (key: string, value: string | undefined, delta: number): void => {
      if (value === undefined || delta === 0) return;
      const k = pair(key, value);
      scores.set(k, (scores.get(k) ?? 0) + delta);
    };
    const podNsLabels = snapshot.namespaceLabels(pod.pod.metadata.namespace ?? '');
    for (const node of candidates) {
      const labels = node.labels;
      for (const existing of hasPreferred ? node.pods : node.podsWithAffinity) {
        const existingNsLabels = snapshot.namespaceLabels(existing.pod.metadata.namespace ?? '');
        for (const t of pod.preferredAffinityTerms) if (affinityTermMatches(t, existing.pod, existingNsLabels)) add(t.topologyKey, labels[t.topologyKey], t.weight);
        for (const t of pod.preferredAntiAffinityTerms) if (affinityTermMatches(t, existing.pod, existingNsLabels)) add(t.topologyKey, labels[t.topologyKey], -t.weight);
        for (const t of existing.requiredAffinityTerms) if (affinityTermMatches(t, pod.pod, podNsLabels)) add(t.topologyKey, labels[t.topologyKey], HARD_POD_AFFINITY_WEIGHT);
        for (const t of existing.preferredAffinityTerms) if (affinityTermMatches(t, pod.pod, podNsLabels)) add(t.topologyKey, labels[t.topologyKey], t.weight);
        for (const t of existing.preferredAntiAffinityTerms) if (affinityTermMatches(t, pod.pod, podNsLabels)) add(t.topologyKey, labels[t.topologyKey], -t.weight);
      }
    }
    if (scores.size === 0) return Status.skip();
    state.write(PRE_SCORE_KEY, new PreScoreState(scores));
    return undefined;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s) return 0;
    let total = 0;
    for (const [k, v] of Object.entries(node.labels)) total += s.scores.get(pair(k, v)) ?? 0;
    return total;
  }

  normalize(state: CycleState, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): void {
    if (!state.read<PreScoreState>(PRE_SCORE_KEY)) return;
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (scores[i] - min)) / diff) : 0;
  }
}

class PreScoreState implements StateData {
  constructor(readonly scores: Map<string, number>) {}

  clone(): PreScoreState {
    return this;
  }
}
