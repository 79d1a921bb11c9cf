import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from './json.js';
import { PatchError, applyJsonPatch, applyMergePatch, decodeJsonPatch } from './patch.js';

const deployment = (): JsonValue => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, annotations: { 'example.com/a': '1' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }, { name: 'sidecar', image: 'busybox' }] } } },
});

function patchError(message: string, code: number) {
  return (err: unknown) => err instanceof PatchError && err.message === message && err.code === code;
}

test('JSON patch operations', () => {
  const out = applyJsonPatch(deployment(), [
    { op: 'test', path: '/spec/replicas', value: 1 },
    { op: 'replace', path: '/spec/replicas', value: 3 },
    { op: 'add', path: '/metadata/labels/tier', value: 'frontend' },
    { op: 'add', path: '/metadata/annotations/example.com~1b', value: '2' },
    { op: 'remove', path: '/metadata/annotations/example.com~1a' },
    { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'log', image: 'fluentd' } },
    { op: 'add', path: '/spec/template/spec/containers/0/env', value: [{ name: 'A', value: 'x' }] },
    { op: 'copy', from: '/spec/template/spec/containers/0/env', path: '/spec/template/spec/containers/1/env' },
    { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/role' },
    { op: 'remove', path: '/spec/template/spec/containers/-1' },
  ]) as { metadata: unknown; spec: { replicas: number; template: { spec: { containers: unknown[] } } } };
  assert.equal(out.spec.replicas, 3);
  assert.deepEqual(out.metadata, { name: 'web', labels: { app: 'web', role: 'frontend' }, annotations: { 'example.com/b': '2' } });
  assert.deepEqual(out.spec.template.spec.containers, [
    { name: 'web', image: 'nginx:1', env: [{ name: 'A', value: 'x' }] },
    { name: 'sidecar', image: 'busybox', env: [{ name: 'A', value: 'x' }] },
  ]);
});

test('JSON patch leaves the input alone and inserts into arrays', () => {
  const doc = deployment();
  const before = JSON.stringify(doc);
  const out = applyJsonPatch(doc, [{ op: 'add', path: '/spec/template/spec/containers/1', value: { name: 'mid' } }]) as {
    spec: { template: { spec: { containers: { name: string }[] } } };
  };
  assert.equal(JSON.stringify(doc), before);
  assert.deepEqual(out.spec.template.spec.containers.map((c) => c.name), ['web', 'mid', 'sidecar']);
  // Replacing a missing member of an object sets it, as upstream does.
  assert.deepEqual((applyJsonPatch({ a: {} }, [{ op: 'replace', path: '/a/b', value: 1 }]) as { a: unknown }).a, { b: 1 });
  assert.deepEqual(applyJsonPatch({ a: 1 }, null), { a: 1 });
  assert.deepEqual(applyJsonPatch({ a: null }, [{ op: 'test', path: '/a', value: null }, { op: 'test', path: '/b' }]), { a: null });
});

test('JSON patch errors read like upstream', () => {
  const doc = deployment();
  const cases: [JsonValue, string][] = [
    [[{ op: 'test', path: '/spec/replicas', value: 2 }], 'testing value /spec/replicas failed: test failed'],
    [[{ op: 'add', path: '/missing/x', value: 1 }], 'add operation does not apply: doc is missing path: "/missing/x": missing value'],
    [[{ op: 'remove', path: '/metadata/labels/nope' }], "error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value"],
    [[{ op: 'remove', path: '/nope/x' }], 'remove operation does not apply: doc is missing path: "/nope/x": missing value'],
    [[{ op: 'replace', path: '/spec/template/spec/containers/5', value: {} }], 'replace operation does not apply: doc is missing key: /spec/template/spec/containers/5: missing value'],
    [[{ op: 'replace', path: '/nope/x', value: 1 }], 'replace operation does not apply: doc is missing path: /nope/x: missing value'],
    [[{ op: 'add', path: '/spec/template/spec/containers/9', value: {} }], "error in add for path: '/spec/template/spec/containers/9': value was not a proper array index: '9': Unable to access invalid index: 9: invalid index referenced"],
    [[{ op: 'add', path: '/spec/template/spec/containers/x', value: {} }], "error in add for path: '/spec/template/spec/containers/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax"],
    [[{ op: 'move', from: '/metadata/nope', path: '/x' }], "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value"],
    [[{ op: 'copy', from: '/nope/x', path: '/x' }], 'copy operation does not apply: doc is missing from path: /nope/x: missing value'],
    [[{ op: 'test', path: '/nope/x', value: 1 }], 'test operation does not apply: is missing path: /nope/x: missing value'],
    [[{ op: 'add', value: 1 }], 'add operation failed to decode path: missing value'],
    [[{ op: 'replace', value: 1 }], 'replace operation failed to decode path: operation missing path field: missing value'],
    [[{ op: 'move', path: '/a' }], 'move operation failed to decode from: operation, missing from field: missing value'],
    [[{ op: 'jump', path: '/a' }], 'Unexpected kind: jump'],
    [[{ path: '/a' }], 'Unexpected kind: unknown'],
    [[{ op: 'add', path: '', value: 1 }], 'add operation does not apply: doc is missing path: "": missing value'],
  ];
  for (const [patch, message] of cases) assert.throws(() => applyJsonPatch(doc, patch), patchError(message, 422), message);
  const apiError = new PatchError('testing value /a failed: test failed', 422).toApiError();
  assert.equal(apiError.code, 422);
  assert.equal(apiError.reason, 'Invalid');
  assert.equal(apiError.message, 'the server rejected our request due to an error in our request');
});

test('JSON patch decoding', () => {
  assert.throws(() => decodeJsonPatch({ op: 'add' }), patchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch', 400));
  assert.throws(() => decodeJsonPatch(['x']), patchError('json: cannot unmarshal string into Go value of type jsonpatch.Operation', 400));
  const many = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a' }));
  assert.throws(() => decodeJsonPatch(many), patchError('The allowed maximum operations in a JSON patch is 10000, got 10001', 413));
  assert.equal(new PatchError('x', 413).toApiError().message, 'Request entity too large: x');
  assert.equal(new PatchError('Invalid JSON Patch', 400).toApiError().reason, 'BadRequest');
});

test('JSON merge patch', () => {
  const out = applyMergePatch(deployment(), {
    metadata: { labels: { app: null, tier: 'web' }, annotations: null },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'only', image: 'x', args: null }] } } },
    status: { observed: { a: null, b: 1 } },
  });
  assert.deepEqual(out, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { tier: 'web' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'only', image: 'x' }] } } },
    status: { observed: { b: 1 } },
  });
  assert.deepEqual(applyMergePatch({ a: 'b' }, { a: { c: null, d: 1 } }), { a: { d: 1 } });
  assert.deepEqual(applyMergePatch({ a: [1, 2] }, { a: [null, 3] }), { a: [null, 3] });
  assert.deepEqual(applyMergePatch({ a: 1 }, [1, { b: null }]), [1, {}]);
  assert.deepEqual(applyMergePatch([1], { a: null, b: 2 }), { b: 2 });
  assert.throws(() => applyMergePatch({ a: 1 }, null), patchError('Invalid JSON Patch', 400));
  assert.throws(() => applyMergePatch({ a: 1 }, 5), patchError('Invalid JSON Patch', 400));
  assert.throws(() => applyMergePatch(null, {}), patchError('Invalid JSON Document', 500));
});
