import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runtimeClassStrategy as rc } from './runtimeclass.js';

const errs = (obj: Record<string, unknown>) => (rc.validate?.({ metadata: { name: 'x' }, ...obj }, {}) ?? []).map(String);

test('handler must be a DNS label and is immutable', () => {
  assert.deepEqual(errs({ handler: 'runc' }), []);
  assert.equal(errs({ handler: 'Bad_Handler' }).length, 1);
  assert.match(errs({ handler: 'Bad_Handler' })[0], /^handler: Invalid value: "Bad_Handler": a lowercase RFC 1123 label must consist of/);
  assert.deepEqual((rc.validateUpdate?.({ handler: 'b' }, { handler: 'a' }) ?? []).map(String), ['handler: Invalid value: "b": field is immutable']);
});

test('overhead and scheduling are validated', () => {
  assert.deepEqual(errs({ handler: 'runc', overhead: { podFixed: { cpu: '10m', memory: '1Mi' } } }), []);
  assert.equal(errs({ handler: 'runc', overhead: { podFixed: { cpu: '-1' } } }).length, 1);
  const toleration = { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' };
  assert.deepEqual(errs({ handler: 'runc', scheduling: { nodeSelector: { 'a/b/c': 'x' }, tolerations: [toleration] } }).length, 1);
  assert.match(errs({ handler: 'runc', scheduling: { tolerations: [toleration, toleration] } })[0], /^scheduling\.tolerations\[1\]: Duplicate value/);
});

test('table: NAME HANDLER AGE', () => {
  assert.deepEqual(rc.table?.columns.map((c) => c.name), ['Name', 'Handler', 'Age']);
  assert.deepEqual(rc.table?.cells({ metadata: { name: 'fast' }, handler: 'runc' }), ['fast', 'runc', '<unknown>']);
});
