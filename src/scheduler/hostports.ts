// The host ports a pod asks for: containers and sidecar init containers with hostPort set.
import type { Pod } from './types.js';

export interface HostPort {
  ip?: string;
  protocol?: string;
  port: number;
}

export function podHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const containers = [...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(pod.spec.containers ?? [])];
  for (const c of containers) {
    for (const p of c.ports ?? []) if (p.hostPort && p.hostPort > 0) out.push({ ip: p.hostIP, protocol: p.protocol, port: p.hostPort });
  }
  return out;
}
