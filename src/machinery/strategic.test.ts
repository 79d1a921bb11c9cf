import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, JsonValue } from './json.js';
import { PatchError } from './patch.js';
import { EMPTY_PATCH_META, patchMetaFromSpec, strategicMergePatch, type PatchMetaSpec } from './strategic.js';

// The patch metadata upstream's Go types declare for the fields used here.
const objectMeta: PatchMetaSpec = {
  fields: {
    finalizers: { patchStrategy: 'merge', listType: 'set' },
    ownerReferences: { patchStrategy: 'merge', patchMergeKey: 'uid', listType: 'map', listMapKeys: ['uid'] },
  },
};
const container: PatchMetaSpec = {
  patchStrategy: 'merge',
  patchMergeKey: 'name',
  fields: {
    ports: { patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] },
    env: { patchStrategy: 'merge', patchMergeKey: 'name' },
    volumeMounts: { patchStrategy: 'merge', patchMergeKey: 'mountPath' },
  },
};
const podSpec: PatchMetaSpec = {
  fields: {
    containers: container,
    initContainers: container,
    volumes: { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
    tolerations: { listType: 'atomic' },
  },
};
const deploymentMeta = patchMetaFromSpec({
  fields: {
    metadata: objectMeta,
    spec: { fields: { strategy: { patchStrategy: 'retainKeys' }, template: { fields: { metadata: objectMeta, spec: podSpec } } } },
  },
});

function deployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', tier: 'frontend' }, finalizers: ['a.example.com/x', 'b.example.com/y'] },
    spec: {
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1',
              ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }],
              env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
            },
            { name: 'log', image: 'fluentd' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }, { name: 'config', configMap: { name: 'cfg' } }],
          tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }],
          securityContext: { runAsUser: 1000 },
        },
      },
    },
  };
}

type Deployment = {
  metadata: { labels?: Record<string, string>; finalizers?: string[]; annotations?: Record<string, string> };
  spec: {
    strategy: JsonObject;
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: JsonObject[]; volumes: JsonObject[]; tolerations: JsonObject[]; securityContext?: JsonObject };
    };
  };
};

function apply(patch: JsonValue): Deployment {
  return strategicMergePatch(deployment(), patch, deploymentMeta) as unknown as Deployment;
}

function names(items: JsonObject[]): JsonValue[] {
  return items.map((c) => c.name);
}

test('containers merge by name, ports by containerPort, env by name', () => {
  const out = apply({
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'web', image: 'nginx:2', ports: [{ containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] },
            { name: 'sidecar', image: 'envoy' },
          ],
        },
      },
    },
  });
  const [web, ...rest] = out.spec.template.spec.containers;
  assert.equal(web.image, 'nginx:2');
  // Without $setElementOrder, upstream puts patch items the server does not know first.
  assert.deepEqual(web.ports, [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }]);
  assert.deepEqual(web.env, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
  assert.deepEqual(names(rest), ['sidecar', 'log']);
});

test('$patch: delete removes list items by merge key; nulls delete fields', () => {
  const out = apply({
    metadata: { labels: { tier: null, track: 'stable' } },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'log', $patch: 'delete' },
            { name: 'web', env: [{ name: 'A', $patch: 'delete' }], image: null },
          ],
        },
      },
    },
  });
  assert.deepEqual(out.metadata.labels, { app: 'web', track: 'stable' });
  assert.deepEqual(out.spec.template.spec.containers, [
    { name: 'web', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }], env: [{ name: 'B', value: '2' }] },
  ]);
});

test('lists without a strategy are replaced: tolerations', () => {
  const out = apply({ spec: { template: { spec: { tolerations: [{ key: 'c', operator: 'Exists' }] } } } });
  assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'c', operator: 'Exists' }]);
});

