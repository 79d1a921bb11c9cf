import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { configMapStrategy as cm } from './configmap.js';

function configMap(extra: Partial<ApiObject> = {}): ApiObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, ...extra };
}

test('names', () => {
  assert.deepEqual(cm.names.shortNames, ['cm']);
  assert.equal(cm.names.plural, 'configmaps');
});

test('keys must be valid config keys and not repeat in binaryData', () => {
  const errs = cm.validate?.(configMap({ data: { 'a b': 'x', ok: 'y' }, binaryData: { ok: 'eQ==' } }), {}) ?? [];
  assert.deepEqual(errs.map(String), [
    "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    'data[ok]: Invalid value: "ok": duplicate of key present in binaryData',
  ]);
});

test('total size is limited to 1 MiB', () => {
  const errs = cm.validate?.(configMap({ data: { big: 'x'.repeat(1024 * 1024 + 1) } }), {}) ?? [];
  assert.deepEqual(errs.map(String), [': Too long: may not be more than 1048576 bytes']);
});

test('immutable forbids data changes and unsetting immutable', () => {
  const old = configMap({ immutable: true, data: { a: '1' } });
  const errs = cm.validateUpdate?.(configMap({ data: { a: '2' } }), old) ?? [];
  assert.deepEqual(errs.map(String), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(cm.validateUpdate?.(configMap({ immutable: true, data: { a: '1' } }), old), []);
});

test('table counts data and binaryData', () => {
  const row = cm.table?.cells(configMap({ data: { a: '1' }, binaryData: { b: 'eQ==' } }));
  assert.deepEqual(row, ['cfg', 2, '<unknown>']);
});
