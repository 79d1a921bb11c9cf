// `k8ts agent`: node agents joining a cluster from another process or machine —
// this machine over containerd (`--runtime containerd`), or hollow nodes (`--runtime simulated`).
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { createLogger, type Logger } from '../cli/log.js';
import { Client } from '../client/rest.js';
import { KubeletHost } from './host.js';
import { hollowNodes } from './hollow.js';
import { parseLabel, parseTaint } from './node-status.js';
import { startContainerdAgent } from './start.js';

export const agentUsage = `Usage: k8ts agent --runtime containerd|simulated --kubeconfig PATH [flags]

Flags:
  --kubeconfig PATH           credentials for the API server (the server's admin kubeconfig)
  --server URL                API server URL (default: the kubeconfig's)
  --runtime R                 containerd (this machine runs pods) or simulated (hollow nodes)
  --data-dir DIR              the agent's state (containerd's config, images, pod logs); default /var/lib/k8ts
  --simulated-nodes N         number of hollow nodes to run (default 1)
  --node-name NAME            prefix of the hollow nodes' names (default k8ts-sim)
  --node-label KEY=VALUE      label for the node(s) (repeatable)
  --node-taint KEY=VALUE:EFFECT  taint for the node(s) (repeatable)
  --cluster-dns IP[,IP]       the cluster DNS server pods resolve through (default 10.43.0.10)
  --cluster-domain DOMAIN     the cluster's DNS domain (default cluster.local)
  --resolv-conf PATH          the node's resolver for pods (default: /etc/resolv.conf, else
                              systemd-resolved's, else 8.8.8.8; loopback resolvers are passed over)
  -v LEVEL                    log verbosity
`;

export async function runAgent(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      kubeconfig: { type: 'string' },
      server: { type: 'string' },
      runtime: { type: 'string' },
      'data-dir': { type: 'string' },
      'simulated-nodes': { type: 'string' },
      'node-name': { type: 'string' },
      'node-label': { type: 'string', multiple: true },
      'node-taint': { type: 'string', multiple: true },
      'cluster-dns': { type: 'string' },
      'cluster-domain': { type: 'string' },
      'resolv-conf': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      v: { type: 'string', short: 'v' },
    },
  });
  if (values.help) {
    process.stdout.write(agentUsage);
    return;
  }
  if (values.runtime !== 'simulated' && values.runtime !== 'containerd') throw new Error('--runtime containerd or --runtime simulated is required');
  if (!values.kubeconfig) throw new Error('--kubeconfig is required (bearer-token joins are not supported yet)');
  const log = createLogger(Number(values.v ?? 0));
  const dns = { clusterDNS: parseClusterDNS(values['cluster-dns']), clusterDomain: values['cluster-domain'], resolvConf: values['resolv-conf'] };
  if (values.runtime === 'containerd') {
    const agent = await startContainerdAgent(
      { kubeconfigPath: values.kubeconfig, dataDir: values['data-dir'] ?? '/var/lib/k8ts', nodeName: values['node-name'], nodeLabels: values['node-label'], nodeTaints: values['node-taint'], ...dns },
      log,
    );
    stopOnSignals(log, () => agent.stop());
    return;
  }
  const fromFile = await Client.fromKubeconfig(values.kubeconfig, { userAgent: 'kubelet/v1.33.0+k8ts (linux/amd64) k8ts' });
  const client = values.server ? new Client({ ...fromFile.config, server: values.server }) : fromFile;
  if (client !== fromFile) fromFile.close();
  const host = new KubeletHost({
    client,
    log,
    nodes: hollowNodes(Number(values['simulated-nodes'] ?? 1), {
      prefix: values['node-name'],
      labels: Object.fromEntries((values['node-label'] ?? []).map(parseLabel)),
      taints: (values['node-taint'] ?? []).map(parseTaint),
    }),
    ...dns,
  });
  await host.start();
  stopOnSignals(log, () => host.stop());
}

/** --cluster-dns: comma-separated IPs (k3s), each checked. */
export function parseClusterDNS(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ips = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const ip of ips) if (isIP(ip) === 0) throw new Error(`invalid --cluster-dns "${ip}": not an IP address`);
  return ips;
}

function stopOnSignals(log: Logger, stop: () => Promise<void>): void {
  const shutdown = (signal: string) => {
    log.info('agent', `${signal}: shutting down`);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
