// Strategic merge patch, the apply half (k8s.io/apimachinery/pkg/util/strategicpatch):
// a merge patch whose lists merge by key where the schema says so, with the
// $patch, $retainKeys, $deleteFromPrimitiveList and $setElementOrder directives.
import { goTypeName, goValue } from './gofmt.js';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { PatchError } from './patch.js';

/**
 * What the schema says about one field, as the x-kubernetes-patch-* and
 * x-kubernetes-list-* extensions do. Strategic merge patch follows the patch
 * strategy and merge key only, as upstream; the list and map types are here
 * for server-side apply.
 */
export interface PatchMeta {
  /** "merge", "replace", "retainKeys" or "merge,retainKeys"; absent: maps merge, lists are replaced. */
  readonly patchStrategy?: string;
  /** The field that identifies the items of a merged list of objects. */
  readonly patchMergeKey?: string;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
  readonly mapType?: 'atomic' | 'granular';
  /** The type's name in messages; upstream's metadata calls list items "struct". */
  readonly name?: string;
  /** The metadata of a field of this object, or of the items' field for a list. */
  field(name: string): PatchMeta;
}

/** A plain-object description of PatchMeta, nested by field name. */
export interface PatchMetaSpec {
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: readonly string[];
  mapType?: 'atomic' | 'granular';
  name?: string;
  fields?: Readonly<Record<string, PatchMetaSpec>>;
}

/** Metadata for fields the schema does not describe: maps merge, lists are replaced. */
export const EMPTY_PATCH_META: PatchMeta = { field: () => EMPTY_PATCH_META };

export function patchMetaFromSpec(spec: PatchMetaSpec): PatchMeta {
  const { fields, ...rest } = spec;
  return {
    ...rest,
    field: (name) => (fields && Object.hasOwn(fields, name) ? patchMetaFromSpec(fields[name]) : EMPTY_PATCH_META),
  };
}

const DIRECTIVE_MARKER = '$patch';
const DELETE_DIRECTIVE = 'delete';
const REPLACE_DIRECTIVE = 'replace';
const MERGE_DIRECTIVE = 'merge';
const RETAIN_KEYS_STRATEGY = 'retainKeys';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

export const ERR_BAD_JSON_DOC = 'invalid JSON document';
export const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';
export const ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST = 'invalid patch format of primitive list';
export const ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS = 'invalid patch format of retainKeys';
export const ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST = 'invalid patch format of setElementOrder list';

// The API server answers these with 400, lists of lists with 422, and the
// rest with 500 (interpretStrategicMergePatchError).
function badFormat(message: string): PatchError {
  return new PatchError(message, 400);
}

function failure(message: string): PatchError {
  return new PatchError(message, 500);
}

