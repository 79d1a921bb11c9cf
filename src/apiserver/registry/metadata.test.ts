import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonical, jsonEqual } from './metadata.js';

const pairs: [unknown, unknown][] = [
  [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }],
  [{ a: 1 }, { a: 1, b: undefined }],
  [{ a: 1, b: undefined }, { a: 1, c: undefined }],
  [{ a: 1 }, { a: 2 }],
  [{ a: 1 }, { b: 1 }],
  [{ a: { x: null } }, { a: { x: undefined } }],
  [[1, undefined], [1, null]],
  [[1, NaN], [1, null]],
  [{ a: NaN }, { a: null }],
  [[1, 2], [2, 1]],
  [[], {}],
  [{}, []],
  [{ a: '1' }, { a: 1 }],
  [{ a: 0 }, { a: false }],
  [{ a: [] }, { a: [undefined] }],
  [null, undefined],
  [undefined, undefined],
  [{ spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } }, { spec: { containers: [{ image: 'i', name: 'c' }], nodeName: 'n1' } }],
  [{ spec: { nodeName: 'n1' } }, { spec: { nodeName: 'n2' } }],
];

test('jsonEqual says what comparing canonical JSON says', () => {
  for (const [a, b] of pairs) {
    assert.equal(jsonEqual(a, b), canonical(a) === canonical(b), `${canonical(a)} vs ${canonical(b)}`);
    assert.equal(jsonEqual(b, a), jsonEqual(a, b), 'symmetric');
  }
});

test('jsonEqual agrees with canonical JSON on random objects and their mutations', () => {
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const value = (depth: number): unknown => {
    const kind = rand(depth > 2 ? 4 : 7);
    if (kind === 0) return rand(3);
    if (kind === 1) return ['x', 'y', ''][rand(3)];
    if (kind === 2) return [null, undefined, true][rand(3)];
    if (kind === 3) return false;
    if (kind === 4) return Array.from({ length: rand(3) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: rand(4) }, () => [['a', 'b', 'c', 'd'][rand(4)], value(depth + 1)]));
  };
  for (let i = 0; i < 2000; i++) {
    const a = value(0);
    const b = rand(2) ? value(0) : structuredClone(a);
    assert.equal(jsonEqual(a, b), canonical(a) === canonical(b), `${canonical(a)} vs ${canonical(b)}`);
  }
});
