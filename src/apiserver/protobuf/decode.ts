// Schema-driven decoding of a protobuf message into the JSON object Go's encoding/json would
// produce for the same Go value.
import { messageSchema, type FieldSchema, type MessageSchema, type ValueType } from './schema/index.js';
import { isZeroScalar, readScalar, scalarWireType, zeroScalar } from './scalars.js';
import { specialSchemas, specialToJson } from './special.js';
import { ProtobufError, WIRE_BYTES, WIRE_END_GROUP, WireReader } from './wire.js';

type JsonObject = Record<string, unknown>;

function shortName(schema: MessageSchema): string {
  return schema.name.slice(schema.name.lastIndexOf('.') + 1);
}

/** The Go field name as gogo's errors print it (the JSON name, capitalised). */
function goName(field: FieldSchema): string {
  const name = field.json || 'Inline';
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function checkWire(field: FieldSchema, wire: number, expected: number): void {
  if (wire !== expected) throw new ProtobufError(`proto: wrong wireType = ${wire} for field ${goName(field)}`);
}

function isPackable(type: ValueType): boolean {
  return type.kind === 'scalar' && type.scalar !== 'string' && type.scalar !== 'bytes';
}

/** Reads one value of a field's (element) type. */
function readValue(reader: WireReader, field: FieldSchema, type: ValueType, wire: number): unknown {
  if (type.kind === 'scalar') {
    checkWire(field, wire, scalarWireType(type.scalar));
    return readScalar(reader, type.scalar);
  }
  checkWire(field, wire, WIRE_BYTES);
  const bytes = reader.bytes();
  if (type.kind === 'message') return decodeMessage(messageSchema(type.message), bytes);
  const fields = decodeMessage(specialSchemas[type.special], bytes);
  return specialToJson(type.special, fields, bytes.length === 0);
}

function readMapEntry(reader: WireReader, field: FieldSchema): [string, unknown] {
  const map = field.map!;
  const bytes = reader.bytes();
  const entry = new WireReader(bytes);
  let key: unknown = zeroScalar(map.key);
  let value: unknown;
  while (!entry.done) {
    const { field: number, wire } = entry.key();
    if (number === 1) {
      checkWire(field, wire, scalarWireType(map.key));
      key = readScalar(entry, map.key);
    } else if (number === 2) value = readValue(entry, field, map.value, wire);
    else entry.skip(wire, number);
  }
  return [String(key), value ?? zeroValue(map.value)];
}

/** What Go holds for a map value that was not on the wire. */
function zeroValue(type: ValueType): unknown {
  if (type.kind === 'scalar') return zeroScalar(type.scalar);
  if (type.kind === 'message') return {};
  return specialToJson(type.special, {}, true);
}

function readRepeated(reader: WireReader, field: FieldSchema, wire: number, into: unknown[]): void {
  if (wire !== WIRE_BYTES || !isPackable(field.type)) {
    into.push(readValue(reader, field, field.type, wire));
    return;
  }
  const packed = new WireReader(reader.bytes());
  const scalar = field.type.kind === 'scalar' ? field.type.scalar : 'int64';
  while (!packed.done) into.push(readScalar(packed, scalar));
}

function readField(reader: WireReader, field: FieldSchema, wire: number, out: JsonObject): void {
  if (field.map) {
    const [key, value] = readMapEntry(reader, field);
    ((out[field.json] ??= {}) as JsonObject)[key] = value;
  } else if (field.repeated) {
    readRepeated(reader, field, wire, (out[field.json] ??= []) as unknown[]);
  } else if (!field.json) {
    Object.assign(out, readValue(reader, field, field.type, wire));
  } else {
    const value = readValue(reader, field, field.type, wire);
    const omit = field.type.kind === 'scalar' && field.presence === 'omitempty' && isZeroScalar(value as string | number | boolean);
    if (omit) delete out[field.json];
    else out[field.json] = value;
  }
}

/** Go's JSON shows fields without omitempty even when unset: nil lists and maps as null. */
function fillUnset(schema: MessageSchema, out: JsonObject): void {
  for (const field of schema.fields.values()) {
    if (field.presence !== 'always' || !field.json || field.json in out) continue;
    if (field.repeated) out[field.json] = null;
    else if (field.type.kind === 'scalar') out[field.json] = zeroScalar(field.type.scalar);
  }
}

/** Decodes the bytes of one message; unknown fields are skipped, as Go does. */
export function decodeMessage(schema: MessageSchema, bytes: Uint8Array): JsonObject {
  const out: JsonObject = {};
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { field: number, wire } = reader.key();
    if (wire === WIRE_END_GROUP) throw new ProtobufError(`proto: ${shortName(schema)}: wiretype end group for non-group`);
    if (number <= 0) throw new ProtobufError(`proto: ${shortName(schema)}: illegal tag ${number} (wire type ${wire})`);
    const field = schema.fields.get(number);
    if (field) readField(reader, field, wire, out);
    else reader.skip(wire, number);
  }
  fillUnset(schema, out);
  return out;
}
