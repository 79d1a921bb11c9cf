// What the kubelet tells a Linux runtime beyond the container itself (upstream
// kuberuntime_container_linux.go, kuberuntime_sandbox_linux.go, dns.go,
// securitycontext): cgroup resources from requests and limits, the merged pod and
// container security context, the sandbox's cgroup parent and host ports.
// Pure functions of the pod.
import { totalmem } from 'node:os';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { computePodQOS } from '../api/core/resources.js';
import { parseQuantity } from '../machinery/quantity.js';
import { ContainerConfigError } from './env.js';
import type { LinuxContainerConfig, LinuxPodSandboxConfig, PortMapping } from './runtime/types.js';

const MIN_SHARES = 2;
const SHARES_PER_CPU = 1024;
const QUOTA_PERIOD = 100_000;
const MIN_QUOTA = 1000;

/** Paths a non-privileged container cannot see or write (upstream's DefaultProcMount lists). */
export const DEFAULT_MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap'];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

function milli(q: unknown): number | undefined {
  return q === undefined ? undefined : parseQuantity(String(q)).milliValue();
}

function bytes(q: unknown): number | undefined {
  return q === undefined ? undefined : parseQuantity(String(q)).value();
}

/** QoS class of the pod (from status when the API server set it). */
function qosOf(pod: IPod): string {
  return pod.status?.qosClass ?? computePodQOS(pod.spec);
}

/** OOM score: Guaranteed -997, BestEffort 1000, Burstable by its memory request's share of the node (upstream GetContainerOOMScoreAdjust). */
export function oomScoreAdj(pod: IPod, c: IContainer, memoryCapacity = totalmem()): number {
  const qos = qosOf(pod);
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const request = bytes(c.resources?.requests?.memory) ?? 0;
  const adj = 1000 - Math.floor((1000 * request) / memoryCapacity);
  return Math.min(999, Math.max(3, adj));
}

export function containerResources(pod: IPod, c: IContainer): NonNullable<LinuxContainerConfig['resources']> {
  const cpuRequest = milli(c.resources?.requests?.cpu);
  const cpuLimit = milli(c.resources?.limits?.cpu);
  const memoryLimit = bytes(c.resources?.limits?.memory);
  // No request but a limit: the request is the limit (API defaulting does this too).
  const request = cpuRequest ?? cpuLimit;
  const out: NonNullable<LinuxContainerConfig['resources']> = {
    cpuShares: request === undefined ? MIN_SHARES : Math.max(MIN_SHARES, Math.floor((request * SHARES_PER_CPU) / 1000)),
    oomScoreAdj: oomScoreAdj(pod, c),
  };
  if (cpuLimit !== undefined) {
    out.cpuPeriod = QUOTA_PERIOD;
    out.cpuQuota = Math.max(MIN_QUOTA, Math.floor((cpuLimit * QUOTA_PERIOD) / 1000));
  }
  if (memoryLimit !== undefined) out.memoryLimitInBytes = memoryLimit;
  return out;
}

