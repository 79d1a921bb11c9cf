// The loop every workload controller runs: wait for the informers, then work
// through a rate-limited queue of keys until the controller is stopped.
import { runWorkers, WorkQueue, type ReconcileResult } from '../../client/workqueue.js';
import type { ControllerContext } from '../context.js';
import { isApiStatusError } from '../../client/errors.js';

export type { ReconcileResult };

export async function runQueue(
  ctx: ControllerContext,
  signal: AbortSignal,
  queue: WorkQueue<string>,
  workers: number,
  sync: (key: string) => Promise<void | ReconcileResult>,
): Promise<void> {
  signal.addEventListener('abort', () => queue.shutDown(), { once: true });
  if (signal.aborted || !(await ctx.informers.waitForCacheSync())) return;
  await runWorkers(queue, workers, sync, {
    onError: (key, err) => {
      // Conflicts are the normal price of a stale cache: the retry reads the newer object.
      const log = isApiStatusError(err) && err.code === 409 ? ctx.log.debug : ctx.log.warn;
      log(`error syncing ${String(key)}: ${(err as Error).message}`);
    },
  });
}

export function keyOf(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const { namespace, name } = obj.metadata ?? {};
  return namespace ? `${namespace}/${name}` : `${name}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export function isNotFound(err: unknown): boolean {
  return isApiStatusError(err) && err.code === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return isApiStatusError(err) && err.code === 409 && err.reason === 'AlreadyExists';
}
