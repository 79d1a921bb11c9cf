// The Swagger 2.0 document served at /openapi/v2.
import type { Definitions } from '../../api/schema/index.js';
import { PATCH, type Operation, type PathItem } from './operations.js';

export const PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
export const WATCH_PRODUCES = ['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

export const PATH_PARAMETER_DESCRIPTIONS: Record<string, string> = {
  name: 'name of the object',
  namespace: 'object name and auth scope, such as for teams and projects',
  pretty: "If 'true', the output is indented.",
};

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

function pathParameters(item: PathItem): Json[] {
  const params: Json[] = item.pathParameters.map((name) => ({
    description: PATH_PARAMETER_DESCRIPTIONS[name],
    in: 'path',
    name,
    required: true,
    type: 'string',
    uniqueItems: true,
  }));
  params.push({ description: PATH_PARAMETER_DESCRIPTIONS.pretty, in: 'query', name: 'pretty', type: 'string', uniqueItems: true });
  return params;
}

function responses(o: Operation): Json {
  const found: Json = {};
  for (const code of o.codes) {
    found[code] = { description: code === 201 ? 'Created' : code === 202 ? 'Accepted' : 'OK', schema: ref(o.response) };
  }
  found[401] = { description: 'Unauthorized' };
  return found;
}

function operation(o: Operation): Json {
  const parameters: Json[] = o.query.map((p) => ({ description: p.description, in: 'query', name: p.name, type: p.type, uniqueItems: true }));
  if (o.body) parameters.unshift({ in: 'body', name: 'body', required: true, schema: ref(o.body) });
  return {
    consumes: o.body === PATCH ? PATCH_TYPES : ['*/*'],
    description: o.description,
    operationId: o.operationId,
    parameters,
    produces: o.action === 'list' ? [...PRODUCES, ...WATCH_PRODUCES] : PRODUCES,
    responses: responses(o),
    schemes: ['https'],
    tags: [o.tag],
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': o.gvk,
  };
}

/** The Swagger 2.0 document of these paths and definitions. */
export function swaggerDocument(items: PathItem[], definitions: Definitions, version: string): Json {
  const paths: Json = {};
  for (const item of [...items].sort((a, b) => a.path.localeCompare(b.path))) {
    const entry: Json = { parameters: pathParameters(item) };
    for (const o of item.operations) entry[o.method] = operation(o);
    paths[item.path] = entry;
  }
  return {
    definitions,
    info: { title: 'Kubernetes', version },
    paths,
    security: [{ BearerToken: [] }],
    securityDefinitions: {
      BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' },
    },
    swagger: '2.0',
  };
}
