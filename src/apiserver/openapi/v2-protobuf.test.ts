import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { allKinds } from '../../api/all.js';
import { WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT, WireReader } from '../protobuf/wire.js';
import { openapiV2ProtobufServed, openapiV2Served } from './index.js';
import { negotiateOpenAPIV2 } from './negotiate.js';
import { swaggerProtobuf } from './v2-protobuf.js';

// A decoder written from gnostic's OpenAPIv2.proto, independent of the encoder: each
// message's fields by number as [name, type, repeated]. Decoded messages are objects
// keyed by the proto field names; an unknown field number or wire type fails the test.
type FieldType = 'string' | 'bool' | 'int64' | 'double' | string;
type Fields = Record<number, [string, FieldType, boolean?]>;

const named = (value: string): Fields => ({ 1: ['name', 'string'], 2: ['value', value] });
const extensions = (n: number): Fields => ({ [n]: ['vendor_extension', 'NamedAny', true] });
/** type .. vendor_extension of PrimitivesItems (from 1), path parameters (5), query parameters (6). */
function primitive(from: number): Fields {
  const names: [string, FieldType][] = [
    ['type', 'string'], ['format', 'string'], ['items', 'PrimitivesItems'], ['collection_format', 'string'], ['default', 'Any'],
    ['maximum', 'double'], ['exclusive_maximum', 'bool'], ['minimum', 'double'], ['exclusive_minimum', 'bool'],
    ['max_length', 'int64'], ['min_length', 'int64'], ['pattern', 'string'], ['max_items', 'int64'], ['min_items', 'int64'],
    ['unique_items', 'bool'],
  ];
  const fields: Fields = {};
  names.forEach(([name, type], i) => (fields[from + i] = [name, type]));
  return { ...fields, [from + 15]: ['enum', 'Any', true], [from + 16]: ['multiple_of', 'double'], ...extensions(from + 17) };
}
const parameterHead: Fields = { 1: ['required', 'bool'], 2: ['in', 'string'], 3: ['description', 'string'], 4: ['name', 'string'] };

