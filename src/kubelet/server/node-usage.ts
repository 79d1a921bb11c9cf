// The node's own usage, for the Summary API's node entry on a real node: CPU
// time from /proc/stat, memory from /proc/meminfo (working set as upstream's
// cAdvisor computes it for the root cgroup: usage minus inactive file pages).
import { readFile } from 'node:fs/promises';

/** USER_HZ: /proc/stat counts in hundredths of a second on every Linux architecture k8ts runs on. */
const NS_PER_TICK = 10_000_000;

export interface NodeCpuSample {
  /** Nanoseconds since the epoch. */
  timestamp: bigint;
  /** CPU time spent outside idle and iowait, summed over all cores. */
  usageCoreNanoSeconds: number;
}

export async function nodeCpuSample(): Promise<NodeCpuSample> {
  const text = await readFile('/proc/stat', 'utf8');
  const fields = text.slice(0, text.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const [user, nice, system, , , irq = 0, softirq = 0, steal = 0] = fields;
  return { timestamp: BigInt(Date.now()) * 1_000_000n, usageCoreNanoSeconds: (user + nice + system + irq + softirq + steal) * NS_PER_TICK };
}

export interface NodeMemory {
  workingSetBytes: number;
  usageBytes: number;
  availableBytes: number;
}

export async function nodeMemory(): Promise<NodeMemory> {
  const text = await readFile('/proc/meminfo', 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name.replace(/[()]/g, '\\$&')}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  const total = kib('MemTotal');
  const usage = total - kib('MemFree');
  const workingSet = Math.max(0, usage - kib('Inactive(file)'));
  return { workingSetBytes: workingSet, usageBytes: usage, availableBytes: Math.max(0, total - workingSet) };
}
