// DefaultPreemption (PostFilter): when a pod fits nowhere, find a node where
// removing lower-priority pods makes room — the fewest and least important
// victims, PodDisruptionBudgets respected where possible — and nominate it.
import { labelSelectorAsSelector, type Selector } from '../machinery/labels.js';
import type { SchedulerCache } from './cache.js';
import { Code, Status, type CycleState } from './framework.js';
import { fitErrorMessage } from './fiterror.js';
import type { NodeInfo } from './nodeinfo.js';
import type { PodInfo } from './podinfo.js';
import type { Profile } from './profile.js';
import type { Algorithm } from './schedule.js';
import { podPriority, type Pod, type PodDisruptionBudget } from './types.js';

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

export interface Candidate {
  node: string;
  victims: PodInfo[];
  numPDBViolations: number;
}

export interface PreemptionResult {
  /** The node the pod is nominated to; empty when preemption cannot help. */
  nominatedNode?: string;
  victims: PodInfo[];
  /** The PostFilter message for the FitError ("preemption: ..."), if any. */
  message?: string;
}

interface CompiledPDB {
  namespace: string;
  selector: Selector;
  allowed: number;
}

function compilePDBs(pdbs: readonly PodDisruptionBudget[]): CompiledPDB[] {
  const out: CompiledPDB[] = [];
  for (const p of pdbs) {
    try {
      out.push({ namespace: p.metadata.namespace ?? '', selector: labelSelectorAsSelector(p.spec?.selector), allowed: p.status?.disruptionsAllowed ?? 0 });
    } catch {
      // an invalid selector protects nothing
    }
  }
  return out;
}

function startTime(p: Pod): number {
  const t = p.status?.startTime ?? p.metadata.creationTimestamp;
  return t ? Date.parse(t) : Number.MAX_SAFE_INTEGER;
}

/** More important first: higher priority, then earlier start. */
function moreImportant(a: PodInfo, b: PodInfo): number {
  const d = podPriority(b.pod) - podPriority(a.pod);
  return d !== 0 ? d : startTime(a.pod) - startTime(b.pod);
}

export class Preemption {
  constructor(
    private readonly profile: Profile,
    private readonly cache: SchedulerCache,
    private readonly algorithm: Algorithm,
    private readonly pdbs: () => readonly PodDisruptionBudget[],
    private readonly random: () => number = Math.random,
  ) {}

  /** PodEligibleToPreemptOthers: the reason it is not, or undefined. */
  notEligible(pod: PodInfo, nodeToStatus: ReadonlyMap<string, Status>): string | undefined {
    if (pod.pod.spec.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated && nodeToStatus.get(nominated)?.code !== Code.UnschedulableAndUnresolvable) {
      const node = this.cache.get(nominated);
      const prio = podPriority(pod.pod);
      if (node?.pods.some((p) => p.pod.metadata.deletionTimestamp && podPriority(p.pod) < prio)) {
        return 'not eligible due to a terminating pod on the nominated node.';
      }
    }
    return undefined;
  }

  preempt(state: CycleState, pod: PodInfo, nodeToStatus: ReadonlyMap<string, Status>): PreemptionResult {
    const reason = this.notEligible(pod, nodeToStatus);
    if (reason) return { victims: [], message: `preemption: ${reason}` };
    const all = this.cache.nodeInfos();
    const potential = all.filter((n) => nodeToStatus.get(n.name)?.code === Code.Unschedulable);
    const statuses = new Map<string, Status>();
    const candidates = potential.length ? this.dryRun(state, pod, potential, statuses) : [];
    if (candidates.length === 0) {
      for (const n of all) if (!statuses.has(n.name)) statuses.set(n.name, Status.unresolvable(NOT_HELPFUL));
      return { nominatedNode: '', victims: [], message: `preemption: ${fitErrorMessage(all.length, { nodeToStatus: statuses })}` };
    }
    const best = pickCandidate(candidates);
    return { nominatedNode: best.node, victims: best.victims };
  }

