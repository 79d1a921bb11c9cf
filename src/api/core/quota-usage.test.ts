import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatResourceList, missingComputeDeclarations, scopesMatch, usageOf } from './quota-usage.js';

const pod = (resources: object[], extra: object = {}, status: object = {}) => ({
  spec: { containers: resources.map((r, i) => ({ name: `c${i}`, resources: r })), ...extra },
  status,
});

const plain = (usage: Map<string, { toString(): string }>) => Object.fromEntries([...usage].map(([k, q]) => [k, q.toString()]));

test('a pod uses its summed requests and limits, at least its largest init container', () => {
  const p = pod([{ requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '200m' } }, { requests: { cpu: '300m' } }], {
    initContainers: [{ name: 'init', resources: { requests: { cpu: '1' } } }],
  });
  assert.deepEqual(plain(usageOf('', 'pods', p)), {
    'count/pods': '1',
    pods: '1',
    'requests.cpu': '1',
    cpu: '1',
    'requests.memory': '1Gi',
    memory: '1Gi',
    'limits.cpu': '200m',
  });
});

test('terminal pods only count as objects', () => {
  assert.deepEqual(plain(usageOf('', 'pods', pod([{}], {}, { phase: 'Succeeded' }))), { 'count/pods': '1' });
});

test('services count node ports and load balancers; other kinds count as objects', () => {
  assert.deepEqual(plain(usageOf('', 'services', { spec: { type: 'NodePort', ports: [{}, {}] } })), {
    'count/services': '1',
    services: '1',
    'services.nodeports': '2',
    'services.loadbalancers': '0',
  });
  assert.deepEqual(plain(usageOf('apps', 'deployments', {})), { 'count/deployments.apps': '1' });
});

test('scopes select pods only; scopeSelector PriorityClass matches values', () => {
  const bestEffort = pod([{}]);
  const burstable = pod([{ requests: { cpu: '1' } }], { priorityClassName: 'high', activeDeadlineSeconds: 10 });
  assert.equal(scopesMatch({ scopes: ['BestEffort'] }, '', 'pods', bestEffort), true);
  assert.equal(scopesMatch({ scopes: ['BestEffort'] }, '', 'pods', burstable), false);
  assert.equal(scopesMatch({ scopes: ['Terminating', 'NotBestEffort'] }, '', 'pods', burstable), true);
  assert.equal(scopesMatch({ scopes: ['BestEffort'] }, '', 'configmaps', {}), false);
  const selector = { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In' as const, values: ['high'] }] } };
  assert.equal(scopesMatch(selector, '', 'pods', burstable), true);
  assert.equal(scopesMatch(selector, '', 'pods', bestEffort), false);
});

test('a quota on cpu or memory makes every container declare it', () => {
  const p = pod([{ requests: { cpu: '1' } }, {}]);
  assert.equal(missingComputeDeclarations(p, { 'requests.cpu': '2', pods: '3' }), 'must specify requests.cpu for: c1');
  assert.equal(missingComputeDeclarations(p, { pods: '3' }), undefined);
  assert.equal(formatResourceList({ pods: '1', cpu: '2' }), 'cpu=2,pods=1');
});
