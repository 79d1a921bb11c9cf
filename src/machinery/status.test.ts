import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ApiError,
  FieldError,
  FieldPath,
  alreadyExists,
  badRequest,
  conflict,
  expiredContinue,
  forbidden,
  genericServerResponse,
  gone,
  internalError,
  invalid,
  methodNotSupported,
  notAcceptable,
  notFound,
  requestEntityTooLarge,
  resourceExpired,
  serverTimeout,
  serviceUnavailable,
  successStatus,
  timeout,
  toStatus,
  tooLargeResourceVersion,
  tooManyRequests,
  tooOldResourceVersion,
  unauthorized,
  unsupportedMediaType,
} from './status.js';

test('notFound matches upstream JSON exactly', () => {
  const err = notFound('pods', 'x');
  assert.ok(err instanceof ApiError && err instanceof Error);
  assert.equal(err.code, 404);
  assert.equal(err.message, 'pods "x" not found');
  assert.equal(
    JSON.stringify(err.status),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"x\\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}',
  );
  const d = notFound({ group: 'apps', resource: 'deployments' }, 'web');
  assert.equal(d.message, 'deployments.apps "web" not found');
  assert.deepEqual(d.status.details, { name: 'web', group: 'apps', kind: 'deployments' });
  assert.equal(notFound('deployments.apps', 'web').message, 'deployments.apps "web" not found');
});

test('alreadyExists and conflict are 409s with distinct reasons', () => {
  const a = alreadyExists('pods', 'x');
  assert.equal(a.message, 'pods "x" already exists');
  assert.equal(a.reason, 'AlreadyExists');
  assert.equal(a.code, 409);
  const c = conflict('pods', 'x');
  assert.equal(
    c.message,
    'Operation cannot be fulfilled on pods "x": the object has been modified; please apply your changes to the latest version and try again',
  );
  assert.equal(c.reason, 'Conflict');
});

test('invalid formats causes like upstream', () => {
  const spec = FieldPath.of('spec');
  const one = invalid('Deployment.apps', 'x', [FieldError.invalid(spec.child('replicas'), -1, 'must be greater than or equal to 0')]);
  assert.equal(one.code, 422);
  assert.equal(one.message, 'Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  assert.deepEqual(one.status.details, {
    name: 'x',
    group: 'apps',
    kind: 'Deployment',
    causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }],
  });
  const two = invalid({ group: '', kind: 'Pod' }, 'p', [
    FieldError.required(FieldPath.of('metadata', 'name')),
    FieldError.notSupported(spec.child('restartPolicy'), 'Sometimes', ['Always', 'OnFailure', 'Never']),
  ]);
  assert.equal(
    two.message,
    'Pod "p" is invalid: [metadata.name: Required value, spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"]',
  );
  assert.equal(two.status.details?.causes?.[0].reason, 'FieldValueRequired');
  assert.equal(invalid('Pod', 'p', []).message, 'Pod "p" is invalid');
});

test('simple status builders carry upstream codes, reasons and texts', () => {
  const cases: [ApiError, number, string, string][] = [
    [badRequest('bad'), 400, 'BadRequest', 'bad'],
    [unauthorized(), 401, 'Unauthorized', 'not authorized'],
    [unauthorized('Unauthorized'), 401, 'Unauthorized', 'Unauthorized'],
    [forbidden('pods', 'x', 'User "bob" cannot get resource "pods"'), 403, 'Forbidden', 'pods "x" is forbidden: User "bob" cannot get resource "pods"'],
    [forbidden('pods', '', 'nope'), 403, 'Forbidden', 'pods is forbidden: nope'],
    [forbidden('', '', 'nope'), 403, 'Forbidden', 'forbidden: nope'],
    [methodNotSupported('pods', 'deletecollection'), 405, 'MethodNotAllowed', 'deletecollection is not supported on resources of kind "pods"'],
    [notAcceptable(['application/json', 'application/yaml']), 406, 'NotAcceptable', 'only the following media types are accepted: application/json, application/yaml'],
    [gone('gone'), 410, 'Gone', 'gone'],
    [resourceExpired('old'), 410, 'Expired', 'old'],
    [tooOldResourceVersion(5, 10), 410, 'Expired', 'too old resource version: 5 (10)'],
    [requestEntityTooLarge('limit is 3145728'), 413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'],
    [unsupportedMediaType(['application/json']), 415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json'],
    [tooManyRequests('slow down', 1), 429, 'TooManyRequests', 'slow down'],
    [internalError(new Error('boom')), 500, 'InternalError', 'Internal error occurred: boom'],
    [serverTimeout('pods', 'get', 2), 500, 'ServerTimeout', 'The get operation against pods could not be completed at this time, please try again.'],
    [serviceUnavailable('down'), 503, 'ServiceUnavailable', 'down'],
    [timeout('too slow', 1), 504, 'Timeout', 'Timeout: too slow'],
  ];
  for (const [err, code, reason, message] of cases) {
    assert.equal(err.code, code, message);
    assert.equal(err.reason, reason, message);
    assert.equal(err.message, message);
    assert.equal(err.status.status, 'Failure');
  }
  assert.deepEqual(internalError('boom').status.details, { causes: [{ message: 'boom' }] });
  assert.deepEqual(tooManyRequests('x', 0).status.details, {});
  assert.equal(badRequest('x').status.details, undefined);
});

test('expired continue tokens and too large resource versions', () => {
  assert.match(expiredContinue().message, /^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter\.$/);
  const inconsistent = expiredContinue('tok');
  assert.equal(inconsistent.status.metadata.continue, 'tok');
  assert.match(inconsistent.message, /Continuing with the provided token results in an inconsistent list/);
  const large = tooLargeResourceVersion(10, 5);
  assert.equal(large.message, 'Timeout: Too large resource version: 10, current: 5');
  assert.deepEqual(large.status.details, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
});

test('genericServerResponse uses fixed messages per code', () => {
  const e = genericServerResponse(422, '', { group: '', resource: '' }, '', 'doc is missing path', 0, false);
  assert.equal(e.reason, 'Invalid');
  assert.equal(e.message, 'the server rejected our request due to an error in our request');
  assert.deepEqual(e.status.details, {});
  assert.equal(genericServerResponse(409, 'POST').reason, 'AlreadyExists');
  assert.equal(genericServerResponse(404, 'GET', 'pods', 'x').message, 'the server could not find the requested resource (get pods x)');
  assert.equal(genericServerResponse(502, '', '', '', 'oops').message, 'an error on the server ("oops") has prevented the request from succeeding');
});

test('toStatus and successStatus', () => {
  assert.equal(toStatus(notFound('pods', 'x')).code, 404);
  const unknown = toStatus(new Error('x'));
  assert.equal(unknown.message, 'x');
  assert.equal(unknown.code, 500);
  assert.equal(unknown.reason, undefined);
  assert.deepEqual(successStatus({ name: 'x', kind: 'pods', group: '', uid: 'u' }), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: 'x', kind: 'pods', uid: 'u' },
  });
});
