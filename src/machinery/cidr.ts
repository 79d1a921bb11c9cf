// IPv4 CIDR arithmetic for the service and cluster ranges.

export interface Ipv4Cidr {
  base: number;
  bits: number;
}

export function parseIpv4(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`invalid IPv4 address "${ip}"`);
  }
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

export function parseCidr(cidr: string): Ipv4Cidr {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`invalid CIDR "${cidr}"`);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return { base: (parseIpv4(ip) & mask) >>> 0, bits: prefix };
}

/** The first usable address: the `kubernetes` Service's ClusterIP. */
export function firstServiceIP(cidr: string): string {
  return formatIpv4(parseCidr(cidr).base + 1);
}