const MESSAGES: Record<string, Fields> = {
  Document: {
    1: ['swagger', 'string'], 2: ['info', 'Info'], 3: ['host', 'string'], 4: ['base_path', 'string'], 5: ['schemes', 'string', true],
    6: ['consumes', 'string', true], 7: ['produces', 'string', true], 8: ['paths', 'Paths'], 9: ['definitions', 'Definitions'],
    12: ['security', 'SecurityRequirement', true], 13: ['security_definitions', 'SecurityDefinitions'], ...extensions(16),
  },
  Info: { 1: ['title', 'string'], 2: ['version', 'string'], 3: ['description', 'string'], ...extensions(7) },
  Any: { 2: ['yaml', 'string'] },
  NamedAny: named('Any'),
  Paths: { ...extensions(1), 2: ['path', 'NamedPathItem', true] },
  NamedPathItem: named('PathItem'),
  PathItem: {
    1: ['_ref', 'string'], 2: ['get', 'Operation'], 3: ['put', 'Operation'], 4: ['post', 'Operation'], 5: ['delete', 'Operation'],
    6: ['options', 'Operation'], 7: ['head', 'Operation'], 8: ['patch', 'Operation'], 9: ['parameters', 'ParametersItem', true], ...extensions(10),
  },
  Operation: {
    1: ['tags', 'string', true], 2: ['summary', 'string'], 3: ['description', 'string'], 5: ['operation_id', 'string'],
    6: ['produces', 'string', true], 7: ['consumes', 'string', true], 8: ['parameters', 'ParametersItem', true], 9: ['responses', 'Responses'],
    10: ['schemes', 'string', true], 11: ['deprecated', 'bool'], ...extensions(13),
  },
  ParametersItem: { 1: ['parameter', 'Parameter'], 2: ['json_reference', 'JsonReference'] },
  JsonReference: { 1: ['_ref', 'string'], 2: ['description', 'string'] },
  Parameter: { 1: ['body_parameter', 'BodyParameter'], 2: ['non_body_parameter', 'NonBodyParameter'] },
  BodyParameter: { 1: ['description', 'string'], 2: ['name', 'string'], 3: ['in', 'string'], 4: ['required', 'bool'], 5: ['schema', 'Schema'], ...extensions(6) },
  NonBodyParameter: { 3: ['query_parameter_sub_schema', 'QueryParameterSubSchema'], 4: ['path_parameter_sub_schema', 'PathParameterSubSchema'] },
  QueryParameterSubSchema: { ...parameterHead, 5: ['allow_empty_value', 'bool'], ...primitive(6) },
  PathParameterSubSchema: { ...parameterHead, ...primitive(5) },
  PrimitivesItems: primitive(1),
  Responses: { 1: ['response_code', 'NamedResponseValue', true], ...extensions(2) },
  NamedResponseValue: named('ResponseValue'),
  ResponseValue: { 1: ['response', 'Response'], 2: ['json_reference', 'JsonReference'] },
  Response: { 1: ['description', 'string'], 2: ['schema', 'SchemaItem'], ...extensions(5) },
  SchemaItem: { 1: ['schema', 'Schema'] },
  SecurityRequirement: { 1: ['additional_properties', 'NamedStringArray', true] },
  NamedStringArray: named('StringArray'),
  StringArray: { 1: ['value', 'string', true] },
  SecurityDefinitions: { 1: ['additional_properties', 'NamedSecurityDefinitionsItem', true] },
  NamedSecurityDefinitionsItem: named('SecurityDefinitionsItem'),
  SecurityDefinitionsItem: { 2: ['api_key_security', 'ApiKeySecurity'] },
  ApiKeySecurity: { 1: ['type', 'string'], 2: ['name', 'string'], 3: ['in', 'string'], 4: ['description', 'string'], ...extensions(5) },
  Definitions: { 1: ['additional_properties', 'NamedSchema', true] },
  NamedSchema: named('Schema'),
  Properties: { 1: ['additional_properties', 'NamedSchema', true] },
  AdditionalPropertiesItem: { 1: ['schema', 'Schema'], 2: ['boolean', 'bool'] },
  TypeItem: { 1: ['value', 'string', true] },
  ItemsItem: { 1: ['schema', 'Schema', true] },
  Schema: {
    1: ['_ref', 'string'], 2: ['format', 'string'], 3: ['title', 'string'], 4: ['description', 'string'], 5: ['default', 'Any'],
    6: ['multiple_of', 'double'], 7: ['maximum', 'double'], 9: ['minimum', 'double'], 11: ['max_length', 'int64'], 12: ['min_length', 'int64'],
    13: ['pattern', 'string'], 19: ['required', 'string', true], 20: ['enum', 'Any', true], 21: ['additional_properties', 'AdditionalPropertiesItem'],
    22: ['type', 'TypeItem'], 23: ['items', 'ItemsItem'], 24: ['all_of', 'Schema', true], 25: ['properties', 'Properties'], 27: ['read_only', 'bool'],
    30: ['example', 'Any'], ...extensions(31),
  },
};

type Message = Record<string, unknown>;

function decode(name: string, bytes: Uint8Array): Message {
  const fields = MESSAGES[name];
  assert.ok(fields, `no message ${name}`);
  const out: Message = {};
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { field, wire } = reader.key();
    const spec = fields[field];
    assert.ok(spec, `${name} has no field ${field}`);
    const [fieldName, type, repeated] = spec;
    let value: unknown;
    if (type === 'bool' || type === 'int64') {
      assert.equal(wire, WIRE_VARINT, `${name}.${fieldName} wire type`);
      const v = reader.varint();
      value = type === 'bool' ? v !== 0n : Number(BigInt.asIntN(64, v));
    } else if (type === 'double') {
      assert.equal(wire, WIRE_FIXED64, `${name}.${fieldName} wire type`);
      value = reader.fixed(8).getFloat64(0, true);
    } else {
      assert.equal(wire, WIRE_BYTES, `${name}.${fieldName} wire type`);
      const raw = reader.bytes();
      value = type === 'string' ? Buffer.from(raw).toString('utf8') : decode(type, raw);
    }
    if (repeated) ((out[fieldName] ??= []) as unknown[]).push(value);
    else out[fieldName] = value;
  }
  return out;
}

// Back from the decoded messages to Swagger JSON, to compare with the JSON document.
type Json = Record<string, unknown>;
const list = (v: unknown) => (v ?? []) as Message[];
const anyValue = (a: unknown): unknown => parse((a as Message).yaml as string);

function withExtensions(target: Json, m: Message): Json {
  for (const ext of list(m.vendor_extension)) target[ext.name as string] = anyValue(ext.value);
  return target;
}

