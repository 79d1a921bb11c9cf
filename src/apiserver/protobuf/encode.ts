// Schema-driven encoding of a JSON object into protobuf, the inverse of decode.ts. Like Go's
// generated marshalers it writes value (non-pointer) fields even when zero or absent, fields in
// number order and map entries sorted by key, so it reproduces the bytes kubectl sends.
import { messageSchema, type FieldSchema, type MessageSchema, type ValueType } from './schema/index.js';
import { writeScalar, zeroScalar } from './scalars.js';
import { specialFromJson, specialSchemas } from './special.js';
import { ProtobufError, WireWriter } from './wire.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function writeValue(writer: WireWriter, number: number, type: ValueType, value: unknown): void {
  if (type.kind === 'scalar') {
    writeScalar(writer, number, type.scalar, value);
    return;
  }
  if (type.kind === 'message') {
    if (!isObject(value)) throw new ProtobufError(`cannot encode ${JSON.stringify(value)} as ${type.message}`);
    writer.bytes(number, encodeMessage(messageSchema(type.message), value));
    return;
  }
  const fields = specialFromJson(type.special, value);
  writer.bytes(number, fields ? encodeMessage(specialSchemas[type.special], fields) : new Uint8Array());
}

/** The JSON of a Go zero value, for a value field the object does not have. */
function zeroJson(type: ValueType): unknown {
  if (type.kind === 'scalar') return zeroScalar(type.scalar);
  if (type.kind === 'message') return {};
  if (type.special === 'Quantity') return '0';
  return type.special === 'IntOrString' ? 0 : null;
}

function writeMap(writer: WireWriter, field: FieldSchema, value: unknown): void {
  if (!isObject(value)) throw new ProtobufError(`cannot encode ${JSON.stringify(value)} as a map`);
  const map = field.map!;
  for (const key of Object.keys(value).sort()) {
    const entry = new WireWriter();
    writeScalar(entry, 1, map.key, map.key === 'string' ? key : Number(key));
    writeValue(entry, 2, map.value, value[key]);
    writer.bytes(field.number, entry.finish());
  }
}

function writeField(writer: WireWriter, field: FieldSchema, obj: JsonObject): void {
  const value = field.json ? obj[field.json] : obj;
  if (field.map) {
    if (value !== undefined && value !== null) writeMap(writer, field, value);
  } else if (field.repeated) {
    if (value === undefined || value === null) return;
    if (!Array.isArray(value)) throw new ProtobufError(`cannot encode ${JSON.stringify(value)} as a list`);
    for (const element of value) writeValue(writer, field.number, field.type, element);
  } else if (value !== undefined && value !== null) {
    writeValue(writer, field.number, field.type, value);
  } else if (field.presence !== 'pointer') {
    writeValue(writer, field.number, field.type, zeroJson(field.type));
  }
}

/** Encodes one message; JSON keys the schema does not know are dropped. */
export function encodeMessage(schema: MessageSchema, obj: JsonObject): Buffer {
  const writer = new WireWriter();
  const fields = [...schema.fields.values()].sort((a, b) => a.number - b.number);
  for (const field of fields) writeField(writer, field, obj);
  return writer.finish();
}
