import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { ingressStrategy as ing } from './ingress.js';

function ingress(spec: Record<string, unknown>, annotations?: Record<string, string>): ApiObject {
  const obj: ApiObject = { metadata: { name: 'web', namespace: 'default', annotations }, spec };
  ing.prepareForCreate?.(obj);
  return obj;
}

const rule = (host: string, path: Record<string, unknown>) => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } }, ...path }] } });
const errors = (obj: ApiObject) => (ing.validate?.(obj, {}) ?? []).map(String);

test('names and status on create', () => {
  assert.deepEqual(ing.names.shortNames, ['ing']);
  assert.deepEqual(ingress({}).status, { loadBalancer: {} });
});

test('a valid ingress has no errors', () => {
  assert.deepEqual(errors(ingress({ ingressClassName: 'nginx', rules: [rule('example.com', {})] })), []);
});

test('rules or a default backend are required', () => {
  assert.deepEqual(errors(ingress({})), ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified']);
});

test('pathType is required in v1', () => {
  assert.deepEqual(errors(ingress({ rules: [rule('a.com', { pathType: undefined })] })), [
    'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
  ]);
});

test('paths, hosts and backends', () => {
  const obj = ingress({
    rules: [rule('1.2.3.4', { path: 'x' }), rule('*.a.com', { backend: { service: { name: 'web', port: {} } } })],
  });
  assert.deepEqual(errors(obj), [
    'spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address',
    'spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path',
    'spec.rules[1].http.paths[0].backend: Required value: port name or number is required',
  ]);
});

test('the class annotation must match ingressClassName', () => {
  const obj = ingress({ ingressClassName: 'nginx', rules: [rule('a.com', {})] }, { 'kubernetes.io/ingress.class': 'traefik' });
  assert.deepEqual(errors(obj), ['annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified']);
});

test('table row: NAME CLASS HOSTS ADDRESS PORTS AGE', () => {
  const obj = ingress({ rules: ['a.com', 'b.com', 'c.com', 'd.com'].map((h) => rule(h, {})), tls: [{ hosts: ['a.com'] }] });
  obj.status = { loadBalancer: { ingress: [{ ip: '10.0.0.2' }, { ip: '10.0.0.1' }] } };
  assert.deepEqual(ing.table?.columns.map((c) => c.name), ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
  assert.deepEqual(ing.table?.cells(obj), ['web', '<none>', 'a.com,b.com,c.com + 1 more...', '10.0.0.1,10.0.0.2', '80, 443', '<unknown>']);
});
