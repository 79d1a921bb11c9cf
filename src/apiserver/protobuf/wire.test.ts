import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WIRE_BYTES, WIRE_END_GROUP, WIRE_FIXED32, WIRE_FIXED64, WIRE_START_GROUP, WIRE_VARINT, WireReader, WireWriter } from './wire.js';

function reader(bytes: number[]): WireReader {
  return new WireReader(Uint8Array.from(bytes));
}

test('varints round-trip from 0 to 2^64-1', () => {
  for (const value of [0n, 1n, 127n, 128n, 300n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n]) {
    const bytes = new WireWriter().varint(value).finish();
    const r = new WireReader(bytes);
    assert.equal(r.varint(), value);
    assert.ok(r.done);
  }
});

test('300 is written as ac 02, as in the protobuf encoding guide', () => {
  assert.equal(new WireWriter().varint(300).finish().toString('hex'), 'ac02');
});

test('a negative number is written as a 10-byte two’s complement varint', () => {
  const bytes = new WireWriter().varint(-1).finish();
  assert.equal(bytes.length, 10);
  assert.equal(BigInt.asIntN(64, new WireReader(bytes).varint()), -1n);
});

test('a varint cut short is an unexpected EOF', () => {
  assert.throws(() => reader([0x80]).varint(), { message: 'unexpected EOF' });
});

test('a varint longer than 10 bytes overflows', () => {
  assert.throws(() => reader(Array(11).fill(0x80)).varint(), { message: 'proto: integer overflow' });
});

test('keys carry the field number and wire type', () => {
  const bytes = new WireWriter().key(17, WIRE_BYTES).finish();
  assert.deepEqual(new WireReader(bytes).key(), { field: 17, wire: WIRE_BYTES });
});

test('a length past the end is an unexpected EOF; a length of 2^63 or more is negative', () => {
  assert.throws(() => reader([0x05, 0x61]).bytes(), { message: 'unexpected EOF' });
  const huge = new WireWriter().varint(2n ** 63n).finish();
  assert.throws(() => new WireReader(huge).bytes(), { message: 'proto: negative length found during unmarshaling' });
});

test('bytes are a view of the field’s content', () => {
  const r = reader([0x03, 0x61, 0x62, 0x63, 0x01]);
  assert.deepEqual([...r.bytes()], [0x61, 0x62, 0x63]);
  assert.equal(r.varint(), 1n);
});

test('fixed values are little-endian', () => {
  const bytes = new WireWriter()
    .fixed(1, 8, (v) => v.setFloat64(0, 1.5, true))
    .fixed(2, 4, (v) => v.setUint32(0, 0xdeadbeef, true))
    .finish();
  const r = new WireReader(bytes);
  assert.deepEqual(r.key(), { field: 1, wire: WIRE_FIXED64 });
  assert.equal(r.fixed(8).getFloat64(0, true), 1.5);
  assert.deepEqual(r.key(), { field: 2, wire: WIRE_FIXED32 });
  assert.equal(r.fixed(4).getUint32(0, true), 0xdeadbeef);
  assert.throws(() => reader([1, 2, 3]).fixed(4), { message: 'unexpected EOF' });
});

test('skip passes over every wire type, groups included', () => {
  const bytes = new WireWriter()
    .key(1, WIRE_VARINT).varint(12345)
    .fixed(2, 8, (v) => v.setFloat64(0, 2, true))
    .string(3, 'skipped')
    .fixed(4, 4, (v) => v.setUint32(0, 7, true))
    .key(5, WIRE_START_GROUP).key(1, WIRE_VARINT).varint(1).key(5, WIRE_END_GROUP)
    .key(6, WIRE_VARINT).varint(42)
    .finish();
  const r = new WireReader(bytes);
  for (let i = 0; i < 5; i++) {
    const { field, wire } = r.key();
    r.skip(wire, field);
  }
  assert.deepEqual(r.key(), { field: 6, wire: WIRE_VARINT });
  assert.equal(r.varint(), 42n);
});

test('skip rejects illegal wire types and stray end groups', () => {
  assert.throws(() => reader([]).skip(6, 1), { message: 'proto: illegal wireType 6' });
  assert.throws(() => reader([]).skip(WIRE_END_GROUP, 1), { message: 'proto: unexpected end of group' });
  assert.throws(() => reader([]).skip(WIRE_START_GROUP, 1), { message: 'unexpected EOF' });
});
