// Scalar values: their wire types, reading them into JSON values and writing JSON values back.
import { ProtobufError, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT, type WireReader, type WireWriter } from './wire.js';
import type { ScalarKind } from './schema/index.js';

export function scalarWireType(kind: ScalarKind): number {
  switch (kind) {
    case 'string':
    case 'bytes':
      return WIRE_BYTES;
    case 'double':
      return WIRE_FIXED64;
    case 'float':
      return WIRE_FIXED32;
    default:
      return WIRE_VARINT;
  }
}

/** Reads a scalar as Go's JSON encoding shows it (bytes as base64). */
export function readScalar(reader: WireReader, kind: ScalarKind): string | number | boolean {
  switch (kind) {
    case 'string':
      return Buffer.from(reader.bytes()).toString('utf8');
    case 'bytes':
      return Buffer.from(reader.bytes()).toString('base64');
    case 'double':
      return reader.fixed(8).getFloat64(0, true);
    case 'float':
      return reader.fixed(4).getFloat32(0, true);
    case 'bool':
      return reader.varint() !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, reader.varint()));
    case 'uint32':
      return Number(BigInt.asUintN(32, reader.varint()));
    case 'int64':
      return Number(BigInt.asIntN(64, reader.varint()));
    case 'uint64':
      return Number(reader.varint());
  }
}

export function isZeroScalar(value: string | number | boolean): boolean {
  return value === '' || value === 0 || value === false;
}

/** The zero value of a scalar, as Go writes a field it was not given. */
export function zeroScalar(kind: ScalarKind): string | number | boolean {
  if (kind === 'string' || kind === 'bytes') return '';
  return kind === 'bool' ? false : 0;
}

function integer(value: unknown, what: string): bigint {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'bigint') return value;
  throw new ProtobufError(`cannot encode ${JSON.stringify(value)} as ${what}`);
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new ProtobufError(`cannot encode ${JSON.stringify(value)} as ${what}`);
  return value;
}

/** Writes one scalar field from its JSON value. */
export function writeScalar(writer: WireWriter, field: number, kind: ScalarKind, value: unknown): void {
  switch (kind) {
    case 'string':
      writer.string(field, text(value, kind));
      return;
    case 'bytes':
      writer.bytes(field, Buffer.from(text(value, kind), 'base64'));
      return;
    case 'double':
    case 'float': {
      if (typeof value !== 'number') throw new ProtobufError(`cannot encode ${JSON.stringify(value)} as ${kind}`);
      const size = kind === 'double' ? 8 : 4;
      writer.fixed(field, size, (v) => (size === 8 ? v.setFloat64(0, value, true) : v.setFloat32(0, value, true)));
      return;
    }
    case 'bool':
      if (typeof value !== 'boolean') throw new ProtobufError(`cannot encode ${JSON.stringify(value)} as bool`);
      writer.key(field, WIRE_VARINT).varint(value ? 1 : 0);
      return;
    default:
      writer.key(field, WIRE_VARINT).varint(integer(value, kind));
  }
}
