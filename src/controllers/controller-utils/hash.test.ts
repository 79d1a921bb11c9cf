import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, computeTemplateHash, fnv32a, hashControllerRevision, safeEncodeString } from './hash.js';

test('fnv32a matches the FNV-1a reference values', () => {
  assert.equal(fnv32a(Buffer.from('')), 0x811c9dc5);
  assert.equal(fnv32a(Buffer.from('a')), 0xe40c292c);
  assert.equal(fnv32a(Buffer.from('foobar')), 0xbf9cf968);
});

test('safeEncodeString maps every character to a consonant or safe digit', () => {
  // Digits are bytes 48-57: 48 % 27 = 21 → '4'.
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  assert.match(safeEncodeString(String(4294967295)), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
});

test('template hashes ignore key order and change with collisionCount', () => {
  const a = { metadata: { labels: { app: 'x', tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { tier: 'web', app: 'x' } } };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(computeTemplateHash(a), computeTemplateHash(b));
  assert.notEqual(computeTemplateHash(a), computeTemplateHash(a, 1));
  assert.notEqual(computeTemplateHash(a, 1), computeTemplateHash(a, 2));
  assert.notEqual(computeTemplateHash(a), computeTemplateHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }));
  assert.equal(hashControllerRevision({ x: 1 }), hashControllerRevision({ x: 1 }));
});
