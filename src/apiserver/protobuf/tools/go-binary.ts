// Facts read out of a Go binary such as kubectl: the FileDescriptorProtos that gogo-generated
// packages register (gzipped), and the field tags of structs known to reflection.
import { inflateRawSync } from 'node:zlib';
import { WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT, WireReader } from '../wire.js';

export interface ProtoField {
  name: string;
  number: number;
  repeated: boolean;
  /** FieldDescriptorProto.Type: 9 string, 11 message, 12 bytes, 5 int32, … */
  type: number;
  typeName: string;
  /** gogoproto.nullable; absent means true (a pointer in Go). */
  nullable: boolean;
}

export interface ProtoMessage {
  fields: ProtoField[];
  mapEntry: boolean;
}

export interface GoStruct {
  /** The reflect name, e.g. `v1.DeploymentSpec`. */
  type: string;
  /** Tags of the fields that have a protobuf tag, by field number. */
  tags: Map<number, { json: string | undefined; protoName: string | undefined }>;
}

type RawField = { field: number; wire: number; value: bigint | Uint8Array };

function rawFields(bytes: Uint8Array): RawField[] {
  const reader = new WireReader(bytes);
  const out: RawField[] = [];
  while (!reader.done) {
    const { field, wire } = reader.key();
    if (wire === WIRE_VARINT) out.push({ field, wire, value: reader.varint() });
    else if (wire === WIRE_BYTES) out.push({ field, wire, value: reader.bytes() });
    else if (wire === WIRE_FIXED64 || wire === WIRE_FIXED32) reader.fixed(wire === WIRE_FIXED64 ? 8 : 4);
    else reader.skip(wire, field);
  }
  return out;
}

const text = (value: bigint | Uint8Array): string => Buffer.from(value as Uint8Array).toString('utf8');

function parseField(bytes: Uint8Array): ProtoField {
  const field: ProtoField = { name: '', number: 0, repeated: false, type: 0, typeName: '', nullable: true };
  for (const { field: n, value } of rawFields(bytes)) {
    if (n === 1) field.name = text(value);
    else if (n === 3) field.number = Number(value);
    else if (n === 4) field.repeated = value === 3n;
    else if (n === 5) field.type = Number(value);
    else if (n === 6) field.typeName = text(value);
    else if (n === 8) field.nullable = !rawFields(value as Uint8Array).some((o) => o.field === 65001 && o.value === 0n);
  }
  return field;
}

function parseMessage(bytes: Uint8Array, prefix: string, into: Map<string, ProtoMessage>): void {
  let name = '';
  const fields: ProtoField[] = [];
  const nested: Uint8Array[] = [];
  let mapEntry = false;
  for (const { field, value } of rawFields(bytes)) {
    if (field === 1) name = text(value);
    else if (field === 2) fields.push(parseField(value as Uint8Array));
    else if (field === 3) nested.push(value as Uint8Array);
    else if (field === 7) mapEntry = rawFields(value as Uint8Array).some((o) => o.field === 7 && o.value === 1n);
  }
  into.set(`${prefix}.${name}`, { fields, mapEntry });
  for (const n of nested) parseMessage(n, `${prefix}.${name}`, into);
}

const GZIP_HEADER = Buffer.from('1f8b08000000000002ff', 'hex');

/** Every message of the k8s.io descriptors in the binary, by `.package.Name`. */
export function protoMessages(binary: Buffer): Map<string, ProtoMessage> {
  const messages = new Map<string, ProtoMessage>();
  for (let i = binary.indexOf(GZIP_HEADER); i >= 0; i = binary.indexOf(GZIP_HEADER, i + 1)) {
    let file: Buffer;
    try {
      file = inflateRawSync(binary.subarray(i + GZIP_HEADER.length, i + GZIP_HEADER.length + (4 << 20)));
    } catch {
      continue;
    }
    const fields = rawFields(file);
    if (!fields.some((f) => f.field === 1 && text(f.value).startsWith('k8s.io/'))) continue;
    const pkg = text(fields.find((f) => f.field === 2)?.value ?? new Uint8Array());
    for (const f of fields) if (f.field === 4) parseMessage(f.value as Uint8Array, `.${pkg}`, messages);
  }
  return messages;
}

