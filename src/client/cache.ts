// The informer's local cache: objects by key (`namespace/name`, or `name` for
// cluster-scoped objects), secondary indexes, and a Lister to read it.
import { parseSelector, type Selector } from '../machinery/labels.js';
import type { KubeObject } from './types.js';

/** client-go's MetaNamespaceKeyFunc. */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

/** The key of a (namespace, name) pair. */
export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key into namespace ('' for cluster-scoped) and name. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The values an object is indexed under. */
export type IndexFunc<T> = (obj: T) => string[];

export const NAMESPACE_INDEX = 'namespace';

export const namespaceIndexFunc: IndexFunc<KubeObject> = (obj) => [obj.metadata?.namespace ?? ''];

/** A thread-free client-go Indexer: a keyed store with named secondary indexes. */
export class Indexer<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  /** index name → index value → keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndexer(NAMESPACE_INDEX, namespaceIndexFunc);
  }

  /** Adds a named index; existing objects are indexed at once. */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.indexFuncs.has(name)) throw new Error(`indexer "${name}" already exists`);
    this.indexFuncs.set(name, fn);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.indexOne(name, fn, key, obj);
  }

  hasIndexer(name: string): boolean {
    return this.indexFuncs.has(name);
  }

  /** Objects whose index `name` yields `value`. */
  byIndex(name: string, value: string): T[] {
    return this.indexKeys(name, value).map((k) => this.items.get(k) as T);
  }

  indexKeys(name: string, value: string): string[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`indexer "${name}" does not exist`);
    return [...(index.get(value) ?? [])];
  }

  /** Adds or replaces an object; returns the previous one. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexFuncs) this.indexOne(name, fn, key, obj);
    return old;
  }

  /** Removes an object by key; returns it. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  list(): T[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  private indexOne(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const index = this.indices.get(name) as Map<string, Set<string>>;
    for (const value of fn(obj)) {
      let keys = index.get(value);
      if (!keys) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexFuncs) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}

/** Reads an informer's cache (client-go listers). Objects are shared: never mutate them. */
export class Lister<T extends KubeObject> {
  constructor(private readonly indexer: Indexer<T>) {}

  /** The object, or undefined when the cache does not hold it. `namespace` is ignored for cluster-scoped kinds. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.indexer.get(keyOf(namespace, name)) ?? this.indexer.get(name);
  }

  /** Objects in a namespace (all when undefined) matching a label selector. */
  list(namespace?: string, labelSelector?: string | Selector): T[] {
    const selector = typeof labelSelector === 'string' ? parseSelector(labelSelector) : labelSelector;
    const candidates = namespace === undefined ? this.indexer.list() : this.indexer.byIndex(NAMESPACE_INDEX, namespace);
    if (!selector || selector.empty()) return candidates;
    return candidates.filter((obj) => selector.matches(obj.metadata?.labels ?? {}));
  }

  byIndex(name: string, value: string): T[] {
    return this.indexer.byIndex(name, value);
  }
}
