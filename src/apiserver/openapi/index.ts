// The OpenAPI documents of the served kinds: /openapi/v2, the /openapi/v3
// discovery index and one /openapi/v3 document per group version. Each is built
// once per set of kinds and kept with its serialized body and content hash (the
// hash in the index's serverRelativeURL changes only when the content does).
import { createHash } from 'node:crypto';
import type { KindStrategy } from '../../api/kind.js';
import type { GroupVersionKind } from '../../api/schema/index.js';
import { kubernetesVersion } from '../version.js';
import { documentDefinitions } from './definitions.js';
import { pathItems, type PathItem } from './operations.js';
import { swaggerDocument } from './v2.js';
import { swaggerProtobuf } from './v2-protobuf.js';
import { openapi3Document } from './v3.js';

export interface ServedDocument {
  /** The document as JSON text. */
  body: string;
  /** Upper-case hex SHA-512 of the body, as upstream uses for ETag and `?hash=`. */
  hash: string;
  document: object;
}

/** The protobuf form of /openapi/v2; its hash (the ETag) is the JSON document's, as upstream's. */
export interface ServedProtobuf {
  body: Buffer;
  hash: string;
}

function served(document: object): ServedDocument {
  const body = JSON.stringify(document);
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase(), document };
}

/** `api/v1` for the core group, `apis/apps/v1` otherwise: the index's keys. */
export function groupVersionPath(gv: { group: string; version: string }): string {
  return gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}

/** `api/v1`, `/api/v1`, `v1`, `apis/apps/v1`, `apps/v1` all name a group version. */
function normalizePath(groupVersion: string): string {
  const trimmed = groupVersion.replace(/^\/+|\/+$/g, '');
  if (trimmed.startsWith('api/') || trimmed.startsWith('apis/')) return trimmed;
  return trimmed.includes('/') ? `apis/${trimmed}` : `api/${trimmed}`;
}

function itemGroupVersion(item: PathItem): GroupVersionKind {
  const o = item.operations.find((op) => op.gvk.kind !== 'APIResourceList' && op.gvk.kind !== 'Scale') ?? item.operations[0];
  const [, prefix, a, b] = item.path.split('/');
  const gv = prefix === 'api' ? { group: '', version: a } : { group: a, version: b };
  return { ...gv, kind: o.gvk.kind };
}

class Documents {
  private v2?: ServedDocument;
  private v2Protobuf?: ServedProtobuf;
  private readonly v3 = new Map<string, ServedDocument>();
  private readonly items: PathItem[];
  private readonly byGroupVersion = new Map<string, PathItem[]>();
  readonly groupVersions: GroupVersionKind[] = [];

  constructor(kinds: readonly KindStrategy[]) {
    this.items = pathItems(kinds);
    for (const item of this.items) {
      const gv = itemGroupVersion(item);
      const key = groupVersionPath(gv);
      if (!this.byGroupVersion.has(key)) {
        this.byGroupVersion.set(key, []);
        this.groupVersions.push(gv);
      }
      this.byGroupVersion.get(key)!.push(item);
    }
  }

  swagger(): ServedDocument {
    this.v2 ??= served(swaggerDocument(this.items, documentDefinitions(this.items, this.groupVersions), kubernetesVersion.gitVersion));
    return this.v2;
  }

  swaggerProtobuf(): ServedProtobuf {
    if (!this.v2Protobuf) {
      const json = this.swagger();
      this.v2Protobuf = { body: swaggerProtobuf(json.document as Record<string, unknown>), hash: json.hash };
    }
    return this.v2Protobuf;
  }

  openapi3(path: string): ServedDocument | undefined {
    const items = this.byGroupVersion.get(path);
    if (!items) return undefined;
    let doc = this.v3.get(path);
    if (!doc) {
      doc = served(openapi3Document(items, documentDefinitions(items, this.groupVersions), 'unversioned'));
      this.v3.set(path, doc);
    }
    return doc;
  }

  index(): object {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const key of [...this.byGroupVersion.keys()].sort()) {
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${this.openapi3(key)!.hash}` };
    }
    return { paths };
  }
}

const cache = new WeakMap<readonly KindStrategy[], Documents>();

function documents(kinds: readonly KindStrategy[]): Documents {
  let docs = cache.get(kinds);
  if (!docs) cache.set(kinds, (docs = new Documents(kinds)));
  return docs;
}

/** The Swagger 2.0 document (/openapi/v2), with its JSON text and hash. */
export function openapiV2Served(kinds: readonly KindStrategy[]): ServedDocument {
  return documents(kinds).swagger();
}

/** The Swagger 2.0 document as gnostic's openapi.v2.Document protobuf, with the JSON's hash. */
export function openapiV2ProtobufServed(kinds: readonly KindStrategy[]): ServedProtobuf {
  return documents(kinds).swaggerProtobuf();
}

/** The Swagger 2.0 document served at /openapi/v2. */
export function openapiV2(kinds: readonly KindStrategy[]): object {
  return openapiV2Served(kinds).document;
}

/** The /openapi/v3 discovery document: `{paths: {"apis/apps/v1": {serverRelativeURL}}}`. */
export function openapiV3Index(kinds: readonly KindStrategy[]): object {
  return documents(kinds).index();
}

/** One group version's OpenAPI 3.0 document, with its JSON text and hash; undefined if not served. */
export function openapiV3Served(groupVersion: string, kinds: readonly KindStrategy[]): ServedDocument | undefined {
  return documents(kinds).openapi3(normalizePath(groupVersion));
}

/** One group version's OpenAPI 3.0 document (`api/v1`, `apis/apps/v1`), or undefined if not served. */
export function openapiV3(groupVersion: string, kinds: readonly KindStrategy[]): object | undefined {
  return openapiV3Served(groupVersion, kinds)?.document;
}
