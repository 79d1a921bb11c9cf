// /stats/summary (the Summary API metrics-server reads) and /metrics/resource
// (its Prometheus form). The simulated runtime has no cgroups: each container
// gets steady figures derived from its ID (a few millicores, tens of MiB), and
// usage accumulates from its start, so rates computed from two scrapes hold.
import { createHash } from 'node:crypto';
import type { Container, PodSandbox, RuntimeService } from '../runtime/types.js';

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

export async function summary(nodeName: string, runtime: RuntimeService, nodeStartMs: number, memoryCapacity?: string, now: number = Date.now()): Promise<Summary> {
  const sandboxes = new Map<string, PodSandbox>((await runtime.listPodSandbox({ state: 'SANDBOX_READY' })).map((s) => [s.id, s]));
  const running: Container[] = await runtime.listContainers({ state: 'CONTAINER_RUNNING' });
  const pods = new Map<string, PodStats>();
  const time = iso(now);
  for (const c of running) {
    const sandbox = sandboxes.get(c.podSandboxId);
    if (!sandbox) continue;
    const status = await runtime.containerStatus(c.id).catch(() => undefined);
    const started = Number((status?.startedAt ?? c.createdAt) / 1_000_000n);
    const u = simulatedUsage(c.id, started, now);
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
      startTime: iso(started),
      cpu: { time, usageNanoCores: u.nanoCores, usageCoreNanoSeconds: u.coreNanoSeconds },
      memory: { time, workingSetBytes: u.workingSet, usageBytes: u.workingSet, rssBytes: u.workingSet },
    });
    pod.cpu.usageNanoCores += u.nanoCores;
    pod.cpu.usageCoreNanoSeconds += u.coreNanoSeconds;
    pod.memory.workingSetBytes += u.workingSet;
    pod.memory.usageBytes += u.workingSet;
  }
  const all = [...pods.values()];
  // The node: a base load of its own (kubelet, system) plus its pods.
  const base = simulatedUsage(nodeName, nodeStartMs, now);
  const nodeCpu = base.nanoCores * 5 + all.reduce((n, p) => n + p.cpu.usageNanoCores, 0);
  const nodeMem = base.workingSet * 8 + all.reduce((n, p) => n + p.memory.workingSetBytes, 0);
  const capacity = memoryBytes(memoryCapacity);
  return {
    node: {
      nodeName,
      startTime: iso(nodeStartMs),
      cpu: { time, usageNanoCores: nodeCpu, usageCoreNanoSeconds: base.coreNanoSeconds * 5 + all.reduce((n, p) => n + p.cpu.usageCoreNanoSeconds, 0) },
      memory: { time, workingSetBytes: nodeMem, usageBytes: nodeMem, availableBytes: Math.max(0, capacity - nodeMem) },
    },
    pods: all,
  };
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
