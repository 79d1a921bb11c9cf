import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DaemonSet, Node, Pod } from '../controller-utils/types.js';
import { daemonTolerations, pinToNode, shouldRunOn, targetNodeName } from './eligibility.js';

const node = (name: string, labels: Record<string, string> = {}, taints: NonNullable<Node['spec']>['taints'] = []): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } });
const ds = (spec: Partial<NonNullable<Pod['spec']>> = {}): DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent' },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c' }], ...spec } } },
});

test('taints: NoSchedule/NoExecute must be tolerated; the daemon defaults cover node conditions', () => {
  assert.ok(shouldRunOn(ds(), node('a')));
  assert.ok(!shouldRunOn(ds(), node('b', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }])));
  assert.ok(shouldRunOn(ds(), node('c', {}, [{ key: 'dedicated', value: 'db', effect: 'PreferNoSchedule' }])));
  assert.ok(shouldRunOn(ds({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), node('b', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }])));
  assert.ok(shouldRunOn(ds({ tolerations: [{ operator: 'Exists' }] }), node('b', {}, [{ key: 'anything', effect: 'NoExecute' }])));
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) assert.ok(shouldRunOn(ds(), node('n', {}, [{ key, effect: 'NoExecute' }])));
  assert.ok(shouldRunOn(ds(), node('u', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }])));
  assert.ok(!shouldRunOn(ds(), node('net', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }])));
  assert.ok(shouldRunOn(ds({ hostNetwork: true }), node('net', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }])));
  assert.equal(daemonTolerations({ containers: [], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }] }).length, 6);
});

test('nodeSelector, required node affinity and nodeName pick nodes', () => {
  assert.ok(shouldRunOn(ds({ nodeSelector: { disk: 'ssd' } }), node('a', { disk: 'ssd' })));
  assert.ok(!shouldRunOn(ds({ nodeSelector: { disk: 'ssd' } }), node('a', { disk: 'hdd' })));
  type Op = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  const affinity = (operator: Op, values: string[]): NonNullable<Pod['spec']>['affinity'] => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator, values }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['special'] }] }] } },
  });
  assert.ok(shouldRunOn(ds({ affinity: affinity('In', ['a', 'b']) }), node('x', { zone: 'b' })));
  assert.ok(!shouldRunOn(ds({ affinity: affinity('In', ['a', 'b']) }), node('x', { zone: 'c' })));
  assert.ok(shouldRunOn(ds({ affinity: affinity('In', ['a']) }), node('special', { zone: 'c' })), 'terms are ORed');
  assert.ok(shouldRunOn(ds({ affinity: affinity('NotIn', ['a']) }), node('x')));
  assert.ok(shouldRunOn(ds({ affinity: affinity('Gt', ['3']) }), node('x', { zone: '5' })));
  assert.ok(!shouldRunOn(ds({ nodeName: 'other' }), node('x')));
});

test('daemon pods are pinned to their node by a matchFields term', () => {
  const spec: NonNullable<Pod['spec']> = { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }] } } } };
  pinToNode(spec, 'node-1');
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', spec };
  assert.equal(targetNodeName(pod), 'node-1');
  assert.deepEqual(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }]);
  assert.equal(targetNodeName({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [], nodeName: 'n2' } }), 'n2');
});
