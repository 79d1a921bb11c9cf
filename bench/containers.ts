// Real containers benchmark (`npm run bench -- containers`, root with containerd):
// 1. pod startup latency with the image present — creation → Running observed
//    through a watch, p50/p99 over 100 pods — beside `ctr run -d` of the same
//    image against the same containerd in the same run (the runtime's own floor:
//    no API, no kubelet, no pod network), and beside a pod's sandbox + container
//    made straight through CRI (the floor for a pod: pause container and CNI too);
// 2. the agent's RSS (a `k8ts agent --runtime containerd` process) with 30 running
//    pods, beside the RSS of the containerd it supervises.
// K8TS_BENCH_CONTAINER_PODS and K8TS_BENCH_CONTAINER_RATE shrink it for a quick try.
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLogger } from '../src/cli/log.js';
import { startServer } from '../src/cli/server.js';
import * as resources from '../src/client/resources.js';
import { Client } from '../src/client/rest.js';
import type { KubeObject, ResourceClient } from '../src/client/types.js';
import { containerdPaths, type ContainerdPaths } from '../src/kubelet/containerd/paths.js';
import { CriRuntime } from '../src/kubelet/runtime/cri/runtime.js';
import type { PodSandboxConfig } from '../src/kubelet/runtime/types.js';
import { startContainerdNode } from '../src/kubelet/containerd/node.js';
import { shellImage } from '../src/kubelet/images/busybox.js';
import { traceEventLoopDelay } from '../src/kubelet/startup-trace.js';
import { CRI_NAMESPACE, CTR_BIN } from '../src/kubelet/images/import.js';
import { ociArchive } from '../src/kubelet/images/oci.js';
import { acquireHostLock } from '../test/helpers/host-lock.js';
import { tempDir } from '../test/helpers/tmp.js';
import { processUsage } from './hollow-agent.js';
import { percentile, type BenchRow } from './report.js';

const PODS = Number(process.env.K8TS_BENCH_CONTAINER_PODS ?? 100);
const RATE = Number(process.env.K8TS_BENCH_CONTAINER_RATE ?? 2);
const RSS_PODS = Math.min(30, PODS);
/** With K8TS_POD_STARTUP_TRACE=1 the agent logs each pod's startup steps and this prints each pod's latency beside them. */
const TRACE = process.env.K8TS_POD_STARTUP_TRACE === '1';
const IMAGE = 'docker.io/library/busybox:bench';
const NODE = 'bench-node';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

function progress(step: string): void {
  process.stderr.write(`containers bench: ${step}\n`);
}

async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function podManifest(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { bench: 'containers' } },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: IMAGE, command: ['sleep', '3600'] }] },
  };
}

