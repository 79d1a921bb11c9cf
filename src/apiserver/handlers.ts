// The verbs of a resource over HTTP: decode the request, call the registry,
// encode the answer as JSON or as a Table.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiObject } from '../api/kind.js';
import { badRequest, methodNotSupported, notAcceptable, unsupportedMediaType } from '../machinery/status.js';
import { addWarnings, parseJson, readBody, sendJson } from './http.js';
import { serverSideApply } from './apply.js';
import { applyPatch, applyPatchType } from './patch.js';
import { decodeKubernetesProtobuf, protobufContentType } from './protobuf/index.js';
import type { DeleteOptions, Resource, WriteOptions } from './registry/resource.js';
import { parseSelection } from './registry/selection.js';
import type { ResourceRequest } from './request-info.js';
import { checkFields, type FieldValidation } from './field-validation.js';
import type { Authenticator, UserInfo } from './authn.js';
import type { ResourceMap } from './registry/resource-map.js';
import { reviewFor, type Review } from './reviews.js';
import { actionSubresources, connectSubresource } from './subresources/index.js';
import type { KubeletClient } from './streaming/kubelet-client.js';
import { METRICS_GROUP, serveMetrics } from './metrics/index.js';
import { scaleHandler } from './subresources/scale.js';
import { acceptsPlainObject, includeObjectParam, toTable, wantsTable } from './table.js';
import { serveWatch } from './watch.js';

export interface HandlerInput {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  info: ResourceRequest;
  resource: Resource;
  resources: ResourceMap;
  user: UserInfo;
  authenticator: Authenticator;
  kubelet?: KubeletClient;
}

export async function handleResource(input: HandlerInput): Promise<void> {
  const { info, resource } = input;
  const review = reviewFor(resource);
  if (review) return serveReview(input, review);
  if (resource.names.group === METRICS_GROUP) return serveMetrics(input);
  if (info.subresource === 'scale' && resource.strategy.scale) return scaleHandler(input);
  const action = actionSubresources(resource.names.group, resource.names.plural).find((a) => a.name === info.subresource);
  if (action) {
    if (info.verb !== 'create') throw methodNotSupported(resource.groupResource, info.verb);
    return action.serve(input);
  }
  const connect = connectSubresource(resource.names.group, resource.names.plural, info.subresource);
  if (connect) return connect.serve(input);
  if (resource.strategy.deprecationWarning) addWarnings(input.res, [resource.strategy.deprecationWarning]);
  if (!servesSubresource(resource, info.subresource, info.verb)) throw methodNotSupported(resource.groupResource, info.verb);
  if (resource.strategy.verbs && !(resource.strategy.verbs as readonly string[]).includes(info.verb)) throw methodNotSupported(resource.groupResource, info.verb);
  switch (info.verb) {
    case 'get':
      return respondObject(input, 200, await input.resource.get(info.namespace, info.name));
    case 'list':
      return list(input);
    case 'watch':
      return watch(input);
    case 'create':
      return create(input);
    case 'update':
      return update(input);
    case 'patch':
      return patch(input);
    case 'delete':
      return remove(input);
    case 'deletecollection':
      return deleteCollection(input);
  }
}

/** A review kind: created, answered with its status filled in, never stored. */
async function serveReview(input: HandlerInput, review: Review): Promise<void> {
  const { info, resource } = input;
  if (info.verb !== 'create' || info.subresource) throw methodNotSupported(resource.groupResource, info.verb);
  if (!acceptsPlainObject(input.req.headers.accept)) throw notAcceptable(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
  const obj = await readObject(input);
  resource.checkRequest(info.namespace, obj);
  const answered = await review(obj, { user: input.user, namespace: info.namespace, authenticator: input.authenticator });
  sendJson(input.res, 201, { ...answered, apiVersion: resource.apiVersion, kind: resource.names.kind });
}

/** The main resource, its status, or a subresource that updates part of the object. */
function servesSubresource(resource: Resource, subresource: string, verb: string): boolean {
  if (subresource === '') return true;
  if (subresource === 'status') return resource.strategy.statusSubresource === true;
  const partial = resource.updateSubresource(subresource);
  return partial !== undefined && (partial.verbs as readonly string[]).includes(verb);
}

export function respondObject({ req, res, url, resource }: HandlerInput, code: number, obj: ApiObject): void {
  if (wantsTable(req.headers.accept)) {
    sendJson(res, code, toTable(resource.strategy, [obj], { includeObject: includeObjectParam(url.searchParams.get('includeObject')) }));
    return;
  }
  sendJson(res, code, obj);
}

function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw badRequest(`invalid ${name} value "${raw}"`);
  return n;
}

