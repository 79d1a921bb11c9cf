// The pod network of a node: a CNI conflist for containerd's CRI plugin — a
// bridge with host-local IPAM over the node's spec.podCIDR, and portmap for
// hostPort. containerd brings up each sandbox's loopback itself (with the
// loopback plugin from the same bin dir). Written once the pod CIDR is known;
// containerd watches the directory and reports NetworkReady from then on.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

export function cniConflist(podCIDR: string, ipamDataDir: string): Record<string, unknown> {
  return {
    cniVersion: '1.0.0',
    name: CNI_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge',
        bridge: CNI_BRIDGE,
        isGateway: true,
        // One masquerade rule for the whole pod CIDR (ensureMasquerade), not a chain per pod: iptables holds a global lock.
        ipMasq: false,
        hairpinMode: true,
        ipam: { type: 'host-local', dataDir: ipamDataDir, ranges: [[{ subnet: podCIDR, gateway: gatewayOf(podCIDR) }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/**
 * Writes the conflist atomically (containerd may read the directory at any moment); no-op when unchanged.
 * A new pod CIDR also drops the bridge (it carries the old gateway address) and the old IP allocations.
 */
export function writeCniConfig(confDir: string, podCIDR: string): boolean {
  mkdirSync(confDir, { recursive: true });
  const file = join(confDir, CNI_CONFLIST);
  const ipamDataDir = join(confDir, '..', '..', '..', 'cni', 'networks');
  const text = JSON.stringify(cniConflist(podCIDR, ipamDataDir), null, 2) + '\n';
  try {
    if (readFileSync(file, 'utf8') === text) return false;
  } catch {
    // Not written yet.
  }
  try {
    execFileSync('ip', ['link', 'delete', CNI_BRIDGE], { stdio: 'ignore' });
  } catch {
    // No bridge yet.
  }
  rmSync(ipamDataDir, { recursive: true, force: true });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  return true;
}

/** Traffic from pods to anywhere outside the pod CIDR leaves with the node's address (one rule, added once). */
export function ensureMasquerade(podCIDR: string): void {
  const rule = ['-t', 'nat', 'POSTROUTING', '-s', podCIDR, '!', '-d', podCIDR, '-m', 'comment', '--comment', 'k8ts pod network', '-j', 'MASQUERADE'];
  const args = (op: string) => [rule[0], rule[1], op, ...rule.slice(2)];
  try {
    execFileSync('iptables', ['-w', ...args('-C')], { stdio: 'ignore' });
  } catch {
    execFileSync('iptables', ['-w', ...args('-A')], { stdio: 'ignore' });
  }
}
