// NodeName: a pod that names its node fits only there.
import { Status, type FilterPlugin, type Result } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import type { PodInfo } from '../podinfo.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export class NodeName implements FilterPlugin {
  readonly name = 'NodeName';

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Result {
    const wanted = pod.pod.spec.nodeName;
    if (wanted && wanted !== node.name) return Status.unresolvable(ERR_REASON_NODE_NAME);
    return undefined;
  }
}
