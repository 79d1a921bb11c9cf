// Hollow nodes: node agents over the simulated runtime, many per process, for
// `k8ts server --simulated-nodes N`, scale tests and benchmarks (like KWOK).
import { randomBytes, randomUUID } from 'node:crypto';
import { release } from 'node:os';
import { kubernetesVersion } from '../apiserver/version.js';
import type { HostedNode } from './host.js';
import { goArch, type NodeConfig } from './node-status.js';
import { SimulatedProbeHandler } from './runtime/simulated/probe.js';
import { SIMULATED_RUNTIME_NAME, SIMULATED_RUNTIME_VERSION, SimulatedRuntime } from './runtime/simulated/runtime.js';
import type { ITaint } from 'kubernetes-models/v1/Taint';

export interface HollowNodeOptions {
  /** Names are `<prefix>-<i>` (default k8ts-sim). */
  prefix?: string;
  labels?: Record<string, string>;
  taints?: ITaint[];
  capacity?: Record<string, string>;
  /** Bytes of log each simulated container keeps. */
  logMaxBytes?: number;
  /** The InternalIP every node advertises (an agent's --node-ip); default: one of 172.18.0.0/16 each. */
  nodeIP?: string;
}

/** KWOK's default hollow node size: room for 110 pods of any reasonable request. */
export const HOLLOW_CAPACITY = { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '100Gi' };

/** 172.18.0.2, 172.18.0.3 ... one InternalIP per hollow node (a documentation-free private range, never routed). */
export function hollowNodeIP(index: number): string {
  const n = index + 2;
  return `172.18.${(n >> 8) & 255}.${n & 255}`;
}

export function hollowNodeConfig(index: number, options: HollowNodeOptions = {}): NodeConfig {
  const nodeName = `${options.prefix ?? 'k8ts-sim'}-${index}`;
  const capacity = options.capacity ?? HOLLOW_CAPACITY;
  return {
    nodeName,
    labels: { 'type': 'simulated', ...(options.labels ?? {}) },
    taints: options.taints ?? [],
    controlPlane: false,
    addresses: [
      { type: 'InternalIP', address: options.nodeIP ?? hollowNodeIP(index) },
      { type: 'Hostname', address: nodeName },
    ],
    capacity,
    allocatable: capacity,
    nodeInfo: {
      machineID: randomBytes(16).toString('hex'),
      systemUUID: randomUUID(),
      bootID: randomUUID(),
      kernelVersion: release(),
      osImage: 'k8ts simulated node',
      containerRuntimeVersion: `${SIMULATED_RUNTIME_NAME}://${SIMULATED_RUNTIME_VERSION}`,
      kubeletVersion: kubernetesVersion.gitVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: goArch(),
    },
    kubeletPort: 10250,
  };
}

export type HollowNode = HostedNode & { runtime: SimulatedRuntime };

/** N hollow nodes, each with its own simulated runtime. */
export function hollowNodes(count: number, options: HollowNodeOptions = {}): HollowNode[] {
  return Array.from({ length: count }, (_, i) => {
    const runtime = new SimulatedRuntime({ logMaxBytes: options.logMaxBytes });
    return { config: hollowNodeConfig(i, options), runtime, probes: new SimulatedProbeHandler(runtime) };
  });
}
