// NodeName, NodeUnschedulable, TaintToleration, NodeAffinity and NodePorts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, CycleState } from '../framework.js';
import { NodeInfo } from '../nodeinfo.js';
import { PodInfo } from '../podinfo.js';
import { SchedulerCache } from '../cache.js';
import { makeNode, makePod } from '../testing.js';
import { NodeAffinity } from './nodeaffinity.js';
import { NodeName } from './nodename.js';
import { NodePorts } from './nodeports.js';
import { NodeUnschedulable } from './nodeunschedulable.js';
import { TaintToleration } from './tainttoleration.js';
import type { Pod } from '../types.js';

const state = new CycleState(new SchedulerCache());

test('NodeName: only the named node fits', () => {
  const p = new PodInfo(makePod('p', { nodeName: 'a' }));
  assert.equal(new NodeName().filter(state, p, new NodeInfo(makeNode('a'))), undefined);
  const s = new NodeName().filter(state, p, new NodeInfo(makeNode('b')));
  assert.equal(s?.code, Code.UnschedulableAndUnresolvable);
  assert.deepEqual(s?.reasons, ["node(s) didn't match the requested node name"]);
});

test('NodeUnschedulable: a cordoned node rejects unless the pod tolerates the unschedulable taint', () => {
  const node = new NodeInfo(makeNode('a', { unschedulable: true }));
  const s = new NodeUnschedulable().filter(state, new PodInfo(makePod('p')), node);
  assert.deepEqual(s?.reasons, ['node(s) were unschedulable']);
  assert.equal(s?.code, Code.UnschedulableAndUnresolvable);
  const tolerant = makePod('t', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
  assert.equal(new NodeUnschedulable().filter(state, new PodInfo(tolerant), node), undefined);
});

test('TaintToleration filter: NoSchedule and NoExecute need a toleration; message names the first untolerated taint', () => {
  const node = new NodeInfo(makeNode('a', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }, { key: 'app', value: 'blue', effect: 'NoExecute' }] }));
  const plugin = new TaintToleration();
  assert.deepEqual(plugin.filter(state, new PodInfo(makePod('p')), node)?.reasons, ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }']);
  const partly = makePod('q', { spec: { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] } });
  assert.deepEqual(plugin.filter(state, new PodInfo(partly), node)?.reasons, ['node(s) had untolerated taint {app: blue}']);
  const equal = makePod('r', { spec: { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }, { key: 'app', operator: 'Equal', value: 'blue', effect: 'NoExecute' }] } });
  assert.equal(plugin.filter(state, new PodInfo(equal), node), undefined);
  const wrongValue = makePod('s', { spec: { tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }, { key: 'app', value: 'green' }] } });
  assert.deepEqual(plugin.filter(state, new PodInfo(wrongValue), node)?.reasons, ['node(s) had untolerated taint {app: blue}']);
  const all = makePod('u', { spec: { tolerations: [{ operator: 'Exists' }] } });
  assert.equal(plugin.filter(state, new PodInfo(all), node), undefined);
});

test('TaintToleration score: fewer untolerated PreferNoSchedule taints score higher', () => {
  const plugin = new TaintToleration();
  const clean = new NodeInfo(makeNode('a'));
  const one = new NodeInfo(makeNode('b', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }));
  const two = new NodeInfo(makeNode('c', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }, { key: 'y', effect: 'PreferNoSchedule' }] }));
  const pod = new PodInfo(makePod('p'));
  const scores = [clean, one, two].map((n) => plugin.score(state, pod, n));
  plugin.normalize(state, pod, [clean, one, two], scores);
  assert.deepEqual(scores, [100, 50, 0]);
});

function nodeAffinityPod(spec: Partial<Pod['spec']>): PodInfo {
  return new PodInfo(makePod('p', { spec }));
}

test('NodeAffinity filter: nodeSelector and required terms with In, NotIn, Exists, DoesNotExist, Gt, Lt, matchFields', () => {
  const plugin = new NodeAffinity();
  const node = new NodeInfo(makeNode('n1', { labels: { size: 'Large', gen: '5' } }));
  const ok = (spec: Partial<Pod['spec']>): boolean => plugin.filter(state, nodeAffinityPod(spec), node) === undefined;
  const req = (...matchExpressions: { key: string; operator: string; values?: string[] }[]) => ({
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } } },
  });
  assert.equal(ok({ nodeSelector: { size: 'Large' } }), true);
  assert.equal(ok({ nodeSelector: { size: 'Small' } }), false);
  assert.equal(ok(req({ key: 'size', operator: 'In', values: ['Large', 'Medium'] })), true);
  assert.equal(ok(req({ key: 'size', operator: 'NotIn', values: ['Large'] })), false);
  assert.equal(ok(req({ key: 'zone', operator: 'NotIn', values: ['x'] })), true);
  assert.equal(ok(req({ key: 'size', operator: 'Exists' })), true);
  assert.equal(ok(req({ key: 'size', operator: 'DoesNotExist' })), false);
  assert.equal(ok(req({ key: 'gen', operator: 'Gt', values: ['4'] })), true);
  assert.equal(ok(req({ key: 'gen', operator: 'Lt', values: ['4'] })), false);
  const fields = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } } } };
  assert.equal(ok(fields), true);
  const terms = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'size', operator: 'In', values: ['Small'] }] }, { matchExpressions: [{ key: 'gen', operator: 'In', values: ['5'] }] }] } } } };
  assert.equal(ok(terms), true, 'terms are ORed');
  const s = plugin.filter(state, nodeAffinityPod({ nodeSelector: { size: 'Small' } }), node);
  assert.equal(s?.code, Code.UnschedulableAndUnresolvable);
  assert.deepEqual(s?.reasons, ["node(s) didn't match Pod's node affinity/selector"]);
});

test('NodeAffinity score: sums the weights of matching preferred terms, normalized to 100', () => {
  const plugin = new NodeAffinity();
  const pod = nodeAffinityPod({
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 80, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
          { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
        ],
      },
    },
  });
  const nodes = [makeNode('a', { labels: { disk: 'ssd', zone: 'a' } }), makeNode('b', { labels: { disk: 'ssd' } }), makeNode('c')].map((n) => new NodeInfo(n));
  const scores = nodes.map((n) => plugin.score(state, pod, n));
  plugin.normalize(state, pod, nodes, scores);
  assert.deepEqual(scores, [100, 80, 0]);
});

test('NodePorts: same hostPort and protocol conflicts; different protocol or hostIP does not, unless one is 0.0.0.0', () => {
  const plugin = new NodePorts();
  const withPort = (name: string, port: number, protocol?: string, hostIP?: string) =>
    makePod(name, { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: port, protocol, hostIP }] }] });
  const node = new NodeInfo(makeNode('a'));
  node.addPod(withPort('existing', 54321, 'TCP', '127.0.0.1'));
  assert.deepEqual(plugin.filter(state, new PodInfo(withPort('same', 54321, 'TCP', '127.0.0.1')), node)?.reasons, ["node(s) didn't have free ports for the requested pod ports"]);
  assert.equal(plugin.filter(state, new PodInfo(withPort('udp', 54321, 'UDP', '127.0.0.1')), node), undefined);
  assert.equal(plugin.filter(state, new PodInfo(withPort('otherip', 54321, 'TCP', '127.0.0.2')), node), undefined);
  assert.equal(plugin.filter(state, new PodInfo(withPort('any', 54321, 'TCP', '0.0.0.0')), node)?.code, Code.Unschedulable);
  assert.equal(plugin.filter(state, new PodInfo(withPort('default', 54321)), node)?.code, Code.Unschedulable);
});