test('primitive merge lists are sets: finalizers, with $deleteFromPrimitiveList', () => {
  assert.deepEqual(apply({ metadata: { finalizers: ['b.example.com/y', 'c.example.com/z'] } }).metadata.finalizers, [
    'a.example.com/x',
    'b.example.com/y',
    'c.example.com/z',
  ]);
  assert.deepEqual(apply({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com/x'] } }).metadata.finalizers, ['b.example.com/y']);
  const both = apply({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com/x'], finalizers: ['c.example.com/z'] } });
  assert.deepEqual(both.metadata.finalizers, ['c.example.com/z', 'b.example.com/y']);
  // Deleting from a list that is absent changes nothing.
  const none = strategicMergePatch({ metadata: {} }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } }, deploymentMeta);
  assert.deepEqual(none, { metadata: {} });
});

test('$retainKeys: volumes and the deployment strategy', () => {
  const out = apply({
    spec: {
      strategy: { $retainKeys: ['type'], type: 'Recreate' },
      template: { spec: { volumes: [{ name: 'data', $retainKeys: ['hostPath', 'name'], hostPath: { path: '/srv' } }] } },
    },
  });
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  assert.deepEqual(out.spec.template.spec.volumes, [{ name: 'data', hostPath: { path: '/srv' } }, { name: 'config', configMap: { name: 'cfg' } }]);
  assert.throws(() => apply({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } }), {
    message: 'invalid patch format of retainKeys',
    code: 400,
  });
  assert.throws(() => apply({ spec: { strategy: { $retainKeys: 'type' } } }), { message: 'invalid patch format of retainKeys' });
});

test('$patch: replace and delete on maps and lists', () => {
  const replaced = apply({ spec: { template: { metadata: { labels: { $patch: 'replace', app: 'other' } } } } });
  assert.deepEqual(replaced.spec.template.metadata.labels, { app: 'other' });
  const deleted = apply({ spec: { template: { spec: { securityContext: { $patch: 'delete' } } } } });
  assert.deepEqual(deleted.spec.template.spec.securityContext, {});
  const list = apply({ spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } } });
  assert.deepEqual(list.spec.template.spec.containers, [{ name: 'only', image: 'x' }]);
  const whole = strategicMergePatch({ a: 1, b: 2 }, { $patch: 'replace', c: 3 }, EMPTY_PATCH_META);
  assert.deepEqual(whole, { c: 3 });
});

test('$setElementOrder orders merged lists as kubectl apply sends them', () => {
  const out = apply({
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'log' }, { name: 'web' }],
          containers: [{ name: 'web', image: 'nginx:2' }],
        },
      },
    },
    metadata: { '$setElementOrder/finalizers': ['b.example.com/y', 'a.example.com/x'] },
  });
  assert.deepEqual(names(out.spec.template.spec.containers), ['log', 'web']);
  assert.equal(out.spec.template.spec.containers[1].image, 'nginx:2');
  assert.deepEqual(out.metadata.finalizers, ['b.example.com/y', 'a.example.com/x']);
  const added = apply({
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'new' }, { name: 'log' }],
          containers: [{ name: 'new', image: 'busybox' }],
        },
      },
    },
  });
  assert.deepEqual(names(added.spec.template.spec.containers), ['web', 'new', 'log']);
  assert.throws(
    () => apply({ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ name: 'other' }] } } } }),
    (err: unknown) => err instanceof PatchError && err.code === 500 && err.message.startsWith('the order in patch list:\n[map[name:other]]\n'),
  );
});

test('new values lose their nulls and directives; the input stays untouched', () => {
  const original = deployment();
  const before = JSON.stringify(original);
  const out = strategicMergePatch(
    original,
    { metadata: { annotations: { a: '1', b: null } }, spec: { template: { spec: { containers: [{ name: 'new', image: 'x', args: null }] } } } },
    deploymentMeta,
  ) as unknown as Deployment;
  assert.equal(JSON.stringify(original), before);
  assert.deepEqual(out.metadata.annotations, { a: '1' });
  assert.deepEqual(out.spec.template.spec.containers.find((c) => c.name === 'new'), { name: 'new', image: 'x' });
  assert.deepEqual(strategicMergePatch({ a: 1 }, null, EMPTY_PATCH_META), { a: 1 });
  assert.deepEqual(strategicMergePatch({ a: [1], m: { x: 1 } }, { a: { b: 1 }, m: 'scalar' }, EMPTY_PATCH_META), { a: { b: 1 }, m: 'scalar' });
});

test('errors read like upstream and carry the API server status code', () => {
  const err = (message: string, code: number) => (e: unknown) => e instanceof PatchError && e.message === message && e.code === code;
  assert.throws(
    () => apply({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }),
    err('map: map[image:x] does not contain declared merge key: name', 500),
  );
  assert.throws(
    () => apply({ spec: { template: { spec: { containers: [{ $patch: 'merge' }] } } } }),
    err('merging lists cannot yet be specified in the patch', 500),
  );
  assert.throws(() => apply({ spec: { $patch: 'bogus', a: 1 } }), err('unknown patch type: bogus in map: map[$patch:bogus a:1]', 500));
  assert.throws(() => apply({ metadata: { $deleteFromPrimitiveList: ['x'] } }), err('invalid patch format of primitive list', 400));
  assert.throws(() => apply({ metadata: { '$setElementOrderfinalizers': [] } }), err('invalid patch format of setElementOrder list', 400));
  const lists = patchMetaFromSpec({ fields: { m: { patchStrategy: 'merge' } } });
  assert.throws(() => strategicMergePatch({ m: [[1]] }, { m: [[2]] }, lists), err('lists of lists are not supported', 422));
  assert.throws(() => strategicMergePatch({ m: [{ a: 1 }] }, { m: [{ a: 2 }] }, lists), err('cannot merge lists without merge key for struct', 500));
  assert.throws(() => strategicMergePatch({ m: [1] }, { m: ['x'] }, lists), err('list element types are not identical: [[1] [x]]', 500));
  assert.throws(() => strategicMergePatch({}, [1], EMPTY_PATCH_META), err('json: cannot unmarshal array into Go value of type map[string]interface {}', 400));
  assert.equal(new PatchError('lists of lists are not supported', 422).toApiError().reason, 'Invalid');
});