function clean(o: Json): Json {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function namedMap(entries: unknown, value: (m: Message) => unknown): Json {
  return Object.fromEntries(list(entries).map((e) => [e.name as string, value(e.value as Message)]));
}

function schemaJson(s: Message): Json {
  const type = (s.type as Message | undefined)?.value as string[] | undefined;
  const items = (s.items as Message | undefined)?.schema as Message[] | undefined;
  const additional = s.additional_properties as Message | undefined;
  return withExtensions(
    clean({
      $ref: s._ref,
      format: s.format,
      description: s.description,
      default: s.default === undefined ? undefined : anyValue(s.default),
      required: s.required,
      enum: s.enum === undefined ? undefined : list(s.enum).map(anyValue),
      additionalProperties: additional === undefined ? undefined : additional.schema ? schemaJson(additional.schema as Message) : additional.boolean,
      type: type === undefined ? undefined : type.length === 1 ? type[0] : type,
      items: items === undefined ? undefined : items.length === 1 ? schemaJson(items[0]) : items.map(schemaJson),
      properties: s.properties === undefined ? undefined : namedMap((s.properties as Message).additional_properties, schemaJson),
    }),
    s,
  );
}

function parameterJson(item: Message): Json {
  const p = item.parameter as Message;
  if (p.body_parameter) {
    const b = p.body_parameter as Message;
    return withExtensions(clean({ description: b.description, in: b.in, name: b.name, required: b.required, schema: schemaJson(b.schema as Message) }), b);
  }
  const nonBody = p.non_body_parameter as Message;
  const q = (nonBody.query_parameter_sub_schema ?? nonBody.path_parameter_sub_schema) as Message;
  return withExtensions(
    clean({ description: q.description, in: q.in, name: q.name, required: q.required, type: q.type, uniqueItems: q.unique_items }),
    q,
  );
}

function operationJson(o: Message): Json {
  const responses = namedMap((o.responses as Message).response_code, (v) => {
    const r = v.response as Message;
    const schema = (r.schema as Message | undefined)?.schema as Message | undefined;
    return clean({ description: r.description, schema: schema && schemaJson(schema) });
  });
  return withExtensions(
    clean({
      consumes: o.consumes,
      description: o.description,
      operationId: o.operation_id,
      parameters: list(o.parameters).map(parameterJson),
      produces: o.produces,
      responses,
      schemes: o.schemes,
      tags: o.tags,
    }),
    o,
  );
}

function documentJson(d: Message): Json {
  const paths = namedMap((d.paths as Message).path, (item) => {
    const out: Json = { parameters: list(item.parameters).map(parameterJson) };
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch']) {
      if (item[method]) out[method] = operationJson(item[method] as Message);
    }
    return out;
  });
  const securityDefinitions = namedMap((d.security_definitions as Message).additional_properties, (v) => {
    const k = v.api_key_security as Message;
    return { description: k.description, in: k.in, name: k.name, type: k.type };
  });
  return {
    definitions: namedMap((d.definitions as Message).additional_properties, schemaJson),
    info: { title: (d.info as Message).title, version: (d.info as Message).version },
    paths,
    security: list(d.security).map((r) => namedMap(r.additional_properties, (v) => v.value ?? [])),
    securityDefinitions,
    swagger: d.swagger,
  };
}

function decodedDocument(): Message {
  return decode('Document', openapiV2ProtobufServed(allKinds).body);
}

function definition(doc: Message, name: string): Message {
  const found = list((doc.definitions as Message).additional_properties).find((d) => d.name === name);
  assert.ok(found, name);
  return found.value as Message;
}

function property(schema: Message, name: string): Message {
  const found = list((schema.properties as Message).additional_properties).find((p) => p.name === name);
  assert.ok(found, name);
  return found.value as Message;
}

function extension(schema: Message, name: string): unknown {
  const found = list(schema.vendor_extension).find((e) => e.name === name);
  return found && anyValue(found.value);
}

test('the protobuf form of /openapi/v2 decodes back to the JSON document', () => {
  const json = JSON.parse(openapiV2Served(allKinds).body) as Json;
  assert.deepEqual(documentJson(decodedDocument()), json);
});

