import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { ingressClassStrategy as ic } from './ingressclass.js';
import { networkPolicyStrategy as np } from './networkpolicy.js';

function policy(spec: Record<string, unknown>): ApiObject {
  const obj: ApiObject = { metadata: { name: 'deny', namespace: 'default' }, spec };
  np.defaults?.(obj);
  return obj;
}

test('NetworkPolicy defaults: policyTypes and TCP ports', () => {
  const obj = policy({ egress: [{ ports: [{ port: 53 }] }] });
  assert.deepEqual(obj.spec, { egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }], podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  assert.deepEqual((policy({}).spec as Record<string, unknown>).policyTypes, ['Ingress']);
});

test('NetworkPolicy validation', () => {
  const obj = policy({
    ingress: [{ from: [{}, { ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }], ports: [{ port: 80, endPort: 79 }] }],
  });
  assert.deepEqual((np.validate?.(obj, {}) ?? []).map(String), [
    'spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`',
    'spec.ingress[0].from[0]: Required value: must specify a peer',
    'spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "11.0.0.0/16": must be a strict subset of `cidr`',
  ]);
});

test('NetworkPolicy table: NAME POD-SELECTOR AGE', () => {
  assert.deepEqual(np.table?.cells(policy({ podSelector: { matchLabels: { app: 'db' } } })), ['deny', 'app=db', '<unknown>']);
  assert.deepEqual(np.table?.cells(policy({})), ['deny', '<none>', '<unknown>']);
  assert.deepEqual(np.names.shortNames, ['netpol']);
});

test('IngressClass: controller is a domain-prefixed path and immutable; parameters scope defaults to Cluster', () => {
  const obj: ApiObject = { metadata: { name: 'nginx' }, spec: { controller: 'nginx', parameters: { kind: 'Config', name: 'c' } } };
  ic.defaults?.(obj);
  assert.equal((obj.spec as { parameters: { scope: string } }).parameters.scope, 'Cluster');
  assert.deepEqual((ic.validate?.(obj, {}) ?? []).map(String), ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']);
  const next: ApiObject = { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/other' } };
  assert.deepEqual((ic.validateUpdate?.(next, { spec: { controller: 'k8s.io/ingress-nginx' } }) ?? []).map(String), [
    'spec.controller: Invalid value: "k8s.io/other": field is immutable',
  ]);
  const withGroup: ApiObject = { metadata: { name: 'x' }, spec: { controller: 'a.io/b', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } };
  assert.deepEqual(ic.table?.cells(withGroup), ['x', 'a.io/b', 'IngressParameters.k8s.example.com/p', '<unknown>']);
});
