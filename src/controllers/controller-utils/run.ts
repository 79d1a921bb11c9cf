// The loop every workload controller runs: wait for the informers, then work
// through a rate-limited queue of keys until the controller is stopped.
import { runWorkers, WorkQueue, type ReconcileResult } from '../../client/workqueue.js';
import type { ControllerContext } from '../context.js';
import { isApiStatusError } from '../../client/errors.js';
import type { KubeObject, ResourceClient } from '../../client/types.js';

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

export function isConflict(err: unknown): boolean {
  return isApiStatusError(err) && err.code === 409;
}

/**
 * Writes a status computed from the cache; on a conflict (the cache was behind)
 * re-reads the object once and writes the same status onto it, as upstream's
 * status updaters do, instead of recomputing everything after a backoff.
 */
export async function updateStatusRetrying<T extends KubeObject>(client: ResourceClient<T>, obj: T, status: unknown): Promise<T> {
  try {
    return await client.updateStatus({ ...obj, status });
  } catch (err) {
    if (!isConflict(err)) throw err;
    const fresh = await client.get(obj.metadata?.namespace, obj.metadata!.name!);
    if (fresh.metadata?.uid !== obj.metadata?.uid) throw err;
    return client.updateStatus({ ...fresh, status });
  }
}

/** Waits `ms` or until `signal` aborts; the abort listener goes with the timer (loops sleep thousands of times). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