test('definitions carry properties, required fields, types and vendor extensions', () => {
  const doc = decodedDocument();
  assert.equal(doc.swagger, '2.0');
  const configMap = definition(doc, 'io.k8s.api.core.v1.ConfigMap');
  assert.deepEqual(extension(configMap, 'x-kubernetes-group-version-kind'), [{ group: '', kind: 'ConfigMap', version: 'v1' }]);
  assert.deepEqual((property(configMap, 'metadata')._ref), '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  const data = property(configMap, 'data');
  assert.deepEqual((data.type as Message).value, ['object']);
  assert.deepEqual((((data.additional_properties as Message).schema as Message).type as Message).value, ['string']);

  const container = definition(doc, 'io.k8s.api.core.v1.Container');
  assert.deepEqual(container.required, ['name']);
  const ports = property(container, 'ports');
  assert.equal(extension(ports, 'x-kubernetes-patch-strategy'), 'merge');
  assert.equal(extension(ports, 'x-kubernetes-patch-merge-key'), 'containerPort');
  assert.deepEqual(extension(ports, 'x-kubernetes-list-map-keys'), ['containerPort', 'protocol']);
  const portItems = (ports.items as Message).schema as Message[];
  assert.equal(portItems.length, 1);
  assert.equal(portItems[0]._ref, '#/definitions/io.k8s.api.core.v1.ContainerPort');

  const tokenReview = definition(doc, 'io.k8s.api.authentication.v1.TokenReview');
  assert.deepEqual(extension(tokenReview, 'x-kubernetes-group-version-kind'), [{ group: 'authentication.k8s.io', kind: 'TokenReview', version: 'v1' }]);
  assert.deepEqual(tokenReview.required, ['spec']);
});

test('operations carry their group-version-kind and the fieldValidation parameter', () => {
  const doc = decodedDocument();
  const item = list((doc.paths as Message).path).find((p) => p.name === '/api/v1/namespaces/{namespace}/configmaps/{name}');
  assert.ok(item);
  const patch = (item.value as Message).patch as Message;
  assert.equal(extension(patch, 'x-kubernetes-action'), 'patch');
  assert.deepEqual(extension(patch, 'x-kubernetes-group-version-kind'), { group: '', kind: 'ConfigMap', version: 'v1' });
  const names = list(patch.parameters).map((p) => {
    const parameter = p.parameter as Message;
    const nonBody = parameter.non_body_parameter as Message | undefined;
    return ((nonBody?.query_parameter_sub_schema as Message | undefined) ?? (parameter.body_parameter as Message)).name;
  });
  assert.ok(names.includes('fieldValidation') && names.includes('body'), names.join());
});

test('vendor extension values keep their types for a YAML 1.1 reader', () => {
  const doc = decode('Document', swaggerProtobuf({ swagger: '2.0', definitions: { T: { type: 'object', properties: {}, 'x-a': 'yes', 'x-b': '', 'x-c': 1 } } }));
  const t = definition(doc, 'T');
  assert.deepEqual(t.properties, {}, 'an empty properties object is still present');
  const yaml = Object.fromEntries(list(t.vendor_extension).map((e) => [e.name, (e.value as Message).yaml]));
  assert.deepEqual(yaml, { 'x-a': '"yes"\n', 'x-b': '""\n', 'x-c': '1\n' });
});

test('the protobuf form is built once and shares the JSON document hash', () => {
  const first = openapiV2ProtobufServed(allKinds);
  assert.equal(openapiV2ProtobufServed(allKinds), first);
  assert.equal(first.hash, openapiV2Served(allKinds).hash);
});

test('/openapi/v2 negotiation: protobuf in either spelling, JSON by default', () => {
  assert.equal(negotiateOpenAPIV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf'), 'protobuf');
  assert.equal(negotiateOpenAPIV2('application/com.github.proto-openapi.spec.v2.v1.0+protobuf'), 'protobuf');
  assert.equal(negotiateOpenAPIV2(undefined), 'json');
  assert.equal(negotiateOpenAPIV2('*/*'), 'json');
  assert.equal(negotiateOpenAPIV2('application/json, */*'), 'json');
  assert.equal(negotiateOpenAPIV2('application/json;q=0.5, application/com.github.proto-openapi.spec.v2.v1.0+protobuf'), 'protobuf');
  assert.equal(negotiateOpenAPIV2('application/vnd.kubernetes.protobuf'), undefined);
  assert.equal(negotiateOpenAPIV2('text/html'), undefined);
});
