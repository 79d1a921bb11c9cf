// The generic registry (upstream genericregistry.Store): storage, optimistic
// concurrency, metadata, validation and deletion for any kind, driven by the
// kind's strategy.
import { apiVersionOf, type ApiObject, type KindStrategy, type RequestUser, type UpdateSubresource } from '../../api/kind.js';
import { FieldPath, type FieldError } from '../../machinery/field.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  expiredContinue,
  forbidden,
  invalid,
  notFound,
  tooOldResourceVersion,
  type ApiError,
  type GroupResource,
} from '../../machinery/status.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../machinery/validation.js';
import { inconsistentContinue, isStoreError, type KeyValue, type Store, type Watch } from '../../storage/store.js';
import type { WatchCache } from '../watchcache.js';
import { carryUpdateMeta, fillCreateMeta, generateName, jsonEqual, metaOf, nowTimestamp } from './metadata.js';
import { selects, type Selection } from './selection.js';
import type { AdmissionPlugin } from '../admission/plugin.js';
import { deletionFinalizers } from './gc-finalizers.js';
import { patchMetaFor } from '../../api/schema/index.js';
import { updateManagedFields, type FieldManagerScope } from '../../machinery/managedfields/index.js';
import { EMPTY_PATCH_META } from '../../machinery/strategic.js';

export interface WriteOptions {
  dryRun?: boolean;
  /** Who writes, for managedFields; writes without one (the server's own) are not recorded. */
  fieldManager?: string;
  /** Set when server-side apply already computed managedFields. */
  managedFieldsPrepared?: boolean;
  /** The requesting user, for kinds that record it. */
  user?: RequestUser;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  object: ApiObject;
  /** False when the object stays, with a deletionTimestamp, for its finalizers or grace period. */
  removed: boolean;
}

export interface ListOptions {
  selection: Selection;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: ApiObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Side effects some kinds need around their writes (allocations, graceful deletion). */
export interface ResourceHooks {
  /** Before the first write of a new object (not on dry run); may throw an ApiError. */
  beforeCreate?(obj: ApiObject): Promise<void>;
  /** Before an update is written (not on dry run). */
  beforeUpdate?(obj: ApiObject, old: ApiObject): Promise<void>;
  /** After an update is written. */
  updated?(obj: ApiObject, old: ApiObject): Promise<void>;
  /** After an object is gone from storage, or a create failed after beforeCreate. */
  released?(obj: ApiObject): Promise<void>;
  /** Seconds a delete waits for the object's owner (the kubelet) to finish; 0 deletes now. */
  gracePeriodSeconds?(obj: ApiObject, requested: number | undefined): number;
  /** Whether something besides metadata.finalizers holds a deleted object (a namespace's spec.finalizers). */
  blocksDeletion?(obj: ApiObject): boolean;
  /** Marks an object whose deletion has started (a namespace becomes Terminating). */
  deletionStarted?(obj: ApiObject): void;
}

/** What the registry asks of the rest of the server. */
export interface RegistryContext {
  store: Store;
  /** The server's watch cache, when it keeps one. */
  watchCache?: WatchCache;
  /** The phase of a namespace, or undefined when it does not exist. */
  namespacePhase(name: string): Promise<string | undefined>;
}

const maxUpdateRetries = 8;

export class Resource {
  readonly groupResource: GroupResource;
  /** Admission plugins for this resource, in order. */
  admission: AdmissionPlugin[] = [];
  private readonly prefix: string;

  constructor(
    readonly strategy: KindStrategy,
    private readonly ctx: RegistryContext,
    readonly hooks: ResourceHooks = {},
  ) {
    this.groupResource = { group: strategy.names.group, resource: strategy.names.plural };
    const { group, plural } = strategy.storage ?? strategy.names;
    this.prefix = `/registry/${group || 'core'}/${plural}/`;
  }

  get names() {
    return this.strategy.names;
  }

  storeOf(): Store {
    return this.ctx.store;
  }

  get apiVersion(): string {
    return apiVersionOf(this.strategy.names);
  }

