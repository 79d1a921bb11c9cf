import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { mutatingWebhookConfigurationStrategy as mwc } from './mutatingwebhookconfiguration.js';
import { validatingWebhookConfigurationStrategy as vwc } from './validatingwebhookconfiguration.js';

function config(hook: Record<string, unknown>): ApiObject {
  return {
    metadata: { name: 'cert-manager-webhook' },
    webhooks: [
      {
        name: 'webhook.cert-manager.io',
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        clientConfig: { service: { name: 'cert-manager-webhook', namespace: 'cert-manager', path: '/validate' } },
        rules: [{ apiGroups: ['cert-manager.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['*/*'] }],
        ...hook,
      },
    ],
  };
}

test('names and category api-extensions', () => {
  assert.deepEqual(vwc.names.categories, ['api-extensions']);
  assert.equal(mwc.names.kind, 'MutatingWebhookConfiguration');
});

test('defaults', () => {
  const obj = config({});
  mwc.defaults?.(obj);
  const hook = (obj.webhooks as Record<string, unknown>[])[0];
  assert.equal(hook.failurePolicy, 'Fail');
  assert.equal(hook.matchPolicy, 'Equivalent');
  assert.deepEqual(hook.namespaceSelector, {});
  assert.deepEqual(hook.objectSelector, {});
  assert.equal(hook.timeoutSeconds, 10);
  assert.equal(hook.reinvocationPolicy, 'Never');
  assert.equal((hook.clientConfig as { service: { port: number } }).service.port, 443);
  assert.equal((hook.rules as { scope: string }[])[0].scope, '*');
  assert.deepEqual(mwc.validate?.(obj, {}), []);
});

test('validation messages', () => {
  const obj = config({ name: 'webhook', sideEffects: undefined, admissionReviewVersions: [], clientConfig: { url: 'http://x.io/a?b=c' }, timeoutSeconds: 40 });
  vwc.defaults?.(obj);
  assert.deepEqual((vwc.validate?.(obj, {}) ?? []).map(String), [
    'webhooks[0].name: Invalid value: "webhook": should be a domain with at least three segments separated by dots',
    'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun',
    'webhooks[0].timeoutSeconds: Invalid value: 40: the timeout value must be between 1 and 30 seconds',
    `webhooks[0].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]`,
    'webhooks[0].clientConfig.url: Invalid value: "b=c": query parameters are not permitted in the URL',
    'webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
  ]);
});

test('table row: NAME WEBHOOKS AGE', () => {
  assert.deepEqual(vwc.table?.cells(config({})), ['cert-manager-webhook', 1, '<unknown>']);
});
