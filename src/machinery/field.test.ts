import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldError, FieldErrorList, FieldPath, aggregateMessage, childOf } from './field.js';

test('FieldPath renders children, indexes and keys like field.Path', () => {
  const spec = FieldPath.of('spec');
  assert.equal(spec.child('containers').index(0).child('image').toString(), 'spec.containers[0].image');
  assert.equal(FieldPath.of('metadata', 'labels').key('app').toString(), 'metadata.labels[app]');
  assert.equal(FieldPath.of('metadata').child('a', 'b').toString(), 'metadata.a.b');
  assert.equal(childOf(null, 'key').toString(), 'key');
  assert.equal(childOf(spec, 'key').toString(), 'spec.key');
});

test('FieldError strings match field.Error.Error()', () => {
  const p = FieldPath.of('spec');
  assert.equal(
    FieldError.invalid(p.child('replicas'), -1, 'must be greater than or equal to 0').toString(),
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  );
  assert.equal(FieldError.required(FieldPath.of('metadata', 'name')).toString(), 'metadata.name: Required value');
  assert.equal(
    FieldError.required(FieldPath.of('metadata', 'name'), 'name or generateName is required').toString(),
    'metadata.name: Required value: name or generateName is required',
  );
  assert.equal(
    FieldError.notSupported(p.child('x'), 'y', ['a', 'b']).toString(),
    'spec.x: Unsupported value: "y": supported values: "a", "b"',
  );
  assert.equal(FieldError.notSupported(p.child('x'), 'y', []).toString(), 'spec.x: Unsupported value: "y"');
  assert.equal(FieldError.forbidden(p.child('x'), 'not allowed').toString(), 'spec.x: Forbidden: not allowed');
  assert.equal(FieldError.duplicate(p.child('ports').index(1), 80).toString(), 'spec.ports[1]: Duplicate value: 80');
  assert.equal(
    FieldError.duplicate(p.child('ports').index(1), { name: 'http' }).toString(),
    'spec.ports[1]: Duplicate value: {"name":"http"}',
  );
  assert.equal(
    FieldError.tooLong(FieldPath.of('metadata', 'annotations'), 262144).toString(),
    'metadata.annotations: Too long: may not be more than 262144 bytes',
  );
  assert.equal(FieldError.tooLong(p, 1).body(), 'Too long: may not be more than 1 byte');
  assert.equal(FieldError.tooMany(p.child('x'), 5, 3).toString(), 'spec.x: Too many: 5: must have at most 3 items');
  assert.equal(FieldError.tooMany(p.child('x'), -1, 1).toString(), 'spec.x: Too many: must have at most 1 item');
  assert.equal(FieldError.typeInvalid(p.child('x'), true, 'must be a string').toString(), 'spec.x: Invalid value: true: must be a string');
  assert.equal(FieldError.notFound(p.child('x'), 'y').toString(), 'spec.x: Not found: "y"');
  assert.equal(FieldError.invalid(p.child('x'), null, 'bad').toString(), 'spec.x: Invalid value: null: bad');
  assert.equal(FieldError.invalid(p.child('x'), ['a'], 'bad').toString(), 'spec.x: Invalid value: ["a"]: bad');
  assert.equal(FieldError.internal(p, new Error('boom')).toString(), 'spec: Internal error: boom');
  assert.equal(FieldError.invalid(null, 'k', 'bad').toString(), '<nil>: Invalid value: "k": bad');
});

test('aggregates drop duplicates and bracket several messages', () => {
  const a = FieldError.required(FieldPath.of('a'));
  const b = FieldError.required(FieldPath.of('b'));
  assert.equal(aggregateMessage([]), '');
  assert.equal(aggregateMessage([a, a]), 'a: Required value');
  assert.equal(aggregateMessage([a, b, a]), '[a: Required value, b: Required value]');
  assert.equal(new FieldErrorList([a, b]).message, '[a: Required value, b: Required value]');
});