  /** The storage key of an object, or of the prefix of a namespace (name ''). */
  key(namespace: string, name: string): string {
    return this.names.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  listPrefix(namespace: string): string {
    return this.names.namespaced && namespace ? `${this.prefix}${namespace}/` : this.prefix;
  }

  decode(kv: KeyValue): ApiObject {
    const stored = JSON.parse(Buffer.from(kv.value).toString('utf8')) as ApiObject;
    const obj = this.strategy.storage ? this.strategy.storage.fromStored(stored) : stored;
    metaOf(obj).resourceVersion = String(kv.modRevision);
    return obj;
  }

  private encode(obj: ApiObject): Uint8Array {
    const stored = this.strategy.storage ? this.strategy.storage.toStored(obj) : obj;
    const { resourceVersion: _rv, ...metadata } = stored.metadata ?? {};
    return Buffer.from(JSON.stringify({ ...stored, metadata }));
  }

  async get(namespace: string, name: string): Promise<ApiObject> {
    return this.decode(await this.getStored(namespace, name));
  }

  /**
   * Upstream's listers, for admission: the objects as the watch cache holds them (at most a few
   * milliseconds behind the store), decoded once per revision and frozen — read them, never change them.
   */
  async cachedList(namespace: string): Promise<readonly ApiObject[]> {
    const cache = this.ctx.watchCache;
    if (!cache) return (await this.list(namespace, { selection: {} })).items;
    return (await cache.current(this.prefix, this.listPrefix(namespace))).map((kv) => this.decodeShared(kv));
  }

  /** One object as the watch cache holds it (frozen); one the cache has not seen yet is read from the store. */
  async cachedGet(namespace: string, name: string): Promise<ApiObject | undefined> {
    const key = this.key(namespace, name);
    const kv = (await this.ctx.watchCache?.currentObject(this.prefix, key)) ?? (await this.ctx.store.get(key));
    return kv ? this.decodeShared(kv) : undefined;
  }

  /** The object just written, as a read returns it, without decoding what was just encoded. */
  private written(obj: ApiObject, kv: KeyValue): ApiObject {
    if (this.strategy.storage) return this.decode(kv);
    metaOf(obj).resourceVersion = String(kv.modRevision);
    return obj;
  }

  private readonly shared = new WeakMap<KeyValue, ApiObject>();

  private decodeShared(kv: KeyValue): ApiObject {
    let obj = this.shared.get(kv);
    if (!obj) {
      obj = deepFreeze(this.decode(kv));
      this.shared.set(kv, obj);
    }
    return obj;
  }

  private async getStored(namespace: string, name: string): Promise<KeyValue> {
    const kv = await this.ctx.store.get(this.key(namespace, name));
    if (!kv) throw notFound(this.groupResource, name);
    return kv;
  }

  async list(namespace: string, options: ListOptions): Promise<ListResult> {
    const cached = await this.listFromCache(namespace, options);
    if (cached) return this.selected(cached.items, options, String(cached.revision));
    const revision = this.listRevision(options);
    let result;
    try {
      result = await this.ctx.store.list(this.listPrefix(namespace), {
        limit: options.limit,
        continue: options.continue,
        revision,
      });
    } catch (err) {
      if (isStoreError(err, 'compacted')) {
        throw options.continue ? expiredContinue(inconsistentContinue(options.continue)) : tooOldResourceVersion(revision ?? 0, await this.ctx.store.compactedRevision());
      }
      if (isStoreError(err, 'invalid')) throw badRequest(err.message);
      throw err;
    }
    return { ...this.selected(result.items, options, String(result.revision)), continue: result.continue, remainingItemCount: options.selection.labels || options.selection.fields ? undefined : result.remaining };
  }

  private selected(kvs: KeyValue[], options: ListOptions, resourceVersion: string): ListResult {
    const items = kvs.map((kv) => this.decode(kv)).filter((obj) => selects(this.strategy, options.selection, obj));
    return { items, resourceVersion };
  }

  /**
   * Lists the watch cache can answer: resourceVersion "0" (any), NotOlderThan a
   * revision, or the latest (after the cache caught up with the store). Pages
   * and exact revisions go to the store.
   */
  private async listFromCache(namespace: string, options: ListOptions): Promise<{ items: KeyValue[]; revision: number } | undefined> {
    const cache = this.ctx.watchCache;
    if (!cache || options.continue || options.resourceVersionMatch === 'Exact') return undefined;
    const rv = options.resourceVersion ?? '';
    if (options.limit && rv !== '0') return undefined;
    let minRevision: number;
    if (rv === '') minRevision = await this.ctx.store.currentRevision();
    else if (/^\d+$/.test(rv)) minRevision = Number(rv);
    else throw badRequest(`invalid resource version "${rv}"`);
    return cache.list(this.prefix, this.listPrefix(namespace), minRevision);
  }

  /** A watch of a namespace (or all) from a revision: from the watch cache when it still holds that history. */
  async watch(namespace: string, afterRevision: number): Promise<Watch> {
    const prefix = this.listPrefix(namespace);
    const cached = await this.ctx.watchCache?.watch(this.prefix, prefix, afterRevision);
    return cached ?? this.ctx.store.watch(prefix, { afterRevision });
  }

  /** resourceVersion with resourceVersionMatch=Exact reads at that revision; otherwise the latest. */
  private listRevision(options: ListOptions): number | undefined {
    if (options.resourceVersionMatch === 'Exact' && options.resourceVersion) {
      const rv = Number(options.resourceVersion);
      if (!Number.isInteger(rv) || rv <= 0) throw badRequest(`invalid resource version "${options.resourceVersion}"`);
      return rv;
    }
    return undefined;
  }

  async create(namespace: string, obj: ApiObject, options: WriteOptions = {}): Promise<ApiObject> {
    this.checkTypeMeta(obj);
    await this.checkNamespace(namespace, obj);
    const meta = metaOf(obj);
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    this.strategy.defaults?.(obj);
    if (options.fieldManager && !options.managedFieldsPrepared) {
      metaOf(obj).managedFields = updateManagedFields(undefined, obj, options.fieldManager, this.fieldManagerScope(''));
    }
    for (const plugin of this.admission) await plugin.admit?.(obj, 'create');
    this.strategy.prepareForCreate?.(obj, options.user);
    fillCreateMeta(this.strategy, obj);
    this.validateCreate(obj, namespace);
    for (const plugin of this.admission) await plugin.validate?.(obj, 'create', { group: this.names.group, resource: this.names.plural, dryRun: options.dryRun === true });
    if (options.dryRun) return obj;
    await this.hooks.beforeCreate?.(obj);
    try {
      const kv = await this.ctx.store.create(this.key(namespace, meta.name!), this.encode(obj));
      return this.written(obj, kv);
    } catch (err) {
      await this.hooks.released?.(obj);
      if (isStoreError(err, 'exists')) throw alreadyExists(this.groupResource, meta.name!);
      throw this.storeFailure(err, meta.name!);
    }
  }

  /** Checks a request body that is not stored (a review): its kind, namespace and validity. */
  checkRequest(namespace: string, obj: ApiObject): void {
    this.checkTypeMeta(obj);
    this.checkNamespaceField(namespace, obj);
    this.strategy.defaults?.(obj);
    this.throwIfInvalid(obj, this.strategy.validate?.(obj, { namespace }) ?? []);
  }

  /** PUT: replaces the object (or its status), guarded by resourceVersion when the client sends one. */
  async update(namespace: string, name: string, obj: ApiObject, subresource: string, options: WriteOptions = {}): Promise<ApiObject> {
    this.checkTypeMeta(obj);
    const meta = metaOf(obj);
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    meta.name = name;
    this.checkNamespaceField(namespace, obj);
    return this.guaranteedUpdate(namespace, name, () => obj, subresource, options, meta.resourceVersion);
  }

  /**
   * Reads, transforms and writes with compare-and-swap, retrying on conflict
   * unless the new object pins a resourceVersion.
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    transform: (current: ApiObject) => ApiObject | Promise<ApiObject>,
    subresource = '',
    options: WriteOptions = {},
    pinnedResourceVersion?: string,
  ): Promise<ApiObject> {
    for (let attempt = 0; ; attempt++) {
      const stored = await this.getStored(namespace, name);
      const current = this.decode(stored);
      // A second decode is the transform's own copy (cheaper than structuredClone of the first).
      const next = await transform(this.decode(stored));
      const pinned = pinnedResourceVersion ?? next.metadata?.resourceVersion;
      if (pinned && pinned !== current.metadata?.resourceVersion) throw conflict(this.groupResource, name);
      try {
        return await this.writeUpdate(namespace, current, next, subresource, options);
      } catch (err) {
        const retry = isStoreError(err, 'conflict') && !pinnedResourceVersion && attempt < maxUpdateRetries;
        if (!retry) throw isStoreError(err, 'conflict') ? conflict(this.groupResource, name) : err;
      }
    }
  }

  private async writeUpdate(
    namespace: string,
    old: ApiObject,
    obj: ApiObject,
    subresource: string,
    options: WriteOptions,
  ): Promise<ApiObject> {
    const name = old.metadata!.name!;
    metaOf(obj).resourceVersion = old.metadata?.resourceVersion;
    metaOf(obj).namespace = old.metadata?.namespace;
    obj.apiVersion = this.apiVersion;
    obj.kind = this.names.kind;
    this.strategy.defaults?.(obj);
    const partial = this.updateSubresource(subresource);
    if (subresource === 'status') this.strategy.prepareForStatusUpdate?.(obj, old);
    else if (partial) obj = partial.prepare(obj, old);
    else {
      for (const plugin of this.admission) await plugin.admit?.(obj, 'update', old);
      this.strategy.prepareForUpdate?.(obj, old);
    }
    carryUpdateMeta(this.strategy, obj, old);
    if (options.fieldManager && !options.managedFieldsPrepared) {
      metaOf(obj).managedFields = updateManagedFields(old, obj, options.fieldManager, this.fieldManagerScope(subresource));
    } else if (obj.metadata?.managedFields === undefined && old.metadata?.managedFields) {
      metaOf(obj).managedFields = old.metadata.managedFields;
    }
    this.validateUpdate(obj, old, subresource);
    if (jsonEqual(obj, old)) return old;
    if (options.dryRun) return obj;
    if (obj.metadata?.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0 && !this.hooks.blocksDeletion?.(obj)) {
      return this.remove(namespace, obj, Number(old.metadata!.resourceVersion));
    }
    await this.hooks.beforeUpdate?.(obj, old);
    const kv = await this.ctx.store.update(this.key(namespace, name), this.encode(obj), Number(old.metadata!.resourceVersion));
    const updated = this.written(obj, kv);
    await this.hooks.updated?.(updated, old);
    return updated;
  }

  /** Deletes now, or starts a graceful or finalized deletion; `removed` says which. */
  async delete(namespace: string, name: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(namespace, name);
      this.checkPreconditions(current, options);
      try {
        return await this.deleteOnce(namespace, current, options);
      } catch (err) {
        if (!isStoreError(err, 'conflict') || attempt >= maxUpdateRetries) throw this.storeFailure(err, name);
      }
    }
  }

