// Starting node agents from the CLI: the machine's own node over containerd
// (`k8ts server`, `k8ts agent --runtime containerd`), and hollow nodes over the
// simulated runtime (`--simulated-nodes N`, `--runtime simulated`).
import type { Logger } from '../cli/log.js';
import { Client } from '../client/rest.js';
import type { CertificateAuthority } from '../pki/index.js';
import { KubeletServer, type KubeletServerOptions } from './server/server.js';
import { caIssuer, csrIssuer } from './server/serving-certificate.js';
import { DEFAULT_CONTAINER_LOG_MAX_FILES, DEFAULT_CONTAINER_LOG_MAX_SIZE } from './logs/rotation.js';
import { ContainerLogManager } from './logs/manager.js';
import { KubeletHost } from './host.js';
import { hollowNodes } from './hollow.js';
import { defaultBindAddress } from './node-ip.js';
import { parseLabel, parseTaint } from './node-status.js';
import { startContainerdNode, type ContainerdNode } from './containerd/node.js';

/**
 * The kubelet API's certificates: `ca` (the cluster CA, in the server's process) signs the serving
 * certificates and verifies clients; an agent of its own has only the CA's certificate (`clientCaPem`)
 * and gets its serving certificates through CertificateSigningRequests.
 */
export interface KubeletApiFlags {
  ca?: CertificateAuthority;
  clientCaPem?: string;
  port: number;
  /** Where it listens (k3s --bind-address); default: every address of the node IP's family. */
  bindAddress?: string;
}

export interface NodeAgentFlags {
  kubeconfigPath: string;
  /** The API server's URL, when not the kubeconfig's. */
  server?: string;
  simulatedNodes: number;
  /** Prefix of the hollow nodes' names (`<prefix>-<i>`). */
  nodeName?: string;
  /**
   * The InternalIP all the hollow nodes advertise, where their kubelet API is reached (an agent's
   * --node-ip). Without it (the server's own hollow nodes) each has a 172.18.0.0/16 address of its
   * own and their kubelets answer on loopback only.
   */
  nodeIP?: string;
  nodeLabels?: string[];
  nodeTaints?: string[];
  /** CrashLoopBackOff base in ms (upstream 10 s). */
  backoffBaseMs?: number;
  retryMs?: number;
  /** Serve the kubelet API (port 0: any free port, published in node status). */
  kubelet?: KubeletApiFlags;
  /** Container log rotation (--container-log-max-size, --container-log-max-files). */
  containerLogMaxSize?: number;
  containerLogMaxFiles?: number;
  /** --cluster-dns (k3s default 10.43.0.10), --cluster-domain (cluster.local), --resolv-conf (/etc/resolv.conf). */
  clusterDNS?: string[];
  clusterDomain?: string;
  resolvConf?: string;
  /** --allowed-unsafe-sysctls: sysctls (or `prefix.*` patterns) outside the safe set pods may set. */
  allowedUnsafeSysctls?: string[];
}

export interface RunningAgents {
  host: KubeletHost;
  stop(): Promise<void>;
}

