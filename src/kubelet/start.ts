// Starting node agents from the CLI: the machine's own node over containerd
// (`k8ts server`, `k8ts agent --runtime containerd`), and hollow nodes over the
// simulated runtime (`--simulated-nodes N`, `--runtime simulated`).
import type { Logger } from '../cli/log.js';
import { Client } from '../client/rest.js';
import type { CertificateAuthority } from '../pki/index.js';
import { KubeletServer } from './server/server.js';
import { DEFAULT_CONTAINER_LOG_MAX_FILES, DEFAULT_CONTAINER_LOG_MAX_SIZE } from './logs/rotation.js';
import { KubeletHost } from './host.js';
import { hollowNodes } from './hollow.js';
import { parseLabel, parseTaint } from './node-status.js';
import { startContainerdNode, type ContainerdNode } from './containerd/node.js';

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
  /** Serve the kubelet API (port 0: any free port, published in node status) with a certificate from this CA. */
  kubelet?: { ca: CertificateAuthority; port: number };
  /** Container log rotation (--container-log-max-size, --container-log-max-files). */
  containerLogMaxSize?: number;
  containerLogMaxFiles?: number;
  /** --cluster-dns (k3s default 10.43.0.10), --cluster-domain (cluster.local), --resolv-conf (/etc/resolv.conf). */
  clusterDNS?: string[];
  clusterDomain?: string;
  resolvConf?: string;
}

export interface RunningAgents {
  host: KubeletHost;
  stop(): Promise<void>;
}

export async function startSimulatedNodes(flags: NodeAgentFlags, log: Logger): Promise<RunningAgents> {
  const client = await Client.fromKubeconfig(flags.kubeconfigPath, { userAgent: 'kubelet/v1.33.0+k8ts (linux/amd64) k8ts' });
  const labels = Object.fromEntries((flags.nodeLabels ?? []).map(parseLabel));
  const taints = (flags.nodeTaints ?? []).map(parseTaint);
  const nodes = hollowNodes(flags.simulatedNodes, { prefix: flags.nodeName, labels, taints, logMaxBytes: logMaxBytes(flags) });
  let kubeletServer: KubeletServer | undefined;
  if (flags.kubelet) {
    // Hollow nodes' kubelets live in this process, reachable on loopback only.
    kubeletServer = new KubeletServer({ ca: flags.kubelet.ca, nodes, host: '127.0.0.1', log });
    const port = await kubeletServer.listen(flags.kubelet.port);
    for (const n of nodes) {
      n.config.kubeletPort = port;
      n.config.addresses.push({ type: 'InternalDNS', address: 'localhost' });
    }
  }
  const host = new KubeletHost({
    client,
    log,
    nodes,
    backoffBaseMs: flags.backoffBaseMs,
    retryMs: flags.retryMs,
    ...dnsOptions(flags),
  });
  await host.start();
  return {
    host,
    async stop() {
      await kubeletServer?.close();
      await host.stop();
      // Hollow nodes' containers live in this process: they end with it.
      for (const n of nodes) n.runtime.shutdown();
      client.close();
    },
  };
}

export interface ContainerdAgentFlags {
  kubeconfigPath: string;
  dataDir: string;
  /** Default: the host name. */
  nodeName?: string;
  nodeLabels?: string[];
  nodeTaints?: string[];
  controlPlane?: boolean;
  backoffBaseMs?: number;
  retryMs?: number;
  /** How often volumes follow their sources (upstream: a minute). */
  volumeResyncMs?: number;
  /** Serve the kubelet's API (logs, exec, attach, port-forward, stats) with a certificate from this CA. */
  kubelet?: { ca: CertificateAuthority; port: number };
  /** --cluster-dns (k3s default 10.43.0.10), --cluster-domain (cluster.local), --resolv-conf (/etc/resolv.conf). */
  clusterDNS?: string[];
  clusterDomain?: string;
  resolvConf?: string;
}

export interface RunningContainerdAgent extends RunningAgents {
  node: ContainerdNode;
  /** Remove every pod sandbox at stop (tests); normally pods keep running across agent restarts. */
  removePodsOnStop: boolean;
}

/** This machine as a node: its own containerd, and a kubelet over CRI. */
export async function startContainerdAgent(flags: ContainerdAgentFlags, log: Logger): Promise<RunningContainerdAgent> {
  const node = await startContainerdNode({
    dataDir: flags.dataDir,
    nodeName: flags.nodeName,
    labels: Object.fromEntries((flags.nodeLabels ?? []).map(parseLabel)),
    taints: (flags.nodeTaints ?? []).map(parseTaint),
    controlPlane: flags.controlPlane,
    log,
  });
  let kubeletServer: KubeletServer | undefined;
  if (flags.kubelet) {
    const ips = node.hosted.config.addresses.filter((a) => a.type === 'InternalIP').map((a) => a.address);
    kubeletServer = new KubeletServer({ ca: flags.kubelet.ca, nodes: [node.hosted], log, sans: { dnsNames: [node.hosted.config.nodeName], ips } });
    node.hosted.config.kubeletPort = await kubeletServer.listen(flags.kubelet.port);
  }
  const client = await Client.fromKubeconfig(flags.kubeconfigPath, { userAgent: 'kubelet/v1.33.0+k8ts (linux/amd64) k8ts' });
  const host = new KubeletHost({ client, log, nodes: [node.hosted], backoffBaseMs: flags.backoffBaseMs, retryMs: flags.retryMs, volumeResyncMs: flags.volumeResyncMs, ...dnsOptions(flags) });
  try {
    await host.start();
  } catch (err) {
    client.close();
    await kubeletServer?.close();
    await node.stop();
    throw err;
  }
  const agent: RunningContainerdAgent = {
    host,
    node,
    removePodsOnStop: false,
    async stop() {
      await kubeletServer?.close();
      await host.stop();
      client.close();
      if (agent.removePodsOnStop) await node.removeAllPods();
      await node.stop();
    },
  };
  return agent;
}

function dnsOptions(flags: { clusterDNS?: string[]; clusterDomain?: string; resolvConf?: string }) {
  return { clusterDNS: flags.clusterDNS, clusterDomain: flags.clusterDomain, resolvConf: flags.resolvConf };
}

/** What a simulated container's in-memory log keeps: as much as its rotated files would. */
function logMaxBytes(flags: NodeAgentFlags): number {
  return (flags.containerLogMaxSize ?? DEFAULT_CONTAINER_LOG_MAX_SIZE) * (flags.containerLogMaxFiles ?? DEFAULT_CONTAINER_LOG_MAX_FILES);
}
