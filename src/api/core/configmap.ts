// ConfigMap (upstream pkg/registry/core/configmap, validation/config_maps.go).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { utf8Length } from '../../machinery/json.js';
import { isConfigMapKey } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from './printers.js';
import { mapOf, sameMap, stringOf } from './util.js';

/** The limit on the summed size of a ConfigMap's or Secret's values. */
export const MAX_SECRET_SIZE = 1024 * 1024;

export const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

/** Bytes of a base64 value once decoded. */
export function decodedLength(value: unknown): number {
  return Buffer.from(stringOf(value), 'base64').length;
}

/** Upstream's TooLong at the empty path `""`, which means the whole object. */
export function wholeObjectTooLong(max: number): FieldError {
  const e = FieldError.tooLong(null, max);
  return new FieldError(e.type, '', e.badValue, e.detail);
}

export function validateConfigMapKey(key: string, path: FieldPath): FieldError[] {
  return isConfigMapKey(key).map((msg) => FieldError.invalid(path, key, msg));
}

function validate(obj: ApiObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = mapOf(obj.data);
  const binaryData = mapOf(obj.binaryData);
  let totalSize = 0;
  for (const [key, value] of Object.entries(data)) {
    const path = FieldPath.of('data').key(key);
    errs.push(...validateConfigMapKey(key, path));
    if (Object.hasOwn(binaryData, key)) errs.push(FieldError.invalid(path, key, 'duplicate of key present in binaryData'));
    totalSize += utf8Length(stringOf(value));
  }
  for (const [key, value] of Object.entries(binaryData)) {
    errs.push(...validateConfigMapKey(key, FieldPath.of('binaryData').key(key)));
    totalSize += decodedLength(value);
  }
  if (totalSize > MAX_SECRET_SIZE) errs.push(wholeObjectTooLong(MAX_SECRET_SIZE));
  return errs;
}

/** `immutable: true` freezes the payload and itself (shared with Secret). */
export function validateImmutablePayload(obj: ApiObject, old: ApiObject, fields: readonly string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(FieldError.forbidden(FieldPath.of('immutable'), IMMUTABLE_WHEN_SET));
  for (const f of fields) {
    if (!sameMap(obj[f], old[f])) errs.push(FieldError.forbidden(FieldPath.of(f), IMMUTABLE_WHEN_SET));
  }
  return errs;
}

export const configMapStrategy: KindStrategy = {
  names: {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    singular: 'configmap',
    shortNames: ['cm'],
    namespaced: true,
  },
  validate,
  validateUpdate: (obj, old) => validateImmutablePayload(obj, old, ['data', 'binaryData']),
  table: {
    columns: [
      nameColumn,
      column(
        'Data',
        "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
      ),
      ageColumn,
    ],
    cells: (obj) => [
      obj.metadata?.name ?? '',
      Object.keys(mapOf(obj.data)).length + Object.keys(mapOf(obj.binaryData)).length,
      ageCell(obj),
    ],
  },
};
