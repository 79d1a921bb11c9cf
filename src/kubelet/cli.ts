// `k8ts agent`: node agents joining a cluster from another process or machine —
// this machine over containerd (`--runtime containerd`), or hollow nodes (`--runtime simulated`).
import { parseArgs } from 'node:util';
import { byteQuantity } from '../cli/byte-quantity.js';
import { createLogger, type Logger } from '../cli/log.js';
import { loadKubeconfig } from '../pki/kubeconfig.js';
import { defaultNodeIP, parseIPFlag } from './node-ip.js';
import { DEFAULT_KUBELET_PORT } from './ports.js';
import { parseClusterDNS } from './dns.js';
import { startContainerdAgent, startSimulatedNodes } from './start.js';

export const agentUsage = `Usage: k8ts agent --runtime containerd|simulated --kubeconfig PATH [flags]

Flags:
  --kubeconfig PATH           credentials for the API server (the server's admin kubeconfig)
  --server URL                API server URL (default: the kubeconfig's)
  --runtime R                 containerd (this machine runs pods) or simulated (hollow nodes)
  --data-dir DIR              the agent's state (containerd's config, images, pod logs); default /var/lib/k8ts
  --simulated-nodes N         number of hollow nodes to run (default 1)
  --node-name NAME            prefix of the hollow nodes' names (default k8ts-sim)
  --node-ip IP                the address the node(s) advertise as InternalIP, where the API server
                              reaches their kubelet (default: this machine's first non-loopback IPv4)
  --bind-address IP           the address the kubelet API listens on (default 0.0.0.0, :: for an IPv6 node IP)
  --node-label KEY=VALUE      label for the node(s) (repeatable)
  --node-taint KEY=VALUE:EFFECT  taint for the node(s) (repeatable)
  --cluster-dns IP[,IP]       the cluster DNS server pods resolve through (default 10.43.0.10)
  --cluster-domain DOMAIN     the cluster's DNS domain (default cluster.local)
  --resolv-conf PATH          the node's resolver for pods (default: /etc/resolv.conf, else
                              systemd-resolved's, else 8.8.8.8; loopback resolvers are passed over)
  --allowed-unsafe-sysctls LIST  sysctls (or prefix.* patterns) outside the safe set pods may set (comma-separated)
  --kubelet-port N            the kubelet API's port (default 10250; 0: any free port)
  --container-log-max-size Q  rotate a container's log at this size (default 10Mi)
  --container-log-max-files N keep this many log files per container (default 5)
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
      'node-ip': { type: 'string' },
      'bind-address': { type: 'string' },
      'node-label': { type: 'string', multiple: true },
      'node-taint': { type: 'string', multiple: true },
      'cluster-dns': { type: 'string' },
      'cluster-domain': { type: 'string' },
      'resolv-conf': { type: 'string' },
      'allowed-unsafe-sysctls': { type: 'string' },
      'kubelet-port': { type: 'string' },
      'container-log-max-size': { type: 'string' },
      'container-log-max-files': { type: 'string' },
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
  // The kubelet API verifies the API server's client certificate against the cluster CA the
  // kubeconfig trusts (upstream's --client-ca-file); its serving certificates come through CSRs.
  const { caCertPem } = await loadKubeconfig(values.kubeconfig);
  if (!caCertPem) throw new Error('the kubeconfig names no certificate authority: the kubelet API needs it to verify the API server');
  const kubelet = {
    clientCaPem: caCertPem,
    port: values['kubelet-port'] !== undefined ? Number(values['kubelet-port']) : DEFAULT_KUBELET_PORT,
    bindAddress: parseIPFlag('bind-address', values['bind-address']),
  };
  const common = {
    kubeconfigPath: values.kubeconfig,
    server: values.server,
    nodeName: values['node-name'],
    nodeIP: parseIPFlag('node-ip', values['node-ip']) ?? defaultNodeIP(),
    nodeLabels: values['node-label'],
    nodeTaints: values['node-taint'],
    kubelet,
    containerLogMaxSize: values['container-log-max-size'] !== undefined ? byteQuantity(values['container-log-max-size']) : undefined,
    containerLogMaxFiles: values['container-log-max-files'] !== undefined ? Number(values['container-log-max-files']) : undefined,
    clusterDNS: parseClusterDNS(values['cluster-dns']),
    clusterDomain: values['cluster-domain'],
    resolvConf: values['resolv-conf'],
    allowedUnsafeSysctls: values['allowed-unsafe-sysctls']?.split(',').filter(Boolean),
  };
  const agent =
    values.runtime === 'containerd'
      ? await startContainerdAgent({ ...common, dataDir: values['data-dir'] ?? '/var/lib/k8ts' }, log)
      : await startSimulatedNodes({ ...common, simulatedNodes: Number(values['simulated-nodes'] ?? 1) }, log);
  stopOnSignals(log, () => agent.stop());
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
