// Secret (upstream pkg/registry/core/secret, ValidateSecret).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { isConfigMapKey, validateImmutableField } from '../../machinery/validation.js';
import { MAX_SECRET_SIZE, validateImmutablePayload } from './configmap.js';
import { ageCell, ageColumn, column, nameColumn } from './printers.js';
import { mapOf, stringOf } from './util.js';

export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

/** v1 stringData is write-only: merged into data (base64), where it wins, then dropped. */
export function mergeStringData(obj: ApiObject): void {
  if (obj.stringData === undefined) return;
  const stringData = mapOf(obj.stringData);
  if (Object.keys(stringData).length > 0) {
    const data = { ...mapOf(obj.data) };
    for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(stringOf(value), 'utf8').toString('base64');
    obj.data = data;
  }
  delete obj.stringData;
}

function defaults(obj: ApiObject): void {
  mergeStringData(obj);
  if (!stringOf(obj.type)) obj.type = 'Opaque';
}

/** Where Go's base64 decoder gives up, or -1 when the value decodes. */
function base64ErrorAt(value: string): number {
  const bad = value.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) return bad;
  const padding = value.indexOf('=');
  if (padding >= 0 && !/^=*$/.test(value.slice(padding))) return padding;
  if (value.length % 4 !== 0) return value.length - (value.length % 4);
  return -1;
}

function decodedData(obj: ApiObject, errs: FieldError[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [key, raw] of Object.entries(mapOf(obj.data))) {
    const value = stringOf(raw);
    const at = base64ErrorAt(value);
    if (at >= 0) {
      errs.push(FieldError.invalid(FieldPath.of('data').key(key), '<secret contents redacted>', `illegal base64 data at input byte ${at}`));
      continue;
    }
    out.set(key, Buffer.from(value, 'base64'));
  }
  return out;
}

/** Go's json.Unmarshal into a map, reduced to the messages users meet. */
function jsonMapError(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return 'unexpected end of JSON input';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const first = text.trim()[0];
    return `invalid character '${first}' looking for beginning of value`;
  }
  if (Array.isArray(parsed)) return 'json: cannot unmarshal array into Go value of type map[string]interface {}';
  if (parsed === null || typeof parsed === 'object') return undefined;
  return `json: cannot unmarshal ${typeof parsed === 'string' ? 'string' : typeof parsed === 'boolean' ? 'bool' : 'number'} into Go value of type map[string]interface {}`;
}

function validateTypeRequirements(obj: ApiObject, data: Map<string, Buffer>): FieldError[] {
  const dataPath = FieldPath.of('data');
  const requireKeys = (...keys: string[]): FieldError[] => keys.filter((k) => !data.has(k)).map((k) => FieldError.required(dataPath.key(k)));
  const requireJSON = (key: string): FieldError[] => {
    const bytes = data.get(key);
    if (!bytes) return [FieldError.required(dataPath.key(key))];
    const err = jsonMapError(bytes);
    return err ? [FieldError.invalid(dataPath.key(key), '<secret contents redacted>', err)] : [];
  };
  switch (stringOf(obj.type)) {
    case 'kubernetes.io/service-account-token':
      return obj.metadata?.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION]
        ? []
        : [FieldError.required(FieldPath.of('metadata', 'annotations').key(SERVICE_ACCOUNT_NAME_ANNOTATION))];
    case 'kubernetes.io/dockercfg':
      return requireJSON('.dockercfg');
    case 'kubernetes.io/dockerconfigjson':
      return requireJSON('.dockerconfigjson');
    case 'kubernetes.io/basic-auth':
      return data.has('username') || data.has('password') ? [] : requireKeys('username', 'password');
    case 'kubernetes.io/ssh-auth':
      return (data.get('ssh-privatekey')?.length ?? 0) === 0 ? [FieldError.required(dataPath.key('ssh-privatekey'))] : [];
    case 'kubernetes.io/tls':
      return requireKeys('tls.crt', 'tls.key');
    default:
      return [];
  }
}

function validate(obj: ApiObject): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const key of Object.keys(mapOf(obj.data))) {
    errs.push(...isConfigMapKey(key).map((m) => FieldError.invalid(FieldPath.of('data').key(key), key, m)));
  }
  const data = decodedData(obj, errs);
  for (const bytes of data.values()) total += bytes.length;
  if (total > MAX_SECRET_SIZE) errs.push(FieldError.tooLong(FieldPath.of('data'), MAX_SECRET_SIZE));
  return errs.concat(validateTypeRequirements(obj, data));
}

function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const errs = validateImmutableField(stringOf(obj.type), stringOf(old.type), FieldPath.of('type'));
  return errs.concat(validateImmutablePayload(obj, old, ['data']));
}

export const secretStrategy: KindStrategy = {
  names: { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true },
  defaults,
  prepareForCreate: mergeStringData,
  prepareForUpdate: (obj) => mergeStringData(obj),
  validate,
  validateUpdate,
  table: {
    columns: [
      nameColumn,
      column('Type', 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'),
      column('Data', "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
      ageColumn,
    ],
    cells: (obj) => [obj.metadata?.name ?? '', stringOf(obj.type), Object.keys(mapOf(obj.data)).length, ageCell(obj)],
  },
  selectableFields: (obj) => ({ type: stringOf(obj.type) }),
};
