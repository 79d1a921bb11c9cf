// Filesystem-path and downward-API field checks shared by volumes and containers.
import { FieldError, type FieldPath } from '../../machinery/field.js';
import { isQualifiedName } from '../../machinery/validation.js';
import { mapOf, stringOf } from './util.js';
import { quantityOf } from './resources.js';

export const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

export function validatePathNoBacksteps(target: string, path: FieldPath): FieldError[] {
  return target.split('/').includes('..') ? [FieldError.invalid(path, target, "must not contain '..'")] : [];
}

/** A relative path without `..` elements. */
export function validateLocalDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errs = target.startsWith('/') ? [FieldError.invalid(path, target, 'must be a relative path')] : [];
  return errs.concat(validatePathNoBacksteps(target, path));
}

export function validateLocalNonReservedPath(target: string, path: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(FieldError.invalid(path, target, "must not start with '..'"));
  return errs;
}

export function validateFileMode(mode: unknown, path: FieldPath): FieldError[] {
  if (typeof mode !== 'number') return [];
  return mode > 0o777 || mode < 0 ? [FieldError.invalid(path, mode, FILE_MODE_ERROR)] : [];
}

const downwardFieldLabels = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName',
  'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP',
  'status.hostIPs', 'status.podIP', 'status.podIPs',
]);

export const ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
export const VOLUME_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.labels', 'metadata.annotations', 'metadata.uid'];
const RESOURCE_FIELD_PATHS = [
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
];
const HUGE_PAGES_FIELD_PREFIXES = ['limits.hugepages-', 'requests.hugepages-'];

/** `metadata.labels['key']` split into path and subscript. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  const m = /^(.*)\['(.*)'\]$/.exec(fieldPath);
  return m ? [m[1], m[2]] : undefined;
}

/** ConvertDownwardAPIFieldLabel: the internal field, or the conversion error text. */
function convertFieldLabel(version: string, label: string): { field: string } | { error: string } {
  if (version !== 'v1') return { error: `unsupported pod version: ${version}` };
  const sub = splitSubscript(label);
  if (sub) {
    if (sub[0] === 'metadata.annotations' || sub[0] === 'metadata.labels') return { field: label };
    return { error: `field label does not support subscript: ${label}` };
  }
  if (label === 'spec.host') return { field: 'spec.nodeName' };
  return downwardFieldLabels.has(label) ? { field: label } : { error: `field label not supported: ${label}` };
}

export function validateObjectFieldSelector(selector: unknown, allowed: readonly string[], path: FieldPath): FieldError[] {
  const s = mapOf(selector);
  const apiVersion = stringOf(s.apiVersion);
  const fieldPath = stringOf(s.fieldPath);
  if (!apiVersion) return [FieldError.required(path.child('apiVersion'))];
  if (!fieldPath) return [FieldError.required(path.child('fieldPath'))];
  const converted = convertFieldLabel(apiVersion, fieldPath);
  if ('error' in converted) {
    return [FieldError.invalid(path.child('fieldPath'), fieldPath, `error converting fieldPath: ${converted.error}`)];
  }
  const sub = splitSubscript(converted.field);
  if (sub) {
    const [field, key] = sub;
    if (field === 'metadata.annotations') return isQualifiedName(key.toLowerCase()).map((m) => FieldError.invalid(path, key.toLowerCase(), m));
    if (field === 'metadata.labels') return isQualifiedName(key).map((m) => FieldError.invalid(path, key, m));
    return [FieldError.invalid(path, field, 'does not support subscript')];
  }
  if (!allowed.includes(converted.field)) {
    return [FieldError.notSupported(path.child('fieldPath'), converted.field, [...allowed].sort())];
  }
  return [];
}

const cpuDivisors = new Set(['1m', '1']);
const byteDivisors = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);
const BYTE_DIVISORS_TEXT = '1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei';

function validateDivisor(resource: string, divisor: unknown, path: FieldPath): FieldError[] {
  if (divisor === undefined || divisor === null) return [];
  const q = quantityOf(divisor);
  if (!q || q.isZero()) return [];
  const text = q.toString();
  const bad = (what: string, values: string): FieldError =>
    FieldError.invalid(path.child('divisor'), resource, `only divisor's values ${values} are supported with the ${what}`);
  if ((resource === 'limits.cpu' || resource === 'requests.cpu') && !cpuDivisors.has(text)) return [bad('cpu resource', '1m and 1')];
  if ((resource === 'limits.memory' || resource === 'requests.memory') && !byteDivisors.has(text)) {
    return [bad('memory resource', BYTE_DIVISORS_TEXT)];
  }
  if (resource.endsWith('.ephemeral-storage') && !byteDivisors.has(text)) return [bad('local ephemeral storage resource', BYTE_DIVISORS_TEXT)];
  if (HUGE_PAGES_FIELD_PREFIXES.some((p) => resource.startsWith(p)) && !byteDivisors.has(text)) {
    return [bad('hugepages resource', BYTE_DIVISORS_TEXT)];
  }
  return [];
}

export function validateResourceFieldSelector(selector: unknown, path: FieldPath, volume: boolean): FieldError[] {
  const s = mapOf(selector);
  const resource = stringOf(s.resource);
  const errs: FieldError[] = [];
  if (volume && !stringOf(s.containerName)) errs.push(FieldError.required(path.child('containerName')));
  else if (!resource) errs.push(FieldError.required(path.child('resource')));
  else if (!RESOURCE_FIELD_PATHS.includes(resource) && !HUGE_PAGES_FIELD_PREFIXES.some((p) => resource.startsWith(p))) {
    errs.push(FieldError.notSupported(path.child('resource'), resource, [...RESOURCE_FIELD_PATHS].sort()));
  }
  return errs.concat(validateDivisor(resource, s.divisor, path));
}
