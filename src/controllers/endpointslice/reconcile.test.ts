import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../controller-utils/types.js';
import type { EndpointSlice, Service } from '../endpoints/types.js';
import { mirrorSlices } from './mirroring.js';
import { reconcileSlices } from './reconcile.js';
import { EndpointSliceTracker } from './tracker.js';

const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { app: 'web' } }, spec: { clusterIP: '10.43.0.5', ipFamilies: ['IPv4'], selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } };
const pod = (i: number): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `p${i}`, namespace: 'ns', uid: `u${i}` },
  spec: { nodeName: 'n1', containers: [{ name: 'c' }] },
  status: { phase: 'Running', podIP: `10.42.${i >> 8}.${i & 255}`, conditions: [{ type: 'Ready', status: 'True' }] },
});
const pods = (n: number) => Array.from({ length: n }, (_, i) => pod(i + 1));
let serial = 0;
const created = (plan: { create: EndpointSlice[] }): EndpointSlice[] => plan.create.map((s) => ({ ...s, metadata: { ...s.metadata, name: `web-${serial++}` } }));

test('250 pods make three slices of at most 100, labelled, owned by the Service, zoned by node', () => {
  const plan = reconcileSlices({ service: svc, pods: pods(250), existing: [], zoneOf: () => 'z1' });
  assert.deepEqual(plan.create.map((s) => s.endpoints?.length), [100, 100, 50]);
  const [slice] = plan.create;
  assert.equal(slice.metadata?.generateName, 'web-');
  assert.deepEqual(slice.metadata?.labels, { app: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  assert.deepEqual(slice.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(slice.addressType, 'IPv4');
  assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(slice.endpoints![0], { addresses: ['10.42.0.1'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'ns', name: 'p1', uid: 'u1' }, nodeName: 'n1', zone: 'z1' });
});

test('a steady state changes nothing; a removed pod touches one slice; new pods fill changed slices first', () => {
  const existing = created(reconcileSlices({ service: svc, pods: pods(150), existing: [], zoneOf: () => undefined }));
  const steady = reconcileSlices({ service: svc, pods: pods(150), existing, zoneOf: () => undefined });
  assert.deepEqual([steady.create.length, steady.update.length, steady.delete.length], [0, 0, 0]);
  const fewer = pods(150).filter((p) => p.metadata?.name !== 'p3');
  const plan = reconcileSlices({ service: svc, pods: [...fewer, pod(151)], existing, zoneOf: () => undefined });
  assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 1, 0]);
  assert.equal(plan.update[0].endpoints?.length, 100);
  assert.ok(plan.update[0].endpoints?.some((e) => e.targetRef?.name === 'p151'));
});

test('no pods: one placeholder slice with null endpoints and ports, kept across syncs', () => {
  const plan = reconcileSlices({ service: svc, pods: [], existing: [], zoneOf: () => undefined });
  assert.equal(plan.create.length, 1);
  assert.equal(plan.create[0].endpoints, null);
  const again = reconcileSlices({ service: svc, pods: [], existing: created(plan), zoneOf: () => undefined });
  assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
  const filled = reconcileSlices({ service: svc, pods: pods(1), existing: created(plan), zoneOf: () => undefined });
  assert.deepEqual([filled.create.length, filled.delete.length], [1, 1]);
});

test('mirrored Endpoints: one slice per address type and ports, owned by the Endpoints', () => {
  const plan = mirrorSlices(
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'ext', namespace: 'ns', uid: 'ep-uid', labels: { a: 'b' }, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': 'x', keep: 'y' } },
      subsets: [{ addresses: [{ ip: '10.1.2.3' }, { ip: 'fd00::1' }], notReadyAddresses: [{ ip: '10.1.2.4' }], ports: [{ name: 'p', port: 80, protocol: 'TCP' }] }],
    },
    [],
  );
  assert.deepEqual(plan.create.map((s) => [s.addressType, s.endpoints?.map((e) => `${e.addresses[0]}:${e.conditions?.ready}`).join()]), [
    ['IPv4', '10.1.2.3:true,10.1.2.4:false'],
    ['IPv6', 'fd00::1:true'],
  ]);
  assert.deepEqual(plan.create[0].metadata?.labels, { a: 'b', 'kubernetes.io/service-name': 'ext', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' });
  assert.deepEqual(plan.create[0].metadata?.annotations, { keep: 'y' });
  assert.equal(plan.create[0].metadata?.ownerReferences?.[0].kind, 'Endpoints');
});

test("the slice tracker holds syncs back until the cache shows this controller's own writes", () => {
  const tracker = new EndpointSliceTracker();
  const slice = (name: string, generation: number): EndpointSlice => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, generation }, addressType: 'IPv4', endpoints: [] });
  assert.equal(tracker.caughtUp('ns/web', []), true);
  tracker.written('ns/web', slice('web-a', 2));
  tracker.deleted('ns/web', slice('web-b', 1));
  assert.equal(tracker.caughtUp('ns/web', [slice('web-a', 1), slice('web-b', 1)]), false);
  assert.equal(tracker.caughtUp('ns/web', [slice('web-a', 2), slice('web-b', 1)]), false);
  assert.equal(tracker.caughtUp('ns/web', [slice('web-a', 2)]), true);
});
