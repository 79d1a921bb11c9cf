// The scheduling framework's vocabulary (upstream pkg/scheduler/framework):
// statuses, the per-cycle state, and the plugin extension points.
import type { Labels } from '../machinery/labels.js';
import type { NodeInfo } from './nodeinfo.js';
import type { PodInfo } from './podinfo.js';
import type { Pod } from './types.js';

export const MAX_NODE_SCORE = 100;

export enum Code {
  Success = 'Success',
  /** Preemption might help. */
  Unschedulable = 'Unschedulable',
  /** Preemption cannot help on this node. */
  UnschedulableAndUnresolvable = 'UnschedulableAndUnresolvable',
  Error = 'Error',
  /** The plugin has nothing to do for this pod. */
  Skip = 'Skip',
}

export class Status {
  plugin = '';

  constructor(
    readonly code: Code,
    readonly reasons: string[] = [],
  ) {}

  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }

  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }

  static error(message: string): Status {
    return new Status(Code.Error, [message]);
  }

  static skip(): Status {
    return new Status(Code.Skip);
  }

  get message(): string {
    return this.reasons.join(', ');
  }

  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }
}

/** A plugin result: undefined means success. */
export type Result = Status | undefined;

/** What one scheduling cycle sees of the cluster: fixed for the cycle. */
export interface SharedLister {
  /** Every node, in a stable order. */
  nodeInfos(): readonly NodeInfo[];
  /** Nodes with at least one pod that has (anti-)affinity terms. */
  havePodsWithAffinity(): readonly NodeInfo[];
  /** Nodes with at least one pod with required anti-affinity terms. */
  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  /** How many nodes have this (normalized) image. */
  imageNumNodes(image: string): number;
  /** The size of the image on this node, or undefined. */
  imageSize(nodeName: string, image: string): number | undefined;
  namespaceLabels(namespace: string): Labels | undefined;
}

/** Per-cycle scratch space shared by a pod's plugins; cloned for preemption's what-ifs. */
export class CycleState {
  private readonly data = new Map<string, StateData>();

  constructor(readonly snapshot: SharedLister) {}

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  clone(): CycleState {
    const c = new CycleState(this.snapshot);
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    return c;
  }
}

export interface StateData {
  clone(): StateData;
}

export interface Plugin {
  readonly name: string;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo): Result;
  /** Keeps pre-computed state right when preemption adds or removes pods on a node. */
  addPod?(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void;
  removePod?(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Result;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Result;
}

export interface ScorePlugin extends Plugin {
  readonly weight: number;
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rescales raw scores (indexed like `nodes`) to 0..MAX_NODE_SCORE in place. */
  normalize?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: number[]): void;
}

/** DefaultNormalizeScore: scales to 0..max (and reverses when asked). */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: number[]): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(maxPriority);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((maxPriority * scores[i]) / max);
    if (reverse) s = maxPriority - s;
    scores[i] = s;
  }
}

export type { Pod };
