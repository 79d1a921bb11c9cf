// Resource names and quantities (upstream pkg/apis/core/helper and the
// resource parts of validation.go): requests and limits, quota, QoS class.
import { FieldError, type FieldPath } from '../../machinery/field.js';
import { Quantity, QuantityError } from '../../machinery/quantity.js';
import { isQualifiedName } from '../../machinery/validation.js';
import { isMap, mapOf, mapsOf, type JsonMap } from './util.js';

const HUGE_PAGES_PREFIX = 'hugepages-';
const REQUESTS_HUGE_PAGES_PREFIX = 'requests.hugepages-';
const DEFAULT_NAMESPACE_PREFIX = 'kubernetes.io/';
const REQUESTS_PREFIX = 'requests.';

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const objectCountResources = [
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers',
];
const computeResources = [
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
];
const standardQuotaResources = new Set([...computeResources, 'requests.storage', ...objectCountResources]);
const standardResources = new Set([...computeResources, 'storage', 'requests.storage', ...objectCountResources]);
const integerResources = new Set(objectCountResources);

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith(HUGE_PAGES_PREFIX);
}

function isQuotaHugePageResourceName(name: string): boolean {
  return name.startsWith(HUGE_PAGES_PREFIX) || name.startsWith(REQUESTS_HUGE_PAGES_PREFIX);
}

/** Unprefixed names and names under kubernetes.io/ belong to Kubernetes. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes(DEFAULT_NAMESPACE_PREFIX);
}

export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith(REQUESTS_PREFIX)) return false;
  return isQualifiedName(REQUESTS_PREFIX + name).length === 0;
}

export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

export function isStandardQuotaResourceName(name: string): boolean {
  return standardQuotaResources.has(name) || isQuotaHugePageResourceName(name);
}

function isIntegerResourceName(name: string): boolean {
  return integerResources.has(name) || isExtendedResourceName(name);
}

/** A quantity from JSON, or the decoding error upstream would have reported. */
export function parseQuantityField(value: unknown, path: FieldPath): Quantity | FieldError {
  try {
    return Quantity.fromJSON(value);
  } catch (err) {
    const message = err instanceof QuantityError ? err.message : String(err);
    return FieldError.invalid(path, value, message);
  }
}

/** Parses a quantity, or undefined when it cannot be. */
export function quantityOf(value: unknown): Quantity | undefined {
  try {
    return Quantity.fromJSON(value);
  } catch {
    return undefined;
  }
}

export function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => FieldError.invalid(path, name, msg));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !standardResources.has(name) && !isQuotaHugePageResourceName(name)) {
    errs.push(FieldError.invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  return errs;
}

export function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePageResourceName(name)) {
      errs.push(FieldError.invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(FieldError.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

export function validateResourceQuotaResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && !isStandardQuotaResourceName(name)) {
    errs.push(FieldError.invalid(path, name, 'must be a standard resource for quota'));
  }
  return errs;
}

/** ValidateResourceQuantityValue: not negative, whole for countable resources. */
export function validateResourceQuantityValue(name: string, q: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (q.sign() < 0) errs.push(FieldError.invalid(path, q.toString(), 'must be greater than or equal to 0'));
  if (isIntegerResourceName(name) && q.milliValue() % 1000 !== 0) {
    errs.push(FieldError.invalid(path, q.toString(), 'must be an integer'));
  }
  return errs;
}

/** A resource list (`{cpu: "1", memory: "1Gi"}`), validated name by name and parsed. */
export function validateResourceList(
  list: unknown,
  path: FieldPath,
  nameFn: (name: string, path: FieldPath) => FieldError[],
): { errors: FieldError[]; parsed: Map<string, Quantity> } {
  const errors: FieldError[] = [];
  const parsed = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(mapOf(list))) {
    const keyPath = path.key(name);
    errors.push(...nameFn(name, keyPath));
    const q = parseQuantityField(raw, keyPath);
    if (q instanceof FieldError) {
      errors.push(q);
      continue;
    }
    errors.push(...validateResourceQuantityValue(name, q, keyPath));
    parsed.set(name, q);
  }
  return { errors, parsed };
}

