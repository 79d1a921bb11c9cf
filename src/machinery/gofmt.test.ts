import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goFloat, goJson, goNumber, goQuote, goStringSlice, goTypeName, goValue } from './gofmt.js';

test('goQuote escapes like strconv.Quote', () => {
  assert.equal(goQuote('abc'), '"abc"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('a\nb\tc\x00\x7f'), '"a\\nb\\tc\\x00\\x7f"');
  assert.equal(goQuote('héllo 世界'), '"héllo 世界"');
  assert.equal(goQuote('\u00a0'), '"\\u00a0"');
});

test('goFloat prints %v of float64', () => {
  assert.equal(goFloat(1.5), '1.5');
  assert.equal(goFloat(1e6), '1e+06');
  assert.equal(goFloat(123456789.5), '1.234567895e+08');
  assert.equal(goFloat(0.0001), '0.0001');
  assert.equal(goFloat(0.00001), '1e-05');
  assert.equal(goNumber(123456789), '123456789');
});

test('goValue prints %v of decoded JSON', () => {
  assert.equal(goValue({ name: 'c', image: 'nginx', ports: [80, 'x'] }), 'map[image:nginx name:c ports:[80 x]]');
  assert.equal(goValue(null), '<nil>');
  assert.equal(goTypeName({}), 'map[string]interface {}');
  assert.equal(goTypeName([]), '[]interface {}');
  assert.equal(goTypeName(1), 'int64');
  assert.equal(goTypeName(1.5), 'float64');
});

test('goJson sorts map keys and escapes HTML characters', () => {
  assert.equal(goJson({ b: 1, a: ['<x>&'] }), '{"a":["\\u003cx\\u003e\\u0026"],"b":1}');
  assert.equal(goStringSlice(['a', 'b']), '[]string{"a", "b"}');
});
