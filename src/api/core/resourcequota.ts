// ResourceQuota (upstream pkg/registry/core/resourcequota, ValidateResourceQuota).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { ageCell, ageColumn, column, nameColumn } from './printers.js';
import { isStandardQuotaResourceName, quantityOf, validateResourceList, validateResourceQuotaResourceName } from './resources.js';
import { cloneJson, invalidRendered, isMap, listOf, mapOf, mapsOf, stringOf, type JsonMap } from './util.js';
import { goQuote } from '../../machinery/gofmt.js';

const SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];
const POD_COMPUTE = ['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory'];

/** IsResourceQuotaScopeValidForResource. */
function scopeAppliesTo(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
      return resource === 'pods' || POD_COMPUTE.includes(resource);
    case 'BestEffort':
      return resource === 'pods';
    default:
      return true;
  }
}

/** %#v of []core.ResourceQuotaScope. */
function renderScopes(scopes: unknown): string {
  return `[]core.ResourceQuotaScope{${listOf(scopes).map((s) => goQuote(stringOf(s))).join(', ')}}`;
}

const CONFLICTING = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
];

function validateScopes(spec: JsonMap, path: FieldPath): FieldError[] {
  const scopes = listOf(spec.scopes).map(stringOf);
  if (scopes.length === 0) return [];
  const hard = Object.keys(mapOf(spec.hard)).sort();
  const scopesPath = path.child('scopes');
  const errs: FieldError[] = [];
  for (const scope of scopes) {
    if (!SCOPES.includes(scope)) errs.push(invalidRendered(scopesPath, renderScopes(spec.scopes), 'unsupported scope'));
    for (const r of hard) {
      if (isStandardQuotaResourceName(r) && !scopeAppliesTo(scope, r)) errs.push(invalidRendered(scopesPath, renderScopes(spec.scopes), 'unsupported scope applied to resource'));
    }
  }
  for (const pair of CONFLICTING) {
    if (pair.every((p) => scopes.includes(p))) errs.push(invalidRendered(scopesPath, renderScopes(spec.scopes), 'conflicting scopes'));
  }
  return errs;
}

const EXISTS_ONLY = ['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'];

function validateScopeSelector(spec: JsonMap, path: FieldPath): FieldError[] {
  if (!isMap(spec.scopeSelector)) return [];
  const exprPath = path.child('scopeSelector', 'matchExpressions');
  const hard = Object.keys(mapOf(spec.hard)).sort();
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const req of mapsOf(spec.scopeSelector.matchExpressions)) {
    const scope = stringOf(req.scopeName);
    const op = stringOf(req.operator);
    const values = listOf(req.values);
    if (!SCOPES.includes(scope)) errs.push(FieldError.invalid(exprPath.child('scopeName'), scope, 'unsupported scope'));
    for (const r of hard) {
      if (isStandardQuotaResourceName(r) && !scopeAppliesTo(scope, r)) errs.push(FieldError.invalid(exprPath, spec.scopeSelector, 'unsupported scope applied to resource'));
    }
    if (EXISTS_ONLY.includes(scope) && op !== 'Exists') {
      errs.push(
        FieldError.invalid(
          exprPath.child('operator'),
          op,
          'must be \'Exists\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity',
        ),
      );
    }
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(FieldError.required(exprPath.child('values'), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length !== 0) errs.push(FieldError.invalid(exprPath.child('values'), values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
    } else {
      errs.push(FieldError.invalid(exprPath.child('operator'), op, 'not a valid selector operator'));
    }
    names.add(scope);
  }
  for (const pair of CONFLICTING) {
    if (pair.every((p) => names.has(p))) errs.push(invalidRendered(exprPath, renderScopes(spec.scopes), 'conflicting scopes'));
  }
  return errs;
}

function validateSpec(obj: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const path = FieldPath.of('spec');
  const errs = validateResourceList(spec.hard, path.child('hard'), validateResourceQuotaResourceName).errors;
  return errs.concat(validateScopes(spec, path), validateScopeSelector(spec, path));
}

function validateStatus(obj: ApiObject): FieldError[] {
  const status = mapOf(obj.status);
  const path = FieldPath.of('status');
  return [
    ...validateResourceList(status.hard, path.child('hard'), validateResourceQuotaResourceName).errors,
    ...validateResourceList(status.used, path.child('used'), validateResourceQuotaResourceName).errors,
  ];
}

function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const scopes = new Set(listOf(mapOf(obj.spec).scopes).map(stringOf));
  const oldScopes = new Set(listOf(mapOf(old.spec).scopes).map(stringOf));
  const same = scopes.size === oldScopes.size && [...scopes].every((s) => oldScopes.has(s));
  return same ? [] : [invalidRendered(FieldPath.of('spec', 'scopes'), renderScopes(mapOf(obj.spec).scopes), 'field is immutable')];
}

/** The REQUEST and LIMIT cells: `name: used/hard` for each hard resource, limits.* apart. */
function usageCells(obj: ApiObject): [string, string] {
  const status = mapOf(obj.status);
  const hard = mapOf(status.hard);
  const used = mapOf(status.used);
  const requests: string[] = [];
  const limits: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const text = `${name}: ${quantityOf(used[name])?.toString() ?? '0'}/${quantityOf(hard[name])?.toString() ?? '0'}`;
    const pieces = name.split('.');
    (pieces.length > 1 && pieces[0] === 'limits' ? limits : requests).push(text);
  }
  return [requests.join(', '), limits.join(', ')];
}

export const resourceQuotaStrategy: KindStrategy = {
  names: { group: '', version: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', singular: 'resourcequota', shortNames: ['quota'], namespaced: true },
  statusSubresource: true,
  prepareForCreate: (obj) => {
    obj.status = {};
  },
  prepareForUpdate: (obj, old) => {
    obj.status = cloneJson(old.status);
  },
  prepareForStatusUpdate: (obj, old) => {
    obj.spec = cloneJson(old.spec);
  },
  validate: (obj) => validateSpec(obj).concat(validateStatus(obj)),
  validateUpdate,
  validateStatusUpdate: validateStatus,
  table: {
    columns: [
      nameColumn,
      column('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
      column('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
      ageColumn,
    ],
    cells: (obj) => {
      const [requests, limits] = usageCells(obj);
      return [obj.metadata?.name ?? '', requests, limits, ageCell(obj)];
    },
  },
};
