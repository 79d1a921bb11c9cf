import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../cli/log.js';
import type { Controller, ControllerContext, ControllerInformers } from './context.js';
import { ControllerManager, type LeaderElection } from './manager.js';

/** An election driven by the test: `grant()` starts a term, `revoke()` ends it. */
function manualElection() {
  let term: AbortController | undefined;
  let lead: ((s: AbortSignal) => Promise<void>) | undefined;
  let done: Promise<void> | undefined;
  const election: LeaderElection = {
    run: (signal, l) => {
      lead = l;
      return new Promise((resolve) => signal.addEventListener('abort', () => { term?.abort(); resolve(); }, { once: true }));
    },
  };
  return {
    election,
    grant() {
      term = new AbortController();
      done = lead!(term.signal);
    },
    async revoke() {
      term!.abort();
      await done;
    },
  };
}

function fakeContext(starts: string[]): ControllerContext {
  const informers: ControllerInformers = {
    informerFor: () => { throw new Error('unused'); },
    start: () => starts.push('informers'),
    waitForCacheSync: async () => true,
    stop: async () => undefined,
  };
  return {
    client: { resource: () => { throw new Error('unused'); }, request: () => { throw new Error('unused'); } },
    informers,
    recorder: () => ({ event: () => undefined }),
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  };
}

test('the manager runs its controllers only while it leads, with fresh informers each term', async () => {
  const starts: string[] = [];
  const stopped: string[] = [];
  const controller = (name: string): Controller => ({
    name,
    async start(ctx, signal) {
      starts.push(name);
      ctx.log.info('started');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      stopped.push(name);
    },
  });
  const e = manualElection();
  let contexts = 0;
  const manager = new ControllerManager({
    controllers: [controller('a'), controller('b'), { name: 'c', start: () => undefined }],
    election: e.election,
    newContext: () => { contexts++; return fakeContext(starts); },
    log: createLogger(0, () => undefined),
  });
  const stop = new AbortController();
  const running = manager.run(stop.signal);
  assert.deepEqual(manager.runningControllers(), []);
  e.grant();
  assert.deepEqual(starts, ['a', 'b', 'informers']);
  assert.deepEqual(manager.runningControllers(), ['a', 'b', 'c']);
  await e.revoke();
  assert.deepEqual(stopped.sort(), ['a', 'b']);
  assert.deepEqual(manager.runningControllers(), []);
  e.grant();
  assert.equal(contexts, 2);
  assert.deepEqual(manager.runningControllers(), ['a', 'b', 'c']);
  stop.abort();
  await running;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(manager.runningControllers(), []);
});

test('a failing controller does not stop the others', async () => {
  const e = manualElection();
  const lines: string[] = [];
  const manager = new ControllerManager({
    controllers: [
      { name: 'bad', start: () => { throw new Error('boom'); } },
      { name: 'good', start: (_ctx, signal) => new Promise<void>((r) => signal.addEventListener('abort', () => r())) },
    ],
    election: e.election,
    newContext: () => fakeContext([]),
    log: createLogger(0, (l) => lines.push(l)),
  });
  const stop = new AbortController();
  const running = manager.run(stop.signal);
  e.grant();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(manager.runningControllers(), ['good']);
  assert.ok(lines.some((l) => l.includes('boom') && l.includes('"component":"bad"')));
  stop.abort();
  await running;
});
