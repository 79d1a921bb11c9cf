import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Expectations } from './expectations.js';
import { slowStartBatch } from './slowstart.js';

test('slow start creates in batches of 1, 2, 4... and stops at the first failing batch', async () => {
  let calls = 0;
  assert.deepEqual(await slowStartBatch(10, async () => { calls++; }), { successes: 10 });
  assert.equal(calls, 10);
  calls = 0;
  const r = await slowStartBatch(10, async () => {
    if (++calls > 2) throw new Error('quota exceeded');
  });
  // Batches 1 and 2 ran (3 calls, the third failing); batch 4 never started.
  assert.equal(calls, 3);
  assert.equal(r.successes, 2);
  assert.equal(r.error?.message, 'quota exceeded');
});

test('expectations hold a controller back until its creations and deletions are observed', () => {
  let now = 0;
  const e = new Expectations(() => now);
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectCreations('ns/rs', 2);
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectDeletions('ns/rs', ['ns/p1']);
  e.deletionObserved('ns/rs', 'ns/other');
  assert.equal(e.satisfied('ns/rs'), false);
  e.deletionObserved('ns/rs', 'ns/p1');
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectCreations('ns/rs', 1);
  now += 6 * 60_000;
  assert.equal(e.satisfied('ns/rs'), true, 'expired expectations do not block forever');
});
