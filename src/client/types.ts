// The contract of k8ts' API client (src/client). Every component other than the
// API server — controllers, scheduler, kubelet — reads and writes the cluster
// only through these interfaces, over HTTPS, exactly as a remote process would.
// Implementations may add to these interfaces; they must not break them.
import type { ObjectMeta, Status } from '../machinery/meta.js';

/** Any Kubernetes object as it travels in JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** Names a resource collection, e.g. { group: 'apps', version: 'v1', resource: 'deployments' }. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface ListResult<T extends KubeObject> {
  resourceVersion: string;
  continue?: string;
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject> {
  type: WatchEventType;
  /** For ERROR events a metav1.Status. */
  object: T;
}

/** A watch stream: iterate its events; `stop()` ends it (the iterator then finishes). */
export interface Watch<T extends KubeObject> extends AsyncIterable<WatchEvent<T>> {
  stop(): void;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/**
 * One resource collection. `namespace` is ignored for cluster-scoped resources;
 * `undefined` means all namespaces for list/watch.
 */
export interface ResourceClient<T extends KubeObject> {
  readonly ref: ResourceRef;
  get(namespace: string | undefined, name: string): Promise<T>;
  list(namespace?: string, options?: ListOptions): Promise<ListResult<T>>;
  watch(namespace?: string, options?: WatchOptions): Watch<T>;
  create(namespace: string | undefined, object: T, options?: WriteOptions): Promise<T>;
  update(object: T, options?: WriteOptions): Promise<T>;
  updateStatus(object: T, options?: WriteOptions): Promise<T>;
  patch(namespace: string | undefined, name: string, type: PatchType, patch: unknown, options?: WriteOptions & { subresource?: string; force?: boolean }): Promise<T>;
  delete(namespace: string | undefined, name: string, options?: DeleteOptions): Promise<T | Status>;
  /** POST to a subresource, e.g. pods/<name>/binding or pods/<name>/eviction. */
  createSubresource(namespace: string | undefined, name: string, subresource: string, body: KubeObject): Promise<KubeObject>;
}

/** Thrown for every non-2xx answer; carries the server's metav1.Status. */
export interface ApiStatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: Status;
}