function errNoMergeKey(m: JsonObject, key: string): PatchError {
  return failure(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
}

function errBadArgType(expected: string, actual: JsonValue | undefined): PatchError {
  const got = actual === null || actual === undefined ? '%!s(<nil>)' : goTypeName(actual);
  return failure(`expected a ${expected}, but received a ${got}`);
}

function errBadPatchType(directive: JsonValue, m: JsonObject): PatchError {
  return failure(`unknown patch type: ${goValue(directive)} in map: ${goValue(m)}`);
}

const MAP_TYPE = 'map[string]interface {}';
const SLICE_TYPE = '[]interface {}';

type ElementKind = 'map' | 'scalar';

function asMap(v: JsonValue): JsonObject {
  if (!isJsonObject(v)) throw errBadArgType(MAP_TYPE, v);
  return v;
}

function asList(v: JsonValue | undefined): JsonValue[] {
  if (!Array.isArray(v)) throw errBadArgType(SLICE_TYPE, v);
  return v;
}

/** Splits "$prefix/field"; a malformed key is a bad patch. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash >= 0 && key.slice(0, slash) === prefix) return key.slice(slash + 1);
  if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw badFormat(ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST);
  throw badFormat(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST);
}

/** Separates retainKeys from the strategy that governs merging. */
function patchStrategyOf(meta: PatchMeta): string {
  const strategies = meta.patchStrategy ? meta.patchStrategy.split(',') : [];
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === RETAIN_KEYS_STRATEGY ? '' : strategies[0];
  if (strategies.length === 2 && strategies[0] === RETAIN_KEYS_STRATEGY) return strategies[1];
  if (strategies.length === 2 && strategies[1] === RETAIN_KEYS_STRATEGY) return strategies[0];
  throw failure(`unexpected patch strategy: [${strategies.join(' ')}]`);
}

function sameScalar(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return (a ?? null) === (b ?? null);
}

/** sliceElementType: every item must have one type, and none may be a list. */
function elementKind(...lists: JsonValue[][]): ElementKind {
  let first: JsonValue | undefined;
  let seen = false;
  for (const list of lists) {
    for (const v of list) {
      if (!seen) {
        // A null item has no type; upstream dereferences it and panics.
        if (v === null) throw failure('runtime error: invalid memory address or nil pointer dereference');
        if (Array.isArray(v)) throw new PatchError(ERR_NO_LIST_OF_LISTS, 422);
        first = v;
        seen = true;
      } else if (goTypeName(v) !== goTypeName(first)) {
        throw failure(`list element types are not identical: ${goValue(lists)}`);
      }
    }
  }
  if (!seen) throw failure('no elements in any of the given slices');
  return isJsonObject(first) ? 'map' : 'scalar';
}

/** The key an item is ordered by: its merge key value, or itself. */
function orderKey(item: JsonValue, mergeKey: string, kind: ElementKind): JsonValue {
  if (kind !== 'map') return item;
  return isJsonObject(item) ? (item[mergeKey] ?? null) : null;
}

function indexIn(list: readonly JsonValue[], item: JsonValue, mergeKey: string, kind: ElementKind): number {
  const key = orderKey(item, mergeKey, kind);
  return list.findIndex((v) => sameScalar(orderKey(v, mergeKey, kind), key));
}

function findByMergeKey(list: readonly JsonValue[], mergeKey: string, value: JsonValue): number {
  return list.findIndex((v, k) => {
    if (!isJsonObject(v)) throw failure(`value for key ${k} is not a map`);
    return Object.hasOwn(v, mergeKey) && sameScalar(v[mergeKey], value);
  });
}

/** sort.SliceStable with upstream's comparison, which calls unknown items "less". */
function sortByOrder(items: JsonValue[], order: readonly JsonValue[], mergeKey: string, kind: ElementKind): void {
  const ranked = items.map((item) => ({ item, rank: indexIn(order, item, mergeKey, kind) }));
  const less = (a: { rank: number }, b: { rank: number }): boolean => a.rank < 0 || b.rank < 0 || a.rank < b.rank;
  for (let i = 1; i < ranked.length; i++) {
    for (let j = i; j > 0 && less(ranked[j], ranked[j - 1]); j--) [ranked[j], ranked[j - 1]] = [ranked[j - 1], ranked[j]];
  }
  ranked.forEach((r, i) => (items[i] = r.item));
}

function normalizeSliceOrder(toSort: JsonValue[], order: readonly JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  let items = toSort;
  let toDelete: JsonValue[] = [];
  if (kind === 'map') {
    for (const item of [...toSort, ...order]) {
      if (!Object.hasOwn(asMap(item), mergeKey)) throw errNoMergeKey(item as JsonObject, mergeKey);
    }
    items = toSort.filter((v) => (v as JsonObject)[DIRECTIVE_MARKER] !== DELETE_DIRECTIVE);
    toDelete = toSort.filter((v) => (v as JsonObject)[DIRECTIVE_MARKER] === DELETE_DIRECTIVE);
  }
  sortByOrder(items, order, mergeKey, kind);
  return [...items, ...toDelete];
}

/**
 * Interleaves the server-only items (sorted by the live order) with the patch
 * items (sorted by the patch order), using the live order where both are known.
 */
function mergeSortedSlice(left: JsonValue[], right: JsonValue[], serverOrder: readonly JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const li = indexIn(serverOrder, left[i], mergeKey, kind);
    const ri = indexIn(serverOrder, right[j], mergeKey, kind);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out.concat(left.slice(i), right.slice(j));
}

function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
  kind: ElementKind,
): JsonValue[] {
  const sortedPatch = normalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
  const sortedServer = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
}

