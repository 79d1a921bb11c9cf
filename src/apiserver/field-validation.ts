// Server-side field validation (fieldValidation=Strict|Warn|Ignore): fields the
// kind's schema does not know, or gives twice, are refused, warned about, or
// dropped silently; values of the wrong type are always refused.
import type { ServerResponse } from 'node:http';
import type { ApiObject } from '../api/kind.js';
import { duplicateFields, fieldTypeErrors, unknownFields } from '../api/schema/index.js';
import { badRequest } from '../machinery/status.js';
import { addWarnings } from './http.js';
import type { Resource } from './registry/resource.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Problems with a request body, as upstream's strict decoder words them. */
export function fieldProblems(resource: Resource, obj: ApiObject, rawBody?: string): string[] {
  const { group, version, kind } = resource.names;
  return [
    ...(rawBody ? duplicateFields(rawBody).map((p) => `duplicate field "${p}"`) : []),
    ...unknownFields(group, version, kind, obj).map((p) => `unknown field "${p}"`),
  ];
}

export function checkFields(resource: Resource, obj: ApiObject, mode: FieldValidation, res: ServerResponse, rawBody?: string): void {
  const { group, version, kind } = resource.names;
  const typeErrors = fieldTypeErrors(group, version, kind, obj);
  if (typeErrors.length > 0) {
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${typeErrors[0].message}`);
  }
  if (mode === 'Ignore') return;
  const problems = fieldProblems(resource, obj, rawBody);
  if (problems.length === 0) return;
  if (mode === 'Strict') {
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(', ')}`);
  }
  addWarnings(res, problems);
}