function hugePageValueError(name: string, q: Quantity): string | undefined {
  const pageSize = quantityOf(name.slice(HUGE_PAGES_PREFIX.length));
  const divisible =
    pageSize !== undefined && pageSize.sign() > 0 && pageSize.milliValue() % 1000 === 0 && q.value() % pageSize.value() === 0;
  return divisible ? undefined : `${q.toString()} is not positive integer multiple of ${name}`;
}

/** Requests and limits of a container (ValidateContainerResourceRequirements). */
export function validateResourceRequirements(resources: unknown, path: FieldPath, claimNames: ReadonlySet<string>): FieldError[] {
  const r = mapOf(resources);
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = validateResourceList(r.limits, limPath, validateContainerResourceName);
  const errs = [...limits.errors];
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, q] of limits.parsed) {
    if (isHugePageResourceName(name)) {
      hugePages = true;
      const msg = hugePageValueError(name, q);
      if (msg) errs.push(FieldError.invalid(limPath.key(name), q.toString(), msg));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  const requests = validateResourceList(r.requests, reqPath, validateContainerResourceName);
  errs.push(...requests.errors);
  for (const [name, q] of requests.parsed) {
    errs.push(...requestAgainstLimit(name, q, limits.parsed, r.limits, reqPath, limPath));
    if (isHugePageResourceName(name)) {
      hugePages = true;
      const msg = hugePageValueError(name, q);
      if (msg) errs.push(FieldError.invalid(reqPath.key(name), q.toString(), msg));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (!cpuOrMemory && hugePages) errs.push(FieldError.forbidden(path, 'HugePages require cpu or memory'));
  errs.push(...validateResourceClaimNames(r.claims, claimNames, path.child('claims')));
  return errs;
}

function requestAgainstLimit(
  name: string,
  request: Quantity,
  limits: Map<string, Quantity>,
  rawLimits: unknown,
  reqPath: FieldPath,
  limPath: FieldPath,
): FieldError[] {
  const limit = limits.get(name);
  if (limit) {
    if (request.cmp(limit) !== 0 && !isOvercommitAllowed(name)) {
      return [FieldError.invalid(reqPath, request.toString(), `must be equal to ${name} limit of ${limit.toString()}`)];
    }
    if (request.cmp(limit) > 0) {
      return [FieldError.invalid(reqPath, request.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`)];
    }
    return [];
  }
  if (!isOvercommitAllowed(name) && !Object.hasOwn(mapOf(rawLimits), name)) {
    return [FieldError.required(limPath, 'Limit must be set for non overcommitable resources')];
  }
  return [];
}

function validateResourceClaimNames(claims: unknown, podClaimNames: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  mapsOf(claims).forEach((claim, i) => {
    const name = typeof claim.name === 'string' ? claim.name : '';
    if (name === '') {
      errs.push(FieldError.required(path.index(i)));
      return;
    }
    const key = claim.request ? `${name}/${String(claim.request)}` : name;
    if (seen.has(name) || seen.has(key)) errs.push(FieldError.duplicate(path.index(i), key));
    seen.add(key);
    if (!podClaimNames.has(name)) {
      const names = [...podClaimNames].sort();
      const detail = 'must be one of the names in pod.spec.resourceClaims' + (names.length === 0 ? ' which is empty' : ': ' + names.join(', '));
      errs.push(new FieldError('FieldValueNotFound', path.index(i).toString(), name, detail));
    }
  });
  return errs;
}

/** Sum of positive cpu/memory quantities over containers. */
function addPositive(total: Map<string, Quantity>, list: unknown, found?: Set<string>): void {
  for (const [name, raw] of Object.entries(mapOf(list))) {
    if (name !== 'cpu' && name !== 'memory') continue;
    const q = quantityOf(raw);
    if (!q || q.sign() <= 0) continue;
    found?.add(name);
    const prev = total.get(name);
    total.set(name, prev ? prev.add(q) : q);
  }
}

/** ComputePodQOS: BestEffort, Guaranteed or Burstable from the containers' resources. */
export function computePodQOS(spec: unknown): 'BestEffort' | 'Guaranteed' | 'Burstable' {
  const s = mapOf(spec);
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...mapsOf(s.containers), ...mapsOf(s.initContainers)]) {
    const res: JsonMap = isMap(c.resources) ? c.resources : {};
    addPositive(requests, res.requests);
    const found = new Set<string>();
    addPositive(limits, res.limits, found);
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || lim.cmp(req) !== 0) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