  private async deleteOnce(namespace: string, current: ApiObject, options: DeleteOptions): Promise<DeleteResult> {
    const meta = metaOf(current);
    const revision = Number(meta.resourceVersion);
    const finalizers = new Set(deletionFinalizers(meta.finalizers ?? [], options.propagationPolicy, this.strategy.defaultGarbageCollectionPolicy));
    const grace = this.hooks.gracePeriodSeconds?.(current, options.gracePeriodSeconds) ?? 0;
    if (finalizers.size === 0 && grace === 0 && !this.hooks.blocksDeletion?.(current)) {
      if (options.dryRun) return { object: current, removed: true };
      return { object: await this.remove(namespace, current, revision), removed: true };
    }
    const next = structuredClone(current);
    const nextMeta = metaOf(next);
    if (finalizers.size > 0) nextMeta.finalizers = [...finalizers];
    if (!nextMeta.deletionTimestamp || grace < (nextMeta.deletionGracePeriodSeconds ?? Infinity)) {
      nextMeta.deletionTimestamp = nowTimestamp(new Date(Date.now() + grace * 1000));
      nextMeta.deletionGracePeriodSeconds = grace;
    }
    this.hooks.deletionStarted?.(next);
    if (options.dryRun) return { object: next, removed: false };
    if (jsonEqual(next, current)) return { object: current, removed: false };
    const kv = await this.ctx.store.update(this.key(namespace, meta.name!), this.encode(next), revision);
    return { object: this.decode(kv), removed: false };
  }

