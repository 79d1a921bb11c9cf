import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore } from '../../storage/open.js';
import type { Store } from '../../storage/store.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { AllocationError, RangeAllocator } from './range.js';

let store: Store;
before(async () => {
  store = await openStore({ dataDir: tempDir('k8ts-range') });
});
after(async () => store.close());

const ports = () =>
  new RangeAllocator(store, {
    prefix: `/test/ports-${Math.random()}/`,
    first: 100,
    last: 103,
    format: String,
    parse: Number,
    messages: { allocated: 'taken', notInRange: 'outside', full: 'range is full' },
  });

const reason = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof AllocationError);
    return err.reason;
  }
};

test('a value belongs to one owner; allocating again for the same owner succeeds', async () => {
  const range = ports();
  await range.allocate(101, 'ns/a');
  await range.allocate(101, 'ns/a');
  assert.equal(await reason(range.allocate(101, 'ns/b')), 'allocated');
  assert.equal(await reason(range.allocate(99, 'ns/b')), 'notInRange');
  await range.release(101, 'ns/b');
  assert.deepEqual([...(await range.allocations())], [[101, 'ns/a']]);
  await range.release(101, 'ns/a');
  assert.equal((await range.allocations()).size, 0);
});

test('dynamic allocation fills the range, then reports it full', async () => {
  const range = ports();
  const got = new Set<number>();
  for (let i = 0; i < 4; i++) got.add(await range.allocateNext(`ns/s${i}`));
  assert.deepEqual([...got].sort(), [100, 101, 102, 103]);
  assert.equal(await reason(range.allocateNext('ns/more')), 'full');
});
