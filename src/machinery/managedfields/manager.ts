// The field manager (upstream managedfields): records in metadata.managedFields
// which manager owns which fields, for every write (operation Update) and for
// server-side apply (operation Apply), which merges a configuration into the
// live object, reports conflicts with other owners, and removes the fields an
// applier stopped applying.
import { applyConflict } from '../status.js';
import type { StatusCause } from '../meta.js';
import type { ManagedFieldsEntry, ObjectMeta } from '../meta.js';
import { deepEqualJson, type JsonObject, type JsonValue } from '../json.js';
import type { PatchMeta } from '../strategic.js';
import { timeNow } from '../time.js';
import { FieldSet } from './fieldset.js';
import { compare, merge, removeFields, toFieldSet } from './typed.js';

export interface ManagedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** What the field manager needs to know of the resource being written. */
export interface FieldManagerScope {
  meta: PatchMeta;
  /** The served group/version, e.g. apps/v1. */
  apiVersion: string;
  /** '' for the main resource, 'status' or another subresource. */
  subresource: string;
  /** Whether status is written through its own subresource (so main writes never own it). */
  statusSubresource: boolean;
}

interface Managed {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource: string;
  time?: string;
  set: FieldSet;
}

/** Fields no manager owns (upstream's stripMetaManager); `spec` and `status` nodes are owned only through their fields. */
const stripped = FieldSet.fromFieldsV1({
  'f:apiVersion': {},
  'f:kind': {},
  'f:metadata': {
    '.': {},
    'f:name': {},
    'f:namespace': {},
    'f:creationTimestamp': {},
    'f:selfLink': {},
    'f:uid': {},
    'f:clusterName': {},
    'f:generation': {},
    'f:managedFields': {},
    'f:resourceVersion': {},
    'f:deletionTimestamp': {},
    'f:deletionGracePeriodSeconds': {},
  },
});
stripped.child('f:spec').member = true;
stripped.child('f:status').member = true;

/** The fields a write through this scope may own: status only through the status subresource. */
function owned(set: FieldSet, scope: FieldManagerScope): FieldSet {
  let out = set.difference(stripped);
  if (scope.subresource === 'status') {
    const status = out.children.get('f:status');
    out = new FieldSet();
    if (status) out.children.set('f:status', status);
  } else if (scope.statusSubresource) {
    out.children.delete('f:status');
  }
  return out;
}

function decode(entries: unknown): Managed[] {
  if (!Array.isArray(entries)) return [];
  return (entries as ManagedFieldsEntry[])
    .filter((e) => e && e.manager !== undefined && (e.operation === 'Apply' || e.operation === 'Update'))
    .map((e) => ({
      manager: e.manager ?? '',
      operation: e.operation!,
      apiVersion: e.apiVersion ?? '',
      subresource: e.subresource ?? '',
      time: e.time,
      set: FieldSet.fromFieldsV1(e.fieldsV1),
    }));
}

