import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { endpointsStrategy as endpoints } from './endpoints.js';
import { coreKinds } from './index.js';
import { podTemplateStrategy as templates } from './podtemplate.js';
import { serviceAccountStrategy as accounts } from './serviceaccount.js';

test('every core kind, named as upstream discovery', () => {
  const names = coreKinds.map((k) => `${k.names.plural}:${(k.names.shortNames ?? []).join(',')}:${(k.names.categories ?? []).join(',')}`);
  assert.deepEqual(names.sort(), [
    'configmaps:cm:',
    'endpoints:ep:',
    'events:ev:',
    'limitranges:limits:',
    'namespaces:ns:',
    'nodes:no:',
    'persistentvolumeclaims:pvc:',
    'persistentvolumes:pv:',
    'pods:po:all',
    'podtemplates::',
    'replicationcontrollers:rc:all',
    'resourcequotas:quota:',
    'secrets::',
    'serviceaccounts:sa:',
    'services:svc:all',
  ]);
  for (const kind of coreKinds) assert.equal(kind.names.version, 'v1');
});

test('endpoints: defaults, validation and table', () => {
  const obj: ApiObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443, name: 'https' }] }],
  };
  endpoints.defaults?.(obj);
  assert.deepEqual((endpoints.validate?.(obj, {}) ?? []).map(String), ['subsets[0].ports[0].name: Required value']);
  assert.deepEqual(endpoints.table?.cells(obj), ['web', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...', '<unknown>']);
  const bad: ApiObject = { ...obj, subsets: [{ addresses: [{ ip: '127.0.0.1' }] }, {}] };
  assert.deepEqual((endpoints.validate?.(bad, {}) ?? []).map(String), [
    'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`',
  ]);
  assert.deepEqual(endpoints.table?.cells({ ...obj, subsets: undefined })[1], '<none>');
});

test('service accounts keep only secret names', () => {
  const obj: ApiObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' }, secrets: [{ name: 'tok', kind: 'Secret' }] };
  accounts.prepareForCreate?.(obj);
  assert.deepEqual(obj.secrets, [{ name: 'tok' }]);
  assert.deepEqual(accounts.table?.cells(obj), ['sa', 1, '<unknown>']);
});

test('pod templates: defaults, validation and table', () => {
  const obj: ApiObject = {
    apiVersion: 'v1',
    kind: 'PodTemplate',
    metadata: { name: 't', namespace: 'default' },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  };
  templates.defaults?.(obj);
  assert.deepEqual(templates.validate?.(obj, {}), []);
  assert.equal(templates.generation, true);
  assert.deepEqual(templates.table?.cells(obj), ['t', 'c', 'nginx', 'app=web']);
  const empty: ApiObject = { ...obj, template: { spec: {} } };
  templates.defaults?.(empty);
  assert.deepEqual((templates.validate?.(empty, {}) ?? []).map(String), ['template.spec.containers: Required value']);
});
