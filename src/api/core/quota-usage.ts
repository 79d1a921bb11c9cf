// What an object costs against a ResourceQuota (upstream pkg/quota/v1/evaluator/core): its
// usage by quota resource name, whether a quota's scopes select it, and what a pod must
// declare when a quota limits compute resources. Pure; shared by the ResourceQuota
// admission plugin and the ResourceQuota controller.
import { Quantity } from '../../machinery/quantity.js';

export type ResourceList = Record<string, string>;

/** The fields of objects that quota reads. */
export interface QuotaObject {
  metadata?: { deletionTimestamp?: string | null; deletionGracePeriodSeconds?: number | null };
  spec?: unknown;
  status?: unknown;
}

interface Container {
  name: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
}

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  overhead?: ResourceList;
  activeDeadlineSeconds?: number;
  priorityClassName?: string;
  affinity?: {
    podAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[]; preferredDuringSchedulingIgnoredDuringExecution?: { podAffinityTerm: PodAffinityTerm }[] };
    podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[]; preferredDuringSchedulingIgnoredDuringExecution?: { podAffinityTerm: PodAffinityTerm }[] };
  };
}

interface PodAffinityTerm {
  namespaces?: string[];
  namespaceSelector?: unknown;
}

export interface ScopeSelectorRequirement {
  scopeName: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface ResourceQuotaSpec {
  hard?: ResourceList;
  scopes?: string[];
  scopeSelector?: { matchExpressions?: ScopeSelectorRequirement[] };
}

/** A resource as quota names it: `count/<resource>` for core, `count/<resource>.<group>` otherwise. */
export function objectCountName(group: string, resource: string): string {
  return group ? `count/${resource}.${group}` : `count/${resource}`;
}

/** The legacy object-count names that predate `count/...`. */
const LEGACY_COUNTS: Record<string, string> = {
  configmaps: 'configmaps',
  secrets: 'secrets',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
  services: 'services',
  persistentvolumeclaims: 'persistentvolumeclaims',
};

const zero = () => Quantity.of(0);

function addTo(total: Map<string, Quantity>, list: ResourceList | undefined, prefix: string): void {
  for (const [name, value] of Object.entries(list ?? {})) {
    total.set(`${prefix}${name}`, (total.get(`${prefix}${name}`) ?? zero()).add(Quantity.parse(value)));
  }
}

function maxInto(total: Map<string, Quantity>, list: ResourceList | undefined, prefix: string): void {
  for (const [name, value] of Object.entries(list ?? {})) {
    const q = Quantity.parse(value);
    const current = total.get(`${prefix}${name}`);
    if (!current || q.cmp(current) > 0) total.set(`${prefix}${name}`, q);
  }
}

/** A pod's effective requests or limits: its containers summed, at least each init container, plus overhead. */
function podResources(spec: PodSpec, which: 'requests' | 'limits'): Map<string, Quantity> {
  const total = new Map<string, Quantity>();
  for (const c of spec.containers ?? []) addTo(total, c.resources?.[which], '');
  for (const c of spec.initContainers ?? []) maxInto(total, c.resources?.[which], '');
  addTo(total, spec.overhead, '');
  return total;
}

/** QuotaV1Pod: terminal pods, and pods past their deletion grace, no longer count. */
export function podCountsAgainstQuota(pod: QuotaObject, now = Date.now()): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const { deletionTimestamp, deletionGracePeriodSeconds } = pod.metadata ?? {};
  if (deletionTimestamp && deletionGracePeriodSeconds !== undefined && deletionGracePeriodSeconds !== null) {
    return now <= Date.parse(deletionTimestamp) + deletionGracePeriodSeconds * 1000;
  }
  return true;
}

const STANDARD_REQUESTS = new Set(['cpu', 'memory', 'ephemeral-storage']);

function podUsage(pod: QuotaObject, now: number): Map<string, Quantity> {
  const usage = new Map<string, Quantity>([['count/pods', Quantity.of(1)]]);
  if (!podCountsAgainstQuota(pod, now)) return usage;
  const spec = (pod.spec ?? {}) as PodSpec;
  usage.set('pods', Quantity.of(1));
  for (const [name, q] of podResources(spec, 'requests')) {
    usage.set(`requests.${name}`, q);
    // Bare cpu, memory and ephemeral-storage mean their requests.
    if (STANDARD_REQUESTS.has(name)) usage.set(name, q);
  }
  for (const [name, q] of podResources(spec, 'limits')) {
    if (STANDARD_REQUESTS.has(name) || name.startsWith('hugepages-')) usage.set(`limits.${name}`, q);
  }
  return usage;
}

function serviceUsage(svc: QuotaObject): Map<string, Quantity> {
  const spec = (svc.spec ?? {}) as { type?: string; ports?: unknown[]; allocateLoadBalancerNodePorts?: boolean };
  const ports = spec.ports?.length ?? 0;
  const nodePorts = spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false) ? ports : 0;
  return new Map([
    ['services.nodeports', Quantity.of(nodePorts)],
    ['services.loadbalancers', Quantity.of(spec.type === 'LoadBalancer' ? 1 : 0)],
  ]);
}

