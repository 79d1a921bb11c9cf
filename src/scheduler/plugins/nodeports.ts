// NodePorts: a hostPort can be held once per node, protocol and address
// (0.0.0.0 holds it on every address).
import { Status, type FilterPlugin, type Result } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import type { PodInfo } from '../podinfo.js';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

export class NodePorts implements FilterPlugin {
  readonly name = 'NodePorts';

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Result {
    for (const p of pod.hostPorts) {
      if (node.usedPorts.conflicts(p.ip, p.protocol, p.port)) return Status.unschedulable(ERR_REASON_PORTS);
    }
    return undefined;
  }
}