function podName(pod: IPod): string {
  return `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
}

/** The container's security context over the pod's (container fields win), as CRI wants it. */
export function containerSecurityContext(pod: IPod, c: IContainer): NonNullable<LinuxContainerConfig['securityContext']> {
  const podSc = pod.spec?.securityContext ?? {};
  const sc = c.securityContext ?? {};
  const runAsUser = sc.runAsUser ?? podSc.runAsUser;
  const runAsGroup = sc.runAsGroup ?? podSc.runAsGroup;
  const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
  // Images k8ts runs have no USER of their own unless set: without runAsUser they run as root.
  if (runAsNonRoot && (runAsUser === undefined || runAsUser === 0)) {
    throw new ContainerConfigError(
      runAsUser === 0
        ? `container's runAsUser breaks non-root policy (pod: "${podName(pod)}", container: ${c.name})`
        : `container has runAsNonRoot and image will run as root (pod: "${podName(pod)}", container: ${c.name})`,
    );
  }
  const groups = [...(podSc.supplementalGroups ?? []), ...(podSc.fsGroup !== undefined ? [podSc.fsGroup] : [])];
  const privileged = sc.privileged === true;
  const spec = pod.spec;
  return {
    capabilities: { addCapabilities: sc.capabilities?.add ?? [], dropCapabilities: sc.capabilities?.drop ?? [] },
    privileged,
    namespaceOptions: {
      network: spec?.hostNetwork ? 'NODE' : 'POD',
      pid: spec?.hostPID ? 'NODE' : spec?.shareProcessNamespace ? 'POD' : 'CONTAINER',
      ipc: spec?.hostIPC ? 'NODE' : 'POD',
    },
    ...(runAsUser !== undefined ? { runAsUser } : {}),
    ...(runAsGroup !== undefined ? { runAsGroup } : {}),
    readonlyRootfs: sc.readOnlyRootFilesystem === true,
    supplementalGroups: groups,
    noNewPrivs: sc.allowPrivilegeEscalation === false,
    maskedPaths: privileged || sc.procMount === 'Unmasked' ? [] : DEFAULT_MASKED_PATHS,
    readonlyPaths: privileged || sc.procMount === 'Unmasked' ? [] : DEFAULT_READONLY_PATHS,
  };
}

/**
 * `targetId`: the running container whose PID namespace an ephemeral container with targetContainerName
 * joins (kubectl debug --target) — unless the pod already shares one namespace or the node's.
 */
export function containerLinuxConfig(pod: IPod, c: IContainer, targetId?: string): LinuxContainerConfig {
  const securityContext = containerSecurityContext(pod, c);
  const ns = securityContext.namespaceOptions;
  if (targetId && ns?.pid === 'CONTAINER') securityContext.namespaceOptions = { ...ns, pid: 'TARGET', targetId };
  return { resources: containerResources(pod, c), securityContext };
}

/** The pod-level cgroup, as upstream's cgroupfs driver names it: /kubepods[/burstable|/besteffort]/pod<uid>. */
export function podCgroupParent(pod: IPod): string {
  const qos = qosOf(pod);
  const uid = pod.metadata?.uid ?? '';
  return qos === 'Guaranteed' ? `/kubepods/pod${uid}` : `/kubepods/${qos.toLowerCase()}/pod${uid}`;
}

export function sandboxLinuxConfig(pod: IPod): LinuxPodSandboxConfig {
  const podSc = pod.spec?.securityContext ?? {};
  const spec = pod.spec;
  const anyPrivileged = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].some((c) => c.securityContext?.privileged);
  return {
    cgroupParent: podCgroupParent(pod),
    securityContext: {
      namespaceOptions: { network: spec?.hostNetwork ? 'NODE' : 'POD', pid: spec?.hostPID ? 'NODE' : spec?.shareProcessNamespace ? 'POD' : 'CONTAINER', ipc: spec?.hostIPC ? 'NODE' : 'POD' },
      ...(podSc.runAsUser !== undefined ? { runAsUser: podSc.runAsUser } : {}),
      ...(podSc.runAsGroup !== undefined ? { runAsGroup: podSc.runAsGroup } : {}),
      supplementalGroups: [...(podSc.supplementalGroups ?? []), ...(podSc.fsGroup !== undefined ? [podSc.fsGroup] : [])],
      privileged: anyPrivileged,
    },
    sysctls: Object.fromEntries((podSc.sysctls ?? []).map((s) => [s.name, s.value])),
  };
}

/** hostPort mappings of the pod's containers. */
export function podPortMappings(pod: IPod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ protocol: (p.protocol ?? 'TCP') as PortMapping['protocol'], containerPort: p.containerPort, hostPort: p.hostPort, ...(p.hostIP ? { hostIp: p.hostIP } : {}) });
    }
  }
  return out;
}
