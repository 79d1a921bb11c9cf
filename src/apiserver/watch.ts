// Serving a watch: a chunked stream of {"type", "object"} lines from a
// resourceVersion on, filtered by selectors, with bookmarks and a timeout.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiObject } from '../api/kind.js';
import { badRequest, tooOldResourceVersion, type ApiError } from '../machinery/status.js';
import { isStoreError, type KeyValue, type WatchEvent } from '../storage/store.js';
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
  /** render is the identity: the object's JSON can be shared with other watchers. */
  rendersAsIs?: boolean;
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
  const sendEncoded = (type: WireEventType, objectJson: string) => res.write(`{"type":"${type}","object":${objectJson}}\n`);
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
        if (!wire) continue;
        if (w.rendersAsIs) sendEncoded(wire.type, encodedObject(event.kv, wire.object));
        else send(wire.type, w.render(wire.object));
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

/**
 * The watchers of a resource receive the same KeyValue objects from the watch
 * cache: each event is decoded and serialized once for all of them (upstream's
 * cachingObject), not once per watcher. Entries live only while an event is
 * being fanned out; the bound keeps the memo small.
 */
const sharedCapacity = 512;
const shared = new Map<KeyValue, { object: ApiObject; json?: string }>();

/** The decoded object of a KeyValue; watchers only read it. */
function decodeShared(resource: Resource, kv: KeyValue): ApiObject {
  let entry = shared.get(kv);
  if (!entry) {
    entry = { object: resource.decode(kv) };
    shared.set(kv, entry);
    if (shared.size > sharedCapacity) shared.delete(shared.keys().next().value as KeyValue);
  }
  return entry.object;
}

function encodedObject(kv: KeyValue, object: ApiObject): string {
  const entry = shared.get(kv);
  if (!entry || entry.object !== object) return JSON.stringify(object);
  entry.json ??= JSON.stringify(object);
  return entry.json;
}

function selectsAll(selection: Selection): boolean {
  return !selection.labels && !selection.fields;
}

/** An object entering or leaving the selection is ADDED or DELETED for this watcher. */
function toWireEvent(
  resource: Resource,
  selection: Selection,
  event: WatchEvent,
): { type: WireEventType; object: ApiObject } | undefined {
  const object = decodeShared(resource, event.kv);
  if (selectsAll(selection)) return { type: event.type, object };
  const now = event.type !== 'DELETED' && selects(resource.strategy, selection, object);
  if (event.type === 'ADDED') return now ? { type: 'ADDED', object } : undefined;
  const before = event.prevKv ? selects(resource.strategy, selection, decodeShared(resource, event.prevKv)) : true;
  if (event.type === 'DELETED') return before || selects(resource.strategy, selection, object) ? { type: 'DELETED', object } : undefined;
  if (now && before) return { type: 'MODIFIED', object };
  if (now) return { type: 'ADDED', object };
  if (before) return { type: 'DELETED', object };
  return undefined;
}
