import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { isApiError } from '../machinery/status.js';
import { impersonatedUser } from './impersonation.js';

const admin = { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };
/** A request with these headers, as node's parser gives them (rawHeaders keep the sender's case). */
const request = (headersDistinct: Record<string, string[]>) =>
  ({ headersDistinct, rawHeaders: Object.entries(headersDistinct).flatMap(([name, values]) => values.flatMap((v) => [name.replace(/^i/, 'I'), v])) }) as unknown as IncomingMessage;

test('no Impersonate-* headers: the caller itself', () => {
  assert.equal(impersonatedUser(request({}), admin), admin);
});

test('a user with groups, uid and extra; system:authenticated joins unless named', () => {
  assert.deepEqual(
    impersonatedUser(
      request({ 'impersonate-user': ['jane'], 'impersonate-uid': ['u-1'], 'impersonate-group': ['dev', 'ops'], 'impersonate-extra-scopes%2Fread': ['a', 'b'] }),
      admin,
    ),
    { username: 'jane', uid: 'u-1', groups: ['dev', 'ops', 'system:authenticated'], extra: { 'scopes/read': ['a', 'b'] } },
  );
  assert.deepEqual(impersonatedUser(request({ 'impersonate-user': ['jane'], 'impersonate-group': ['system:authenticated', 'dev'] }), admin).groups, [
    'system:authenticated',
    'dev',
  ]);
  assert.deepEqual(impersonatedUser(request({ 'impersonate-user': ['system:anonymous'] }), admin).groups, ['system:unauthenticated']);
});

test('a service account without groups gets its service account groups', () => {
  assert.deepEqual(impersonatedUser(request({ 'impersonate-user': ['system:serviceaccount:ns1:builder'] }), admin).groups, [
    'system:serviceaccounts',
    'system:serviceaccounts:ns1',
    'system:authenticated',
  ]);
});

test('groups, uid or extra without a user are refused', () => {
  assert.throws(
    () => impersonatedUser(request({ 'impersonate-group': ['dev'], 'impersonate-uid': ['u'] }), admin),
    (err: unknown) => isApiError(err) && err.code === 500 && err.status.message === 'Internal error occurred: requested Impersonate-Group, Impersonate-Uid without impersonating a user',
  );
});
