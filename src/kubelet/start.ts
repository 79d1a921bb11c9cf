// Starting node agents from the CLI: `k8ts server --simulated-nodes N` and
// `k8ts agent --runtime simulated`. Until the containerd runtime exists, the
// only agents are hollow nodes over the simulated runtime.
import type { Logger } from '../cli/log.js';
import { Client } from '../client/rest.js';
import { KubeletHost } from './host.js';
import { hollowNodes } from './hollow.js';
import { parseLabel, parseTaint } from './node-status.js';

export interface NodeAgentFlags {
  kubeconfigPath: string;
  simulatedNodes: number;
  /** Prefix of the hollow nodes' names (`<prefix>-<i>`). */
  nodeName?: string;
  nodeLabels?: string[];
  nodeTaints?: string[];
  /** CrashLoopBackOff base in ms (upstream 10 s). */
  backoffBaseMs?: number;
  retryMs?: number;
}

export interface RunningAgents {
  host: KubeletHost;
  stop(): Promise<void>;
}

export async function startSimulatedNodes(flags: NodeAgentFlags, log: Logger): Promise<RunningAgents> {
  const client = await Client.fromKubeconfig(flags.kubeconfigPath, { userAgent: 'kubelet/v1.33.0+k8ts (linux/amd64) k8ts' });
  const labels = Object.fromEntries((flags.nodeLabels ?? []).map(parseLabel));
  const taints = (flags.nodeTaints ?? []).map(parseTaint);
  const host = new KubeletHost({
    client,
    log,
    nodes: hollowNodes(flags.simulatedNodes, { prefix: flags.nodeName, labels, taints }),
    backoffBaseMs: flags.backoffBaseMs,
    retryMs: flags.retryMs,
  });
  await host.start();
  return {
    host,
    async stop() {
      await host.stop();
      client.close();
    },
  };
}
