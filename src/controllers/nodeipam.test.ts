import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CidrSet } from './nodeipam.js';

test('node CIDRs: one /24 per node from the cluster CIDR, lowest free first, reused after release', () => {
  const set = new CidrSet('10.42.0.0/16');
  assert.equal(set.size, 256);
  assert.equal(set.occupy('10.42.1.0/24'), true);
  assert.equal(set.occupy('10.99.0.0/24'), false);
  assert.equal(set.allocateNext(), '10.42.0.0/24');
  assert.equal(set.allocateNext(), '10.42.2.0/24');
  set.release('10.42.0.0/24');
  assert.equal(set.allocateNext(), '10.42.0.0/24');
  const small = new CidrSet('10.0.0.0/23');
  assert.equal(small.allocateNext(), '10.0.0.0/24');
  assert.equal(small.allocateNext(), '10.0.1.0/24');
  assert.equal(small.allocateNext(), undefined);
  assert.throws(() => new CidrSet('10.0.0.0/25'));
});
