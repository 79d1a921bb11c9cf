// How one kind behaves in the API server (upstream pkg/registry/*/strategy.go):
// a generic registry does storage, concurrency and watch; each kind says how it
// is named, defaulted, validated, prepared for writes, selected and printed.
import type { FieldError } from '../machinery/field.js';
import type { KubernetesObject } from '../machinery/meta.js';

/** A stored object of any kind; kind-specific fields are plain JSON. */
export interface ApiObject extends KubernetesObject {
  [field: string]: unknown;
}

export interface KindNames {
  group: string;
  version: string;
  kind: string;
  /** Resource name, lower-case plural: `deployments`. */
  plural: string;
  singular: string;
  shortNames?: string[];
  /** `all` puts the kind in `kubectl get all`. */
  categories?: string[];
  namespaced: boolean;
}

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

/** A column of `kubectl get` (metav1.TableColumnDefinition). */
export interface TableColumn {
  name: string;
  type: ColumnType;
  format?: string;
  description: string;
  /** 0 shows always; 1 only with `-o wide`. */
  priority: number;
}

export type TableCell = string | number | boolean | null;

/** Where a kind keeps the numbers of its `scale` subresource. */
export interface ScalePaths {
  /** JSON path of desired replicas, e.g. `spec.replicas`. */
  specReplicas: string;
  statusReplicas: string;
  /** Label selector of the pods, as a string in autoscaling/v1 Scale (`status.selector`). */
  selector(obj: ApiObject): string;
}

/** Who makes a request (user.Info), for strategies that record it (a CertificateSigningRequest's requestor). */
export interface RequestUser {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Why a write is being made, for strategies that need to know. */
export interface WriteContext {
  /** The namespace object the request targets, when namespaced. */
  namespace?: string;
}

/** How a kind served in one version is kept in another's storage (HPA v1 in v2's, events.k8s.io Events in core's). */
export interface StorageConversion {
  /** The group and plural whose storage holds the objects. */
  group: string;
  plural: string;
  toStored(obj: ApiObject): ApiObject;
  fromStored(obj: ApiObject): ApiObject;
}

/** A subresource written through get/update/patch that changes one part of the object (namespaces/finalize, pods/ephemeralcontainers). */
export interface UpdateSubresource {
  verbs: readonly ('get' | 'update' | 'patch')[];
  /** The object to store: the old one with the subresource's part taken from the request. */
  prepare(obj: ApiObject, old: ApiObject): ApiObject;
  validate?(obj: ApiObject, old: ApiObject): FieldError[];
}

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface KindStrategy {
  names: KindNames;
  /** The verbs served; all of them unless set (the review kinds are create-only and never stored). */
  verbs?: readonly Verb[];
  /** Set when objects are stored as another version or group's kind. */
  storage?: StorageConversion;
  /** A warning sent with every request for the kind (upstream's deprecation of a served kind). */
  deprecationWarning?: string;
  /** Whether the kind has a `status` subresource (spec and status written apart). */
  statusSubresource?: boolean;
  scale?: ScalePaths;
  /** Subresources besides status and scale that update a part of the object, by name. */
  updateSubresources?: Record<string, UpdateSubresource>;
  /** Whether `metadata.generation` is kept (starts at 1, bumps on spec changes). */
  generation?: boolean;
  /** What a delete without a propagation policy does to dependents (upstream DefaultGarbageCollectionPolicy; default DeleteDependents). */
  defaultGarbageCollectionPolicy?: 'OrphanDependents' | 'DeleteDependents';
  /**
   * Validator for `metadata.name` (and, with prefix, generateName): machinery's
   * nameIsDNSSubdomain unless the kind says otherwise (nameIsDNSLabel, ...).
   */
  nameValidation?: (name: string, prefix: boolean) => string[];
  /** Fills unset fields with upstream's defaults, in place. */
  defaults?(obj: ApiObject): void;
  /** On create: clears what clients may not set (status, for most kinds); `user` is the requestor, unset for the server's own writes. */
  prepareForCreate?(obj: ApiObject, user?: RequestUser): void;
  /** On update of the main resource: e.g. keeps the old status. */
  prepareForUpdate?(obj: ApiObject, old: ApiObject): void;
  /** On update of the status subresource: keeps everything but status. */
  prepareForStatusUpdate?(obj: ApiObject, old: ApiObject): void;
  /** Validation of a new object (metadata is validated by the registry). */
  validate?(obj: ApiObject, ctx: WriteContext): FieldError[];
  /** Validation of an update, e.g. immutable fields. Runs after `validate`. */
  validateUpdate?(obj: ApiObject, old: ApiObject): FieldError[];
  validateStatusUpdate?(obj: ApiObject, old: ApiObject): FieldError[];
  /** Table output: columns and one row of cells per object (name is the first cell). */
  table?: { columns: TableColumn[]; cells(obj: ApiObject): TableCell[] };
  /** Field selector values beyond metadata.name and metadata.namespace. */
  selectableFields?(obj: ApiObject): Record<string, string>;
}

/** Reads a dotted path such as `spec.replicas` from an object. */
export function fieldAt(obj: unknown, path: string): unknown {
  let current = obj;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Sets a dotted path, creating objects on the way. */
export function setFieldAt(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let current = obj;
  for (const part of parts.slice(0, -1)) {
    const next = current[part];
    if (next === null || typeof next !== 'object') current[part] = {};
    current = current[part] as Record<string, unknown>;
  }
  current[parts[parts.length - 1]] = value;
}

export function apiVersionOf(names: KindNames): string {
  return names.group === '' ? names.version : `${names.group}/${names.version}`;
}
