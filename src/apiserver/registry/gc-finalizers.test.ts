import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deletionFinalizers } from './gc-finalizers.js';

test('an explicit propagation policy sets its finalizer and drops the other', () => {
  assert.deepEqual(deletionFinalizers(['example.com/f'], 'Orphan'), ['example.com/f', 'orphan']);
  assert.deepEqual(deletionFinalizers(['orphan'], 'Foreground'), ['foregroundDeletion']);
  assert.deepEqual(deletionFinalizers(['foregroundDeletion', 'example.com/f'], 'Background'), ['example.com/f']);
});

test('without a policy a present finalizer stays, else the kind default decides', () => {
  assert.deepEqual(deletionFinalizers(['foregroundDeletion'], undefined), ['foregroundDeletion']);
  assert.deepEqual(deletionFinalizers([], undefined), []);
  assert.deepEqual(deletionFinalizers([], undefined, 'OrphanDependents'), ['orphan']);
  assert.deepEqual(deletionFinalizers(['foregroundDeletion'], undefined, 'OrphanDependents'), ['foregroundDeletion']);
});
