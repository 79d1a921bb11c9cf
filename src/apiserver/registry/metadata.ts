// The metadata the server owns: set on create, carried over on update.
import { randomUUID } from 'node:crypto';
import type { ApiObject, KindStrategy } from '../../api/kind.js';
import type { ObjectMeta } from '../../machinery/meta.js';

/** Characters of generated name suffixes: no vowels, no look-alikes (upstream's alphanums). */
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += suffixAlphabet[Math.floor(Math.random() * suffixAlphabet.length)];
  return prefix + suffix;
}

/** RFC 3339 with seconds precision, as metav1.Time marshals. */
export function nowTimestamp(now = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function metaOf(obj: ApiObject): ObjectMeta {
  obj.metadata ??= {};
  return obj.metadata;
}

/** Fills what the server owns on a new object (FillObjectMetaSystemFields). */
export function fillCreateMeta(strategy: KindStrategy, obj: ApiObject): void {
  const meta = metaOf(obj);
  meta.uid = randomUUID();
  meta.creationTimestamp = nowTimestamp();
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (strategy.generation) meta.generation = 1;
  else delete meta.generation;
}

/** Carries server-owned metadata over from the stored object (rest.BeforeUpdate). */
export function carryUpdateMeta(strategy: KindStrategy, obj: ApiObject, old: ApiObject): void {
  const meta = metaOf(obj);
  const oldMeta = old.metadata ?? {};
  meta.uid ||= oldMeta.uid;
  meta.creationTimestamp ||= oldMeta.creationTimestamp;
  if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
  if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (strategy.generation) {
    meta.generation = (oldMeta.generation ?? 1) + (specChanged(obj, old) ? 1 : 0);
  } else {
    delete meta.generation;
  }
}

/** Whether anything but metadata and status differs: what bumps the generation. */
export function specChanged(obj: ApiObject, old: ApiObject): boolean {
  const strip = ({ metadata: _m, status: _s, ...rest }: ApiObject) => rest;
  return !jsonEqual(strip(obj), strip(old));
}

/**
 * Whether two values have the same JSON form, key order aside: what comparing
 * their canonical() texts says, without building the texts (undefined members
 * are absent, undefined and non-finite numbers in arrays are null).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return nonFiniteAsNull(a) === nonFiniteAsNull(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(inArray(a[i]), inArray(b[i]))) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let members = 0;
  for (const key of Object.keys(x)) {
    if (x[key] === undefined) continue;
    members++;
    if (!Object.hasOwn(y, key) || !jsonEqual(x[key], y[key])) return false;
  }
  for (const key of Object.keys(y)) if (y[key] !== undefined) members--;
  return members === 0;
}

function nonFiniteAsNull(v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

function inArray(v: unknown): unknown {
  return v === undefined ? null : v;
}

/** JSON with object keys sorted, so equal values give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
