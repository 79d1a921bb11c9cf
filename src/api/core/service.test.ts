import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { serviceStrategy as svc } from './service.js';

function service(spec: Record<string, unknown>, extra: Partial<ApiObject> = {}): ApiObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec, ...extra };
}

function created(spec: Record<string, unknown>): ApiObject {
  const obj = service(spec);
  svc.defaults?.(obj);
  svc.prepareForCreate?.(obj);
  return obj;
}

function errors(obj: ApiObject): string[] {
  return (svc.validate?.(obj, {}) ?? []).map(String);
}

test('names', () => {
  assert.deepEqual(svc.names.shortNames, ['svc']);
  assert.deepEqual(svc.names.categories, ['all']);
  assert.deepEqual(svc.nameValidation?.('1abc', false), [
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
});

test('defaults of a ClusterIP service', () => {
  const obj = created({ selector: { app: 'web' }, ports: [{ port: 80 }] });
  assert.deepEqual(obj.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    sessionAffinity: 'None',
    type: 'ClusterIP',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  assert.deepEqual(obj.status, { loadBalancer: {} });
  assert.deepEqual(errors(obj), []);
});

test('NodePort and LoadBalancer defaults', () => {
  const np = created({ type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] });
  assert.equal((np.spec as Record<string, unknown>).externalTrafficPolicy, 'Cluster');
  const lb = created({ type: 'LoadBalancer', ports: [{ port: 80 }] });
  assert.equal((lb.spec as Record<string, unknown>).allocateLoadBalancerNodePorts, true);
});

test('headless selectorless services ask for dual stack', () => {
  const obj = created({ clusterIP: 'None' });
  const spec = obj.spec as Record<string, unknown>;
  assert.deepEqual([spec.clusterIPs, spec.ipFamilyPolicy, spec.ipFamilies], [['None'], 'RequireDualStack', ['IPv4', 'IPv6']]);
  assert.deepEqual(errors(obj), []);
});

test('ExternalName gets no IP fields', () => {
  const obj = created({ type: 'ExternalName', externalName: 'example.com' });
  assert.deepEqual(obj.spec, { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' });
  assert.deepEqual(errors(obj), []);
});

test('ports are required and validated', () => {
  assert.deepEqual(errors(created({})), ['spec.ports: Required value']);
  const errs = errors(created({ type: 'Weird', ports: [{ port: 0, protocol: 'ICMP' }, { port: 80 }] }));
  assert.deepEqual(errs, [
    'spec.ports[0].name: Required value',
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[1].name: Required value',
    'spec.type: Unsupported value: "Weird": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ]);
});

test('nodePort is forbidden on ClusterIP services', () => {
  const errs = errors(created({ ports: [{ port: 80, nodePort: 30080 }] }));
  assert.deepEqual(errs, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
});

test('cluster IP may not change', () => {
  const old = created({ ports: [{ port: 80 }], clusterIP: '10.96.0.10' });
  old.metadata = { ...old.metadata, resourceVersion: '5' };
  // What a merge patch of spec.clusterIP onto the stored object sends.
  const next = structuredClone(old);
  (next.spec as Record<string, unknown>).clusterIP = '10.96.0.99';
  svc.prepareForUpdate?.(next, old);
  assert.deepEqual((svc.validateUpdate?.(next, old) ?? []).map(String), [
    'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set',
  ]);
  const replaced = service({ ports: [{ port: 80 }] }, { metadata: { name: 'web', namespace: 'default', resourceVersion: '5' } });
  svc.defaults?.(replaced);
  svc.prepareForUpdate?.(replaced, old);
  assert.equal((replaced.spec as Record<string, unknown>).clusterIP, '10.96.0.10');
  assert.deepEqual(svc.validateUpdate?.(replaced, old), []);
});

test('table rows', () => {
  const obj = service(
    { type: 'NodePort', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }], selector: { app: 'web' } },
    { status: {} },
  );
  assert.deepEqual(svc.table?.columns.map((c) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  assert.deepEqual(svc.table?.cells(obj), ['web', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP', '<unknown>', 'app=web']);
  const lb = service({ type: 'LoadBalancer', clusterIPs: ['10.96.0.11'], ports: [] }, { status: { loadBalancer: {} } });
  assert.deepEqual(svc.table?.cells(lb).slice(2, 5), ['10.96.0.11', '<pending>', '<none>']);
});

test('selectable fields', () => {
  assert.deepEqual(svc.selectableFields?.(service({ clusterIP: '10.0.0.1', type: 'ClusterIP' })), { 'spec.clusterIP': '10.0.0.1', 'spec.type': 'ClusterIP' });
});
