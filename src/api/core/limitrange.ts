// LimitRange (upstream pkg/registry/core/limitrange, ValidateLimitRange).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import type { Quantity } from '../../machinery/quantity.js';
import { isQualifiedName } from '../../machinery/validation.js';
import { CREATION_TIMESTAMP_DESCRIPTION, nameColumn } from './printers.js';
import { isOvercommitAllowed, parseQuantityField, quantityOf, validateContainerResourceName, validateResourceName } from './resources.js';
import { ensureMap, mapOf, mapsOf, stringOf, type JsonMap } from './util.js';

const LIMIT_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);
const BOUNDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

/** SetDefaults_LimitRangeItem: container defaults fall back to max, requests to default then min. */
function defaultItem(item: JsonMap): void {
  if (item.type !== 'Container') return;
  const def = ensureMap(item, 'default');
  const defReq = ensureMap(item, 'defaultRequest');
  for (const [k, v] of Object.entries(mapOf(item.max))) if (!(k in def)) def[k] = v;
  for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
  for (const [k, v] of Object.entries(mapOf(item.min))) if (!(k in defReq)) defReq[k] = v;
}

function defaults(obj: ApiObject): void {
  for (const item of mapsOf(mapOf(obj.spec).limits)) defaultItem(item);
}

function validateTypeName(type: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(type).map((m) => FieldError.invalid(path, type, m));
  if (errs.length === 0 && !type.includes('/') && !LIMIT_TYPES.has(type)) {
    errs.push(FieldError.invalid(path, type, 'must be a standard limit type or fully qualified'));
  }
  return errs;
}

function boundsOf(item: JsonMap, path: FieldPath, errs: FieldError[]): Record<(typeof BOUNDS)[number], Map<string, Quantity>> {
  const type = stringOf(item.type);
  const nameFn = type === 'Pod' || type === 'Container' ? validateContainerResourceName : validateResourceName;
  const out = { max: new Map(), min: new Map(), default: new Map(), defaultRequest: new Map(), maxLimitRequestRatio: new Map() };
  for (const bound of BOUNDS) {
    if (type === 'Pod' && (bound === 'default' || bound === 'defaultRequest')) continue;
    for (const [name, raw] of Object.entries(mapOf(item[bound]))) {
      const p = path.child(bound).key(name);
      errs.push(...nameFn(name, p));
      const q = parseQuantityField(raw, p);
      if (q instanceof FieldError) errs.push(q);
      else out[bound].set(name, q);
    }
  }
  return out;
}

function compareBounds(b: ReturnType<typeof boundsOf>, key: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const [min, max, def, defReq, ratio] = [b.min.get(key), b.max.get(key), b.default.get(key), b.defaultRequest.get(key), b.maxLimitRequestRatio.get(key)];
  const s = (q: Quantity): string => q.toString();
  if (min && max && min.cmp(max) > 0) errs.push(FieldError.invalid(path.child('min').key(key), s(min), `min value ${s(min)} is greater than max value ${s(max)}`));
  if (defReq && min && min.cmp(defReq) > 0) errs.push(FieldError.invalid(path.child('defaultRequest').key(key), s(defReq), `min value ${s(min)} is greater than default request value ${s(defReq)}`));
  if (defReq && max && defReq.cmp(max) > 0) errs.push(FieldError.invalid(path.child('defaultRequest').key(key), s(defReq), `default request value ${s(defReq)} is greater than max value ${s(max)}`));
  if (defReq && def && defReq.cmp(def) > 0) errs.push(FieldError.invalid(path.child('defaultRequest').key(key), s(defReq), `default request value ${s(defReq)} is greater than default limit value ${s(def)}`));
  if (def && min && min.cmp(def) > 0) errs.push(FieldError.invalid(path.child('default').key(key), s(min), `min value ${s(min)} is greater than default value ${s(def)}`));
  if (def && max && def.cmp(max) > 0) errs.push(FieldError.invalid(path.child('default').key(key), s(max), `default value ${s(def)} is greater than max value ${s(max)}`));
  if (ratio && ratio.cmpInt(1) < 0) errs.push(FieldError.invalid(path.child('maxLimitRequestRatio').key(key), s(ratio), `ratio ${s(ratio)} is less than 1`));
  if (ratio && min && max) {
    const limit = max.milliValue() / min.milliValue();
    if (ratio.milliValue() / 1000 > limit) {
      errs.push(FieldError.invalid(path.child('maxLimitRequestRatio').key(key), s(ratio), `ratio ${s(ratio)} is greater than max/min = ${limit.toFixed(6)}`));
    }
  }
  if (!isOvercommitAllowed(key) && def && defReq && def.cmp(defReq) !== 0) {
    errs.push(FieldError.invalid(path.child('defaultRequest').key(key), s(defReq), `default value ${s(def)} must equal to defaultRequest value ${s(defReq)} in ${key}`));
  }
  return errs;
}

function validate(obj: ApiObject): FieldError[] {
  const errs: FieldError[] = [];
  const types = new Set<string>();
  mapsOf(mapOf(obj.spec).limits).forEach((item, i) => {
    const idx = FieldPath.of('spec', 'limits').index(i);
    const type = stringOf(item.type);
    errs.push(...validateTypeName(type, idx.child('type')));
    if (types.has(type)) errs.push(FieldError.duplicate(idx.child('type'), type));
    types.add(type);
    const bounds = boundsOf(item, idx, errs);
    if (type === 'Pod') {
      if (Object.keys(mapOf(item.default)).length > 0) errs.push(FieldError.forbidden(idx.child('default'), "may not be specified when `type` is 'Pod'"));
      if (Object.keys(mapOf(item.defaultRequest)).length > 0) errs.push(FieldError.forbidden(idx.child('defaultRequest'), "may not be specified when `type` is 'Pod'"));
    }
    if (type === 'PersistentVolumeClaim' && quantityOf(mapOf(item.min).storage) === undefined && quantityOf(mapOf(item.max).storage) === undefined) {
      errs.push(FieldError.required(idx.child('limits'), 'either minimum or maximum storage value is required, but neither was provided'));
    }
    const keys = new Set(BOUNDS.flatMap((b) => [...bounds[b].keys()]));
    for (const key of keys) errs.push(...compareBounds(bounds, key, idx));
  });
  return errs;
}

export const limitRangeStrategy: KindStrategy = {
  names: { group: '', version: 'v1', kind: 'LimitRange', plural: 'limitranges', singular: 'limitrange', shortNames: ['limits'], namespaced: true },
  defaults,
  validate,
  // Upstream has no printer for LimitRange; kubectl shows the default table.
  table: {
    columns: [nameColumn, { name: 'Created At', type: 'date', description: CREATION_TIMESTAMP_DESCRIPTION, priority: 0 }],
    cells: (obj) => [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? null],
  },
};