/** Splits items into those present in `by` and the rest. */
function partition(items: JsonValue[], by: readonly JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const present: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of items) {
    let found: boolean;
    if (mergeKey) {
      const m = asMap(v);
      if (!Object.hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      found = findByMergeKey(by, mergeKey, m[mergeKey]) >= 0;
    } else {
      found = by.some((b) => sameScalar(b, v));
    }
    (found ? present : rest).push(v);
  }
  return [present, rest];
}

function deduplicateScalars(items: JsonValue[]): JsonValue[] {
  return items.filter((v, i) => items.findIndex((w) => sameScalar(v, w)) === i);
}

function isDirectiveKey(key: string): boolean {
  return key === RETAIN_KEYS_DIRECTIVE || key.startsWith(SET_ELEMENT_ORDER_PREFIX + '/') || key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX + '/');
}

/**
 * A patch value taken over verbatim loses its nulls and directives; upstream
 * gets the same effect when it decodes the result into a typed object.
 * Maps that carry $patch are dropped entirely, as upstream's removeDirectives does.
 */
function cleanValue(value: JsonValue): JsonValue | undefined {
  if (Array.isArray(value)) return value.map(cleanValue).filter((v): v is JsonValue => v !== undefined);
  if (!isJsonObject(value)) return value;
  if (Object.hasOwn(value, DIRECTIVE_MARKER)) return undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || isDirectiveKey(k)) continue;
    const cleaned = cleanValue(v);
    if (cleaned !== undefined) out[k] = cleaned;
  }
  return out;
}

function setCleaned(target: JsonObject, key: string, value: JsonValue): void {
  const cleaned = cleanValue(value);
  if (cleaned === undefined) delete target[key];
  else target[key] = cleaned;
}

function handleDirectiveInMergeMap(directive: JsonValue, patch: JsonObject): JsonObject {
  if (directive === REPLACE_DIRECTIVE) {
    delete patch[DIRECTIVE_MARKER];
    return asMap(cleanValue(patch) ?? {});
  }
  if (directive === DELETE_DIRECTIVE) return {};
  throw errBadPatchType(directive, patch);
}

/** $retainKeys: drop every field of the original that the list does not name. */
function applyRetainKeysDirective(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(list)) throw badFormat(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS);
  const retained = (k: string) => list.some((v) => v === k);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!retained(k)) throw badFormat(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!retained(k)) delete original[k];
}

/** The order in the patch list must agree with $setElementOrder (deletions aside). */
function validatePatchWithSetOrderList(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => asMap(v)[DIRECTIVE_MARKER] !== DELETE_DIRECTIVE) : patchList;
  const keyOf = (v: JsonValue): JsonValue => {
    if (!mergeKey) return v;
    const m = asMap(v);
    if (!Object.hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    return m[mergeKey];
  };
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (isJsonObject(items[p]) && Object.hasOwn(items[p] as JsonObject, DIRECTIVE_MARKER)) {
      p++;
      continue;
    }
    if (sameScalar(keyOf(items[p]), keyOf(order[o]))) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw failure(`the order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goValue(order)}`);
  }
}

