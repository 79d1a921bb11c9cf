// ImageLocality: prefer nodes that already have the pod's images, weighted
// by how few other nodes have them (so one image does not pull everything).
import { MAX_NODE_SCORE, type CycleState, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import type { PodInfo } from '../podinfo.js';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** Adds ":latest" to an image named without tag or digest, as node status reports it. */
export function normalizedImageName(name: string): string {
  const lastSlash = name.lastIndexOf('/');
  const last = name.slice(lastSlash + 1);
  if (last.includes(':') || name.includes('@')) return name;
  return `${name}:latest`;
}

export class ImageLocality implements ScorePlugin {
  readonly name = 'ImageLocality';
  readonly weight = 1;

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const snapshot = state.snapshot;
    const total = snapshot.nodeInfos().length;
    const containers = [...(pod.pod.spec.initContainers ?? []), ...(pod.pod.spec.containers ?? [])];
    let sum = 0;
    for (const c of containers) {
      if (!c.image) continue;
      const image = normalizedImageName(c.image);
      const size = snapshot.imageSize(node.name, image);
      if (size === undefined || total === 0) continue;
      sum += Math.trunc(size * (snapshot.imageNumNodes(image) / total));
    }
    const maxThreshold = MAX_CONTAINER_THRESHOLD * Math.max(1, containers.length);
    if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
    else if (sum > maxThreshold) sum = maxThreshold;
    return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
  }
}
