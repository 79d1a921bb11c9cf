// IP addresses and CIDRs as networking and discovery validation reads them
// (Go's net.ParseIP / ParseCIDR, accepting IPv4 leading zeros as netutils' sloppy forms do).
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  family: 4 | 6;
  /** The network address as an integer. */
  network: bigint;
  prefix: number;
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function expandIPv6(ip: string): string[] {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipv4ToBigInt(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const headParts = head ? head.split(':') : [];
  const restParts = rest === undefined ? [] : rest ? rest.split(':') : [];
  const fill = rest === undefined ? [] : Array<string>(8 - headParts.length - restParts.length).fill('0');
  return [...headParts, ...fill, ...restParts];
}

function ipv6ToBigInt(ip: string): bigint {
  return expandIPv6(ip).reduce((acc, part) => (acc << 16n) | BigInt(parseInt(part, 16)), 0n);
}

/** IPv4 with leading zeros, which Go's sloppy parser still takes. */
function isSloppyIPv4(ip: string): boolean {
  const parts = ip.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

export function ipFamily(ip: string): 4 | 6 | undefined {
  if (isIPv4(ip) || isSloppyIPv4(ip)) return 4;
  if (isIPv6(ip) && !ip.includes('%')) return 6;
  return undefined;
}

export function ipToBigInt(ip: string): bigint | undefined {
  const family = ipFamily(ip);
  if (family === 4) return ipv4ToBigInt(ip);
  if (family === 6) return ipv6ToBigInt(ip);
  return undefined;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family = ipFamily(ip);
  if (!family || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const value = ipToBigInt(ip) ?? 0n;
  const hostBits = BigInt(bits - prefix);
  return { family, network: (value >> hostBits) << hostBits, prefix };
}

/** Whether `inner` is inside `outer` and strictly smaller. */
export function isStrictSubset(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.prefix <= outer.prefix) return false;
  const bits = BigInt((outer.family === 4 ? 32 : 128) - outer.prefix);
  return inner.network >> bits === outer.network >> bits;
}

export const INVALID_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
