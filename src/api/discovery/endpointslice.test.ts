import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { endpointSliceStrategy as eps } from './endpointslice.js';

function slice(extra: Record<string, unknown>): ApiObject {
  const obj: ApiObject = { metadata: { name: 'web-abc', namespace: 'default' }, addressType: 'IPv4', ...extra };
  eps.defaults?.(obj);
  return obj;
}

const errors = (obj: ApiObject) => (eps.validate?.(obj, {}) ?? []).map(String);

test('ports default to name "" and TCP', () => {
  assert.deepEqual(slice({ ports: [{ port: 80 }] }).ports, [{ port: 80, name: '', protocol: 'TCP' }]);
});

test('validation', () => {
  assert.deepEqual(errors(slice({ endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] })), []);
  assert.deepEqual(errors(slice({ addressType: 'IPX' })), ['addressType: Unsupported value: "IPX": supported values: "FQDN", "IPv4", "IPv6"']);
  assert.deepEqual(errors(slice({ endpoints: [{ addresses: ['127.0.0.1', 'fe80::1'] }, { addresses: [] }] })), [
    'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'endpoints[0].addresses[1]: Invalid value: "fe80::1": must be a valid IPv4 address',
    'endpoints[0].addresses[1]: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
    'endpoints[1].addresses: Required value: must contain at least 1 address',
  ]);
  assert.deepEqual(errors(slice({ ports: [{ name: 'http' }, { name: 'http' }] })), ['ports[1].name: Duplicate value: "http"']);
  assert.deepEqual((eps.validateUpdate?.(slice({ addressType: 'IPv6' }), slice({})) ?? []).map(String), [
    'addressType: Invalid value: "IPv6": field is immutable',
  ]);
});

test('table row: NAME ADDRESSTYPE PORTS ENDPOINTS AGE', () => {
  const obj = slice({
    ports: [{ port: 80 }, { name: 'metrics' }],
    endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
  });
  assert.deepEqual(eps.table?.cells(obj), ['web-abc', 'IPv4', '80,metrics', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '<unknown>']);
  assert.deepEqual(eps.table?.cells(slice({})), ['web-abc', 'IPv4', '<unset>', '<unset>', '<unknown>']);
});