/** $setElementOrder/<field>: merge that list now and put its items in the given order. */
function mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, meta: PatchMeta): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const orderValue = patch[key];
    delete patch[key];
    const order = asList(orderValue);
    const field = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
    const foundOriginal = Object.hasOwn(original, field);
    const foundPatch = Object.hasOwn(patch, field);
    const originalList = foundOriginal ? asList(original[field]) : [];
    const patchList = foundPatch ? asList(patch[field]) : [];
    const sub = meta.field(field);
    const strategy = patchStrategyOf(sub);
    const mergeKey = sub.patchMergeKey ?? '';
    validatePatchWithSetOrderList(patchList, order, mergeKey);
    let merged: JsonValue[];
    let serverOrder = originalList;
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = asList(cleanValue(patchList));
    else if (foundOriginal && foundPatch) {
      const result = mergeSliceHandler(originalList, patchList, sub, strategy, mergeKey, false);
      merged = result.merged;
      serverOrder = result.originalView;
    } else continue;
    const [patchItems, serverOnly] = partition(merged, order, mergeKey);
    const kind = elementKind(serverOrder, patchList);
    original[field] = normalizeElementOrder(patchItems, serverOnly, order, serverOrder, mergeKey, kind);
    delete patch[field];
  }
}

/**
 * Upstream deletes list items in place (Go's append(s[:i], s[i+1:]...)) and
 * appends into the freed room, so a caller still holding the original slice
 * sees the shifted items, a stale tail, and then the first appended items.
 * $setElementOrder orders server-only items by that view; this models it,
 * taking the original's capacity to be its length.
 */
class SharedBacking {
  readonly items: JsonValue[];
  length: number;

  constructor(original: readonly JsonValue[]) {
    this.items = [...original];
    this.length = original.length;
  }

  current(): JsonValue[] {
    return this.items.slice(0, this.length);
  }

  removeAt(i: number): void {
    this.items.copyWithin(i, i + 1, this.length);
    this.length--;
  }

  /** The original slice's view once `merged` has been written over the current items. */
  viewAfter(merged: readonly JsonValue[]): JsonValue[] {
    return this.items.map((stale, i) => (i < merged.length ? merged[i] : stale));
  }
}

function deleteMatching(backing: SharedBacking, mergeKey: string, value: JsonValue): void {
  for (;;) {
    const i = findByMergeKey(backing.current(), mergeKey, value);
    if (i < 0) return;
    backing.removeAt(i);
  }
}

