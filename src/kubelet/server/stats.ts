// /stats/summary (the Summary API metrics-server reads) and /metrics/resource
// (its Prometheus form). Over CRI the figures are the runtime's cgroup stats
// (ListContainerStats) and the node's own /proc. The simulated runtime has no
// cgroups: each container gets steady figures derived from its ID (a few
// millicores, tens of MiB), and usage accumulates from its start, so rates
// computed from two scrapes hold.
import { createHash } from 'node:crypto';
import type { Container, PodSandbox, RuntimeService } from '../runtime/types.js';
import { nodeCpuSample, nodeMemory } from './node-usage.js';

export interface ContainerStats {
  name: string;
  startTime: string;
  cpu: { time: string; usageNanoCores: number; usageCoreNanoSeconds: number };
  memory: { time: string; workingSetBytes: number; usageBytes: number; rssBytes: number };
}

export interface PodStats {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerStats[];
  cpu: { time: string; usageNanoCores: number; usageCoreNanoSeconds: number };
  memory: { time: string; workingSetBytes: number; usageBytes: number };
}

export interface Summary {
  node: {
    nodeName: string;
    startTime: string;
    cpu: { time: string; usageNanoCores: number; usageCoreNanoSeconds: number };
    memory: { time: string; workingSetBytes: number; usageBytes: number; availableBytes: number };
  };
  pods: PodStats[];
}

function seed(id: string): number {
  return parseInt(createHash('sha256').update(id).digest('hex').slice(0, 8), 16);
}