async function list(input: HandlerInput): Promise<void> {
  const { req, res, url, info, resource } = input;
  const params = url.searchParams;
  const result = await resource.list(info.namespace, {
    selection: parseSelection(resource.strategy, params),
    limit: intParam(url, 'limit'),
    continue: params.get('continue') || undefined,
    resourceVersion: params.get('resourceVersion') ?? undefined,
    resourceVersionMatch: params.get('resourceVersionMatch') ?? undefined,
  });
  const listMeta = {
    resourceVersion: result.resourceVersion,
    ...(result.continue ? { continue: result.continue } : {}),
    ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
  };
  if (wantsTable(req.headers.accept)) {
    const include = includeObjectParam(params.get('includeObject'));
    sendJson(res, 200, toTable(resource.strategy, result.items, { includeObject: include }, listMeta));
    return;
  }
  sendJson(res, 200, {
    kind: `${resource.names.kind}List`,
    apiVersion: resource.apiVersion,
    metadata: listMeta,
    items: result.items.map((item) => ({ ...item, apiVersion: resource.apiVersion, kind: resource.names.kind })),
  });
}

async function watch({ req, res, url, info, resource }: HandlerInput): Promise<void> {
  const params = url.searchParams;
  const table = wantsTable(req.headers.accept);
  const include = includeObjectParam(params.get('includeObject'));
  const sendInitial = params.get('sendInitialEvents');
  await serveWatch(resource, req, res, {
    namespace: info.namespace,
    selection: parseSelection(resource.strategy, params),
    resourceVersion: params.get('resourceVersion') ?? undefined,
    timeoutSeconds: intParam(url, 'timeoutSeconds'),
    allowWatchBookmarks: params.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: sendInitial === null ? undefined : sendInitial === 'true',
    render: (obj) => (table ? toTable(resource.strategy, [obj], { includeObject: include }) : obj),
    rendersAsIs: !table,
  });
}

export function writeOptions({ url, req, user }: Pick<HandlerInput, 'url' | 'req'> & { user?: UserInfo }): WriteOptions {
  const dryRun = url.searchParams.getAll('dryRun');
  for (const value of dryRun) {
    if (value !== 'All') throw badRequest(`Invalid dry run value "${value}": supported values: "All"`);
  }
  return { dryRun: dryRun.length > 0, fieldManager: fieldManagerOf(url, req.headers['user-agent']), user };
}

/** The fieldManager parameter, else the client's name from its User-Agent (upstream's prefixFromUserAgent). */
function fieldManagerOf(url: URL, userAgent: string | undefined): string {
  const given = url.searchParams.get('fieldManager');
  if (given !== null && given !== '') return given;
  return (userAgent ?? '').split('/')[0].slice(0, 128);
}

