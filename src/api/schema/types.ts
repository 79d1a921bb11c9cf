// The shape of one OpenAPI schema node as Kubernetes publishes it: JSON schema
// with the x-kubernetes-* extensions. References name definitions by their
// upstream name (io.k8s.api.core.v1.PodSpec) under `#/definitions/`; the OpenAPI
// v3 writer rewrites them to `#/components/schemas/`.

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export type ListType = 'atomic' | 'set' | 'map';
export type MapType = 'atomic' | 'granular';

/** The extensions that steer patches and server-side apply. */
export interface PatchFacts {
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: ListType;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: MapType;
}

export interface Schema extends PatchFacts {
  $ref?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  enum?: (string | number | boolean)[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  required?: string[];
  default?: unknown;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** Definitions by upstream name. */
export type Definitions = Record<string, Schema>;

export const REF_PREFIX = '#/definitions/';

export function refTo(name: string): string {
  return REF_PREFIX + name;
}

/** The definition name a `$ref` points to. */
export function refName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}
