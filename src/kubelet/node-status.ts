// The Node object a kubelet registers and the status it posts (upstream
// pkg/kubelet/kubelet_node_status.go and nodestatus setters). Pure functions.
import type { INodeCondition } from 'kubernetes-models/v1/NodeCondition';
import type { INodeStatus } from 'kubernetes-models/v1/NodeStatus';
import type { ITaint } from 'kubernetes-models/v1/Taint';
import type { KubeObject } from '../client/types.js';
import { timeNow } from '../machinery/time.js';
import type { RuntimeCondition } from './runtime/types.js';

export interface NodeAddress {
  type: 'InternalIP' | 'ExternalIP' | 'InternalDNS' | 'ExternalDNS' | 'Hostname';
  address: string;
}

export interface NodeConfig {
  nodeName: string;
  /** --node-label values. */
  labels: Record<string, string>;
  /** --node-taint values. */
  taints: ITaint[];
  /** Servers carry node-role.kubernetes.io/control-plane. */
  controlPlane: boolean;
  addresses: NodeAddress[];
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  nodeInfo: {
    machineID: string;
    systemUUID: string;
    bootID: string;
    kernelVersion: string;
    osImage: string;
    containerRuntimeVersion: string;
    kubeletVersion: string;
    kubeProxyVersion: string;
    operatingSystem: string;
    architecture: string;
  };
  kubeletPort: number;
}

/** `key=value:Effect` or `key:Effect`, as k3s' --node-taint. */
export function parseTaint(text: string): ITaint {
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw new Error(`invalid taint "${text}": want key[=value]:Effect`);
  const effect = text.slice(colon + 1);
  if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) throw new Error(`invalid taint effect "${effect}" in "${text}"`);
  const [key, value] = text.slice(0, colon).split('=', 2);
  return { key, ...(value !== undefined ? { value } : {}), effect: effect as ITaint['effect'] };
}

/** `key=value`, as --node-label. */
export function parseLabel(text: string): [string, string] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
}

export function goArch(arch: string = process.arch): string {
  return arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
}

export function nodeLabels(cfg: NodeConfig): Record<string, string> {
  const { architecture: arch, operatingSystem: os } = cfg.nodeInfo;
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': os,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': cfg.nodeName,
    'kubernetes.io/os': os,
    ...(cfg.controlPlane ? { 'node-role.kubernetes.io/control-plane': 'true' } : {}),
    ...cfg.labels,
  };
}

/** The Node as first created by its kubelet. */
export function registrationNode(cfg: NodeConfig): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: cfg.nodeName,
      labels: nodeLabels(cfg),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: cfg.taints.length > 0 ? { taints: cfg.taints } : {},
  };
}

function condition(type: string, status: boolean, reason: string, message: string): INodeCondition {
  return { type, status: status ? 'True' : 'False', reason, message } as INodeCondition;
}

/** Ready unless the runtime or its network is not; the message names what is missing as upstream does. */
export function readyCondition(runtime: RuntimeCondition[]): INodeCondition {
  const problems: string[] = [];
  for (const c of runtime) {
    if (c.status) continue;
    const what = c.type === 'NetworkReady' ? 'container runtime network not ready' : 'container runtime not ready';
    problems.push(`${what}: ${c.type}=false reason:${c.reason} message:${c.message}`);
  }
  if (problems.length > 0) return condition('Ready', false, 'KubeletNotReady', problems.join(', '));
  return condition('Ready', true, 'KubeletReady', 'kubelet is posting ready status');
}

/** The conditions, keeping lastTransitionTime where the status did not change; lastHeartbeatTime is now. */
export function nodeConditions(runtime: RuntimeCondition[], previous: INodeCondition[] = [], now: string = timeNow()): INodeCondition[] {
  const fresh = [
    condition('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    condition('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    condition('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    readyCondition(runtime),
  ];
  return fresh.map((c) => {
    const prev = previous.find((p) => p.type === c.type);
    return { ...c, lastHeartbeatTime: now, lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now };
  });
}

export function nodeStatus(cfg: NodeConfig, conditions: INodeCondition[], images: { names: string[]; sizeBytes: number }[] = []): INodeStatus {
  return {
    capacity: cfg.capacity,
    allocatable: cfg.allocatable,
    conditions,
    addresses: cfg.addresses,
    daemonEndpoints: { kubeletEndpoint: { Port: cfg.kubeletPort } },
    nodeInfo: cfg.nodeInfo,
    ...(images.length > 0 ? { images } : {}),
  } as INodeStatus;
}

/** Whether two statuses differ in anything but heartbeat times (then the kubelet posts before the 5-minute report). */
export function statusChanged(a: INodeStatus | undefined, b: INodeStatus): boolean {
  if (!a) return true;
  const strip = (s: INodeStatus) => JSON.stringify({ ...s, conditions: (s.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: undefined })) });
  return strip(a) !== strip(b);
}
