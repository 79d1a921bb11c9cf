import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../controller-utils/types.js';
import { findPort } from './podendpoints.js';
import { TriggerTimeTracker } from './trigger-time.js';
import { podSubsets, repackSubsets, truncateSubsets } from './subsets.js';
import type { EndpointSubset, Service } from './types.js';

const pod = (name: string, ip: string, ready: boolean, ports: { name?: string; containerPort: number }[] = [{ containerPort: 80 }], extra: Partial<Pod['metadata']> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, ...extra },
  spec: { nodeName: 'n1', containers: [{ name: 'c', ports }] },
  status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
});
const service = (spec: Partial<NonNullable<Service['spec']>>): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { clusterIP: '10.43.0.10', ...spec } });

test('findPort resolves named target ports per pod and protocol', () => {
  const p = pod('a', '10.42.0.2', true, [{ name: 'web', containerPort: 8080 }]);
  assert.equal(findPort(p, { port: 80, targetPort: 'web' }), 8080);
  assert.equal(findPort(p, { port: 80, targetPort: 'web', protocol: 'UDP' }), undefined);
  assert.equal(findPort(p, { port: 80, targetPort: 'other' }), undefined);
  assert.equal(findPort(p, { port: 80 }), 80);
  assert.equal(findPort(p, { port: 80, targetPort: 9090 }), 9090);
});

test('ready and not-ready pods share a subset per port set; terminating and terminal pods are left out', () => {
  const svc = service({ selector: { app: 'a' }, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }] });
  const pods = [
    pod('b', '10.42.0.3', true),
    pod('a', '10.42.0.2', false),
    pod('t', '10.42.0.4', true, undefined, { deletionTimestamp: '2026-01-01T00:00:01Z' }),
    { ...pod('d', '10.42.0.5', false), status: { phase: 'Succeeded' as const, podIP: '10.42.0.5' } },
  ];
  const subsets = repackSubsets(podSubsets(svc, pods));
  assert.equal(subsets.length, 1);
  assert.deepEqual(subsets[0].addresses?.map((a) => a.ip), ['10.42.0.3']);
  assert.deepEqual(subsets[0].notReadyAddresses?.map((a) => a.ip), ['10.42.0.2']);
  assert.deepEqual(subsets[0].ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
  assert.deepEqual(subsets[0].addresses?.[0].targetRef, { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' });
  const published = repackSubsets(podSubsets({ ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } }, pods));
  assert.deepEqual(published[0].addresses?.map((a) => a.ip), ['10.42.0.2', '10.42.0.3', '10.42.0.4']);
});

test('pods serving different ports get different subsets; a headless Service without ports lists addresses alone', () => {
  const svc = service({ ports: [{ name: 'p1', port: 80, targetPort: 'one' }, { name: 'p2', port: 81, targetPort: 'two' }] });
  const subsets = repackSubsets(podSubsets(svc, [pod('a', '10.42.0.2', true, [{ name: 'one', containerPort: 100 }]), pod('b', '10.42.0.3', true, [{ name: 'one', containerPort: 100 }, { name: 'two', containerPort: 101 }])]));
  assert.equal(subsets.length, 2);
  const byIPs = Object.fromEntries(subsets.map((s) => [s.addresses!.map((a) => a.ip).join(), s.ports!.map((p) => `${p.name}:${p.port}`).join()]));
  assert.deepEqual(byIPs, { '10.42.0.2,10.42.0.3': 'p1:100', '10.42.0.3': 'p2:101' });
  const headless = repackSubsets(podSubsets(service({ clusterIP: 'None' }), [pod('a', '10.42.0.2', true)]));
  assert.deepEqual(headless, [{ addresses: [{ ip: '10.42.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }] }]);
});

test('truncation keeps 1000 addresses, ready ones first, in proportion', () => {
  const addrs = (n: number, base: number) => Array.from({ length: n }, (_, i) => ({ ip: `10.${base}.${i >> 8}.${i & 255}` }));
  const subsets: EndpointSubset[] = [
    { addresses: addrs(600, 1), notReadyAddresses: addrs(300, 2) },
    { addresses: addrs(200, 3), notReadyAddresses: addrs(100, 4) },
  ];
  assert.equal(truncateSubsets(subsets), true);
  assert.deepEqual(subsets.map((s) => [s.addresses?.length, s.notReadyAddresses?.length]), [[600, 150], [200, 50]]);
  const over: EndpointSubset[] = [{ addresses: addrs(900, 1), notReadyAddresses: addrs(10, 2) }, { addresses: addrs(300, 3) }];
  assert.equal(truncateSubsets(over), true);
  assert.deepEqual(over.map((s) => [s.addresses?.length, s.notReadyAddresses?.length]), [[750, undefined], [250, undefined]]);
  assert.equal(truncateSubsets([{ addresses: addrs(1000, 1) }]), false);
});

test('the trigger time is the earliest change not yet written, none when nothing changed', () => {
  const tracker = new TriggerTimeTracker();
  const svc = service({});
  const first = tracker.compute('ns/svc', svc, [pod('a', '10.42.0.2', true)]);
  assert.equal(first.triggerTime, '2026-01-01T00:00:00Z');
  first.commit();
  assert.equal(tracker.compute('ns/svc', svc, [pod('a', '10.42.0.2', true)]).triggerTime, undefined);
  const later = pod('b', '10.42.0.3', true);
  later.status!.conditions![0].lastTransitionTime = '2026-01-01T00:05:00Z';
  assert.equal(tracker.compute('ns/svc', svc, [pod('a', '10.42.0.2', true), later]).triggerTime, '2026-01-01T00:05:00Z');
});