export async function startSimulatedNodes(flags: NodeAgentFlags, log: Logger): Promise<RunningAgents> {
  const client = await agentClient(flags.kubeconfigPath, flags.server);
  const labels = Object.fromEntries((flags.nodeLabels ?? []).map(parseLabel));
  const taints = (flags.nodeTaints ?? []).map(parseTaint);
  const nodes = hollowNodes(flags.simulatedNodes, { prefix: flags.nodeName, labels, taints, logMaxBytes: logMaxBytes(flags), nodeIP: flags.nodeIP });
  let kubeletServer: KubeletServer | undefined;
  if (flags.kubelet) {
    const host = flags.nodeIP ? (flags.kubelet.bindAddress ?? defaultBindAddress(flags.nodeIP)) : '127.0.0.1';
    kubeletServer = new KubeletServer({ ...servingOptions(flags.kubelet, client, log), nodes, host, log });
    const port = await kubeletServer.listen(flags.kubelet.port);
    for (const n of nodes) {
      n.config.kubeletPort = port;
      // The API server prefers InternalDNS: without a node IP it is what sends it to loopback.
      if (!flags.nodeIP) n.config.addresses.push({ type: 'InternalDNS', address: 'localhost' });
    }
  }
  const host = new KubeletHost({
    client,
    log,
    nodes,
    backoffBaseMs: flags.backoffBaseMs,
    retryMs: flags.retryMs,
    ...hostOptions(flags),
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
  /** The API server's URL, when not the kubeconfig's. */
  server?: string;
  dataDir: string;
  /** Default: the host name. */
  nodeName?: string;
  /** The node's InternalIP (--node-ip); default: this machine's first non-loopback IPv4. */
  nodeIP?: string;
  nodeLabels?: string[];
  nodeTaints?: string[];
  controlPlane?: boolean;
  backoffBaseMs?: number;
  retryMs?: number;
  /** How often volumes follow their sources (upstream: a minute). */
  volumeResyncMs?: number;
  /** --cluster-dns (k3s default 10.43.0.10), --cluster-domain (cluster.local), --resolv-conf (/etc/resolv.conf). */
  clusterDNS?: string[];
  clusterDomain?: string;
  resolvConf?: string;
  /** --allowed-unsafe-sysctls: sysctls (or `prefix.*` patterns) outside the safe set pods may set. */
  allowedUnsafeSysctls?: string[];
  /** Serve the kubelet's API (logs, exec, attach, port-forward, stats). */
  kubelet?: KubeletApiFlags;
  /** Container log rotation (--container-log-max-size, --container-log-max-files). */
  containerLogMaxSize?: number;
  containerLogMaxFiles?: number;
  /** How often logs are checked for rotation (upstream: 10 s). */
  containerLogMonitorPeriodMs?: number;
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
    nodeIP: flags.nodeIP,
    log,
  });
  const client = await agentClient(flags.kubeconfigPath, flags.server);
  let kubeletServer: KubeletServer | undefined;
  if (flags.kubelet) {
    const nodeIP = node.hosted.config.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
    kubeletServer = new KubeletServer({ ...servingOptions(flags.kubelet, client, log), nodes: [node.hosted], host: flags.kubelet.bindAddress ?? defaultBindAddress(nodeIP), log });
    try {
      node.hosted.config.kubeletPort = await kubeletServer.listen(flags.kubelet.port);
    } catch (err) {
      client.close();
      await node.stop();
      throw err;
    }
  }
  const host = new KubeletHost({ client, log, nodes: [node.hosted], backoffBaseMs: flags.backoffBaseMs, retryMs: flags.retryMs, volumeResyncMs: flags.volumeResyncMs, ...hostOptions(flags) });
  const logs = new ContainerLogManager(node.hosted.runtime, { maxSize: flags.containerLogMaxSize, maxFiles: flags.containerLogMaxFiles }, (message) => log.warn('kubelet', message));
  try {
    await host.start();
    logs.start(flags.containerLogMonitorPeriodMs);
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
      logs.stop();
      await kubeletServer?.close();
      await host.stop();
      client.close();
      try {
        if (agent.removePodsOnStop) await node.removeAllPods();
      } finally {
        // containerd stops even when a sandbox would not go: nothing of this agent keeps running.
        await node.stop();
      }
    },
  };
  return agent;
}

/** Who signs the kubelet API's serving certificates: the cluster CA in this process, or the cluster through CSRs. */
function servingOptions(flags: KubeletApiFlags, client: Client, log: Logger): Pick<KubeletServerOptions, 'issuer' | 'clientCaPem'> {
  if (flags.ca) return { issuer: caIssuer(flags.ca), clientCaPem: flags.ca.certPem };
  if (!flags.clientCaPem) throw new Error('the kubelet API needs the cluster CA certificate to verify its clients');
  return { issuer: csrIssuer(client, log), clientCaPem: flags.clientCaPem };
}

/** What every node of this process shares: DNS for pods and the sysctls it allows. */
function hostOptions(flags: { clusterDNS?: string[]; clusterDomain?: string; resolvConf?: string; allowedUnsafeSysctls?: string[] }) {
  return { clusterDNS: flags.clusterDNS, clusterDomain: flags.clusterDomain, resolvConf: flags.resolvConf, allowedUnsafeSysctls: flags.allowedUnsafeSysctls };
}

async function agentClient(kubeconfigPath: string, server?: string): Promise<Client> {
  const fromFile = await Client.fromKubeconfig(kubeconfigPath, { userAgent: 'kubelet/v1.33.0+k8ts (linux/amd64) k8ts' });
  if (!server) return fromFile;
  fromFile.close();
  return new Client({ ...fromFile.config, server });
}

/** What a simulated container's in-memory log keeps: as much as its rotated files would. */
function logMaxBytes(flags: NodeAgentFlags): number {
  return (flags.containerLogMaxSize ?? DEFAULT_CONTAINER_LOG_MAX_SIZE) * (flags.containerLogMaxFiles ?? DEFAULT_CONTAINER_LOG_MAX_FILES);
}
