#!/usr/bin/env node
// The k8ts command: `k8ts server` runs the control plane.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from './log.js';
import { startServer } from './server.js';
import { parseGoDuration } from '../api/batch/cron.js';
import { containerdAvailable } from '../kubelet/containerd/supervisor.js';
import { parseClusterDNS } from '../kubelet/dns.js';
import { byteQuantity } from './byte-quantity.js';

const usage = `Usage: k8ts server [flags]

Flags (k3s names):
  --data-dir DIR              state, certificates and kubeconfig (default /var/lib/k8ts as root, else ~/.k8ts)
  --https-listen-port PORT    API server port (default 6443)
  --bind-address ADDR         address to listen on (default all)
  --datastore-endpoint URL    http(s)://HOST:PORT[,...] for etcd; sqlite://PATH; empty for the embedded SQLite
  --write-kubeconfig PATH     also write the admin kubeconfig here
  --service-cidr CIDR         Service ClusterIP range (default 10.43.0.0/16)
  --service-node-port-range R NodePort range (default 30000-32767)
  --cluster-cidr CIDR         Pod IP range (default 10.42.0.0/16)
  --cluster-dns IP[,IP]       cluster DNS server for pods (default: the 10th IP of the service CIDR, 10.43.0.10)
  --cluster-domain DOMAIN     cluster DNS domain (default cluster.local)
  --resolv-conf PATH          the node's resolver for pods (default: /etc/resolv.conf, else
                              systemd-resolved's, else 8.8.8.8; loopback resolvers are passed over)
  --allowed-unsafe-sysctls LIST  sysctls (or prefix.* patterns) outside the safe set pods may set (comma-separated)
  --disable-scheduler         do not run the scheduler
  --simulated-nodes N         run N hollow nodes (simulated runtime) in this process
  --node-name NAME            the agent's node name (hollow nodes: prefix of their names, default k8ts-sim)
  --node-label KEY=VALUE      label for the agent's node(s) (repeatable)
  --node-taint KEY=VALUE:EFFECT  taint for the agent's node(s) (repeatable)
  --disable-agent             run no node agent in this process
  --runtime R                 containerd (real containers; default on Linux as root with containerd installed)
                              or simulated (no node of this machine; hollow nodes only)
  --node-monitor-grace-period D  a node whose kubelet is silent this long is marked Unknown (default 50s)
  --terminated-pod-gc-threshold N  terminated pods kept before the oldest are deleted (default 12500, 0 disables)
  --kubelet-port N            the kubelet API's port (default 10250)
  --kubelet-certificate-authority FILE  verify the kubelets' serving certificates with this CA
                              (default: the cluster CA, which signs every kubelet's serving certificate)
  --cluster-signing-duration D  the longest certificate the built-in CSR signers issue (default 8760h0m0s)
  --container-log-max-size Q  rotate a container's log at this size (default 10Mi)
  --container-log-max-files N keep this many log files per container (default 5)
  -v LEVEL                    log verbosity (2 logs every request)
`;

function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/k8ts' : join(homedir(), '.k8ts');
}

