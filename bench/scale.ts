// Scale of hollow nodes (`npm run bench -- scale`): 1,000 simulated nodes in
// one `k8ts agent` process running 30 pods each (30,000 pods), on this machine
// beside the API server. Prints how long 30,000 pre-bound pods take to all be
// Running (beside how long the API takes just to accept their creates), then
// the agent's steady state with those pods — CPU, RSS, heartbeat writes/s —
// beside the same figures for the same nodes idle, measured first.
// K8TS_BENCH_SCALE_NODES, K8TS_BENCH_SCALE_PODS_PER_NODE, K8TS_BENCH_WINDOW_S shrink it.
import { createLogger } from '../src/cli/log.js';
import { startServer } from '../src/cli/server.js';
import * as resources from '../src/client/resources.js';
import { Client } from '../src/client/rest.js';
import { tempDir } from '../test/helpers/tmp.js';
import { hollowNodeCount, processUsage, startHollowAgent, type HollowAgent } from './hollow-agent.js';
import type { BenchRow } from './report.js';

const NODES = Number(process.env.K8TS_BENCH_SCALE_NODES ?? 1000);
const PODS_PER_NODE = Number(process.env.K8TS_BENCH_SCALE_PODS_PER_NODE ?? 30);
const WINDOW_S = Number(process.env.K8TS_BENCH_WINDOW_S ?? 30);
/** Creates in flight at once (kubectl apply of a large manifest, or a controller, does about this). */
const CREATE_CONCURRENCY = 32;

function progress(step: string): void {
  process.stderr.write(`scale bench: ${step}\n`);
}

interface SteadyState {
  cpuPercent: number;
  rssMiB: number;
  writesPerSecond: number;
}

/** The agent over a quiet window: its CPU and RSS, and the node and Lease writes its nodes make. */
async function steadyState(client: Client, pid: number): Promise<SteadyState> {
  const leases = client.resource(resources.leases);
  const nodes = client.resource(resources.nodes);
  let writes = 0;
  const watches = [
    leases.watch('kube-node-lease', { resourceVersion: (await leases.list('kube-node-lease', { limit: 1 })).resourceVersion }),
    nodes.watch(undefined, { resourceVersion: (await nodes.list(undefined, { limit: 1 })).resourceVersion }),
  ];
  for (const w of watches) {
    void (async () => {
      for await (const ev of w) if (ev.type === 'MODIFIED' && ev.object.metadata?.name?.startsWith('scale-')) writes++;
    })();
  }
  const before = processUsage(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  const seconds = (performance.now() - t0) / 1000;
  const after = processUsage(pid);
  for (const w of watches) w.stop();
  return { cpuPercent: ((after.cpuSeconds - before.cpuSeconds) / seconds) * 100, rssMiB: after.rssMiB, writesPerSecond: writes / seconds };
}

/** Creates the pods, CREATE_CONCURRENCY at a time; resolves with when the last create was acknowledged and when the last pod was Running (s). */
async function runPods(client: Client, namespace: string, count: number): Promise<{ createdS: number; runningS: number }> {
  const pods = client.resource(resources.pods);
  const running = new Set<string>();
  let allRunning: () => void = () => undefined;
  const done = new Promise<void>((r) => (allRunning = r));
  const watch = pods.watch(namespace, { resourceVersion: (await pods.list(namespace, { limit: 1 })).resourceVersion });
  void (async () => {
    for await (const ev of watch) {
      if ((ev.object.status as { phase?: string } | undefined)?.phase !== 'Running') continue;
      running.add(ev.object.metadata?.name ?? '');
      if (running.size === count) allRunning();
    }
  })();
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const node = `scale-${i % NODES}`;
      await pods.create(namespace, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}` }, spec: { nodeName: node, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } });
    }
  };
  const ticker = setInterval(() => progress(`${next} created, ${running.size} Running`), 10_000);
  try {
    await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
    const createdS = (performance.now() - t0) / 1000;
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${running.size}/${count} pods Running`)), 900_000))]);
    return { createdS, runningS: (performance.now() - t0) / 1000 };
  } finally {
    clearInterval(ticker);
    watch.stop();
  }
}

export async function benchScale(): Promise<BenchRow[]> {
  const dataDir = tempDir('k8ts-bench-scale');
  const server = await startServer(
    // The agent's nodes share two cores with the server: a long grace period keeps a late heartbeat from tainting them.
    { dataDir, httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.32.0.0/11', disableScheduler: true, nodeMonitorGracePeriodMs: 300_000 },
    createLogger(0, () => undefined),
  );
  const client = await Client.fromKubeconfig(server.kubeconfigPath);
  let agent: HollowAgent | undefined;
  try {
    agent = await startHollowAgent(client, server.kubeconfigPath, { count: NODES, prefix: 'scale', timeoutMs: 600_000, progress });
    const pid = agent.pid;
    progress(`${NODES} nodes Ready; idle window ${WINDOW_S}s`);
    await new Promise((r) => setTimeout(r, 12_000));
    const idle = await steadyState(client, pid);
    const count = NODES * PODS_PER_NODE;
    await client.resource(resources.namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scale' } });
    const { createdS, runningS } = await runPods(client, 'scale', count);
    progress(`${count} pods Running after ${runningS.toFixed(0)}s; loaded window ${WINDOW_S}s`);
    await new Promise((r) => setTimeout(r, 12_000));
    const loaded = await steadyState(client, pid);
    const { ready } = await hollowNodeCount(client, 'scale');
    const shape = `${NODES} nodes × ${PODS_PER_NODE} pods`;
    return [
      { backend: 'simulated', metric: `${shape}: all ${count} Running (s; baseline: creates acknowledged)`, value: runningS, baseline: createdS, higherIsBetter: false },
      { backend: 'simulated', metric: `${shape}: nodes Ready afterwards (baseline: all)`, value: ready, baseline: NODES, higherIsBetter: true },
      { backend: 'simulated', metric: `${shape}: agent CPU % of a core (baseline: idle nodes)`, value: loaded.cpuPercent, baseline: idle.cpuPercent, higherIsBetter: false },
      { backend: 'simulated', metric: `${shape}: agent RSS MiB (baseline: idle nodes)`, value: loaded.rssMiB, baseline: idle.rssMiB, higherIsBetter: false },
      { backend: 'simulated', metric: `${shape}: heartbeat writes/s (baseline: upstream rate)`, value: loaded.writesPerSecond, baseline: NODES / 10 + NODES / 300, higherIsBetter: false },
    ];
  } finally {
    await agent?.stop();
    client.close();
    await server.stop();
  }
}
