// The kubelet's sysctl admission (upstream pkg/kubelet/sysctl): a pod may set the
// safe sysctls, and the unsafe ones the node allows (--allowed-unsafe-sysctls,
// names or prefixes ending in *); any other sysctl rejects the pod. A sysctl of
// the network or IPC namespace is refused when the pod shares the host's.
import type { IPod } from 'kubernetes-models/v1/Pod';

/** Upstream's ForbiddenReason: the pod's status reason and the event's. */
export const SYSCTL_FORBIDDEN = 'SysctlForbidden';

type SysctlNamespace = 'ipc' | 'net' | 'uts';

/** Sysctls isolated per pod that cannot hurt the node or other pods (upstream SafeSysctlAllowlist). */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
];

/** The kernel namespace a sysctl belongs to; undefined when it is node-wide. */
export function sysctlNamespace(name: string): SysctlNamespace | undefined {
  if (name.startsWith('kernel.shm') || name.startsWith('kernel.msg') || name === 'kernel.sem' || name.startsWith('fs.mqueue.')) return 'ipc';
  if (name.startsWith('net.')) return 'net';
  if (name === 'kernel.hostname' || name === 'kernel.domainname') return 'uts';
  return undefined;
}

/** net/ipv4/ip_forward and net.ipv4.ip_forward name the same sysctl (a slash-separated name swaps '/' and '.'). */
export function normalizeSysctlName(name: string): string {
  const dot = name.indexOf('.');
  const slash = name.indexOf('/');
  if (slash < 0 || (dot >= 0 && dot < slash)) return name;
  return name.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

/** Whether a pod may run on this node: undefined when it may, else upstream's message (without "Pod was rejected: "). */
export type SysctlAdmission = (pod: IPod) => string | undefined;

/**
 * The admission check for a node allowing `allowedUnsafe` besides the safe sysctls.
 * Throws for a pattern that is not of a namespaced sysctl, as the kubelet refuses to start with one.
 */
export function sysctlAdmission(allowedUnsafe: string[] = []): SysctlAdmission {
  const exact = new Map<string, SysctlNamespace>();
  const prefixes = new Map<string, SysctlNamespace>();
  for (const s of SAFE_SYSCTLS) exact.set(s, sysctlNamespace(s)!);
  for (const pattern of allowedUnsafe.map(normalizeSysctlName)) {
    const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
    const ns = sysctlNamespace(prefix ?? pattern);
    if (!ns) throw new Error(`the sysctls ${JSON.stringify(pattern)} are not known to be namespaced`);
    if (prefix !== undefined) prefixes.set(prefix, ns);
    else exact.set(pattern, ns);
  }
  const check = (name: string, hostNet: boolean, hostIPC: boolean): string | undefined => {
    const sysctl = normalizeSysctlName(name);
    let ns = exact.get(sysctl);
    if (ns === undefined) for (const [p, pns] of prefixes) if (sysctl.startsWith(p)) ns = pns;
    if (ns === undefined) return `${JSON.stringify(sysctl)} not allowlisted`;
    if ((ns === 'ipc' && hostIPC) || (ns === 'net' && hostNet)) return `${JSON.stringify(sysctl)} not allowed with host ${ns} enabled`;
    return undefined;
  };
  return (pod) => {
    const spec = pod.spec;
    for (const s of spec?.securityContext?.sysctls ?? []) {
      const err = check(s.name, spec?.hostNetwork === true, spec?.hostIPC === true);
      if (err) return `forbidden sysctl: ${err}`;
    }
    return undefined;
  };
}
