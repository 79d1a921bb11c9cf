// Applying a PATCH body to the stored object, by the patch type the client names.
import type { ApiObject } from '../api/kind.js';
import type { JsonValue } from '../machinery/json.js';
import { patchMetaFor } from '../api/schema/index.js';
import { applyJsonPatch, applyMergePatch, PatchError } from '../machinery/patch.js';
import { EMPTY_PATCH_META, strategicMergePatch } from '../machinery/strategic.js';
import { badRequest, unsupportedMediaType } from '../machinery/status.js';
import { parseJson } from './http.js';
import type { Resource } from './registry/resource.js';

export const applyPatchType = 'application/apply-patch+yaml';

export const patchTypes = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

export function applyPatch(resource: Resource, contentType: string, current: ApiObject, body: Buffer): ApiObject {
  const patch = parseJson(body) as JsonValue;
  const doc = current as unknown as JsonValue;
  try {
    switch (contentType) {
      case 'application/json-patch+json':
        return asObject(applyJsonPatch(doc, patch));
      case 'application/merge-patch+json':
        return asObject(applyMergePatch(doc, patch));
      case 'application/strategic-merge-patch+json': {
        const { group, version, kind } = resource.names;
        const meta = patchMetaFor(group, version, kind) ?? EMPTY_PATCH_META;
        return asObject(strategicMergePatch(asObject(doc) as never, patch, meta));
      }
      default:
        throw unsupportedMediaType(patchTypes);
    }
  } catch (err) {
    throw err instanceof PatchError ? err.toApiError() : err;
  }
}

function asObject(value: JsonValue): ApiObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('the patch did not produce an object');
  }
  return value as unknown as ApiObject;
}
