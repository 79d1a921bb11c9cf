// Messages whose JSON form is not an object of their fields: times, quantities, int-or-string,
// managed-fields sets and string lists. Each is described by a small message of its own; these
// functions convert between that message's fields and the JSON value.
import { parseMessage, type MessageSchema, type SpecialKind } from './schema/notation.js';
import { Quantity } from '../../machinery/quantity.js';
import { formatMicroTime, formatTime, parseMicroTime, parseTime } from '../../machinery/time.js';
import { ProtobufError } from './wire.js';

const TIMESTAMP = 'seconds=1:int64! nanos=2:int32!';

export const specialSchemas: Readonly<Record<SpecialKind, MessageSchema>> = {
  Time: parseMessage('meta.v1', 'Time', TIMESTAMP),
  MicroTime: parseMessage('meta.v1', 'MicroTime', TIMESTAMP),
  Quantity: parseMessage('resource', 'Quantity', 'string=1:string?'),
  IntOrString: parseMessage('intstr', 'IntOrString', 'type=1:int64! intVal=2:int32! strVal=3:string!'),
  FieldsV1: parseMessage('meta.v1', 'FieldsV1', 'Raw=1:bytes?'),
  StringList: parseMessage('meta.v1', 'StringList', 'items=1:[string]'),
};

/** Go's zero time.Time, which metav1.Time shows as null. */
const ZERO_TIME_SECONDS = -62135596800;

type Fields = Record<string, unknown>;

function num(fields: Fields, name: string): number {
  const value = fields[name];
  return typeof value === 'number' ? value : 0;
}

function timeFromFields(kind: 'Time' | 'MicroTime', fields: Fields): string | null {
  const seconds = num(fields, 'seconds');
  const nanos = num(fields, 'nanos');
  if (seconds === ZERO_TIME_SECONDS && nanos === 0) return null;
  if (kind === 'Time') return formatTime(new Date(seconds * 1000 + Math.floor(nanos / 1e6)));
  return formatMicroTime(BigInt(seconds) * 1_000_000n + BigInt(Math.floor(nanos / 1000)));
}

function quantityFromFields(fields: Fields): string {
  const text = fields['string'];
  if (typeof text !== 'string') return '0';
  return Quantity.parse(text).toString();
}

function intOrStringFromFields(fields: Fields): string | number {
  const type = num(fields, 'type');
  if (type === 1) return typeof fields['strVal'] === 'string' ? fields['strVal'] : '';
  if (type === 0) return num(fields, 'intVal');
  throw new ProtobufError('impossible IntOrString.Type');
}

function fieldsV1FromFields(fields: Fields): unknown {
  const raw = fields['Raw'];
  if (typeof raw !== 'string') return null;
  try {
    return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown;
  } catch {
    throw new ProtobufError('FieldsV1: raw is not JSON');
  }
}

/**
 * The JSON value of a special message. `empty` says the message had no bytes at all, which
 * for metav1.Time means Go's zero time (null), not the Unix epoch.
 */
export function specialToJson(kind: SpecialKind, fields: Fields, empty: boolean): unknown {
  switch (kind) {
    case 'Time':
    case 'MicroTime':
      return empty ? null : timeFromFields(kind, fields);
    case 'Quantity':
      return quantityFromFields(fields);
    case 'IntOrString':
      return intOrStringFromFields(fields);
    case 'FieldsV1':
      return fieldsV1FromFields(fields);
    case 'StringList':
      return fields['items'] ?? [];
  }
}

function timeToFields(kind: 'Time' | 'MicroTime', value: unknown): Fields {
  if (typeof value !== 'string') throw new ProtobufError(`cannot encode ${JSON.stringify(value)} as ${kind}`);
  if (kind === 'Time') {
    const ms = parseTime(value).getTime();
    return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
  }
  const micros = parseMicroTime(value);
  const seconds = micros / 1_000_000n - (micros % 1_000_000n < 0n ? 1n : 0n);
  return { seconds: Number(seconds), nanos: Number(micros - seconds * 1_000_000n) * 1000 };
}

/** The fields of a special message for its JSON value; undefined writes nothing (JSON null). */
export function specialFromJson(kind: SpecialKind, value: unknown): Fields | undefined {
  if (value === null || value === undefined) return undefined;
  switch (kind) {
    case 'Time':
    case 'MicroTime':
      return timeToFields(kind, value);
    case 'Quantity':
      return { string: Quantity.fromJSON(value).toString() };
    case 'IntOrString':
      if (typeof value === 'number') return { type: 0, intVal: value, strVal: '' };
      if (typeof value === 'string') return { type: 1, intVal: 0, strVal: value };
      throw new ProtobufError(`cannot encode ${JSON.stringify(value)} as IntOrString`);
    case 'FieldsV1':
      return { Raw: Buffer.from(JSON.stringify(value), 'utf8').toString('base64') };
    case 'StringList':
      return { items: value };
  }
}