/** The simulated figures of one running container. */
export function simulatedUsage(id: string, startedAtMs: number, now: number): { nanoCores: number; coreNanoSeconds: number; workingSet: number } {
  const s = seed(id);
  const nanoCores = (1 + (s % 20)) * 1_000_000;
  const workingSet = (4 + ((s >>> 8) % 60)) * 1024 * 1024;
  return { nanoCores, coreNanoSeconds: Math.round((nanoCores * Math.max(0, now - startedAtMs)) / 1000), workingSet };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Node capacity of memory in bytes ("256Gi" etc.), for availableBytes. */
function memoryBytes(text: string | undefined): number {
  const m = /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(text ?? '');
  if (!m) return 0;
  return Number(m[1]) * { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 }[m[2] ?? '']!;
}

/**
 * CPU rates from cumulative CPU time (upstream's CRI stats provider does the same when the runtime
 * reports no usageNanoCores): the difference to the last sample at least a second old; with none
 * yet, the average over the container's life.
 */
export class CpuRates {
  private readonly samples = new Map<string, { timestamp: bigint; coreNs: number; rate: number }>();

  /** `since`: the sample to measure from when there is no earlier one (a container's start, with no CPU time). */
  rate(key: string, timestamp: bigint, coreNs: number, since: { timestamp: bigint; coreNs: number }): number {
    const last = this.samples.get(key);
    if (last && timestamp >= last.timestamp && timestamp - last.timestamp < 1_000_000_000n) return last.rate;
    const from = last && timestamp > last.timestamp && coreNs >= last.coreNs ? last : since;
    const elapsed = Number(timestamp - from.timestamp);
    const rate = elapsed > 0 ? Math.max(0, Math.round(((coreNs - from.coreNs) * 1e9) / elapsed)) : 0;
    this.samples.set(key, { timestamp, coreNs, rate });
    return rate;
  }

  has(key: string): boolean {
    return this.samples.has(key);
  }

  /** Drops the samples of containers that are gone. */
  retain(keys: Set<string>): void {
    for (const k of this.samples.keys()) if (!keys.has(k)) this.samples.delete(k);
  }
}

interface Usage {
  nanoCores: number;
  coreNanoSeconds: number;
  workingSet: number;
  usage: number;
  rss: number;
}

/** Each running container's usage: the runtime's cgroup figures, or simulated ones. */
async function containerUsages(runtime: RuntimeService, running: Container[], started: Map<string, number>, rates: CpuRates, now: number): Promise<Map<string, Usage>> {
  const out = new Map<string, Usage>();
  if (!runtime.listContainerStats) {
    for (const c of running) {
      const u = simulatedUsage(c.id, started.get(c.id)!, now);
      out.set(c.id, { ...u, usage: u.workingSet, rss: u.workingSet });
    }
    return out;
  }
  for (const s of await runtime.listContainerStats()) {
    const startedMs = started.get(s.containerId);
    if (startedMs === undefined) continue;
    const nanoCores = s.usageNanoCores ?? rates.rate(s.containerId, s.timestamp, s.usageCoreNanoSeconds, { timestamp: BigInt(startedMs) * 1_000_000n, coreNs: 0 });
    out.set(s.containerId, { nanoCores, coreNanoSeconds: s.usageCoreNanoSeconds, workingSet: s.workingSetBytes, usage: s.usageBytes, rss: s.rssBytes });
  }
  rates.retain(new Set([...out.keys(), NODE_KEY]));
  return out;
}

const NODE_KEY = '\0node';

/** The node's own figures: this machine's on a real node, a base load plus the pods' on a hollow one. */
async function nodeUsage(runtime: RuntimeService, nodeName: string, nodeStartMs: number, pods: PodStats[], capacity: number, rates: CpuRates, now: number): Promise<Summary['node']> {
  const time = iso(now);
  if (runtime.listContainerStats) {
    // With no earlier sample, measure over a short interval rather than report the average since boot.
    const first = rates.has(NODE_KEY) ? undefined : await nodeCpuSample();
    if (first) await new Promise((r) => setTimeout(r, 250));
    const cpu = await nodeCpuSample();
    const memory = await nodeMemory();
    return {
      nodeName,
      startTime: iso(nodeStartMs),
      cpu: { time, usageNanoCores: rates.rate(NODE_KEY, cpu.timestamp, cpu.usageCoreNanoSeconds, { timestamp: (first ?? cpu).timestamp, coreNs: (first ?? cpu).usageCoreNanoSeconds }), usageCoreNanoSeconds: cpu.usageCoreNanoSeconds },
      memory: { time, ...memory },
    };
  }
  const base = simulatedUsage(nodeName, nodeStartMs, now);
  const nodeCpu = base.nanoCores * 5 + pods.reduce((n, p) => n + p.cpu.usageNanoCores, 0);
  const nodeMem = base.workingSet * 8 + pods.reduce((n, p) => n + p.memory.workingSetBytes, 0);
  return {
    nodeName,
    startTime: iso(nodeStartMs),
    cpu: { time, usageNanoCores: nodeCpu, usageCoreNanoSeconds: base.coreNanoSeconds * 5 + pods.reduce((n, p) => n + p.cpu.usageCoreNanoSeconds, 0) },
    memory: { time, workingSetBytes: nodeMem, usageBytes: nodeMem, availableBytes: Math.max(0, capacity - nodeMem) },
  };
}

export async function summary(nodeName: string, runtime: RuntimeService, nodeStartMs: number, memoryCapacity?: string, rates: CpuRates = new CpuRates(), now: number = Date.now()): Promise<Summary> {
  const sandboxes = new Map<string, PodSandbox>((await runtime.listPodSandbox({ state: 'SANDBOX_READY' })).map((s) => [s.id, s]));
  const running = (await runtime.listContainers({ state: 'CONTAINER_RUNNING' })).filter((c) => sandboxes.has(c.podSandboxId));
  const started = new Map<string, number>();
  for (const c of running) {
    const status = await runtime.containerStatus(c.id).catch(() => undefined);
    started.set(c.id, Number((status?.startedAt ?? c.createdAt) / 1_000_000n));
  }
  const usages = await containerUsages(runtime, running, started, rates, now);
  const pods = new Map<string, PodStats>();
  const time = iso(now);
  for (const c of running) {
    const sandbox = sandboxes.get(c.podSandboxId)!;
    const u = usages.get(c.id);
    if (!u) continue;
    let pod = pods.get(sandbox.id);
    if (!pod) {
      pod = {
        podRef: { name: sandbox.metadata.name, namespace: sandbox.metadata.namespace, uid: sandbox.metadata.uid },
        startTime: iso(Number(sandbox.createdAt / 1_000_000n)),
        containers: [],
        cpu: { time, usageNanoCores: 0, usageCoreNanoSeconds: 0 },
        memory: { time, workingSetBytes: 0, usageBytes: 0 },
      };
      pods.set(sandbox.id, pod);
    }
    pod.containers.push({
      name: c.metadata.name,
      startTime: iso(started.get(c.id)!),
      cpu: { time, usageNanoCores: u.nanoCores, usageCoreNanoSeconds: u.coreNanoSeconds },
      memory: { time, workingSetBytes: u.workingSet, usageBytes: u.usage, rssBytes: u.rss },
    });
    pod.cpu.usageNanoCores += u.nanoCores;
    pod.cpu.usageCoreNanoSeconds += u.coreNanoSeconds;
    pod.memory.workingSetBytes += u.workingSet;
    pod.memory.usageBytes += u.usage;
  }
  const all = [...pods.values()];
  return { node: await nodeUsage(runtime, nodeName, nodeStartMs, all, memoryBytes(memoryCapacity), rates, now), pods: all };
}

/** The /metrics/resource exposition (what metrics-server scrapes). */
export function resourceMetrics(s: Summary, now: number = Date.now()): string {
  const lines: string[] = [];
  const add = (help: string, type: string, name: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value} ${now}`);
  };
  const sec = (ns: number) => ns / 1e9;
  const cl = (p: PodStats, c: ContainerStats) => `{container="${c.name}",namespace="${p.podRef.namespace}",pod="${p.podRef.name}"}`;
  const pl = (p: PodStats) => `{namespace="${p.podRef.namespace}",pod="${p.podRef.name}"}`;
  add('[STABLE] Cumulative cpu time consumed by the container in core-seconds', 'counter', 'container_cpu_usage_seconds_total', s.pods.flatMap((p) => p.containers.map((c) => [cl(p, c), sec(c.cpu.usageCoreNanoSeconds)] as [string, number])));
  add('[STABLE] Current working set of the container in bytes', 'gauge', 'container_memory_working_set_bytes', s.pods.flatMap((p) => p.containers.map((c) => [cl(p, c), c.memory.workingSetBytes] as [string, number])));
  add('[STABLE] Cumulative cpu time consumed by the node in core-seconds', 'counter', 'node_cpu_usage_seconds_total', [['', sec(s.node.cpu.usageCoreNanoSeconds)]]);
  add('[STABLE] Current working set of the node in bytes', 'gauge', 'node_memory_working_set_bytes', [['', s.node.memory.workingSetBytes]]);
  add('[STABLE] Cumulative cpu time consumed by the pod in core-seconds', 'counter', 'pod_cpu_usage_seconds_total', s.pods.map((p) => [pl(p), sec(p.cpu.usageCoreNanoSeconds)]));
  add('[STABLE] Current working set of the pod in bytes', 'gauge', 'pod_memory_working_set_bytes', s.pods.map((p) => [pl(p), p.memory.workingSetBytes]));
  lines.push('# HELP scrape_error [ALPHA] 1 if there was an error while getting container metrics, 0 otherwise', '# TYPE scrape_error gauge', 'scrape_error 0');
  return lines.join('\n') + '\n';
}