  private dryRun(state: CycleState, pod: PodInfo, potential: readonly NodeInfo[], statuses: Map<string, Status>): Candidate[] {
    const want = Math.min(potential.length, Math.max(MIN_CANDIDATE_NODES_ABSOLUTE, Math.trunc((potential.length * MIN_CANDIDATE_NODES_PERCENTAGE) / 100)));
    const offset = Math.floor(this.random() * potential.length);
    const pdbs = compilePDBs(this.pdbs());
    const candidates: Candidate[] = [];
    for (let i = 0; i < potential.length && candidates.length < want; i++) {
      const node = potential[(offset + i) % potential.length];
      const result = this.selectVictimsOnNode(state.clone(), pod, node.clone(), pdbs);
      if (result instanceof Status) statuses.set(node.name, result);
      else candidates.push({ node: node.name, ...result });
    }
    return candidates;
  }

  /** The fewest, least important pods whose removal lets the pod fit on this (copied) node. */
  selectVictimsOnNode(state: CycleState, pod: PodInfo, node: NodeInfo, pdbs: CompiledPDB[]): { victims: PodInfo[]; numPDBViolations: number } | Status {
    const prio = podPriority(pod.pod);
    const potential = node.pods.filter((p) => podPriority(p.pod) < prio);
    if (potential.length === 0) return Status.unresolvable(NO_VICTIMS);
    for (const p of potential) {
      node.removePod(p.uid);
      this.profile.removePod(state, pod, p, node);
    }
    const fits = (): Status | undefined => this.algorithm.filterWithNominated(state, pod, node);
    const status = fits();
    if (status) return status;
    potential.sort(moreImportant);
    const [violating, safe] = splitByPDB(potential, pdbs);
    const victims: PodInfo[] = [];
    let numPDBViolations = 0;
    const reprieve = (p: PodInfo, isViolating: boolean): void => {
      node.addPod(p);
      this.profile.addPod(state, pod, p, node);
      if (fits()) {
        node.removePod(p.uid);
        this.profile.removePod(state, pod, p, node);
        victims.push(p);
        if (isViolating) numPDBViolations++;
      }
    };
    for (const p of violating) reprieve(p, true);
    for (const p of safe) reprieve(p, false);
    if (victims.length === 0) return Status.error(`expected at least one victim pod on node "${node.name}"`);
    return { victims, numPDBViolations };
  }
}

/** Pods whose eviction would exceed a matching PDB's allowed disruptions, and the rest. */
function splitByPDB(pods: readonly PodInfo[], pdbs: CompiledPDB[]): [PodInfo[], PodInfo[]] {
  const allowed = pdbs.map((p) => p.allowed);
  const violating: PodInfo[] = [];
  const safe: PodInfo[] = [];
  for (const p of pods) {
    let violates = false;
    const labels = p.pod.metadata.labels ?? {};
    pdbs.forEach((pdb, i) => {
      if (pdb.namespace !== p.pod.metadata.namespace || pdb.selector.empty() || !pdb.selector.matches(labels)) return;
      allowed[i]--;
      if (allowed[i] < 0) violates = true;
    });
    (violates ? violating : safe).push(p);
  }
  return [violating, safe];
}

/** pickOneNodeForPreemption: fewest PDB violations, lowest top victim priority, lowest priority sum, fewest victims, latest start. */
export function pickCandidate(candidates: readonly Candidate[]): Candidate {
  const highest = (c: Candidate): number => Math.max(...c.victims.map((v) => podPriority(v.pod)));
  const sum = (c: Candidate): number => c.victims.reduce((s, v) => s + podPriority(v.pod) + 2147483648, 0);
  const earliestTopStart = (c: Candidate): number => {
    const top = highest(c);
    return Math.min(...c.victims.filter((v) => podPriority(v.pod) === top).map((v) => startTime(v.pod)));
  };
  const keys: ((c: Candidate) => number)[] = [(c) => c.numPDBViolations, highest, sum, (c) => c.victims.length, (c) => -earliestTopStart(c)];
  let best = [...candidates];
  for (const key of keys) {
    if (best.length === 1) break;
    const min = Math.min(...best.map(key));
    best = best.filter((c) => key(c) === min);
  }
  return best[0];
}
