// The OpenAPI 3.0 document of one group version, served at /openapi/v3/apis/<group>/<version>.
import type { Definitions, Schema } from '../../api/schema/index.js';
import { PATCH, type Operation, type PathItem } from './operations.js';
import { PATCH_TYPES, PATH_PARAMETER_DESCRIPTIONS, PRODUCES, WATCH_PRODUCES } from './v2.js';

type Json = Record<string, unknown>;

const SCHEMAS = '#/components/schemas/';

function ref(name: string): Json {
  return { $ref: SCHEMAS + name };
}

function rewriteRef(ref: string): string {
  return ref.replace('#/definitions/', SCHEMAS);
}

/** A schema in OpenAPI 3 form: references with siblings are wrapped in allOf, as upstream does. */
export function v3Schema(schema: Schema): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') continue;
    if (key === 'properties') out.properties = mapValues(value as Record<string, Schema>);
    else if (key === 'items' || key === 'additionalProperties') out[key] = v3Schema(value as Schema);
    else out[key] = value;
  }
  if (!schema.$ref) return out;
  const target = rewriteRef(schema.$ref);
  return Object.keys(out).length ? { allOf: [{ $ref: target }], ...out } : { $ref: target };
}

function mapValues(properties: Record<string, Schema>): Json {
  return Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, v3Schema(s)]));
}

function pathParameters(item: PathItem): Json[] {
  const params: Json[] = item.pathParameters.map((name) => ({
    description: PATH_PARAMETER_DESCRIPTIONS[name],
    in: 'path',
    name,
    required: true,
    schema: { type: 'string', uniqueItems: true },
  }));
  params.push({ description: PATH_PARAMETER_DESCRIPTIONS.pretty, in: 'query', name: 'pretty', schema: { type: 'string', uniqueItems: true } });
  return params;
}

function content(types: string[], name: string): Json {
  return Object.fromEntries(types.map((t) => [t, { schema: ref(name) }]));
}

function responses(o: Operation): Json {
  const types = o.action === 'list' ? [...PRODUCES, ...WATCH_PRODUCES] : PRODUCES;
  const found: Json = {};
  for (const code of o.codes) {
    const description = code === 201 ? 'Created' : code === 202 ? 'Accepted' : 'OK';
    found[code] = { content: content(types, o.response), description };
  }
  found[401] = { description: 'Unauthorized' };
  return found;
}

function operation(o: Operation): Json {
  const result: Json = {
    description: o.description,
    operationId: o.operationId,
    parameters: o.query.map((p) => ({ description: p.description, in: 'query', name: p.name, schema: { type: p.type, uniqueItems: true } })),
    responses: responses(o),
    tags: [o.tag],
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': o.gvk,
  };
  if (o.body) result.requestBody = { content: content(o.body === PATCH ? PATCH_TYPES : ['*/*'], o.body), required: true };
  return result;
}

/**
 * Types with more than one JSON form are `oneOf` in OpenAPI 3 (upstream's
 * OpenAPIV3OneOfTypes), which also makes kubectl explain name them by type.
 */
const ONE_OF: Record<string, Json[]> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': [{ type: 'integer' }, { type: 'string' }],
  'io.k8s.apimachinery.pkg.api.resource.Quantity': [{ type: 'string' }, { type: 'number' }],
};

function componentSchema(name: string, schema: Schema): Json {
  const converted = v3Schema(schema);
  if (!ONE_OF[name]) return converted;
  delete converted.type;
  return { ...converted, oneOf: ONE_OF[name] };
}

/** The OpenAPI 3.0 document of these paths and definitions. */
export function openapi3Document(items: PathItem[], definitions: Definitions, version: string): Json {
  const paths: Json = {};
  for (const item of [...items].sort((a, b) => a.path.localeCompare(b.path))) {
    const entry: Json = { parameters: pathParameters(item) };
    for (const o of item.operations) entry[o.method] = operation(o);
    paths[item.path] = entry;
  }
  const schemas = Object.fromEntries(Object.entries(definitions).map(([name, s]) => [name, componentSchema(name, s)]));
  return {
    components: {
      schemas,
      securitySchemes: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    },
    info: { title: 'Kubernetes', version },
    openapi: '3.0.0',
    paths,
    security: [{ BearerToken: [] }],
  };
}
