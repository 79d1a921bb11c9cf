import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestInfo } from './request-info.js';

const info = (method: string, path: string) => requestInfo(method, new URL(path, 'https://k8ts'));

test('resource paths are read as upstream reads them', () => {
  assert.deepEqual(
    (({ verb, group, version, namespace, resource, name, subresource }) => ({ verb, group, version, namespace, resource, name, subresource }))(
      info('GET', '/apis/apps/v1/namespaces/default/deployments/web/scale') as never,
    ),
    { verb: 'get', group: 'apps', version: 'v1', namespace: 'default', resource: 'deployments', name: 'web', subresource: 'scale' },
  );
  const ns = info('GET', '/api/v1/namespaces/kube-system');
  assert.ok(ns.isResourceRequest);
  assert.equal(ns.resource, 'namespaces');
  assert.equal(ns.name, 'kube-system');
  assert.equal(ns.namespace, '');
  const status = info('PUT', '/api/v1/namespaces/foo/status');
  assert.ok(status.isResourceRequest);
  assert.deepEqual([status.resource, status.name, status.subresource, status.verb], ['namespaces', 'foo', 'status', 'update']);
  const list = info('GET', '/api/v1/pods?watch=true');
  assert.ok(list.isResourceRequest);
  assert.equal(list.verb, 'watch');
  const legacy = info('GET', '/api/v1/watch/namespaces/default/pods');
  assert.ok(legacy.isResourceRequest);
  assert.deepEqual([legacy.verb, legacy.namespace, legacy.resource], ['watch', 'default', 'pods']);
  const dc = info('DELETE', '/api/v1/namespaces/default/configmaps');
  assert.ok(dc.isResourceRequest);
  assert.equal(dc.verb, 'deletecollection');
});

test('discovery and other paths are not resource requests', () => {
  for (const p of ['/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/version', '/healthz', '/openapi/v2']) {
    assert.equal(info('GET', p).isResourceRequest, false, p);
  }
});