/** --runtime, defaulting to containerd where it can run (and no hollow nodes were asked for instead). */
function serverRuntime(flag: string | undefined, simulatedNodes: string | undefined): 'containerd' | 'simulated' {
  if (flag === 'containerd' || flag === 'simulated') return flag;
  if (flag !== undefined) throw new Error(`unknown --runtime "${flag}": want containerd or simulated`);
  return containerdAvailable() && !simulatedNodes ? 'containerd' : 'simulated';
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  // Each command loads only its own code (a server without a node never loads the kubelet).
  if (command === 'agent') return (await import('../kubelet/cli.js')).runAgent(rest);
  if (command === 'images') return (await import('../kubelet/images/cli.js')).runImages(rest);
  if (command !== 'server') {
    const [{ agentUsage }, { imagesUsage }] = await Promise.all([import('../kubelet/cli.js'), import('../kubelet/images/cli.js')]);
    process.stderr.write(usage + '\n' + agentUsage + '\n' + imagesUsage);
    process.exit(command === undefined || command === '--help' || command === '-h' ? 0 : 2);
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      'https-listen-port': { type: 'string' },
      'bind-address': { type: 'string' },
      'datastore-endpoint': { type: 'string' },
      'write-kubeconfig': { type: 'string' },
      'service-cidr': { type: 'string' },
      'service-node-port-range': { type: 'string' },
      'cluster-cidr': { type: 'string' },
      'cluster-dns': { type: 'string' },
      'cluster-domain': { type: 'string' },
      'resolv-conf': { type: 'string' },
      'allowed-unsafe-sysctls': { type: 'string' },
      'disable-scheduler': { type: 'boolean' },
      'simulated-nodes': { type: 'string' },
      'node-name': { type: 'string' },
      'node-label': { type: 'string', multiple: true },
      'node-taint': { type: 'string', multiple: true },
      'disable-agent': { type: 'boolean' },
      runtime: { type: 'string' },
      'node-monitor-grace-period': { type: 'string' },
      'terminated-pod-gc-threshold': { type: 'string' },
      'kubelet-port': { type: 'string' },
      'kubelet-certificate-authority': { type: 'string' },
      'cluster-signing-duration': { type: 'string' },
      'container-log-max-size': { type: 'string' },
      'container-log-max-files': { type: 'string' },
      v: { type: 'string', short: 'v' },
    },
  });
  const log = createLogger(Number(values.v ?? 0));
  const server = await startServer(
    {
      dataDir: values['data-dir'] ?? defaultDataDir(),
      httpsListenPort: Number(values['https-listen-port'] ?? 6443),
      bindAddress: values['bind-address'] ?? '::',
      datastoreEndpoint: values['datastore-endpoint'],
      writeKubeconfig: values['write-kubeconfig'],
      serviceCidr: values['service-cidr'] ?? '10.43.0.0/16',
      serviceNodePortRange: values['service-node-port-range'],
      clusterCidr: values['cluster-cidr'] ?? '10.42.0.0/16',
      clusterDNS: parseClusterDNS(values['cluster-dns']),
      clusterDomain: values['cluster-domain'],
      resolvConf: values['resolv-conf'],
      allowedUnsafeSysctls: values['allowed-unsafe-sysctls']?.split(',').filter(Boolean),
      disableScheduler: values['disable-scheduler'],
      simulatedNodes: Number(values['simulated-nodes'] ?? 0),
      nodeName: values['node-name'],
      nodeLabels: values['node-label'],
      nodeTaints: values['node-taint'],
      disableAgent: values['disable-agent'],
      runtime: serverRuntime(values.runtime, values['simulated-nodes']),
      nodeMonitorGracePeriodMs: values['node-monitor-grace-period'] === undefined ? undefined : parseGoDuration(values['node-monitor-grace-period']),
      terminatedPodGCThreshold: values['terminated-pod-gc-threshold'] === undefined ? undefined : Number(values['terminated-pod-gc-threshold']),
      kubeletPort: values['kubelet-port'] !== undefined ? Number(values['kubelet-port']) : undefined,
      kubeletCertificateAuthority: values['kubelet-certificate-authority'],
      clusterSigningDurationMs: values['cluster-signing-duration'] === undefined ? undefined : parseGoDuration(values['cluster-signing-duration']),
      containerLogMaxSize: values['container-log-max-size'] !== undefined ? byteQuantity(values['container-log-max-size']) : undefined,
      containerLogMaxFiles: values['container-log-max-files'] !== undefined ? Number(values['container-log-max-files']) : undefined,
    },
    log,
  );
  const shutdown = (signal: string) => {
    log.info('server', `${signal}: shutting down`);
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`k8ts: ${err.message}\n`);
  process.exit(1);
});
