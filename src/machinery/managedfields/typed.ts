// Structured-merge-diff's operations on objects, guided by the schema's list
// and map types: the field set of an object, the fields that differ between
// two objects, the merge of an applied configuration into a live object, and
// the removal of fields.
import { deepEqualJson, isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import type { PatchMeta } from '../strategic.js';
import { FieldSet, fieldKey, itemKey, valueKey } from './fieldset.js';

type Value = JsonValue | undefined;

/** Lists are atomic unless the schema says `map` or `set`; maps are granular unless it says `atomic`. */
function isAtomic(value: Value, meta: PatchMeta): boolean {
  if (Array.isArray(value)) return meta.listType !== 'map' && meta.listType !== 'set';
  if (isJsonObject(value)) return meta.mapType === 'atomic';
  return true;
}

function isEmptyMap(value: Value): boolean {
  return isJsonObject(value) && Object.keys(value).length === 0;
}

/** A value compared as a whole: scalars, nulls, atomic lists and maps, empty maps. */
function isLeaf(value: Value, meta: PatchMeta): boolean {
  return value === undefined || isAtomic(value, meta) || isEmptyMap(value);
}

function listItems(list: JsonValue[], meta: PatchMeta): Map<string, JsonValue> {
  const items = new Map<string, JsonValue>();
  for (const item of list) {
    const key = meta.listType === 'set' ? valueKey(item) : itemKey(isJsonObject(item) ? item : {}, meta.listMapKeys ?? []);
    items.set(key, item);
  }
  return items;
}

/** Children of a granular map or keyed list, by field-set key, with their schema. */
function childrenOf(value: Value, meta: PatchMeta): Map<string, { value: JsonValue; meta: PatchMeta }> {
  const out = new Map<string, { value: JsonValue; meta: PatchMeta }>();
  if (Array.isArray(value)) {
    for (const [key, item] of listItems(value, meta)) out.set(key, { value: item, meta });
  } else if (isJsonObject(value)) {
    for (const [name, child] of Object.entries(value)) out.set(fieldKey(name), { value: child, meta: meta.field(name) });
  }
  return out;
}

/** ToFieldSet: every leaf of the object, and every item of its keyed lists and sets. */
export function toFieldSet(value: Value, meta: PatchMeta, set = new FieldSet()): FieldSet {
  if (isLeaf(value, meta)) {
    set.member = true;
    return set;
  }
  const isList = Array.isArray(value);
  for (const [key, child] of childrenOf(value, meta)) {
    const node = set.child(key);
    if (isList) node.member = true;
    if (isList && meta.listType === 'set') continue;
    toFieldSet(child.value, child.meta, node);
  }
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compare: which fields `after` adds, changes and drops relative to `before`. */
export function compare(before: Value, after: Value, meta: PatchMeta): Comparison {
  const out = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareInto(before, after, meta, out);
  return out;
}

function compareInto(before: Value, after: Value, meta: PatchMeta, out: Comparison): void {
  if (before === undefined && after === undefined) return;
  // One side missing (every field of a create): all of the other side is added, or removed.
  if (before === undefined) return markWhole(after!, meta, out.added);
  if (after === undefined) return markWhole(before, meta, out.removed);
  const sameShape = Array.isArray(before) === Array.isArray(after) && isJsonObject(before) === isJsonObject(after);
  const leaf = (isLeaf(before, meta) && isLeaf(after, meta)) || (before !== undefined && after !== undefined && !sameShape);
  if (leaf || (isEmptyMap(before) && isEmptyMap(after))) {
    if (before === undefined) out.added.member = true;
    else if (after === undefined) out.removed.member = true;
    else if (!deepEqualJson(before, after)) out.modified.member = true;
    return;
  }
  if (before === undefined) out.added.member = true;
  if (after === undefined) out.removed.member = true;
  const b = childrenOf(before, meta);
  const a = childrenOf(after, meta);
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const child = { added: out.added.child(key), modified: out.modified.child(key), removed: out.removed.child(key) };
    const m = (a.get(key) ?? b.get(key))!.meta;
    if (Array.isArray(before ?? after) && meta.listType === 'set') {
      if (!b.has(key)) child.added.member = true;
      else if (!a.has(key)) child.removed.member = true;
      continue;
    }
    compareInto(b.get(key)?.value, a.get(key)?.value, m, child);
  }
}

/** Compare's answer for a value on one side only: the value's node and every node beneath it. */
function markWhole(value: JsonValue, meta: PatchMeta, set: FieldSet): void {
  set.member = true;
  if (isLeaf(value, meta)) return;
  const isSet = Array.isArray(value) && meta.listType === 'set';
  for (const [key, child] of childrenOf(value, meta)) {
    if (isSet) set.child(key).member = true;
    else markWhole(child.value, child.meta, set.child(key));
  }
}

/** Merge: the applied configuration over the live object (nulls in the configuration clear). */
export function merge(live: Value, config: Value, meta: PatchMeta): Value {
  if (config === undefined) return live;
  if (live === undefined || live === null || config === null || isAtomic(config, meta) || isAtomic(live, meta)) return config;
  if (Array.isArray(live) && Array.isArray(config)) {
    const liveItems = listItems(live, meta);
    const configItems = listItems(config, meta);
    const out: JsonValue[] = [];
    for (const [key, item] of liveItems) out.push(configItems.has(key) ? (merge(item, configItems.get(key), meta) as JsonValue) : item);
    for (const [key, item] of configItems) if (!liveItems.has(key)) out.push(item);
    return out;
  }
  if (isJsonObject(live) && isJsonObject(config)) {
    const out: JsonObject = { ...live };
    for (const [name, value] of Object.entries(config)) {
      const merged = merge(live[name], value, meta.field(name));
      if (merged === null) delete out[name];
      else if (merged !== undefined) out[name] = merged;
    }
    return out;
  }
  return config;
}

/**
 * Removes the members of `set` from the value, except where `keep` owns
 * something beneath: such a node stays, with only its unowned fields removed.
 */
export function removeFields(value: Value, set: FieldSet, keep: FieldSet, meta: PatchMeta): Value {
  if (set.member && keep.isEmpty()) return undefined;
  if (set.children.size === 0 || isLeaf(value, meta)) return value;
  if (Array.isArray(value)) {
    const items = listItems(value, meta);
    const out: JsonValue[] = [];
    for (const [key, item] of items) {
      const child = set.children.get(key);
      const kept = child ? removeFields(item, child, keep.children.get(key) ?? new FieldSet(), meta) : item;
      if (kept !== undefined) out.push(withKeyFields(kept, item, meta));
    }
    // As upstream, a list emptied by the removal goes with it.
    return out.length > 0 ? out : undefined;
  }
  const out: JsonObject = { ...(value as JsonObject) };
  for (const [name, child] of Object.entries(out)) {
    const removal = set.children.get(fieldKey(name));
    if (!removal) continue;
    const kept = removeFields(child, removal, keep.children.get(fieldKey(name)) ?? new FieldSet(), meta.field(name));
    if (kept === undefined) delete out[name];
    else out[name] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** An associative list's item keeps the fields that identify it while it stays. */
function withKeyFields(kept: JsonValue, original: JsonValue, meta: PatchMeta): JsonValue {
  if (meta.listType !== 'map' || !isJsonObject(kept) || !isJsonObject(original)) return kept;
  const out = { ...kept };
  for (const key of meta.listMapKeys ?? []) if (original[key] !== undefined) out[key] = original[key];
  return out;
}
