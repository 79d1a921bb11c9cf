import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { applyMask, ByteQueue } from './byte-queue.js';

test('applyMask XORs every byte with the mask, at any alignment and length', () => {
  const backing = randomBytes(300);
  for (let offset = 0; offset < 8; offset++) {
    for (const len of [0, 1, 3, 4, 31, 32, 33, 100, 257]) {
      const data = backing.subarray(offset, offset + len);
      const original = Buffer.from(data);
      const mask = randomBytes(4);
      applyMask(data, mask);
      assert.deepEqual(data, Buffer.from(original.map((b, i) => b ^ mask[i & 3])));
    }
  }
});

test('ByteQueue hands back the bytes pushed, in order, across chunk boundaries', () => {
  const all = randomBytes(5000);
  const q = new ByteQueue();
  for (let p = 0; p < all.length; ) {
    const n = 1 + ((p * 7) % 61);
    q.push(all.subarray(p, p + n));
    p += n;
  }
  assert.equal(q.length, all.length);
  const out: Buffer[] = [];
  for (let i = 0; q.length > 0; i++) {
    const n = Math.min(q.length, i % 97);
    assert.deepEqual(q.peek(n).subarray(0, n), all.subarray(all.length - q.length, all.length - q.length + n));
    out.push(q.take(n));
  }
  assert.deepEqual(Buffer.concat(out), all);
  assert.equal(q.take(0).length, 0);
});
