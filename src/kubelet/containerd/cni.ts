// The pod network of a node: a CNI conflist for containerd's CRI plugin — a
// bridge with host-local IPAM over the node's spec.podCIDR, and portmap for
// hostPort. containerd brings up each sandbox's loopback itself (with the
// loopback plugin from the same bin dir). Written once the pod CIDR is known;
// containerd watches the directory and reports NetworkReady from then on.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CNI_NETWORK_NAME = 'k8ts-pod-network';
export const CNI_BRIDGE = 'k8ts0';
export const CNI_CONFLIST = '10-k8ts.conflist';

/** The first address of a CIDR (the bridge's gateway): 10.42.0.0/24 → 10.42.0.1. */
export function gatewayOf(cidr: string): string {
  const [ip] = cidr.split('/');
  const parts = ip.split('.').map(Number);
  parts[3] += 1;
  return parts.join('.');
}

export function cniConflist(podCIDR: string): Record<string, unknown> {
  return {
    cniVersion: '1.0.0',
    name: CNI_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge',
        bridge: CNI_BRIDGE,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: podCIDR, gateway: gatewayOf(podCIDR) }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/** Writes the conflist atomically (containerd may read the directory at any moment); no-op when unchanged. */
export function writeCniConfig(confDir: string, podCIDR: string): boolean {
  mkdirSync(confDir, { recursive: true });
  const file = join(confDir, CNI_CONFLIST);
  const text = JSON.stringify(cniConflist(podCIDR), null, 2) + '\n';
  try {
    if (readFileSync(file, 'utf8') === text) return false;
  } catch {
    // Not written yet.
  }
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  return true;
}
