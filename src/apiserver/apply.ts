// Server-side apply (PATCH with application/apply-patch+yaml): the request
// body is the manager's whole intent for the fields it owns.
import { parse } from 'yaml';
import type { ApiObject } from '../api/kind.js';
import { FieldError, FieldPath } from '../machinery/field.js';
import { applyConfiguration } from '../machinery/managedfields/index.js';
import { badRequest, invalid, isApiError } from '../machinery/status.js';
import { checkFields } from './field-validation.js';
import { fieldValidation, respondObject, writeOptions, type HandlerInput } from './handlers.js';
import { readBody } from './http.js';

export async function serverSideApply(input: HandlerInput): Promise<void> {
  const { info, resource, url } = input;
  const options = writeOptions(input);
  if (!url.searchParams.get('fieldManager')) {
    throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [FieldError.required(FieldPath.of('fieldManager'), 'is required for apply patch')]);
  }
  const manager = options.fieldManager!;
  const force = url.searchParams.get('force') === 'true';
  const raw = (await readBody(input.req)).toString('utf8');
  const config = parseConfiguration(raw);
  checkConfiguration(config, input);
  checkFields(resource, config, fieldValidation(url), input.res, raw);
  const scope = resource.fieldManagerScope(info.subresource);
  const prepared = { ...options, managedFieldsPrepared: true };

  const existing = await resource.get(info.namespace, info.name).catch((err: unknown) => {
    if (isApiError(err) && err.status.code === 404) return undefined;
    throw err;
  });
  if (!existing) {
    const { object, managedFields } = applyConfiguration(undefined, config, manager, force, scope);
    const created = await resource.create(info.namespace, { ...(object as ApiObject), metadata: { ...object.metadata, managedFields } }, prepared);
    return respondObject(input, 201, created);
  }
  const updated = await resource.guaranteedUpdate(
    info.namespace,
    info.name,
    (current) => {
      const { object, managedFields } = applyConfiguration(current, config, manager, force, scope);
      return { ...(object as ApiObject), metadata: { ...object.metadata, managedFields } };
    },
    info.subresource,
    prepared,
  );
  respondObject(input, 200, updated);
}

function parseConfiguration(raw: string): ApiObject {
  let config: unknown;
  try {
    config = parse(raw);
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw badRequest('the body of the request was in an unknown format - expected an object');
  }
  return config as ApiObject;
}

function checkConfiguration(config: ApiObject, { info, resource }: HandlerInput): void {
  if (config.apiVersion !== resource.apiVersion) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${config.apiVersion ?? ''}, expected: ${resource.apiVersion}`);
  }
  if (config.kind !== resource.names.kind) {
    throw badRequest(`Incorrect kind specified in apply patch. Specified patch kind: ${config.kind ?? ''}, expected: ${resource.names.kind}`);
  }
  const meta = config.metadata ?? {};
  if (meta.name !== undefined && meta.name !== info.name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${info.name})`);
  }
  if (meta.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  config.metadata = { ...meta, name: info.name };
  if (resource.names.namespaced) config.metadata.namespace = info.namespace;
}