// Cases from upstream's strategic merge patch suite: the current object, the
// three-way patch kubectl sends, and the object upstream produces.
const fixtureMeta = patchMetaFromSpec({
  fields: {
    mergingList: { patchStrategy: 'merge', patchMergeKey: 'name' },
    mergingIntList: { patchStrategy: 'merge' },
    mergeItemPtr: { patchStrategy: 'merge', patchMergeKey: 'name', fields: { mergeItemPtr: { patchStrategy: 'merge', patchMergeKey: 'name' } } },
  },
});

const n = (name: number, extra: JsonObject = {}): JsonObject => ({ name, ...extra });

const upstreamCases: [string, JsonObject, JsonObject, JsonObject][] = [
  [
    'nested patch merge with empty list',
    { name: 'hi', mergingList: [{ name: 'hello2' }] },
    { '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }], mergingList: [{ name: 'hello' }] },
    { name: 'hi', mergingList: [{ name: 'hello' }, { name: 'hello2' }] },
  ],
  [
    'delete all duplicate items in lists of scalars',
    { mergingIntList: [1, 2, 3, 3, 4] },
    { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    { mergingIntList: [1, 2, 4] },
  ],
  [
    'merge lists of maps',
    { mergingList: [n(1, { other: 'a' }), n(2, { value: 2, other: 'b' })] },
    { '$setElementOrder/mergingList': [n(4), n(1), n(2), n(3)], mergingList: [n(4, { value: 4 }), n(3, { value: 3 })] },
    { mergingList: [n(4, { value: 4 }), n(1, { other: 'a' }), n(2, { value: 2, other: 'b' }), n(3, { value: 3 })] },
  ],
  [
    'add map and delete map from merging list',
    { mergingList: [n(1), n(2, { other: 'b' }), n(4, { other: 'c' })] },
    { '$setElementOrder/mergingList': [n(2), n(3)], mergingList: [n(3), n(1, { $patch: 'delete' })] },
    { mergingList: [n(2, { other: 'b' }), n(4, { other: 'c' }), n(3)] },
  ],
  [
    'delete missing map from merging list with conflict',
    { mergingList: [n(3, { other: 'a' })] },
    { '$setElementOrder/mergingList': [n(2)], mergingList: [n(2), n(1, { $patch: 'delete' })] },
    { mergingList: [n(2), n(3, { other: 'a' })] },
  ],
  ['merge lists of scalars', { mergingIntList: [1, 2, 4] }, { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3] }, { mergingIntList: [1, 2, 3, 4] }],
  [
    'add an item in a list of primitives and preserve order',
    { mergingIntList: [1, 4, 2] },
    { '$setElementOrder/mergingIntList': [3, 1, 2], mergingIntList: [3] },
    { mergingIntList: [3, 1, 4, 2] },
  ],
  [
    'add and delete an item in a list and preserve order',
    { mergingList: [n(1, { other: 'a' }), n(2, { value: 2, other: 'b' }), n(3, { value: 3 })] },
    { '$setElementOrder/mergingList': [n(4), n(2), n(1)], mergingList: [n(4, { value: 4 }), n(3, { $patch: 'delete' })] },
    { mergingList: [n(4, { value: 4 }), n(2, { value: 2, other: 'b' }), n(1, { other: 'a' })] },
  ],
  [
    'set elements order in a list with server-only items',
    { mergingList: [n(1, { other: 'a' }), n(2, { value: 2 }), n(7), n(9), n(8), n(3, { value: 3 }), n(4, { value: 4 })] },
    { '$setElementOrder/mergingList': [n(2), n(1), n(4), n(3)] },
    { mergingList: [n(2, { value: 2 }), n(1, { other: 'a' }), n(7), n(9), n(8), n(4, { value: 4 }), n(3, { value: 3 })] },
  ],
  [
    'add field to map in merging list by pointer with conflict',
    { mergeItemPtr: [n(1, { other: 'a', mergeItemPtr: [n(1, { value: 'a' }), n(2, { value: 2, other: 'b' })] }), n(2, { other: 'b' })] },
    {
      '$setElementOrder/mergeItemPtr': [n(1), n(2)],
      mergeItemPtr: [{ '$setElementOrder/mergeItemPtr': [n(1), n(2)], name: 1, mergeItemPtr: [n(1, { value: 1 })] }],
    },
    { mergeItemPtr: [n(1, { other: 'a', mergeItemPtr: [n(1, { value: 1 }), n(2, { value: 2, other: 'b' })] }), n(2, { other: 'b' })] },
  ],
];

test('agrees with upstream fixtures, including order', () => {
  for (const [description, current, patch, result] of upstreamCases) {
    assert.deepEqual(strategicMergePatch(current, patch, fixtureMeta), result, description);
  }
});
