// `k8ts agent`: node agents joining a cluster from another process or machine —
// this machine over containerd (`--runtime containerd`), or hollow nodes (`--runtime simulated`).
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
  if (values.runtime === 'containerd') {
    const agent = await startContainerdAgent(
      { kubeconfigPath: values.kubeconfig, dataDir: values['data-dir'] ?? '/var/lib/k8ts', nodeName: values['node-name'], nodeLabels: values['node-label'], nodeTaints: values['node-taint'] },
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
  });
  await host.start();
  stopOnSignals(log, () => host.stop());
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
