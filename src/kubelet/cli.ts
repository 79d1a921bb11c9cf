// `k8ts agent`: node agents joining a cluster from another process or machine.
// Only the simulated runtime exists yet, so `--runtime simulated` is required.
import { parseArgs } from 'node:util';
import { createLogger } from '../cli/log.js';
import { Client } from '../client/rest.js';
import { KubeletHost } from './host.js';
import { hollowNodes } from './hollow.js';
import { parseLabel, parseTaint } from './node-status.js';

export const agentUsage = `Usage: k8ts agent --runtime simulated --simulated-nodes N --kubeconfig PATH [flags]

Flags:
  --kubeconfig PATH           credentials for the API server (the server's admin kubeconfig)
  --server URL                API server URL (default: the kubeconfig's)
  --runtime simulated         the container runtime (only "simulated" exists yet)
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
  if (values.runtime !== 'simulated') throw new Error('only --runtime simulated is supported yet (the containerd runtime is not built)');
  if (!values.kubeconfig) throw new Error('--kubeconfig is required (bearer-token joins are not supported yet)');
  const log = createLogger(Number(values.v ?? 0));
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
  const shutdown = (signal: string) => {
    log.info('agent', `${signal}: shutting down`);
    host.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
