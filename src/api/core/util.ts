// Reading and writing the plain JSON of core objects. Bodies arrive as decoded
// JSON of any shape, so every reader here tolerates a wrong type.
import type { FieldPath } from '../../machinery/field.js';
import { FieldError } from '../../machinery/field.js';
import { goStringSlice } from '../../machinery/gofmt.js';

export type JsonMap = Record<string, unknown>;

export function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `value`, or an empty one (not attached) when it is absent. */
export function mapOf(value: unknown): JsonMap {
  return isMap(value) ? value : {};
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The object elements of a list, others read as empty objects. */
export function mapsOf(value: unknown): JsonMap[] {
  return listOf(value).map(mapOf);
}

export function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A map of strings (labels, selectors, data). */
export function stringMapOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(mapOf(value))) out[k] = stringOf(v);
  return out;
}

/** The child object `key` of `parent`, created when missing. */
export function ensureMap(parent: JsonMap, key: string): JsonMap {
  const current = parent[key];
  if (isMap(current)) return current;
  const created: JsonMap = {};
  parent[key] = created;
  return created;
}

export function setDefault(target: JsonMap, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null || target[key] === '') target[key] = value;
}

export function metadataOf(obj: unknown): JsonMap {
  return mapOf(mapOf(obj).metadata);
}

export function nameOf(obj: unknown): string {
  return stringOf(metadataOf(obj).name);
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (!isMap(v)) return v;
    const sorted: JsonMap = {};
    for (const key of Object.keys(v).sort()) sorted[key] = v[key];
    return sorted;
  });
}

/** Drops null, empty lists and empty objects, which Go's semantic equality treats as unset. */
function semanticForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((v) => semanticForm(v) ?? null);
  if (!isMap(value)) return value === null ? undefined : value;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(value)) {
    const form = semanticForm(v);
    if (form !== undefined) out[k] = form;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** apiequality.Semantic.DeepEqual for decoded JSON: nil and empty lists and maps are equal. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return sameJson(semanticForm(a), semanticForm(b));
}

/** Go's reflect.DeepEqual on maps after decoding: absent and empty are alike. */
export function sameMap(a: unknown, b: unknown): boolean {
  const ma = mapOf(a);
  const mb = mapOf(b);
  return sameJson(ma, mb);
}

export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (structuredClone(value) as T);
}

/** Required non-empty string field. */
export function requireString(value: unknown, path: FieldPath): FieldError[] {
  return stringOf(value) === '' ? [FieldError.required(path)] : [];
}

/** An error whose value upstream prints with Go's %#v (slices, structs), given pre-rendered. */
class GoValueFieldError extends FieldError {
  constructor(
    type: 'FieldValueInvalid' | 'FieldValueDuplicate',
    field: string,
    private readonly rendered: string,
    detail: string,
  ) {
    super(type, field, rendered, detail);
  }

  override body(): string {
    const label = this.type === 'FieldValueDuplicate' ? 'Duplicate value' : 'Invalid value';
    return `${label}: ${this.rendered}${this.detail ? ': ' + this.detail : ''}`;
  }
}

export function invalidRendered(path: FieldPath, rendered: string, detail: string): FieldError {
  return new GoValueFieldError('FieldValueInvalid', path.toString(), rendered, detail);
}

export function duplicateRendered(path: FieldPath, rendered: string, detail = ''): FieldError {
  return new GoValueFieldError('FieldValueDuplicate', path.toString(), rendered, detail);
}

/** %#v of a []string, as upstream prints slices in field errors. */
export function goStrings(values: unknown): string {
  return goStringSlice(listOf(values).map(stringOf));
}
