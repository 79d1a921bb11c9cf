import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorFromResponse, isAlreadyExists, isConflict, isGone, isNotFound } from './errors.js';
import { apiVersionOf, resourcePath } from './rest.js';
import { deployments, leases, namespaces, nodes, pods } from './resources.js';

describe('resourcePath', () => {
  it('builds core and group paths, namespaced and cluster-scoped', () => {
    assert.equal(resourcePath(pods, 'default'), '/api/v1/namespaces/default/pods');
    assert.equal(resourcePath(pods), '/api/v1/pods');
    assert.equal(resourcePath(pods, 'ns', 'p', 'binding'), '/api/v1/namespaces/ns/pods/p/binding');
    assert.equal(resourcePath(nodes, 'ignored', 'n1', 'status'), '/api/v1/nodes/n1/status');
    assert.equal(resourcePath(namespaces, undefined, 'kube-system'), '/api/v1/namespaces/kube-system');
    assert.equal(resourcePath(deployments, 'a', 'd'), '/apis/apps/v1/namespaces/a/deployments/d');
    assert.equal(resourcePath(leases, 'kube-system'), '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases');
    assert.equal(apiVersionOf(leases), 'coordination.k8s.io/v1');
    assert.equal(apiVersionOf(pods), 'v1');
  });
});

describe('errors', () => {
  it('keeps the server Status', () => {
    const err = errorFromResponse(
      409,
      JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "a" already exists', reason: 'AlreadyExists', code: 409 }),
    );
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'AlreadyExists');
    assert.equal(err.message, 'pods "a" already exists');
    assert.ok(isAlreadyExists(err));
    assert.ok(!isConflict(err));
  });

  it('infers the reason from the code when the body is not a Status', () => {
    const err = errorFromResponse(404, '404 page not found');
    assert.equal(err.reason, 'NotFound');
    assert.equal(err.status.message, '404 page not found');
    assert.ok(isNotFound(err));
    assert.ok(isGone(errorFromResponse(410, JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 }))));
    assert.ok(!isNotFound(new Error('plain')));
  });
});