  private async remove(namespace: string, obj: ApiObject, revision: number): Promise<ApiObject> {
    const kv = await this.ctx.store.delete(this.key(namespace, obj.metadata!.name!), revision);
    await this.hooks.released?.(obj);
    return this.decode(kv);
  }

  private checkPreconditions(current: ApiObject, options: DeleteOptions): void {
    const { uid, resourceVersion } = options.preconditions ?? {};
    const meta = current.metadata ?? {};
    const name = meta.name ?? '';
    if (uid && uid !== meta.uid) {
      throw conflict(this.groupResource, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${meta.uid}`);
    }
    if (resourceVersion && resourceVersion !== meta.resourceVersion) {
      throw conflict(
        this.groupResource,
        name,
        `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
      );
    }
  }

  /** A body's apiVersion and kind must be this kind's, or absent. */
  private checkTypeMeta(obj: ApiObject): void {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw badRequest('the body of the request was in an unknown format - expected an object');
    }
    const want = this.apiVersion;
    if (obj.apiVersion && obj.apiVersion !== want) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
    }
    if (obj.kind && obj.kind !== this.names.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${this.names.kind})`);
    }
    obj.apiVersion = want;
    obj.kind = this.names.kind;
  }

  private checkNamespaceField(namespace: string, obj: ApiObject): void {
    const meta = metaOf(obj);
    if (!this.names.namespaced) {
      delete meta.namespace;
      return;
    }
    if (meta.namespace && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = namespace;
  }

  private async checkNamespace(namespace: string, obj: ApiObject): Promise<void> {
    this.checkNamespaceField(namespace, obj);
    if (!this.names.namespaced) return;
    const phase = await this.ctx.namespacePhase(namespace);
    if (phase === undefined) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (phase === 'Terminating') {
      throw forbidden(
        this.groupResource,
        obj.metadata?.name ?? '',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  private validateCreate(obj: ApiObject, namespace: string): void {
    const validateName = this.strategy.nameValidation ?? nameIsDNSSubdomain;
    const errors: FieldError[] = [
      ...validateObjectMeta(obj.metadata ?? {}, this.names.namespaced, validateName, FieldPath.of('metadata')),
      ...(this.strategy.validate?.(obj, { namespace }) ?? []),
    ];
    this.throwIfInvalid(obj, errors);
  }

  private validateUpdate(obj: ApiObject, old: ApiObject, subresource: string): void {
    const errors: FieldError[] = [...validateObjectMetaUpdate(obj.metadata ?? {}, old.metadata ?? {}, FieldPath.of('metadata'))];
    const partial = this.updateSubresource(subresource);
    if (subresource === 'status') {
      errors.push(...(this.strategy.validateStatusUpdate?.(obj, old) ?? []));
    } else if (partial) {
      errors.push(...(partial.validate?.(obj, old) ?? []));
    } else {
      errors.push(...(this.strategy.validate?.(obj, { namespace: old.metadata?.namespace }) ?? []));
      errors.push(...(this.strategy.validateUpdate?.(obj, old) ?? []));
    }
    this.throwIfInvalid(obj, errors);
  }

  /** What the field manager needs to record writes to this resource. */
  fieldManagerScope(subresource: string): FieldManagerScope {
    const { group, version, kind } = this.names;
    return {
      meta: patchMetaFor(group, version, kind) ?? EMPTY_PATCH_META,
      apiVersion: this.apiVersion,
      subresource,
      statusSubresource: this.strategy.statusSubresource === true,
    };
  }

  updateSubresource(subresource: string): UpdateSubresource | undefined {
    return subresource ? this.strategy.updateSubresources?.[subresource] : undefined;
  }

  private throwIfInvalid(obj: ApiObject, errors: FieldError[]): void {
    if (errors.length === 0) return;
    throw invalid({ group: this.names.group, kind: this.names.kind }, obj.metadata?.name ?? '', errors);
  }

  private storeFailure(err: unknown, name: string): unknown {
    if (isStoreError(err, 'notFound')) return notFound(this.groupResource, name);
    if (isStoreError(err, 'conflict')) return conflict(this.groupResource, name);
    if (isStoreError(err, 'tooLarge')) return requestTooLarge(err.message);
    return err;
  }
}

function requestTooLarge(message: string): ApiError {
  return badRequest(`etcdserver: request is too large (${message})`);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
