// The Kubernetes protobuf envelope: the magic prefix `k8s\0` followed by a runtime.Unknown
// { typeMeta{apiVersion=1, kind=2}=1, raw=2, contentEncoding=3, contentType=4 }.
import { ProtobufError, WIRE_BYTES, WireReader, WireWriter } from './wire.js';

export const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface Unknown {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

function text(reader: WireReader, wire: number, goField: string): string {
  if (wire !== WIRE_BYTES) throw new ProtobufError(`proto: wrong wireType = ${wire} for field ${goField}`);
  return Buffer.from(reader.bytes()).toString('utf8');
}

function readTypeMeta(bytes: Uint8Array, into: Unknown): void {
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { field, wire } = reader.key();
    if (field === 1) into.apiVersion = text(reader, wire, 'APIVersion');
    else if (field === 2) into.kind = text(reader, wire, 'Kind');
    else reader.skip(wire, field);
  }
}

function readUnknown(bytes: Uint8Array): Unknown {
  const unknown: Unknown = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '', contentType: '' };
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { field, wire } = reader.key();
    if (field >= 1 && field <= 4 && wire !== WIRE_BYTES) {
      throw new ProtobufError(`proto: wrong wireType = ${wire} for field ${['TypeMeta', 'Raw', 'ContentEncoding', 'ContentType'][field - 1]}`);
    }
    if (field === 1) readTypeMeta(reader.bytes(), unknown);
    else if (field === 2) unknown.raw = reader.bytes();
    else if (field === 3) unknown.contentEncoding = text(reader, wire, 'ContentEncoding');
    else if (field === 4) unknown.contentType = text(reader, wire, 'ContentType');
    else reader.skip(wire, field);
  }
  return unknown;
}

/** Strips the magic and reads the envelope, with the errors upstream's serializer gives. */
export function unwrapEnvelope(body: Uint8Array): Unknown {
  if (body.length === 0) throw new ProtobufError('empty data');
  if (body.length < MAGIC.length || !MAGIC.equals(body.subarray(0, MAGIC.length))) {
    throw new ProtobufError(`provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`);
  }
  const unknown = readUnknown(body.subarray(MAGIC.length));
  if (unknown.contentEncoding) {
    throw new ProtobufError(`this serializer does not support content encoding (${JSON.stringify(unknown.contentEncoding)})`);
  }
  return unknown;
}

export function wrapEnvelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const typeMeta = new WireWriter().string(1, apiVersion).string(2, kind).finish();
  const unknown = new WireWriter().bytes(1, typeMeta).bytes(2, raw).string(3, '').string(4, '').finish();
  return Buffer.concat([MAGIC, unknown]);
}
