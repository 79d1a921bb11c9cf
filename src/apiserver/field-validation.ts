// Server-side field validation (fieldValidation=Strict|Warn|Ignore): fields the
// kind's schema does not know are refused, warned about, or dropped silently.
import type { ServerResponse } from 'node:http';
import type { ApiObject } from '../api/kind.js';
import type { Resource } from './registry/resource.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function checkFields(_resource: Resource, _obj: ApiObject, _mode: FieldValidation, _res: ServerResponse): void {
  // Unknown-field detection arrives with the kinds' schemas (src/api/schema).
}
