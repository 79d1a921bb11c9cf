import assert from 'node:assert/strict';
import { test } from 'node:test';
import { updateConditions, type DeletionReport } from './conditions.js';

const clean = (): DeletionReport => ({ contentErrors: [], remainingByResource: new Map(), remainingByFinalizer: new Map() });

test('a clean pass sets all five conditions False with their upstream reasons', () => {
  const { conditions, changed } = updateConditions(undefined, clean());
  assert.ok(changed);
  assert.deepEqual(
    conditions.map((c) => [c.type, c.status, c.reason]),
    [
      ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered'],
      ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions'],
      ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted'],
      ['NamespaceContentRemaining', 'False', 'ContentRemoved'],
      ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers'],
    ],
  );
  assert.equal(updateConditions(conditions, clean()).changed, false, 'the same report writes nothing');
});

test('failures and remaining content become True conditions with sorted upstream messages', () => {
  const report: DeletionReport = {
    discoveryFailure: { failingGroups: 1, message: 'unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request' },
    contentErrors: ['unexpected items still remain in namespace: x for gvr: /v1, Resource=pods', 'a first error'],
    remainingByResource: new Map([['pods.', 2], ['deployments.apps', 1]]),
    remainingByFinalizer: new Map([['example.com/b', 1], ['example.com/a', 3]]),
  };
  const before = updateConditions(undefined, clean()).conditions;
  const { conditions, changed } = updateConditions(before, report);
  assert.ok(changed);
  const byType = Object.fromEntries(conditions.map((c) => [c.type, `${c.status} ${c.reason}: ${c.message}`]));
  assert.equal(
    byType.NamespaceDeletionDiscoveryFailure,
    'True DiscoveryFailed: Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request',
  );
  assert.equal(
    byType.NamespaceDeletionContentFailure,
    'True ContentDeletionFailed: Failed to delete all resource types, 2 remaining: a first error, unexpected items still remain in namespace: x for gvr: /v1, Resource=pods',
  );
  assert.equal(byType.NamespaceContentRemaining, 'True SomeResourcesRemain: Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2 resource instances');
  assert.equal(byType.NamespaceFinalizersRemaining, 'True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: example.com/a in 3 resource instances, example.com/b in 1 resource instances');
  assert.equal(byType.NamespaceDeletionGroupVersionParsingFailure, 'False ParsedGroupVersions: All legacy kube types successfully parsed');
});
