// The shapes of upstream's scheduler_perf that the scheduler benchmark runs.
import type { KubeObject } from '../src/client/types.js';

export interface PodLike extends KubeObject {
  spec?: { nodeName?: string; [field: string]: unknown };
}

export interface Shape {
  name: string;
  nodes: number;
  /** Pods placed before measuring (e.g. low-priority pods to preempt). */
  initPods: number;
  pods: number;
  node(i: number): KubeObject;
  initPod?(i: number): PodLike;
  pod(i: number): PodLike;
}

/** Requests in flight, as scheduler_perf's client. */
export const CONCURRENCY = 32;

function node(i: number, labels: Record<string, string> = {}, cpu = '4'): KubeObject {
  const name = `node-${i}`;
  const allocatable = { cpu, memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export function pod(name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}, cpu = '100m'): PodLike {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu, memory: '100Mi' } } }], ...spec },
  };
}

const zone = (i: number): string => `zone-${i % 10}`;

export const shapes = (scale: 'small' | 'large'): Shape[] => {
  const basic = (nodes: number, pods: number): Shape => ({ name: `SchedulingBasic ${nodes}n/${pods}p`, nodes, initPods: 0, pods, node: (i) => node(i), pod: (i) => pod(`p-${i}`) });
  const list: Shape[] = [basic(500, 1000)];
  if (scale === 'large') list.push(basic(5000, 10000));
  list.push(
    {
      name: 'SchedulingNodeAffinity 500n/1000p',
      nodes: 500,
      initPods: 0,
      pods: 1000,
      node: (i) => node(i, { 'topology.kubernetes.io/zone': zone(i) }),
      pod: (i) =>
        pod(`p-${i}`, {
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-1', 'zone-2'] }] }] } } },
        }),
    },
    {
      name: 'SchedulingPodAntiAffinity 500n/400p',
      nodes: 500,
      initPods: 0,
      pods: 400,
      node: (i) => node(i),
      pod: (i) =>
        pod(`p-${i}`, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname' }] } } }, { color: 'green' }),
    },
    {
      name: 'TopologySpreading 500n/1000p',
      nodes: 500,
      initPods: 0,
      pods: 1000,
      node: (i) => node(i, { 'topology.kubernetes.io/zone': zone(i) }),
      pod: (i) =>
        pod(`p-${i}`, { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }] }, { app: 'spread' }),
    },
    {
      // Every node full of low-priority pods; each high-priority pod must preempt one.
      name: 'PreemptionBasic 100n/200p',
      nodes: 100,
      initPods: 400,
      pods: 200,
      node: (i) => node(i, {}, '1'),
      initPod: (i) => pod(`low-${i}`, { priorityClassName: 'bench-low' }, {}, '250m'),
      pod: (i) => pod(`p-${i}`, { priorityClassName: 'bench-high' }, {}, '250m'),
    },
  );
  return list;
};
