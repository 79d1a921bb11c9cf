import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatefulSet } from '../controller-utils/types.js';
import { identityMatches, isMemberOf, newStatefulSetPod, parentAndOrdinal, persistentVolumeClaims, withIdentityLabels } from './identity.js';

const set: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', uid: 'u' },
  spec: {
    serviceName: 'nginx',
    selector: { matchLabels: { app: 'nginx' } },
    template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'www', emptyDir: {} }] } },
    volumeClaimTemplates: [{ metadata: { name: 'www', labels: { tier: 'data' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  },
};
const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true, blockOwnerDeletion: true };

test('ordinals come from the last dash of the pod name', () => {
  assert.deepEqual(parentAndOrdinal('web-12'), { parent: 'web', ordinal: 12 });
  assert.deepEqual(parentAndOrdinal('my-web-0'), { parent: 'my-web', ordinal: 0 });
  assert.equal(parentAndOrdinal('web'), undefined);
  assert.equal(parentAndOrdinal('web-x'), undefined);
});

test('a StatefulSet pod has its stable name, hostname, subdomain, labels and claim', () => {
  const pod = newStatefulSetPod(set, 2, ref, 'web-abc');
  assert.equal(pod.metadata?.name, 'web-2');
  assert.equal(pod.spec?.hostname, 'web-2');
  assert.equal(pod.spec?.subdomain, 'nginx');
  assert.deepEqual(pod.metadata?.labels, { app: 'nginx', 'statefulset.kubernetes.io/pod-name': 'web-2', 'apps.kubernetes.io/pod-index': '2', 'controller-revision-hash': 'web-abc' });
  assert.deepEqual(pod.spec?.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-2' } }], 'the claim replaces a template volume of the same name');
  assert.ok(isMemberOf(set, pod));
  assert.ok(identityMatches(set, pod));
  const relabelled = { ...pod, metadata: { ...pod.metadata, labels: { app: 'nginx' } } };
  assert.ok(!identityMatches(set, relabelled));
  assert.ok(identityMatches(set, withIdentityLabels(relabelled)));
});

test('claims are named <template>-<set>-<ordinal> and labelled with the selector', () => {
  const [claim] = persistentVolumeClaims(set, 0);
  assert.equal(claim.metadata?.name, 'www-web-0');
  assert.deepEqual(claim.metadata?.labels, { tier: 'data', app: 'nginx' });
  assert.deepEqual(claim.spec?.resources?.requests, { storage: '1Gi' });
});