export function fieldValidation(url: URL): FieldValidation {
  const value = url.searchParams.get('fieldValidation') ?? 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation parameter unsupported: ${value}`);
}

/** Media types a request body may have. */
const bodyTypes = ['application/json', 'application/yaml', protobufContentType];

export async function readObject(input: HandlerInput): Promise<ApiObject> {
  const contentType = (input.req.headers['content-type'] ?? 'application/json').split(';')[0].trim();
  if (!bodyTypes.includes(contentType)) throw unsupportedMediaType(bodyTypes);
  const raw = await readBody(input.req);
  if (contentType === protobufContentType) return decodeProtobuf(raw);
  const body = parseJson(raw);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the body of the request was in an unknown format - expected an object');
  }
  checkFields(input.resource, body as ApiObject, fieldValidation(input.url), input.res, raw.toString('utf8'));
  return body as ApiObject;
}

/** kubectl's typed clients send protobuf; the decoded object is what the JSON would have been. */
function decodeProtobuf(raw: Buffer): ApiObject {
  try {
    const { apiVersion, kind, object } = decodeKubernetesProtobuf(raw);
    return { ...object, apiVersion, kind } as ApiObject;
  } catch (err) {
    throw badRequest(`the body of the request could not be decoded as protobuf: ${(err as Error).message}`);
  }
}

async function create(input: HandlerInput): Promise<void> {
  const obj = await readObject(input);
  const created = await input.resource.create(input.info.namespace, obj, writeOptions(input));
  respondObject(input, 201, created);
}

async function update(input: HandlerInput): Promise<void> {
  const { info, resource } = input;
  const obj = await readObject(input);
  const updated = await resource.update(info.namespace, info.name, obj, info.subresource, writeOptions(input));
  respondObject(input, 200, updated);
}

async function patch(input: HandlerInput): Promise<void> {
  const { req, info, resource } = input;
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
  if (contentType === applyPatchType) return serverSideApply(input);
  const body = await readBody(req);
  const options = writeOptions(input);
  const validation = fieldValidation(input.url);
  const updated = await resource.guaranteedUpdate(
    info.namespace,
    info.name,
    (current) => {
      const next = applyPatch(resource, contentType, current, body);
      checkFields(resource, next, validation, input.res);
      return next;
    },
    info.subresource,
    options,
  );
  respondObject(input, 200, updated);
}

async function deleteOptions(input: HandlerInput): Promise<DeleteOptions & { orphanDependents?: boolean }> {
  const body = await readBody(input.req);
  const fromBody = body.length > 0 ? (parseJson(body) as Record<string, unknown>) : {};
  const params = input.url.searchParams;
  const grace = intParam(input.url, 'gracePeriodSeconds') ?? (fromBody.gracePeriodSeconds as number | undefined);
  const policy = params.get('propagationPolicy') ?? (fromBody.propagationPolicy as string | undefined);
  if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const orphan = fromBody.orphanDependents as boolean | undefined;
  return {
    ...writeOptions(input),
    gracePeriodSeconds: grace,
    propagationPolicy: policy ?? (orphan === true ? 'Orphan' : orphan === false ? 'Background' : undefined),
    preconditions: fromBody.preconditions as DeleteOptions['preconditions'],
    orphanDependents: orphan,
  };
}

async function remove(input: HandlerInput): Promise<void> {
  const { info, resource } = input;
  const options = await deleteOptions(input);
  const { object, removed } = await resource.delete(info.namespace, info.name, options);
  // Upstream answers 202 only for a pending deletion asked for with orphanDependents=false.
  respondObject(input, !removed && options.orphanDependents === false ? 202 : 200, object);
}

async function deleteCollection(input: HandlerInput): Promise<void> {
  const { res, url, info, resource } = input;
  const options = await deleteOptions(input);
  const { items, resourceVersion } = await resource.list(info.namespace, {
    selection: parseSelection(resource.strategy, url.searchParams),
  });
  const deleted: ApiObject[] = [];
  for (const item of items) {
    try {
      deleted.push((await resource.delete(item.metadata?.namespace ?? '', item.metadata?.name ?? '', options)).object);
    } catch (err) {
      if ((err as { status?: { code?: number } }).status?.code !== 404) throw err;
    }
  }
  sendJson(res, 200, { kind: `${resource.names.kind}List`, apiVersion: resource.apiVersion, metadata: { resourceVersion }, items: deleted });
}
