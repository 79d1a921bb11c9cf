import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Status } from './framework.js';
import { fitErrorMessage } from './fiterror.js';

test('FitError: reasons are counted and sorted bytewise, preemption message appended', () => {
  const nodeToStatus = new Map([
    ['a', Status.unschedulable('Insufficient cpu')],
    ['b', Status.unresolvable("node(s) didn't match Pod's node affinity/selector")],
    ['c', Status.unresolvable('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }')],
  ]);
  assert.equal(
    fitErrorMessage(3, { nodeToStatus, postFilterMsg: 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.' }),
    "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
  );
});

test('FitError: one node with several reasons counts each; a PreFilter rejection replaces the histogram', () => {
  const nodeToStatus = new Map([
    ['a', Status.unschedulable('Insufficient cpu', 'Insufficient memory')],
    ['b', Status.unschedulable('Insufficient cpu')],
  ]);
  assert.equal(fitErrorMessage(2, { nodeToStatus }), '0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu.');
  assert.equal(
    fitErrorMessage(2, { nodeToStatus, preFilterMsg: 'pod has unbound immediate PersistentVolumeClaims' }),
    '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
  );
});
