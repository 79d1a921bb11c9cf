// Serving a watch: a chunked stream of {"type", "object"} lines from a
// resourceVersion on, filtered by selectors, with bookmarks and a timeout.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiObject } from '../api/kind.js';
import { badRequest, tooOldResourceVersion, type ApiError } from '../machinery/status.js';
import { isStoreError, type WatchEvent } from '../storage/store.js';
import type { Resource } from './registry/resource.js';
import { selects, type Selection } from './registry/selection.js';

export interface WatchRequest {
  namespace: string;
  selection: Selection;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  sendInitialEvents?: boolean;
  /** Turns each object into what the client asked for (e.g. a Table row). */
  render(obj: ApiObject): unknown;
}

type WireEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

const bookmarkIntervalMs = 60_000;
/** Without timeoutSeconds a watch ends after a random 30–60 minutes, as upstream's minRequestTimeout. */
const defaultTimeoutSeconds = () => 1800 + Math.floor(Math.random() * 1800);

export async function serveWatch(resource: Resource, req: IncomingMessage, res: ServerResponse, w: WatchRequest): Promise<void> {
  const store = resource.storeOf();
  const start = await startRevision(resource, w);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  const send = (type: WireEventType, object: unknown) => res.write(JSON.stringify({ type, object }) + '\n');
  let lastRevision = start.revision;
  const bookmark = (extra: Record<string, string> = {}) =>
    send('BOOKMARK', {
      kind: resource.names.kind,
      apiVersion: resource.apiVersion,
      metadata: { resourceVersion: String(lastRevision), ...(Object.keys(extra).length ? { annotations: extra } : {}) },
    });

  for (const obj of start.initial) send('ADDED', w.render(obj));
  if (w.sendInitialEvents && w.allowWatchBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });

  const watch = await resource.watch(w.namespace, start.revision);
  const close = () => watch.close();
  req.on('close', close);
  const timeout = setTimeout(close, (w.timeoutSeconds ?? defaultTimeoutSeconds()) * 1000);
  const bookmarks = w.allowWatchBookmarks ? setInterval(() => bookmark(), bookmarkIntervalMs) : undefined;
  try {
    for await (const batch of watch) {
      for (const event of batch) {
        lastRevision = event.kv.modRevision;
        const wire = toWireEvent(resource, w.selection, event);
        if (wire) send(wire.type, w.render(wire.object));
      }
    }
  } catch (err) {
    if (isStoreError(err, 'compacted')) {
      send('ERROR', tooOldResourceVersion(lastRevision, await store.compactedRevision()).status);
    } else if (!isStoreError(err, 'unavailable')) {
      throw err;
    }
  } finally {
    clearTimeout(timeout);
    clearInterval(bookmarks);
    req.off('close', close);
    res.end();
  }
}

/** Where the watch starts, and the synthetic ADDED events that come first. */
async function startRevision(resource: Resource, w: WatchRequest): Promise<{ revision: number; initial: ApiObject[] }> {
  const rv = w.resourceVersion ?? '';
  const initialState = w.sendInitialEvents ?? (rv === '' || rv === '0');
  if (initialState) {
    const list = await resource.list(w.namespace, { selection: w.selection });
    return { revision: Number(list.resourceVersion), initial: list.items };
  }
  const revision = Number(rv);
  if (!Number.isInteger(revision) || revision < 0) throw badRequest(`invalid resource version "${rv}"`);
  const compacted = await resource.storeOf().compactedRevision();
  if (revision < compacted) throw expired(revision, compacted);
  return { revision, initial: [] };
}

function expired(revision: number, compacted: number): ApiError {
  return tooOldResourceVersion(revision, compacted);
}

/** An object entering or leaving the selection is ADDED or DELETED for this watcher. */
function toWireEvent(
  resource: Resource,
  selection: Selection,
  event: WatchEvent,
): { type: WireEventType; object: ApiObject } | undefined {
  const object = resource.decode(event.kv);
  const now = event.type !== 'DELETED' && selects(resource.strategy, selection, object);
  if (event.type === 'ADDED') return now ? { type: 'ADDED', object } : undefined;
  const before = event.prevKv ? selects(resource.strategy, selection, resource.decode(event.prevKv)) : true;
  if (event.type === 'DELETED') return before || selects(resource.strategy, selection, object) ? { type: 'DELETED', object } : undefined;
  if (now && before) return { type: 'MODIFIED', object };
  if (now) return { type: 'ADDED', object };
  if (before) return { type: 'DELETED', object };
  return undefined;
}