/** Creates pods at RATE/s; resolves with creation → Running latencies (ms). */
async function startupLatencies(pods: ResourceClient<KubeObject>, count: number): Promise<number[]> {
  const created = new Map<string, number>();
  const latencies: number[] = [];
  const watch = pods.watch('default', {});
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((r) => (resolveAll = r));
  void (async () => {
    for await (const ev of watch) {
      const name = ev.object.metadata?.name ?? '';
      const t0 = created.get(name);
      if ((ev.object.status as { phase?: string } | undefined)?.phase === 'Running' && t0 !== undefined) {
        created.delete(name);
        latencies.push(performance.now() - t0);
        if (TRACE) progress(`pod ${name} latency=${Math.round(performance.now() - t0)} running=${Date.now()}`);
        if (latencies.length === count) resolveAll();
      }
    }
  })();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    await pace(start, i);
    created.set(`p-${i}`, performance.now());
    void pods.create('default', podManifest(`p-${i}`));
  }
  await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${latencies.length}/${count} pods Running`)), 300_000))]);
  watch.stop();
  return latencies;
}

/** Waits until the i-th start of a run begun at `start` is due, at RATE per second. */
async function pace(start: number, i: number): Promise<void> {
  const wait = start + (i * 1000) / RATE - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/** `ctr run -d` of the image, one after another at the same rate: create + start of a bare container. */
async function ctrRunLatencies(socket: string, snapshotter: string, count: number): Promise<number[]> {
  const ctr = (...args: string[]) => run(CTR_BIN, ['--address', socket, '--namespace', CRI_NAMESPACE, ...args]);
  const out: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    await pace(start, i);
    const t0 = performance.now();
    await ctr('run', '-d', '--snapshotter', snapshotter, IMAGE, `bench-ctr-${i}`, 'sleep', '3600');
    out.push(performance.now() - t0);
  }
  for (let i = 0; i < count; i++) {
    // delete -f kills the task; retried because a busy containerd may still be reaping it.
    for (let attempt = 0; attempt < 10; attempt++) {
      const gone = await ctr('task', 'delete', '-f', `bench-ctr-${i}`).then(
        () => true,
        (err: Error) => /not found/.test(err.message),
      );
      if (gone) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    await ctr('container', 'delete', `bench-ctr-${i}`).catch(() => undefined);
  }
  return out;
}

/**
 * The runtime's own floor for a pod: RunPodSandbox (pause container and CNI network), CreateContainer
 * and StartContainer of the same image straight through CRI, one pod after another at the same rate —
 * no API server, no kubelet. `ctr run` has no sandbox and no pod network, so it sits below what any pod can reach.
 */
async function criPodLatencies(paths: ContainerdPaths, count: number): Promise<number[]> {
  const runtime = new CriRuntime({ socket: paths.socket, podLogRoot: paths.podLogsDir, cniConfDir: paths.cniConfDir, log: createLogger(0, () => undefined) });
  const out: number[] = [];
  const sandboxes: string[] = [];
  const start = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      await pace(start, i);
      const sandbox: PodSandboxConfig = {
        metadata: { name: `cri-floor-${i}`, namespace: 'bench', uid: randomUUID(), attempt: 0 },
        hostname: `cri-floor-${i}`,
        logDirectory: join(paths.podLogsDir, `cri-floor-${i}`),
        portMappings: [],
        labels: {},
        annotations: {},
      };
      const t0 = performance.now();
      const id = await runtime.runPodSandbox(sandbox);
      sandboxes.push(id);
      const container = await runtime.createContainer(
        id,
        { metadata: { name: 'c', attempt: 0 }, image: { image: IMAGE }, command: ['sleep', '3600'], args: [], workingDir: '', envs: [], labels: {}, annotations: {}, logPath: 'c/0.log' },
        sandbox,
      );
      await runtime.startContainer(container);
      out.push(performance.now() - t0);
    }
  } finally {
    for (const id of sandboxes) {
      await runtime.stopPodSandbox(id).catch(() => undefined);
      await runtime.removePodSandbox(id).catch(() => undefined);
    }
    runtime.close();
  }
  return out;
}

export async function benchContainers(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dataDir = tempDir('k8ts-bench-containers');
  const paths = containerdPaths(dataDir);
  // The image is imported at the agent's start, as an air-gapped tarball.
  mkdirSync(paths.imagesDir, { recursive: true });
  writeFileSync(join(paths.imagesDir, 'busybox.tar'), ociArchive(shellImage(), [IMAGE]));
  const log = createLogger(0, () => undefined);
  const server = await startServer({ dataDir: join(dataDir, 'server'), httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16', disableScheduler: true, disableAgent: true }, log);
  const client = await Client.fromKubeconfig(server.kubeconfigPath);
  const pods = client.resource(resources.pods);
  // The agent's containerd shares the host's pod bridge with other runs' real-container clusters.
  const releaseHostLock = await acquireHostLock();
  const agent = spawn(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), 'agent', '--runtime', 'containerd', '--data-dir', dataDir, '--node-name', NODE, '--kubeconfig', server.kubeconfigPath], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await until('node Ready', async () => {
      const node = await client.resource(resources.nodes).get(undefined, NODE).catch(() => undefined);
      return ((node?.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    }, 120_000);
    progress('node Ready');
    // Each run starts from a node running nothing (the floors remove what they started).
    const snapshotter = /snapshotter = "([^"]+)"/.exec(readFileSync(paths.configFile, 'utf8'))?.[1] ?? 'overlayfs';
    const floor = await ctrRunLatencies(paths.socket, snapshotter, PODS);
    progress(`${PODS} ctr run`);
    const criFloor = await criPodLatencies(paths, PODS);
    progress(`${PODS} pods straight through CRI`);
    // The API server runs in this process: its event loop delays show beside the agent's.
    const stopLoopTrace = traceEventLoopDelay(createLogger(0));
    const k8ts = await startupLatencies(pods, PODS);
    stopLoopTrace();
    progress(`${PODS} pods Running`);
    rows.push({ backend: 'containerd', metric: `pod startup p50, ${PODS} pods, image present, ${RATE}/s (ms; baseline ctr run)`, value: percentile(k8ts, 50), baseline: percentile(floor, 50), higherIsBetter: false });
    rows.push({ backend: 'containerd', metric: `pod startup p99, ${PODS} pods, image present, ${RATE}/s (ms; baseline ctr run)`, value: percentile(k8ts, 99), baseline: percentile(floor, 99), higherIsBetter: false });
    rows.push({ backend: 'containerd', metric: `pod startup p50 (ms; baseline sandbox+container straight through CRI)`, value: percentile(k8ts, 50), baseline: percentile(criFloor, 50), higherIsBetter: false });
    rows.push({ backend: 'containerd', metric: `pod startup p99 (ms; baseline sandbox+container straight through CRI)`, value: percentile(k8ts, 99), baseline: percentile(criFloor, 99), higherIsBetter: false });
    rows.push({ backend: 'containerd', metric: `CRI sandbox+container p99 (ms; baseline ctr run)`, value: percentile(criFloor, 99), baseline: percentile(floor, 99), higherIsBetter: false });
    // Down to 30 running pods, then let the agent settle before reading memory.
    for (let i = RSS_PODS; i < PODS; i++) await pods.delete('default', `p-${i}`, { gracePeriodSeconds: 0 }).catch(() => undefined);
    await until(`${RSS_PODS} pods left`, async () => (await pods.list('default')).items.length === RSS_PODS, 180_000);
    await new Promise((r) => setTimeout(r, 10_000));
    const containerdPid = Number(readFileSync(join(paths.state, 'k8ts-containerd.pid'), 'utf8'));
    rows.push({ backend: 'containerd', metric: `agent RSS with ${RSS_PODS} running pods (MiB; baseline containerd)`, value: processUsage(agent.pid ?? 0).rssMiB, baseline: processUsage(containerdPid).rssMiB, higherIsBetter: false });
    for (let i = 0; i < RSS_PODS; i++) await pods.delete('default', `p-${i}`, { gracePeriodSeconds: 0 }).catch(() => undefined);
    await until('pods gone', async () => (await pods.list('default')).items.length === 0, 180_000).catch(() => undefined);
    // Force-deleted pods leave the API at once; their kubelet tears them down after. Stopping the agent meanwhile
    // could cut a sandbox off from containerd and leave its shim running.
    const tasks = async () => (await run(CTR_BIN, ['--address', paths.socket, '--namespace', CRI_NAMESPACE, 'tasks', 'ls', '-q'])).stdout.trim();
    await until('the kubelet to stop every pod', async () => (await tasks()) === '', 120_000).catch(() => undefined);
  } finally {
    agent.kill('SIGTERM');
    await new Promise((r) => agent.once('exit', r));
    // Whatever still runs goes: nothing of the benchmark outlives it.
    try {
      const node = await startContainerdNode({ dataDir, nodeName: NODE, log });
      await node.removeAllPods();
      await node.stop();
    } finally {
      releaseHostLock();
    }
    client.close();
    await server.stop();
  }
  return rows;
}