interface Section {
  addr: number;
  offset: number;
  size: number;
}

/** A section of a 64-bit little-endian ELF file by name. */
function elfSection(binary: Buffer, wanted: string): Section {
  const shoff = Number(binary.readBigUInt64LE(0x28));
  const shentsize = binary.readUInt16LE(0x3a);
  const shnum = binary.readUInt16LE(0x3c);
  const header = (i: number): number => shoff + i * shentsize;
  const strtab = Number(binary.readBigUInt64LE(header(binary.readUInt16LE(0x3e)) + 0x18));
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    const nameAt = strtab + binary.readUInt32LE(h);
    const name = binary.toString('latin1', nameAt, binary.indexOf(0, nameAt));
    if (name !== wanted) continue;
    const section = { addr: Number(binary.readBigUInt64LE(h + 0x10)), offset: Number(binary.readBigUInt64LE(h + 0x18)) };
    return { ...section, size: Number(binary.readBigUInt64LE(h + 0x20)) };
  }
  throw new Error(`no ${wanted} section: not a Go ELF binary`);
}

function uvarint(binary: Buffer, at: number): [number, number] {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = binary[at++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, at];
  }
}

/** An abi.Name at a file offset: flags, varint length, bytes, then the tag if flagged. */
function goName(binary: Buffer, at: number, identifier: boolean): { name: string; tag: string } | undefined {
  const flags = binary[at]!;
  if (flags > 15) return undefined;
  const [length, start] = uvarint(binary, at + 1);
  if (length === 0 || length > 200) return undefined;
  const name = binary.toString('latin1', start, start + length);
  if (identifier && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  if (!(flags & 2)) return { name, tag: '' };
  const [tagLength, tagStart] = uvarint(binary, start + length);
  return { name, tag: binary.toString('latin1', tagStart, tagStart + tagLength) };
}

function structTags(fields: { tag: string }[]): GoStruct['tags'] {
  const tags: GoStruct['tags'] = new Map();
  for (const { tag } of fields) {
    const proto = /protobuf:"[a-z0-9]+,(\d+)[^"]*"/.exec(tag);
    if (!proto) continue;
    const protoName = /name=([A-Za-z0-9_]+)/.exec(proto[0])?.[1];
    tags.set(Number(proto[1]), { json: /json:"([^"]*)"/.exec(tag)?.[1], protoName });
  }
  return tags;
}

/**
 * Structs with protobuf-tagged fields. A struct type's field list is a slice {ptr, len, cap}
 * 56 bytes into its abi.StructType; each field is {name, type, offset}, 24 bytes on amd64.
 */
export function goStructs(binary: Buffer): GoStruct[] {
  const ro = elfSection(binary, '.rodata');
  const inRodata = (addr: number): boolean => addr >= ro.addr && addr < ro.addr + ro.size;
  const fileOffset = (addr: number): number => addr - ro.addr + ro.offset;
  const structs: GoStruct[] = [];
  for (let at = ro.offset; at + 24 <= ro.offset + ro.size; at += 8) {
    const length = Number(binary.readBigUInt64LE(at + 8));
    if (length < 1 || length > 300 || binary.readBigUInt64LE(at + 16) !== BigInt(length)) continue;
    const array = Number(binary.readBigUInt64LE(at));
    if (!inRodata(array)) continue;
    const fields = [];
    for (let i = 0; i < length; i++) {
      const nameAddr = Number(binary.readBigUInt64LE(fileOffset(array) + 24 * i));
      const field = inRodata(nameAddr) ? goName(binary, fileOffset(nameAddr), true) : undefined;
      if (!field) break;
      fields.push(field);
    }
    if (fields.length !== length || !fields.some((f) => f.tag.includes('protobuf:"'))) continue;
    const nameOff = at - 56 >= ro.offset ? binary.readInt32LE(at - 56 + 40) : -1;
    const typeName = nameOff >= 0 && nameOff < ro.size ? goName(binary, ro.offset + nameOff, false) : undefined;
    if (typeName) structs.push({ type: typeName.name.replace(/^\*/, ''), tags: structTags(fields) });
  }
  return structs;
}
