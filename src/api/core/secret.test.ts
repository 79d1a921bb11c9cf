import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { secretStrategy as secrets } from './secret.js';

function secret(extra: Partial<ApiObject>): ApiObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, ...extra };
}

test('type defaults to Opaque and stringData merges into data', () => {
  const obj = secret({ data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'new', c: 'plain' } });
  secrets.defaults?.(obj);
  assert.equal(obj.type, 'Opaque');
  assert.equal(obj.stringData, undefined);
  assert.deepEqual(obj.data, { a: 'eA==', b: Buffer.from('new').toString('base64'), c: Buffer.from('plain').toString('base64') });
});

test('keys, size and type requirements', () => {
  const bad = secret({ type: 'kubernetes.io/tls', data: { 'a b': 'eA==', 'tls.crt': 'eA==' } });
  assert.deepEqual((secrets.validate?.(bad, {}) ?? []).map(String), [
    "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    'data[tls.key]: Required value',
  ]);
  const big = secret({ type: 'Opaque', data: { k: Buffer.alloc(1024 * 1024 + 1).toString('base64') } });
  assert.deepEqual((secrets.validate?.(big, {}) ?? []).map(String), ['data: Too long: may not be more than 1048576 bytes']);
  const sa = secret({ type: 'kubernetes.io/service-account-token' });
  assert.deepEqual((secrets.validate?.(sa, {}) ?? []).map(String), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  const docker = secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('[1]').toString('base64') } });
  assert.deepEqual((secrets.validate?.(docker, {}) ?? []).map(String), [
    'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
  ]);
});

test('type and immutable data may not change', () => {
  const old = secret({ type: 'Opaque', immutable: true, data: { a: 'eA==' } });
  const next = secret({ type: 'kubernetes.io/tls', immutable: true, data: { a: 'eQ==' } });
  assert.deepEqual((secrets.validateUpdate?.(next, old) ?? []).map(String), [
    'type: Invalid value: "kubernetes.io/tls": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('table and selectable fields', () => {
  const obj = secret({ type: 'Opaque', data: { a: 'eA==', b: 'eQ==' } });
  assert.deepEqual(secrets.table?.columns.map((c) => c.name), ['Name', 'Type', 'Data', 'Age']);
  assert.deepEqual(secrets.table?.cells(obj), ['s', 'Opaque', 2, '<unknown>']);
  assert.deepEqual(secrets.selectableFields?.(obj), { type: 'Opaque' });
});