/** Entries in upstream's order: by operation, time, manager, apiVersion, subresource. */
function encode(managed: Managed[]): ManagedFieldsEntry[] {
  const entries = managed.filter((m) => !m.set.isEmpty());
  entries.sort(
    (a, b) =>
      cmp(a.operation, b.operation) || cmp(a.time ?? '', b.time ?? '') || cmp(a.manager, b.manager) || cmp(a.apiVersion, b.apiVersion) || cmp(a.subresource, b.subresource),
  );
  return entries.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: m.set.toFieldsV1(),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameIdentity(m: Managed, other: Omit<Managed, 'set' | 'time'>): boolean {
  const sameVersion = m.operation === 'Apply' || m.apiVersion === other.apiVersion;
  return m.manager === other.manager && m.operation === other.operation && sameVersion && m.subresource === other.subresource;
}

/** The object as the field manager sees it: without managedFields. */
function valueOf(obj: ManagedObject | undefined): JsonObject {
  if (!obj) return {};
  const { managedFields: _managed, ...metadata } = obj.metadata ?? {};
  return { ...(obj as JsonObject), metadata: metadata as JsonObject };
}

/**
 * The managedFields after a create or update by `manager`: it owns what it set
 * or changed; others lose what it changed or removed.
 */
export function updateManagedFields(old: ManagedObject | undefined, obj: ManagedObject, manager: string, scope: FieldManagerScope): ManagedFieldsEntry[] {
  const given = obj.metadata?.managedFields;
  const base = given !== undefined && !deepEqualJson(given as unknown as JsonValue, (old?.metadata?.managedFields ?? null) as unknown as JsonValue) ? given : old?.metadata?.managedFields;
  const managed = decode(base);
  const diff = compare(valueOf(old), valueOf(obj), scope.meta);
  const changed = owned(diff.added.union(diff.modified), scope);
  const removed = owned(diff.removed, scope);
  const identity = { manager, operation: 'Update' as const, apiVersion: scope.apiVersion, subresource: scope.subresource };
  let mine = managed.find((m) => sameIdentity(m, identity));
  for (const m of managed) if (m !== mine) m.set = m.set.difference(changed).difference(removed);
  if (!changed.isEmpty()) {
    if (!mine) managed.push((mine = { ...identity, set: new FieldSet() }));
    mine.set = mine.set.union(changed);
    mine.time = timeNow();
  }
  if (mine) mine.set = mine.set.difference(removed);
  return encode(managed);
}

export interface ApplyResult {
  object: ManagedObject;
  managedFields: ManagedFieldsEntry[];
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined: the object
 * is created). Throws a 409 Conflict when another manager owns a field the
 * configuration changes, unless `force` takes it over.
 */
export function applyConfiguration(live: ManagedObject | undefined, config: ManagedObject, manager: string, force: boolean, scope: FieldManagerScope): ApplyResult {
  const managed = decode(live?.metadata?.managedFields);
  const identity = { manager, operation: 'Apply' as const, apiVersion: config.apiVersion ?? scope.apiVersion, subresource: scope.subresource };
  const mine = managed.find((m) => sameIdentity(m, identity));
  const others = managed.filter((m) => m !== mine);
  const configSet = owned(toFieldSet(config as JsonObject, scope.meta), scope);
  const liveValue = valueOf(live);
  let merged = merge(liveValue, valueOf(config), scope.meta) as JsonObject;

  const diff = compare(liveValue, merged, scope.meta);
  const changed = owned(diff.added.union(diff.modified), scope);
  const conflicts = others.map((m) => ({ m, set: m.set.intersection(changed) })).filter((c) => !c.set.isEmpty());
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  for (const { m, set } of conflicts) m.set = m.set.difference(set);

  const stillOwned = others.reduce((acc, m) => acc.union(m.set), new FieldSet());
  const pruned = (mine?.set ?? new FieldSet()).difference(configSet);
  merged = (removeFields(merged, pruned, stillOwned, scope.meta) ?? {}) as JsonObject;

  const removed = owned(compare(liveValue, merged, scope.meta).removed, scope);
  for (const m of others) m.set = m.set.difference(removed);
  const entry: Managed = { ...identity, set: configSet, time: mine && deepEqualJson(mine.set.toFieldsV1(), configSet.toFieldsV1()) ? mine.time : timeNow() };
  return { object: merged as ManagedObject, managedFields: encode([...others, entry]) };
}

interface Conflict {
  m: Managed;
  set: FieldSet;
}

/** upstream's printManager: Update managers name their API version. */
function printManager(m: Managed): string {
  let text = JSON.stringify(m.manager);
  if (m.subresource) text += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${text} using ${m.apiVersion}` : text;
}

function conflictError(conflicts: Conflict[]) {
  const flat = conflicts.flatMap(({ m, set }) => set.paths().map((path) => ({ m, path })));
  const causes: StatusCause[] = flat.map(({ m, path }) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(m)}`, field: path }));
  if (flat.length === 1) {
    return applyConflict(causes, `Apply failed with 1 conflict: conflict with ${printManager(flat[0].m)}: ${flat[0].path}`);
  }
  const byManager = new Map<string, string[]>();
  for (const { m, path } of flat) {
    const key = printManager(m);
    byManager.set(key, [...(byManager.get(key) ?? []), path]);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${key}:`);
    for (const path of byManager.get(key)!) lines.push(`- ${path}`);
  }
  return applyConflict(causes, `Apply failed with ${flat.length} conflicts: ${lines.join('\n')}`);
}

