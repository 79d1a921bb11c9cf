// LimitRanger admission (upstream plugin/pkg/admission/limitranger): the LimitRanges of a
// namespace give new pods' containers their default requests and limits, and refuse pods and
// claims outside their min, max and limit/request ratio.
import type { ApiObject } from '../../api/kind.js';
import { Quantity } from '../../machinery/quantity.js';
import { forbidden } from '../../machinery/status.js';
import type { ResourceMap } from '../registry/resource-map.js';
import type { AdmissionPlugin } from './plugin.js';

type ResourceList = Record<string, string>;

interface LimitRangeItem {
  type?: string;
  max?: ResourceList;
  min?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

interface Requirements {
  requests?: ResourceList;
  limits?: ResourceList;
}

interface Container {
  name: string;
  resources?: Requirements;
}

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
}

const ANNOTATION = 'kubernetes.io/limit-ranger';
// Quantities up to this size compare by milli-value, as upstream does (resource.MaxMilliValue).
const MAX_MILLI_VALUE = Number.MAX_SAFE_INTEGER / 1000;

/** The values compared: milli-units when every quantity allows it, whole units otherwise. */
function comparable(...quantities: (Quantity | undefined)[]): number[] {
  const present = quantities.filter((q): q is Quantity => q !== undefined);
  const milli = present.every((q) => Math.abs(q.value()) <= MAX_MILLI_VALUE);
  return quantities.map((q) => (q === undefined ? 0 : milli ? q.milliValue() : q.value()));
}

function minConstraint(kind: string, resource: string, enforced: Quantity, request?: Quantity, limit?: Quantity): string | undefined {
  const [req, lim, min] = comparable(request, limit, enforced);
  if (!request) return `minimum ${resource} usage per ${kind} is ${enforced}.  No request is specified`;
  if (req < min) return `minimum ${resource} usage per ${kind} is ${enforced}, but request is ${request}`;
  if (limit && lim < min) return `minimum ${resource} usage per ${kind} is ${enforced}, but limit is ${limit}`;
  return undefined;
}

function maxConstraint(kind: string, resource: string, enforced: Quantity, request?: Quantity, limit?: Quantity): string | undefined {
  const [req, lim, max] = comparable(request, limit, enforced);
  if (!limit) return `maximum ${resource} usage per ${kind} is ${enforced}.  No limit is specified`;
  if (lim > max) return `maximum ${resource} usage per ${kind} is ${enforced}, but limit is ${limit}`;
  if (request && req > max) return `maximum ${resource} usage per ${kind} is ${enforced}, but request is ${request}`;
  return undefined;
}

function ratioConstraint(kind: string, resource: string, enforced: Quantity, request?: Quantity, limit?: Quantity): string | undefined {
  const [req, lim] = comparable(request, limit);
  if (!request || req === 0) return `${resource} max limit to request ratio per ${kind} is ${enforced}, but no request is specified or request is 0`;
  if (!limit || lim === 0) return `${resource} max limit to request ratio per ${kind} is ${enforced}, but no limit is specified or limit is 0`;
  const ratio = lim / req;
  if (ratio > enforced.asApproximateFloat64()) {
    return `${resource} max limit to request ratio per ${kind} is ${enforced}, but provided ratio is ${ratio.toFixed(6)}`;
  }
  return undefined;
}

const quantity = (list: ResourceList | undefined, name: string): Quantity | undefined =>
  list?.[name] === undefined ? undefined : Quantity.parse(list[name]);

/** Every min/max/ratio violation of one set of requests and limits against one item. */
function violations(item: LimitRangeItem, kind: string, requests: ResourceList, limits: ResourceList): string[] {
  const errs: (string | undefined)[] = [];
  const check = (bounds: ResourceList | undefined, rule: typeof minConstraint) => {
    for (const [name, value] of Object.entries(bounds ?? {})) {
      errs.push(rule(kind, name, Quantity.parse(value), quantity(requests, name), quantity(limits, name)));
    }
  };
  check(item.min, minConstraint);
  check(item.max, maxConstraint);
  check(item.maxLimitRequestRatio, ratioConstraint);
  return errs.filter((e): e is string => e !== undefined);
}

/** Fills the requests and limits a container lacks from the item's defaults; says what it set. */
function applyDefaults(container: Container, item: LimitRangeItem, containerType: string): string[] {
  const resources = (container.resources ??= {});
  const fill = (target: 'requests' | 'limits', defaults: ResourceList | undefined): string[] => {
    const set: string[] = [];
    for (const [name, value] of Object.entries(defaults ?? {})) {
      const list = (resources[target] ??= {});
      if (list[name] !== undefined) continue;
      list[name] = value;
      set.push(name);
    }
    return set.sort();
  };
  const requests = fill('requests', item.defaultRequest);
  const limits = fill('limits', item.default);
  const notes: string[] = [];
  if (requests.length) notes.push(`${requests.join(', ')} request for ${containerType} ${container.name}`);
  if (limits.length) notes.push(`${limits.join(', ')} limit for ${containerType} ${container.name}`);
  return notes;
}

