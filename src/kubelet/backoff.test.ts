import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from './backoff.js';

test('CrashLoopBackOff: the first restart is immediate, then 10s doubling to 5m', () => {
  const b = new Backoff(10_000, 300_000);
  const t = 1_000_000;
  assert.equal(b.isInBackOffSince('p/c', t, t), false);
  const seen = [b.next('p/c', t)];
  for (let i = 0; i < 6; i++) seen.push(b.next('p/c', t + i));
  assert.deepEqual(seen, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  assert.equal(b.isInBackOffSince('p/c', t + 10, t + 100_000), true);
  assert.equal(b.isInBackOffSince('p/c', t + 10, t + 400_000), false);
  assert.equal(b.retryAt('p/c', t, t), t + 300_000);
});

test('the back-off starts over after ten minutes without a restart', () => {
  const b = new Backoff(10_000, 300_000);
  b.next('k', 0);
  b.next('k', 1);
  assert.equal(b.get('k'), 20_000);
  assert.equal(b.next('k', 1 + 600_001), 10_000);
  b.forgetPrefix('k');
  assert.equal(b.get('k'), 0);
});
