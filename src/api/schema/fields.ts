// What strict decoding finds in an object against its kind's schema: fields the
// schema does not have, fields given twice, and values of the wrong JSON type.
// Paths are written as upstream's decoder writes them:
// `spec.template.spec.containers[0].imagePullPolcy`.
import { definitionOf, definitions } from './definitions.js';
import { resolveSchema } from './patch-meta.js';
import { refName, refTo, type Schema } from './types.js';

function rootSchema(group: string, version: string, kind: string): Schema | undefined {
  const definition = definitionOf(group, version, kind);
  return definition ? { $ref: refTo(definition) } : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema that takes any fields: RawExtension, FieldsV1, JSON, preserve-unknown-fields. */
function isFreeForm(schema: Schema): boolean {
  return (
    schema['x-kubernetes-preserve-unknown-fields'] === true ||
    (!schema.properties && !schema.additionalProperties && schema.type !== 'array')
  );
}

/**
 * Where the walk is: the keys and list indexes down to the current value. Walks
 * keep one mutable stack and write a path as text only for a field they report.
 */
class Place {
  /** A field's key, a list index, or a map key (in the path, not in Go's field stack). */
  private readonly segments: (string | number | { mapKey: string })[] = [];

  push(segment: string | number | { mapKey: string }): void {
    this.segments.push(segment);
  }

  pop(): void {
    this.segments.pop();
  }

  /** `spec.containers[0].name` */
  path(): string {
    let text = '';
    for (const s of this.segments) {
      if (typeof s === 'number') text += `[${s}]`;
      else {
        const key = typeof s === 'string' ? s : s.mapKey;
        text += text ? `.${key}` : key;
      }
    }
    return text;
  }

  /** The struct fields without indexes or map keys, as Go's decoder keeps them: `spec.replicas`. */
  fieldStack(): string {
    return this.segments.filter((s): s is string => typeof s === 'string').join('.');
  }
}

function collectUnknown(schema: Schema, value: unknown, place: Place, found: string[]): void {
  const s = resolveSchema(schema);
  if (Array.isArray(value)) {
    if (!s.items) return;
    for (let i = 0; i < value.length; i++) {
      place.push(i);
      collectUnknown(s.items, value[i], place, found);
      place.pop();
    }
    return;
  }
  if (!isObject(value) || isFreeForm(s)) return;
  for (const key in value) {
    const property = s.properties?.[key] ?? s.additionalProperties;
    place.push(key);
    if (property) collectUnknown(property, value[key], place, found);
    else found.push(place.path());
    place.pop();
  }
}

/**
 * Dotted paths of the fields of `obj` that its kind's schema does not know, in
 * document order, as upstream's strict decoding reports them; empty for a kind
 * without a schema. Maps (labels, data) and free-form fields are never reported.
 */
export function unknownFields(group: string, version: string, kind: string, obj: unknown): string[] {
  const root = rootSchema(group, version, kind);
  const found: string[] = [];
  if (root) collectUnknown(root, obj, new Place(), found);
  return found;
}

/** A value whose JSON type the field cannot hold. */
export interface FieldTypeError {
  path: string;
  /** Upstream's decoder message: `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`. */
  message: string;
}

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'number' : `number ${value}`;
  return typeof value === 'string' ? 'string' : 'object';
}

/** The Go type upstream decodes a schema into: int32, []v1.Container, map[string]string. */
function goType(schema: Schema): string {
  if (schema.$ref) {
    const name = refName(schema.$ref).split('.');
    return `${name[name.length - 2]}.${name[name.length - 1]}`;
  }
  switch (schema.type) {
    case 'string':
      return schema.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return schema.format ?? 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${schema.items ? goType(schema.items) : 'interface {}'}`;
    default:
      return schema.additionalProperties ? `map[string]${goType(schema.additionalProperties)}` : 'map[string]interface {}';
  }
}

function fits(schema: Schema, value: unknown): boolean {
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' || (schema.format === 'int-or-string' && Number.isInteger(value));
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return true;
  }
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

interface TypeWalk {
  kind: string;
  place: Place;
  /** $ref of the innermost struct, for `Go struct field DeploymentSpec.spec.replicas`; the kind at the top. */
  structRef?: string;
  found: FieldTypeError[];
}

function isQuantity(schema: Schema): boolean {
  return schema.$ref !== undefined && refName(schema.$ref) === QUANTITY;
}

/** The message for a value a referenced scalar type (IntOrString, Time) refuses. */
function scalarMismatch(schema: Schema, target: Schema, value: unknown): string | undefined {
  if (target.type === 'object' || target.type === 'array' || fits(target, value)) return undefined;
  if (target.format === 'int-or-string') return `json: cannot unmarshal ${jsonTypeName(value)} into Go value of type int32`;
  if (schema.$ref) return `json: cannot unmarshal ${jsonTypeName(value)} into Go value of type string`;
  return undefined;
}

function report(walk: TypeWalk, message: string): void {
  walk.found.push({ path: walk.place.path(), message });
}

function checkValue(schema: Schema, value: unknown, walk: TypeWalk): void {
  if (value === null) return;
  if (isQuantity(schema)) {
    if (typeof value !== 'string' && typeof value !== 'number') report(walk, QUANTITY_ERROR);
    return;
  }
  const target = resolveSchema(schema);
  const scalar = scalarMismatch(schema, target, value);
  if (scalar) return report(walk, scalar);
  if (!fits(target, value)) {
    const fieldStack = walk.place.fieldStack();
    const struct = walk.structRef ? refName(walk.structRef).split('.').pop()! : walk.kind;
    const field = fieldStack ? `Go struct field ${struct}.${fieldStack}` : `Go value`;
    return report(walk, `json: cannot unmarshal ${jsonTypeName(value)} into ${field} of type ${goType(schema)}`);
  }
  if (Array.isArray(value) && target.items) {
    for (let i = 0; i < value.length; i++) {
      walk.place.push(i);
      checkValue(target.items, value[i], walk);
      walk.place.pop();
    }
  } else if (isObject(value) && !isFreeForm(target)) {
    checkFields(target, schema, value, walk);
  }
}

function checkFields(target: Schema, schema: Schema, value: Record<string, unknown>, walk: TypeWalk): void {
  const outer = walk.structRef;
  if (schema.$ref) walk.structRef = schema.$ref;
  for (const key in value) {
    const property = target.properties?.[key];
    if (property) {
      walk.place.push(key);
      checkValue(property, value[key], walk);
      walk.place.pop();
    } else if (target.additionalProperties) {
      walk.place.push({ mapKey: key });
      checkValue(target.additionalProperties, value[key], walk);
      walk.place.pop();
    }
  }
  walk.structRef = outer;
}

/** Values whose JSON type their field cannot hold, in document order (upstream reports the first). */
export function fieldTypeErrors(group: string, version: string, kind: string, obj: unknown): FieldTypeError[] {
  const root = rootSchema(group, version, kind);
  const found: FieldTypeError[] = [];
  if (root) checkValue(root, obj, { kind, place: new Place(), found });
  return found;
}

/** Whether a kind has a schema here. */
export function hasSchema(group: string, version: string, kind: string): boolean {
  const definition = definitionOf(group, version, kind);
  return definition !== undefined && definitions()[definition] !== undefined;
}