/** A pod's total: the sum of its containers, at least the largest init container (upstream podRequests). */
function podTotal(spec: PodSpec, which: 'requests' | 'limits'): ResourceList {
  const total = new Map<string, Quantity>();
  for (const c of spec.containers ?? []) {
    for (const [name, value] of Object.entries(c.resources?.[which] ?? {})) {
      total.set(name, (total.get(name) ?? Quantity.of(0)).add(Quantity.parse(value)));
    }
  }
  for (const c of spec.initContainers ?? []) {
    for (const [name, value] of Object.entries(c.resources?.[which] ?? {})) {
      const q = Quantity.parse(value);
      const current = total.get(name);
      if (!current || q.cmp(current) > 0) total.set(name, q);
    }
  }
  return Object.fromEntries([...total].map(([name, q]) => [name, q.toString()]));
}

function admitPod(pod: ApiObject, items: LimitRangeItem[], create: boolean): string[] {
  const spec = (pod.spec ?? {}) as PodSpec;
  const containerItems = items.filter((i) => i.type === 'Container');
  if (create) {
    const notes: string[] = [];
    for (const item of containerItems) {
      for (const c of spec.containers ?? []) notes.push(...applyDefaults(c, item, 'container'));
      for (const c of spec.initContainers ?? []) notes.push(...applyDefaults(c, item, 'init container'));
    }
    if (notes.length) {
      const meta = (pod.metadata ??= {});
      meta.annotations = { ...meta.annotations, [ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
    }
  }
  const errs: string[] = [];
  for (const item of containerItems) {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      errs.push(...violations(item, 'Container', c.resources?.requests ?? {}, c.resources?.limits ?? {}));
    }
  }
  for (const item of items.filter((i) => i.type === 'Pod')) {
    errs.push(...violations(item, 'Pod', podTotal(spec, 'requests'), podTotal(spec, 'limits')));
  }
  return errs;
}

function admitClaim(claim: ApiObject, items: LimitRangeItem[]): string[] {
  const resources = ((claim.spec ?? {}) as { resources?: Requirements }).resources ?? {};
  const errs: string[] = [];
  for (const item of items.filter((i) => i.type === 'PersistentVolumeClaim')) {
    for (const [name, value] of Object.entries(item.min ?? {})) {
      const e = minConstraint('PersistentVolumeClaim', name, Quantity.parse(value), quantity(resources.requests, name), quantity(resources.limits, name));
      if (e) errs.push(e);
    }
    for (const [name, value] of Object.entries(item.max ?? {})) {
      // A claim's storage is bounded by its request; upstream checks the request against max.
      const enforced = Quantity.parse(value);
      const request = quantity(resources.requests, name);
      if (!request) errs.push(`maximum ${name} usage per PersistentVolumeClaim is ${enforced}.  No request is specified`);
      else if (request.cmp(enforced) > 0) errs.push(`maximum ${name} usage per PersistentVolumeClaim is ${enforced}, but request is ${request}`);
    }
  }
  return errs;
}

/** utilerrors.NewAggregate's text: one error alone, several in brackets. */
const aggregate = (errs: string[]): string => (errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);

export function limitRanger(resources: ResourceMap): AdmissionPlugin {
  const limitRangeItems = async (namespace: string): Promise<LimitRangeItem[]> => {
    const items = await resources.get('', 'limitranges').cachedList(namespace);
    return items.flatMap((lr) => ((lr.spec ?? {}) as { limits?: LimitRangeItem[] }).limits ?? []);
  };
  return {
    name: 'LimitRanger',
    resources: ['/pods', '/persistentvolumeclaims'],
    async admit(obj, operation) {
      const namespace = obj.metadata?.namespace;
      // Pods are checked when created (their resources change only through resize).
      if (!namespace || (obj.kind === 'Pod' && operation !== 'create')) return;
      const items = await limitRangeItems(namespace);
      if (items.length === 0) return;
      const errs = obj.kind === 'Pod' ? admitPod(obj, items, operation === 'create') : admitClaim(obj, items);
      if (errs.length) {
        const resource = obj.kind === 'Pod' ? 'pods' : 'persistentvolumeclaims';
        throw forbidden({ group: '', resource }, obj.metadata?.name ?? '', aggregate(errs));
      }
    },
  };
}
