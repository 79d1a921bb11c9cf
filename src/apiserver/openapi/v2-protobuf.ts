// The Swagger 2.0 document as gnostic's `openapi.v2.Document` protobuf message
// (github.com/google/gnostic openapiv2/OpenAPIv2.proto), the form kubectl fetches
// /openapi/v2 in for client-side validation. Field numbers are the proto's. JSON maps
// become lists of Named* pairs in document order; `x-*` keys become vendor extensions
// whose Any.yaml holds the value as JSON text (a subset of YAML, so strings stay strings
// for YAML 1.1 readers such as Go's yaml.v2). Scalars at their zero value are left out,
// as proto3 does.
import { WIRE_VARINT, WireWriter } from '../protobuf/wire.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function message(build: (w: WireWriter) => void): Buffer {
  const w = new WireWriter();
  build(w);
  return w.finish();
}

function str(w: WireWriter, field: number, value: unknown): void {
  if (typeof value === 'string' && value !== '') w.string(field, value);
}

function strs(w: WireWriter, field: number, value: unknown): void {
  if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') w.string(field, v);
}

function bool(w: WireWriter, field: number, value: unknown): void {
  if (value === true) w.key(field, WIRE_VARINT).varint(1);
}

function int64(w: WireWriter, field: number, value: unknown): void {
  if (typeof value === 'number' && Number.isInteger(value) && value !== 0) w.key(field, WIRE_VARINT).varint(value);
}

function double(w: WireWriter, field: number, value: unknown): void {
  if (typeof value === 'number' && value !== 0) w.fixed(field, 8, (view) => view.setFloat64(0, value, true));
}

function sub(w: WireWriter, field: number, value: unknown, encode: (w: WireWriter, value: Json) => void): void {
  if (isObject(value)) w.bytes(field, message((m) => encode(m, value)));
}

/** `Any`: the value as YAML text. */
function any(value: unknown): Buffer {
  return message((w) => w.string(2, `${JSON.stringify(value)}\n`));
}

function anyField(w: WireWriter, field: number, value: unknown): void {
  if (value !== undefined) w.bytes(field, any(value));
}

function anyList(w: WireWriter, field: number, value: unknown): void {
  if (Array.isArray(value)) for (const v of value) w.bytes(field, any(v));
}

/** A JSON map as repeated `Named*` messages: 1 name, 2 value. */
function named(w: WireWriter, field: number, map: unknown, value: (v: unknown) => Buffer, skipExtensions = false): void {
  if (!isObject(map)) return;
  for (const [name, v] of Object.entries(map)) {
    if (skipExtensions && name.startsWith('x-')) continue;
    w.bytes(field, message((m) => m.string(1, name).bytes(2, value(v))));
  }
}

/** The `x-*` keys of an object as repeated `NamedAny`. */
function vendorExtensions(w: WireWriter, field: number, object: Json): void {
  for (const [name, v] of Object.entries(object)) {
    if (name.startsWith('x-') && v !== undefined) w.bytes(field, message((m) => m.string(1, name).bytes(2, any(v))));
  }
}

function externalDocs(w: WireWriter, d: Json): void {
  str(w, 1, d.description);
  str(w, 2, d.url);
  vendorExtensions(w, 3, d);
}

function schemaMessage(s: Json): Buffer {
  return message((w) => schema(w, s));
}

function schema(w: WireWriter, s: Json): void {
  str(w, 1, s.$ref);
  str(w, 2, s.format);
  str(w, 3, s.title);
  str(w, 4, s.description);
  anyField(w, 5, s.default);
  double(w, 6, s.multipleOf);
  double(w, 7, s.maximum);
  bool(w, 8, s.exclusiveMaximum);
  double(w, 9, s.minimum);
  bool(w, 10, s.exclusiveMinimum);
  int64(w, 11, s.maxLength);
  int64(w, 12, s.minLength);
  str(w, 13, s.pattern);
  int64(w, 14, s.maxItems);
  int64(w, 15, s.minItems);
  bool(w, 16, s.uniqueItems);
  int64(w, 17, s.maxProperties);
  int64(w, 18, s.minProperties);
  strs(w, 19, s.required);
  anyList(w, 20, s.enum);
  if (typeof s.additionalProperties === 'boolean') {
    const allowed = s.additionalProperties;
    w.bytes(21, message((m) => m.key(2, WIRE_VARINT).varint(allowed ? 1 : 0)));
  } else sub(w, 21, s.additionalProperties, (m, v) => m.bytes(1, schemaMessage(v)));
  if (s.type !== undefined) w.bytes(22, message((m) => strs(m, 1, Array.isArray(s.type) ? s.type : [s.type])));
  if (s.items !== undefined) {
    const items = Array.isArray(s.items) ? s.items : [s.items];
    w.bytes(23, message((m) => items.filter(isObject).forEach((item) => m.bytes(1, schemaMessage(item)))));
  }
  if (Array.isArray(s.allOf)) for (const part of s.allOf.filter(isObject)) w.bytes(24, schemaMessage(part));
  sub(w, 25, s.properties, (m, props) => named(m, 1, props, (v) => schemaMessage(v as Json)));
  str(w, 26, s.discriminator);
  bool(w, 27, s.readOnly);
  sub(w, 29, s.externalDocs, externalDocs);
  anyField(w, 30, s.example);
  vendorExtensions(w, 31, s);
}