function claimUsage(claim: QuotaObject): Map<string, Quantity> {
  const spec = (claim.spec ?? {}) as { storageClassName?: string; resources?: { requests?: ResourceList } };
  const storage = Quantity.parse(spec.resources?.requests?.storage ?? '0');
  const usage = new Map([['requests.storage', storage]]);
  if (spec.storageClassName) {
    usage.set(`${spec.storageClassName}.storageclass.storage.k8s.io/requests.storage`, storage);
    usage.set(`${spec.storageClassName}.storageclass.storage.k8s.io/persistentvolumeclaims`, Quantity.of(1));
  }
  return usage;
}

/** Everything an object of `group/resource` uses, by quota resource name. */
export function usageOf(group: string, resource: string, obj: QuotaObject, now = Date.now()): Map<string, Quantity> {
  const usage = new Map<string, Quantity>([[objectCountName(group, resource), Quantity.of(1)]]);
  if (group !== '') return usage;
  const legacy = LEGACY_COUNTS[resource];
  if (legacy) usage.set(legacy, Quantity.of(1));
  const specific = resource === 'pods' ? podUsage(obj, now) : resource === 'services' ? serviceUsage(obj) : resource === 'persistentvolumeclaims' ? claimUsage(obj) : undefined;
  for (const [name, q] of specific ?? []) usage.set(name, q);
  return usage;
}

function isBestEffort(spec: PodSpec): boolean {
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].every((c) => {
    const { requests = {}, limits = {} } = c.resources ?? {};
    return ![...Object.keys(requests), ...Object.keys(limits)].some((n) => n === 'cpu' || n === 'memory');
  });
}

function usesCrossNamespaceAffinity(spec: PodSpec): boolean {
  const terms = [spec.affinity?.podAffinity, spec.affinity?.podAntiAffinity].flatMap((a) => [
    ...(a?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
  ]);
  return terms.some((t) => (t.namespaces?.length ?? 0) > 0 || t.namespaceSelector !== undefined);
}

/** Whether a pod is in one scope (the value is the pod's, for scopeSelector's In/NotIn). */
function podScope(spec: PodSpec, scope: string): { matches: boolean; value?: string } {
  switch (scope) {
    case 'Terminating':
      return { matches: spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds >= 0 };
    case 'NotTerminating':
      return { matches: spec.activeDeadlineSeconds === undefined || spec.activeDeadlineSeconds < 0 };
    case 'BestEffort':
      return { matches: isBestEffort(spec) };
    case 'NotBestEffort':
      return { matches: !isBestEffort(spec) };
    case 'PriorityClass':
      return { matches: spec.priorityClassName !== undefined && spec.priorityClassName !== '', value: spec.priorityClassName };
    case 'CrossNamespacePodAffinity':
      return { matches: usesCrossNamespaceAffinity(spec) };
    default:
      return { matches: false };
  }
}

function requirementMatches(spec: PodSpec, req: ScopeSelectorRequirement): boolean {
  const { matches, value } = podScope(spec, req.scopeName);
  switch (req.operator) {
    case 'Exists':
      return matches;
    case 'DoesNotExist':
      return !matches;
    case 'In':
      return req.scopeName === 'PriorityClass' ? value !== undefined && (req.values ?? []).includes(value) : matches;
    case 'NotIn':
      return req.scopeName === 'PriorityClass' ? value === undefined || !(req.values ?? []).includes(value) : !matches;
  }
}

/** Whether a quota's scopes select an object: unscoped quotas select all; scopes only select pods. */
export function scopesMatch(quota: ResourceQuotaSpec, group: string, resource: string, obj: QuotaObject): boolean {
  const requirements: ScopeSelectorRequirement[] = [
    ...(quota.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' as const })),
    ...(quota.scopeSelector?.matchExpressions ?? []),
  ];
  if (requirements.length === 0) return true;
  if (group !== '' || resource !== 'pods') return false;
  const spec = (obj.spec ?? {}) as PodSpec;
  return requirements.every((r) => requirementMatches(spec, r));
}

const EXPLICIT_REQUIRED = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'cpu', 'memory'];

/**
 * The pod evaluator's constraint: when a quota limits cpu or memory, every container must
 * state that request or limit. Returns upstream's "must specify ..." text, if any is missing.
 */
export function missingComputeDeclarations(pod: QuotaObject, hard: ResourceList): string | undefined {
  const spec = (pod.spec ?? {}) as PodSpec;
  const missing = new Map<string, string[]>();
  for (const name of EXPLICIT_REQUIRED.filter((n) => n in hard)) {
    const [which, resource] = name.includes('.') ? (name.split('.') as ['requests' | 'limits', string]) : (['requests', name] as const);
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      if (c.resources?.[which]?.[resource] === undefined) missing.set(name, [...(missing.get(name) ?? []), c.name]);
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((name) => `${name} for: ${[...new Set(missing.get(name))].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

/** The quota's hard resources an object uses (and so must be checked against). */
export function coveredResources(hard: ResourceList, usage: Map<string, Quantity>): string[] {
  return Object.keys(hard).filter((name) => usage.has(name));
}

/** `a=1,b=2` sorted by name: upstream's prettyPrint of a resource list. */
export function formatResourceList(list: Map<string, Quantity> | ResourceList): string {
  const entries = list instanceof Map ? [...list].map(([k, q]) => [k, q.toString()] as const) : Object.entries(list);
  return entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
