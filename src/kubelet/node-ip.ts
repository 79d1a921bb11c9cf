// The address a node advertises as its InternalIP (k3s --node-ip) and the one
// its kubelet API listens on (k3s --bind-address): by default this machine's
// first non-loopback IPv4, and every address of that family.
import { isIP } from 'node:net';
import { hostAddresses } from '../pki/index.js';

/** This machine's first non-loopback IPv4 address; loopback when it has none. */
export function defaultNodeIP(): string {
  return hostAddresses().find((a) => isIP(a) === 4) ?? '127.0.0.1';
}

/** k3s's default listen address for the kubelet: any address of the node IP's family. */
export function defaultBindAddress(nodeIP: string): string {
  return isIP(nodeIP) === 6 ? '::' : '0.0.0.0';
}

/** An IP address flag's value, checked. */
export function parseIPFlag(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (isIP(value) === 0) throw new Error(`invalid --${flag} "${value}": not an IP address`);
  return value;
}
