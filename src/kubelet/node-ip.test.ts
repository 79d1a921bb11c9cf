import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { test } from 'node:test';
import { hostAddresses } from '../pki/index.js';
import { defaultBindAddress, defaultNodeIP, parseIPFlag } from './node-ip.js';

test('the default node IP is the first non-loopback IPv4 (loopback without one); the kubelet listens on its whole family', () => {
  assert.equal(defaultNodeIP(), hostAddresses().find((a) => isIP(a) === 4) ?? '127.0.0.1');
  assert.equal(defaultBindAddress('192.168.1.5'), '0.0.0.0');
  assert.equal(defaultBindAddress('fd00::5'), '::');
});

test('--node-ip and --bind-address take one IP address', () => {
  assert.equal(parseIPFlag('node-ip', '127.0.0.2'), '127.0.0.2');
  assert.equal(parseIPFlag('node-ip', undefined), undefined);
  assert.throws(() => parseIPFlag('node-ip', 'node-1'), /^Error: invalid --node-ip "node-1": not an IP address$/);
});
