// Field sets (structured-merge-diff's fieldpath.Set) in the FieldsV1 form that
// managedFields carry: keys `f:<field>`, `k:<key fields as JSON>` (items of
// associative lists), `v:<value as JSON>` (items of sets), and `.` marking the
// node itself as a member.
import type { JsonObject } from '../json.js';

export class FieldSet {
  /** Whether the path of this node is itself in the set. */
  member = false;
  readonly children = new Map<string, FieldSet>();

  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    if (fields === null || typeof fields !== 'object') return set;
    for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
      if (key === '.') {
        set.member = true;
        continue;
      }
      const child = FieldSet.fromFieldsV1(value);
      if (child.children.size === 0) child.member = true;
      set.children.set(key, child);
    }
    return set;
  }

  child(key: string): FieldSet {
    let node = this.children.get(key);
    if (!node) this.children.set(key, (node = new FieldSet()));
    return node;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    for (const child of this.children.values()) if (!child.isEmpty()) return false;
    return true;
  }

  clone(): FieldSet {
    return this.union(new FieldSet());
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member || other.member;
    for (const key of new Set([...this.children.keys(), ...other.children.keys()])) {
      out.children.set(key, (this.children.get(key) ?? EMPTY).union(other.children.get(key) ?? EMPTY));
    }
    return out.pruned();
  }

  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !other.member;
    for (const [key, child] of this.children) out.children.set(key, child.difference(other.children.get(key) ?? EMPTY));
    return out.pruned();
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && other.member;
    for (const [key, child] of this.children) {
      const theirs = other.children.get(key);
      if (theirs) out.children.set(key, child.intersection(theirs));
    }
    return out.pruned();
  }

  /** The FieldsV1 JSON, keys in structured-merge-diff's order. */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    const hasChildren = [...this.children.values()].some((c) => !c.isEmpty());
    if (this.member && hasChildren) out['.'] = {};
    for (const key of [...this.children.keys()].sort(compareKeys)) {
      const child = this.children.get(key)!;
      if (!child.isEmpty()) out[key] = child.toFieldsV1();
    }
    return out;
  }

  /** Every member path, as upstream prints them: `.spec.containers[name="web"].image`. */
  paths(prefix = ''): string[] {
    const out: string[] = [];
    if (this.member && prefix) out.push(prefix);
    for (const key of [...this.children.keys()].sort(compareKeys)) out.push(...this.children.get(key)!.paths(prefix + printKey(key)));
    return out;
  }

  private pruned(): FieldSet {
    for (const [key, child] of this.children) if (child.isEmpty()) this.children.delete(key);
    return this;
  }
}

const EMPTY = new FieldSet();

const kindOrder: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function compareKeys(a: string, b: string): number {
  const ka = kindOrder[a[0]] ?? 4;
  const kb = kindOrder[b[0]] ?? 4;
  if (ka !== kb) return ka - kb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function printKey(key: string): string {
  const body = key.slice(2);
  switch (key[0]) {
    case 'f':
      return `.${body}`;
    case 'k': {
      const fields = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(fields).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    }
    case 'v':
      return `[=${body}]`;
    default:
      return `[${body}]`;
  }
}

/** The key of a field. */
export const fieldKey = (name: string): string => `f:${name}`;

/**
 * Key fields with a schema default, as structured-merge-diff fills them in
 * before comparing items: a port written without protocol is the TCP port.
 */
const keyFieldDefaults: Record<string, unknown> = { protocol: 'TCP' };

/** The key of an associative list's item: its key fields, sorted, as JSON. */
export function itemKey(item: Record<string, unknown>, keys: readonly string[]): string {
  const picked: Record<string, unknown> = {};
  for (const k of [...keys].sort()) {
    const value = item[k] ?? keyFieldDefaults[k];
    if (value !== undefined) picked[k] = value;
  }
  return `k:${JSON.stringify(picked)}`;
}

/** The key of a set's item. */
export const valueKey = (value: unknown): string => `v:${JSON.stringify(value)}`;