/**
 * The fields from `type` to the vendor extensions, shared by PrimitivesItems (from 1),
 * path and header parameters (from 5) and query and formData parameters (from 6).
 */
function primitiveFields(w: WireWriter, p: Json, from: number): void {
  str(w, from, p.type);
  str(w, from + 1, p.format);
  sub(w, from + 2, p.items, (m, items) => primitiveFields(m, items, 1));
  str(w, from + 3, p.collectionFormat);
  anyField(w, from + 4, p.default);
  double(w, from + 5, p.maximum);
  bool(w, from + 6, p.exclusiveMaximum);
  double(w, from + 7, p.minimum);
  bool(w, from + 8, p.exclusiveMinimum);
  int64(w, from + 9, p.maxLength);
  int64(w, from + 10, p.minLength);
  str(w, from + 11, p.pattern);
  int64(w, from + 12, p.maxItems);
  int64(w, from + 13, p.minItems);
  bool(w, from + 14, p.uniqueItems);
  anyList(w, from + 15, p.enum);
  double(w, from + 16, p.multipleOf);
  vendorExtensions(w, from + 17, p);
}

/** NonBodyParameter's oneof field for each `in`, and whether its message has allowEmptyValue. */
const NON_BODY: Record<string, { field: number; allowEmpty: boolean }> = {
  header: { field: 1, allowEmpty: false },
  formData: { field: 2, allowEmpty: true },
  query: { field: 3, allowEmpty: true },
  path: { field: 4, allowEmpty: false },
};

function nonBodyParameter(p: Json): Buffer {
  const kind = NON_BODY[String(p.in)] ?? NON_BODY.query;
  const subSchema = message((w) => {
    bool(w, 1, p.required);
    str(w, 2, p.in);
    str(w, 3, p.description);
    str(w, 4, p.name);
    if (kind.allowEmpty) bool(w, 5, p.allowEmptyValue);
    primitiveFields(w, p, kind.allowEmpty ? 6 : 5);
  });
  return message((w) => w.bytes(kind.field, subSchema));
}

function bodyParameter(p: Json): Buffer {
  return message((w) => {
    str(w, 1, p.description);
    str(w, 2, p.name);
    str(w, 3, p.in);
    bool(w, 4, p.required);
    sub(w, 5, p.schema, schema);
    vendorExtensions(w, 6, p);
  });
}

function jsonReference(r: Json): Buffer {
  return message((w) => {
    str(w, 1, r.$ref);
    str(w, 2, r.description);
  });
}

/** Parameter: the oneof of a body and any other parameter. */
function parameter(p: Json): Buffer {
  return p.in === 'body' ? message((w) => w.bytes(1, bodyParameter(p))) : message((w) => w.bytes(2, nonBodyParameter(p)));
}

/** ParametersItem: a parameter or a reference to one. */
function parametersItem(p: Json): Buffer {
  return typeof p.$ref === 'string' ? message((w) => w.bytes(2, jsonReference(p))) : message((w) => w.bytes(1, parameter(p)));
}

function parameters(w: WireWriter, field: number, list: unknown): void {
  if (Array.isArray(list)) for (const p of list.filter(isObject)) w.bytes(field, parametersItem(p));
}

function response(r: Json): Buffer {
  return message((w) => {
    str(w, 1, r.description);
    sub(w, 2, r.schema, (m, s) => m.bytes(1, schemaMessage(s)));
    vendorExtensions(w, 5, r);
  });
}

