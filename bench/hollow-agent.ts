// Hollow nodes for benchmarks: a `k8ts agent --runtime simulated` child process
// running N nodes `<prefix>-<i>` against a server, as kubemark runs hollow nodes
// apart from the control plane (and on this machine's other core).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as resources from '../src/client/resources.js';
import type { Client } from '../src/client/rest.js';
import type { KubeObject } from '../src/client/types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface HollowAgent {
  pid: number;
  stop(): Promise<void>;
}

function isReady(node: KubeObject): boolean {
  return ((node.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** How many of the nodes named `<prefix>-<i>` are registered, and how many of those are Ready. */
export async function hollowNodeCount(client: Client, prefix: string): Promise<{ registered: number; ready: number }> {
  const items = (await client.resource(resources.nodes).list()).items.filter((n) => n.metadata?.name?.startsWith(`${prefix}-`));
  return { registered: items.length, ready: items.filter(isReady).length };
}

/**
 * Starts the agent and resolves once all `count` nodes are Ready; `progress` hears how
 * many are every 10 s. The kubelet API listens on a free port (10250 may be taken).
 */
export async function startHollowAgent(
  client: Client,
  kubeconfigPath: string,
  options: { count: number; prefix: string; timeoutMs: number; progress?: (step: string) => void },
): Promise<HollowAgent> {
  const { count, prefix } = options;
  const child = spawn(
    process.execPath,
    [join(root, 'dist', 'src', 'cli', 'main.js'), 'agent', '--runtime', 'simulated', '--simulated-nodes', String(count), '--node-name', prefix, '--kubelet-port', '0', '--kubeconfig', kubeconfigPath],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const agent: HollowAgent = {
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    const deadline = Date.now() + options.timeoutMs;
    let reported = Date.now();
    for (;;) {
      const { registered, ready } = await hollowNodeCount(client, prefix);
      if (ready === count) return agent;
      if (child.exitCode !== null) throw new Error(`the hollow node agent exited with code ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} hollow nodes Ready (${ready} are)`);
      if (Date.now() - reported > 10_000) {
        reported = Date.now();
        options.progress?.(`${registered} hollow nodes registered, ${ready} Ready`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (err) {
    await agent.stop();
    throw err;
  }
}

/** utime + stime of a process in seconds, and its resident memory (Linux /proc). */
export function processUsage(pid: number): { cpuSeconds: number; rssMiB: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100, rssMiB: (rssPages * 4096) / 2 ** 20 };
}