/** Applies $patch items of a merged list: deletes by merge key, notes a replace. */
function mergeSliceWithSpecialElements(backing: SharedBacking, patch: JsonValue[], mergeKey: string): { rest: JsonValue[]; replace: boolean } {
  const rest: JsonValue[] = [];
  let replace = false;
  for (const v of patch) {
    const m = v as JsonObject;
    if (!Object.hasOwn(m, DIRECTIVE_MARKER)) {
      rest.push(v);
      continue;
    }
    const directive = m[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) {
      if (!Object.hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      deleteMatching(backing, mergeKey, m[mergeKey]);
    } else if (directive === REPLACE_DIRECTIVE) {
      replace = true;
    } else if (directive === MERGE_DIRECTIVE) {
      throw failure('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, m);
    }
  }
  return { rest, replace };
}

function mergeSliceWithoutSpecialElements(original: JsonValue[], patch: JsonValue[], mergeKey: string, meta: PatchMeta): JsonValue[] {
  const out = [...original];
  for (const v of patch) {
    const m = v as JsonObject;
    if (!Object.hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    const idx = findByMergeKey(out, mergeKey, m[mergeKey]);
    if (idx >= 0) out[idx] = mergeMap(out[idx] as JsonObject, m, meta);
    else {
      const cleaned = cleanValue(v);
      if (cleaned !== undefined) out.push(cleaned);
    }
  }
  return out;
}

/** A merged list, and the caller's view of the original list afterwards (see SharedBacking). */
interface SliceMerge {
  merged: JsonValue[];
  originalView: JsonValue[];
}

function mergeMapSlice(original: JsonValue[], patch: JsonValue[], meta: PatchMeta, mergeKey: string): SliceMerge {
  if (!mergeKey) throw failure(`cannot merge lists without merge key for ${meta.name ?? 'struct'}`);
  const backing = new SharedBacking(original);
  const { rest, replace } = mergeSliceWithSpecialElements(backing, patch, mergeKey);
  // "$patch: replace" makes the remaining items the whole list.
  const current = replace ? asList(cleanValue(rest)) : backing.current();
  const patchItems = replace ? [] : rest;
  const merged = mergeSliceWithoutSpecialElements(current, patchItems, mergeKey, meta);
  const [fromPatch, serverOnly] = partition(merged, patchItems, mergeKey);
  return {
    merged: normalizeElementOrder(fromPatch, serverOnly, patchItems, current, mergeKey, 'map'),
    originalView: replace ? backing.items : backing.viewAfter(merged),
  };
}

function mergeSlice(original: JsonValue[], patch: JsonValue[], meta: PatchMeta, mergeKey: string, isDeleteList: boolean): SliceMerge {
  if (original.length === 0 && patch.length === 0) return { merged: original, originalView: original };
  if (elementKind(original, patch) === 'map') return mergeMapSlice(original, patch, meta, mergeKey);
  if (isDeleteList) return { merged: original.filter((v) => !patch.some((d) => sameScalar(d, v))), originalView: original };
  const merged = deduplicateScalars([...original, ...patch]);
  const [fromPatch, serverOnly] = partition(merged, patch, mergeKey);
  return { merged: normalizeElementOrder(fromPatch, serverOnly, patch, original, mergeKey, 'scalar'), originalView: original };
}

function mergeSliceHandler(
  original: JsonValue[],
  patch: JsonValue[],
  meta: PatchMeta,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
): SliceMerge {
  // Deletion lists apply whatever the field's strategy.
  if (strategy === MERGE_DIRECTIVE || isDeleteList) return mergeSlice(original, patch, meta, mergeKey, isDeleteList);
  return { merged: asList(cleanValue(patch)), originalView: original };
}

function mergeMapHandler(original: JsonObject, patch: JsonObject, meta: PatchMeta, strategy: string): JsonObject {
  if (strategy === REPLACE_DIRECTIVE) return asMap(cleanValue(patch) ?? {});
  return mergeMap(original, patch, meta);
}

function mergeField(original: JsonObject, key: string, patchValue: JsonValue, meta: PatchMeta, isDeleteList: boolean): void {
  const current = original[key];
  if (!Object.hasOwn(original, key) || goTypeName(current) !== goTypeName(patchValue)) {
    if (!isDeleteList) setCleaned(original, key, patchValue);
    return;
  }
  const sub = meta.field(key);
  if (isJsonObject(current)) {
    original[key] = mergeMapHandler(current, patchValue as JsonObject, sub, patchStrategyOf(sub));
  } else if (Array.isArray(current)) {
    const strategy = patchStrategyOf(sub);
    original[key] = mergeSliceHandler(current, patchValue as JsonValue[], sub, strategy, sub.patchMergeKey ?? '', isDeleteList).merged;
  } else {
    original[key] = patchValue;
  }
}

/** Merges `patch` into `original`; both are mutated. */
function mergeMap(original: JsonObject, patch: JsonObject, meta: PatchMeta): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE_MARKER)) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch);
  applyRetainKeysDirective(original, patch);
  mergePatchIntoOriginal(original, patch, meta);
  for (const [rawKey, patchValue] of Object.entries(patch)) {
    const isDeleteList = rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX);
    const key = isDeleteList ? extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX) : rawKey;
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    mergeField(original, key, patchValue, meta, isDeleteList);
  }
  return original;
}

/**
 * Applies a strategic merge patch to a copy of `original` (StrategicMergeMapPatch)
 * and returns the result. Throws PatchError: 400 for a malformed directive,
 * 422 for lists of lists, 500 otherwise, as the API server answers.
 */
export function strategicMergePatch(original: JsonObject, patch: JsonValue, meta: PatchMeta): JsonObject {
  if (patch === null) return cloneJson(original);
  if (!isJsonObject(patch)) {
    const kind = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch;
    throw new PatchError(`json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`, 400);
  }
  return mergeMap(cloneJson(original), cloneJson(patch), meta);
}