function responses(w: WireWriter, r: Json): void {
  named(w, 1, r, (v) => message((m) => (typeof (v as Json).$ref === 'string' ? m.bytes(2, jsonReference(v as Json)) : m.bytes(1, response(v as Json)))), true);
  vendorExtensions(w, 2, r);
}

function securityRequirement(requirement: Json): Buffer {
  return message((w) => named(w, 1, requirement, (scopes) => message((m) => strs(m, 1, scopes))));
}

function security(w: WireWriter, field: number, list: unknown): void {
  if (Array.isArray(list)) for (const r of list.filter(isObject)) w.bytes(field, securityRequirement(r));
}

function operation(w: WireWriter, o: Json): void {
  strs(w, 1, o.tags);
  str(w, 2, o.summary);
  str(w, 3, o.description);
  sub(w, 4, o.externalDocs, externalDocs);
  str(w, 5, o.operationId);
  strs(w, 6, o.produces);
  strs(w, 7, o.consumes);
  parameters(w, 8, o.parameters);
  sub(w, 9, o.responses, responses);
  strs(w, 10, o.schemes);
  bool(w, 11, o.deprecated);
  security(w, 12, o.security);
  vendorExtensions(w, 13, o);
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

function pathItem(item: Json): Buffer {
  return message((w) => {
    str(w, 1, item.$ref);
    METHODS.forEach((method, i) => sub(w, i + 2, item[method], operation));
    parameters(w, 9, item.parameters);
    vendorExtensions(w, 10, item);
  });
}

/** SecurityDefinitionsItem: the oneof field for basic and apiKey schemes (Kubernetes uses no OAuth2 scheme). */
function securityScheme(s: Json): Buffer {
  if (s.type !== 'basic' && s.type !== 'apiKey') return Buffer.alloc(0);
  if (s.type === 'basic') {
    return message((w) =>
      w.bytes(
        1,
        message((m) => {
          str(m, 1, s.type);
          str(m, 2, s.description);
          vendorExtensions(m, 3, s);
        }),
      ),
    );
  }
  return message((w) =>
    w.bytes(
      2,
      message((m) => {
        str(m, 1, s.type);
        str(m, 2, s.name);
        str(m, 3, s.in);
        str(m, 4, s.description);
        vendorExtensions(m, 5, s);
      }),
    ),
  );
}

function info(w: WireWriter, i: Json): void {
  str(w, 1, i.title);
  str(w, 2, i.version);
  str(w, 3, i.description);
  str(w, 4, i.termsOfService);
  sub(w, 5, i.contact, (m, c) => {
    str(m, 1, c.name);
    str(m, 2, c.url);
    str(m, 3, c.email);
    vendorExtensions(m, 4, c);
  });
  sub(w, 6, i.license, (m, l) => {
    str(m, 1, l.name);
    str(m, 2, l.url);
    vendorExtensions(m, 3, l);
  });
  vendorExtensions(w, 7, i);
}

function tag(t: Json): Buffer {
  return message((w) => {
    str(w, 1, t.name);
    str(w, 2, t.description);
    sub(w, 3, t.externalDocs, externalDocs);
    vendorExtensions(w, 4, t);
  });
}

/** The `openapi.v2.Document` encoding of a Swagger 2.0 document. */
export function swaggerProtobuf(doc: Json): Buffer {
  return message((w) => {
    str(w, 1, doc.swagger);
    sub(w, 2, doc.info, info);
    str(w, 3, doc.host);
    str(w, 4, doc.basePath);
    strs(w, 5, doc.schemes);
    strs(w, 6, doc.consumes);
    strs(w, 7, doc.produces);
    sub(w, 8, doc.paths, (m, paths) => {
      vendorExtensions(m, 1, paths);
      named(m, 2, paths, (item) => pathItem(item as Json), true);
    });
    sub(w, 9, doc.definitions, (m, defs) => named(m, 1, defs, (s) => schemaMessage(s as Json)));
    sub(w, 10, doc.parameters, (m, params) => named(m, 1, params, (p) => parameter(p as Json)));
    sub(w, 11, doc.responses, (m, rs) => named(m, 1, rs, (r) => response(r as Json)));
    security(w, 12, doc.security);
    sub(w, 13, doc.securityDefinitions, (m, defs) => named(m, 1, defs, (s) => securityScheme(s as Json)));
    if (Array.isArray(doc.tags)) for (const t of doc.tags.filter(isObject)) w.bytes(14, tag(t));
    sub(w, 15, doc.externalDocs, externalDocs);
    vendorExtensions(w, 16, doc);
  });
}
