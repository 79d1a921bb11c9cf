// NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods that
// tolerate the node.kubernetes.io/unschedulable:NoSchedule taint.
import { Status, type FilterPlugin, type Result } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import type { PodInfo } from '../podinfo.js';
import { tolerated } from '../tolerations.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

export class NodeUnschedulable implements FilterPlugin {
  readonly name = 'NodeUnschedulable';

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Result {
    if (!node.node?.spec?.unschedulable) return undefined;
    if (tolerated({ key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' }, pod.pod.spec.tolerations)) return undefined;
    return Status.unresolvable(ERR_REASON_UNSCHEDULABLE);
  }
}
