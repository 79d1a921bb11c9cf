// ImageLocality: prefer nodes that already have the pod's images, weighted
// by how few other nodes have them (so one image does not pull everything).
import { MAX_NODE_SCORE, Status, type CycleState, type PreScorePlugin, type Result, type ScorePlugin, type StateData } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import type { PodInfo } from '../podinfo.js';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;
const PRE_SCORE_KEY = 'PreScoreImageLocality';

/** Adds ":latest" to an image named without tag or digest, as node status reports it. */
export function normalizedImageName(name: string): string {
  const lastSlash = name.lastIndexOf('/');
  const last = name.slice(lastSlash + 1);
  if (last.includes(':') || name.includes('@')) return name;
  return `${name}:latest`;
}

class PreScoreState implements StateData {
  constructor(
    /** The pod's images that some node has, with the share of nodes that have them. */
    readonly images: { name: string; spread: number }[],
    readonly containers: number,
  ) {}

  clone(): PreScoreState {
    return this;
  }
}

export class ImageLocality implements PreScorePlugin, ScorePlugin {
  readonly name = 'ImageLocality';
  readonly weight = 1;

  preScore(state: CycleState, pod: PodInfo): Result {
    const snapshot = state.snapshot;
    const total = snapshot.nodeInfos().length;
    const containers = [...(pod.pod.spec.initContainers ?? []), ...(pod.pod.spec.containers ?? [])];
    const images: { name: string; spread: number }[] = [];
    for (const c of containers) {
      if (!c.image) continue;
      const name = normalizedImageName(c.image);
      const n = snapshot.imageNumNodes(name);
      if (n > 0 && total > 0) images.push({ name, spread: n / total });
    }
    // No node has any of the images: every node would score 0.
    if (images.length === 0) return Status.skip();
    state.write(PRE_SCORE_KEY, new PreScoreState(images, containers.length));
    return undefined;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s) return 0;
    let sum = 0;
    for (const img of s.images) {
      const size = state.snapshot.imageSize(node.name, img.name);
      if (size !== undefined) sum += Math.trunc(size * img.spread);
    }
    const maxThreshold = MAX_CONTAINER_THRESHOLD * Math.max(1, s.containers);
    if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
    else if (sum > maxThreshold) sum = maxThreshold;
    return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
  }
}
