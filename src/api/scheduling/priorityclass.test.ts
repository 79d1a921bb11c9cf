import assert from 'node:assert/strict';
import { test } from 'node:test';
import { priorityClassStrategy as pc, systemPriorityClasses } from './priorityclass.js';

test('system classes are valid and as upstream', () => {
  const classes = systemPriorityClasses();
  assert.deepEqual(classes.map((c) => [c.metadata?.name, c.value]), [
    ['system-node-critical', 2000001000],
    ['system-cluster-critical', 2000000000],
  ]);
  for (const c of classes) assert.deepEqual(pc.validate?.(c, {}), []);
});

test('validation', () => {
  const errs = (obj: Record<string, unknown>) => (pc.validate?.({ metadata: { name: 'x' }, ...obj }, {}) ?? []).map(String);
  assert.deepEqual(errs({ value: 2_000_000_000 }), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  assert.deepEqual((pc.validate?.({ metadata: { name: 'system-x' }, value: 5 }, {}) ?? []).map(String), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-x is not a known system priority class",
  ]);
  assert.deepEqual((pc.validateUpdate?.({ value: 2 }, { value: 1 }) ?? []).map(String), ['value: Forbidden: may not be changed in an update.']);
});

test('defaults and table: NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY', () => {
  const obj = { metadata: { name: 'high' }, value: 1000, globalDefault: true } as Record<string, unknown>;
  pc.defaults?.(obj);
  assert.equal(obj.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(pc.names.shortNames, ['pc']);
  assert.deepEqual(pc.table?.cells(obj), ['high', 1000, true, '<unknown>', 'PreemptLowerPriority']);
});
