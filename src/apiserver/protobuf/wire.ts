// The protobuf wire format: a reader and a writer for varints, length-delimited fields and
// fixed 32/64-bit values. Errors carry the texts Go's generated (gogo) unmarshalers return.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** A body that is not valid protobuf for the expected message. */
export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

const MAX_LENGTH = 2n ** 63n;

export class WireReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint of up to 64 bits. */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 64n; shift += 7n) {
      if (this.pos >= this.end) throw new ProtobufError('unexpected EOF');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    throw new ProtobufError('proto: integer overflow');
  }

  /** A field key: field number and wire type. */
  key(): { field: number; wire: number } {
    const key = this.varint();
    return { field: Number(BigInt.asIntN(32, key >> 3n)), wire: Number(key & 7n) };
  }

  /** A length-delimited value (a view, not a copy). */
  bytes(): Uint8Array {
    const length = this.varint();
    if (length >= MAX_LENGTH) throw new ProtobufError('proto: negative length found during unmarshaling');
    if (length > BigInt(this.end - this.pos)) throw new ProtobufError('unexpected EOF');
    const start = this.pos;
    this.pos += Number(length);
    return this.buf.subarray(start, this.pos);
  }

  /** 4 or 8 little-endian bytes. */
  fixed(size: 4 | 8): DataView {
    if (this.end - this.pos < size) throw new ProtobufError('unexpected EOF');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, size);
    this.pos += size;
    return view;
  }

  /** Skips a field whose key was just read (an unknown field). */
  skip(wire: number, field: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.fixed(8);
        return;
      case WIRE_BYTES:
        this.bytes();
        return;
      case WIRE_FIXED32:
        this.fixed(4);
        return;
      case WIRE_START_GROUP:
        this.skipGroup(field);
        return;
      case WIRE_END_GROUP:
        throw new ProtobufError('proto: unexpected end of group');
      default:
        throw new ProtobufError(`proto: illegal wireType ${wire}`);
    }
  }

  private skipGroup(field: number): void {
    for (;;) {
      if (this.done) throw new ProtobufError('unexpected EOF');
      const key = this.key();
      if (key.wire === WIRE_END_GROUP) {
        if (key.field !== field) throw new ProtobufError('proto: unexpected end of group');
        return;
      }
      this.skip(key.wire, key.field);
    }
  }
}

export class WireWriter {
  private readonly parts: Uint8Array[] = [];
  private scratch: number[] = [];

  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    this.parts.push(Uint8Array.from(this.scratch));
    this.scratch = [];
  }

  varint(value: bigint | number): this {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
    return this;
  }

  key(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  /** A length-delimited field. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_BYTES).varint(value.length);
    this.flushScratch();
    this.parts.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  fixed(field: number, size: 4 | 8, write: (view: DataView) => void): this {
    this.key(field, size === 4 ? WIRE_FIXED32 : WIRE_FIXED64);
    const buf = new Uint8Array(size);
    write(new DataView(buf.buffer));
    this.flushScratch();
    this.parts.push(buf);
    return this;
  }

  finish(): Buffer {
    this.flushScratch();
    return Buffer.concat(this.parts);
  }
}
