import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchedulingQueue } from './queue.js';
import { makePod } from './testing.js';

test('SchedulingQueue: activeQ pops by priority, then by arrival', async () => {
  let now = 1000;
  const q = new SchedulingQueue(() => now);
  q.add(makePod('a', { priority: 1 }));
  now++;
  q.add(makePod('b', { priority: 5 }));
  now++;
  q.add(makePod('c', { priority: 1 }));
  const order = [];
  for (let i = 0; i < 3; i++) order.push((await q.pop())?.podInfo.pod.metadata.name);
  assert.deepEqual(order, ['b', 'a', 'c']);
});

test('SchedulingQueue: backoff starts at 1 s and doubles up to 10 s', () => {
  const q = new SchedulingQueue();
  const info = { attempts: 1 } as Parameters<SchedulingQueue['backoffDuration']>[0];
  const durations = [1, 2, 3, 4, 5, 6].map((attempts) => q.backoffDuration({ ...info, attempts }));
  assert.deepEqual(durations, [1000, 2000, 4000, 8000, 10000, 10000]);
});

test('SchedulingQueue: unschedulable pods wait for an event, then back off before retrying', async () => {
  let now = 0;
  const q = new SchedulingQueue(() => now);
  q.add(makePod('p'));
  const popped = await q.pop();
  assert.ok(popped);
  q.addUnschedulable(popped, q.cycle);
  assert.deepEqual(q.counts(), { active: 0, backoff: 0, unschedulable: 1 });
  q.moveAllToActiveOrBackoff('NodeAdd');
  assert.deepEqual(q.counts(), { active: 0, backoff: 1, unschedulable: 0 });
  now = 999;
  q.flushBackoffCompleted();
  assert.equal(q.counts().backoff, 1);
  now = 1000;
  q.flushBackoffCompleted();
  assert.deepEqual(q.counts(), { active: 1, backoff: 0, unschedulable: 0 });
});

test('SchedulingQueue: an event during the attempt sends the pod to backoff, not to unschedulable', async () => {
  const q = new SchedulingQueue(() => 0);
  q.add(makePod('p'));
  const popped = await q.pop();
  assert.ok(popped);
  const cycle = q.cycle;
  q.moveAllToActiveOrBackoff('NodeAdd');
  q.addUnschedulable(popped, cycle);
  assert.deepEqual(q.counts(), { active: 0, backoff: 1, unschedulable: 0 });
});

test('SchedulingQueue: unschedulable pods are flushed after 5 minutes', async () => {
  let now = 0;
  const q = new SchedulingQueue(() => now);
  q.add(makePod('p'));
  const popped = await q.pop();
  assert.ok(popped);
  q.addUnschedulable(popped, q.cycle);
  now = 5 * 60_000;
  q.flushUnschedulableLeftover();
  assert.equal(q.counts().unschedulable, 1);
  now = 5 * 60_000 + 1;
  q.flushUnschedulableLeftover();
  assert.deepEqual(q.counts(), { active: 1, backoff: 0, unschedulable: 0 });
});
