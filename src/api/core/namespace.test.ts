import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { namespaceStrategy as ns } from './namespace.js';

function namespace(extra: Partial<ApiObject> = {}): ApiObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' }, ...extra };
}

test('names as upstream discovery', () => {
  assert.deepEqual(ns.names.shortNames, ['ns']);
  assert.equal(ns.names.namespaced, false);
  assert.deepEqual(ns.nameValidation?.('a.b', false), ['must not contain dots']);
});

test('defaults: phase Active and the metadata.name label', () => {
  const obj = namespace();
  ns.defaults?.(obj);
  assert.deepEqual(obj.status, { phase: 'Active' });
  assert.deepEqual(obj.metadata?.labels, { 'kubernetes.io/metadata.name': 'team-a' });
});

test('create adds the kubernetes finalizer and resets status', () => {
  const obj = namespace({ spec: { finalizers: ['example.com/x'] }, status: { phase: 'Terminating' } });
  ns.prepareForCreate?.(obj);
  assert.deepEqual(obj.spec, { finalizers: ['example.com/x', 'kubernetes'] });
  assert.deepEqual(obj.status, { phase: 'Active' });
});

test('update keeps finalizers and status', () => {
  const old = namespace({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  const obj = namespace({ spec: { finalizers: [] }, status: { phase: 'Terminating' } });
  ns.prepareForUpdate?.(obj, old);
  assert.deepEqual(obj.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(obj.status, { phase: 'Active' });
});

test('finalizer names', () => {
  const errs = ns.validate?.(namespace({ spec: { finalizers: ['kubernetes', 'bogus', 'example.com/ok'] } }), {}) ?? [];
  assert.deepEqual(errs.map(String), [
    'spec.finalizers: Invalid value: "bogus": name is neither a standard finalizer name nor is it fully qualified',
  ]);
});

test('status update checks the phase against deletion', () => {
  const errs = ns.validateStatusUpdate?.(namespace({ status: { phase: 'Terminating' } }), namespace()) ?? [];
  assert.deepEqual(errs.map(String), [
    "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
  ]);
});

test('table and selectable fields', () => {
  const obj = namespace({ status: { phase: 'Active' } });
  assert.deepEqual(ns.table?.columns.map((c) => c.name), ['Name', 'Status', 'Age']);
  assert.deepEqual(ns.table?.cells(obj), ['team-a', 'Active', '<unknown>']);
  assert.deepEqual(ns.selectableFields?.(obj), { 'status.phase': 'Active', name: 'team-a' });
});
