// The REST operations of each served resource, in a form both OpenAPI writers
// (v2 and v3) render: paths, verbs, query parameters, bodies and responses,
// named the way upstream names them (listAppsV1NamespacedDeployment).
import type { KindStrategy } from '../../api/kind.js';
import { definitionOf } from '../../api/schema/index.js';
import type { GroupVersionKind } from '../../api/schema/index.js';

export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface QueryParameter {
  name: string;
  description: string;
  type: 'string' | 'integer' | 'boolean';
}

export interface Operation {
  method: Method;
  action: Action;
  operationId: string;
  description: string;
  tag: string;
  gvk: GroupVersionKind;
  query: QueryParameter[];
  /** Definition of the request body; `Patch` bodies take the patch media types. */
  body?: string;
  /** Definition of the successful response. */
  response: string;
  /** Status codes of success: 200, and 201/202 for creates and deletes. */
  codes: number[];
}

export interface PathItem {
  path: string;
  /** Path parameters: `name`, `namespace`. */
  pathParameters: string[];
  operations: Operation[];
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const STATUS = `${META}.Status`;
export const DELETE_OPTIONS = `${META}.DeleteOptions`;
export const PATCH = `${META}.Patch`;
export const API_RESOURCE_LIST = `${META}.APIResourceList`;
export const WATCH_EVENT = `${META}.WatchEvent`;
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';

function q(name: string, type: QueryParameter['type'], description: string): QueryParameter {
  return { name, type, description };
}

const P = {
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'Asks for BOOKMARK watch events; the server may send them.'),
  continue: q('continue', 'string', 'The continue token of the previous page of a paged list.'),
  dryRun: q('dryRun', 'string', 'All: process the request in every stage but do not persist it.'),
  fieldManager: q('fieldManager', 'string', 'Name of the actor making the change, for managed fields.'),
  fieldSelector: q('fieldSelector', 'string', 'Selects objects by their fields, e.g. metadata.name=foo.'),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'What to do with unknown or duplicate fields: Ignore drops them, Warn drops them with a warning, Strict refuses the request.',
  ),
  force: q('force', 'boolean', 'Apply requests take fields owned by other managers (apply only).'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 deletes at once.'),
  ignoreStoreReadErrorWithClusterBreakingPotential: q(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'Deletes an object that cannot be read from storage.',
  ),
  labelSelector: q('labelSelector', 'string', 'Selects objects by their labels.'),
  limit: q('limit', 'integer', 'Largest number of objects to return; more are fetched with continue.'),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  propagationPolicy: q('propagationPolicy', 'string', 'Orphan, Background or Foreground: what happens to dependents.'),
  resourceVersion: q('resourceVersion', 'string', 'The resource version a list or watch starts from.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'Starts a watch with the current objects as ADDED events.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Time limit of a list or watch call.'),
  watch: q('watch', 'boolean', 'Watch for changes instead of listing.'),
};

const listQuery = [
  P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit,
  P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch,
];
const writeQuery = [P.dryRun, P.fieldManager, P.fieldValidation];
const patchQuery = [P.dryRun, P.fieldManager, P.fieldValidation, P.force];
const deleteQuery = [
  P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadErrorWithClusterBreakingPotential,
  P.orphanDependents, P.propagationPolicy,
];
const deleteCollectionQuery = [
  P.continue, P.dryRun, P.fieldSelector, P.gracePeriodSeconds, P.ignoreStoreReadErrorWithClusterBreakingPotential,
  P.labelSelector, P.limit, P.orphanDependents, P.propagationPolicy, P.resourceVersion, P.resourceVersionMatch,
  P.sendInitialEvents, P.timeoutSeconds,
];

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `apps` → `Apps`, `rbac.authorization.k8s.io` → `RbacAuthorization`, core → `Core`. */
export function groupTitle(group: string): string {
  if (group === '') return 'Core';
  return group.replace(/\.k8s\.io$/, '').split('.').map(upperFirst).join('');
}

/** The tag of a group version's operations: `apps_v1`, `core_v1`, `rbacAuthorization_v1`. */
export function groupVersionTag(group: string, version: string): string {
  const title = groupTitle(group);
  return `${title.charAt(0).toLowerCase()}${title.slice(1)}_${version}`;
}

/** `/api/v1` or `/apis/apps/v1`. */
export function groupVersionRoot(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

interface Resource {
  kind: KindStrategy;
  definition: string;
  /** Operation-id stem: `AppsV1`. */
  stem: string;
  tag: string;
  gvk: GroupVersionKind;
}

function op(r: Resource, action: Action, verb: string, scope: string, extra: Partial<Operation>): Operation {
  const methods: Record<Action, Method> = {
    get: 'get', list: 'get', post: 'post', put: 'put', patch: 'patch', delete: 'delete', deletecollection: 'delete',
  };
  return {
    method: methods[action],
    action,
    operationId: `${verb}${r.stem}${scope}`,
    description: extra.description ?? '',
    tag: r.tag,
    gvk: r.gvk,
    query: [],
    response: r.definition,
    codes: [200],
    ...extra,
  };
}

function collectionOperations(r: Resource, scope: string): Operation[] {
  const kind = r.kind.names.kind;
  return [
    op(r, 'list', 'list', scope, { description: `list or watch objects of kind ${kind}`, query: listQuery, response: `${r.definition}List` }),
    op(r, 'post', 'create', scope, { description: `create a ${kind}`, query: writeQuery, body: r.definition, codes: [200, 201, 202] }),
    op(r, 'deletecollection', 'delete', `Collection${scope}`, {
      description: `delete collection of ${kind}`, query: deleteCollectionQuery, body: DELETE_OPTIONS, response: STATUS,
    }),
  ];
}

function objectOperations(r: Resource, scope: string, subject: string, response = r.definition): Operation[] {
  const gvk = response === SCALE ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : r.gvk;
  const what = subject ? `${subject} of the specified ${r.kind.names.kind}` : `the specified ${r.kind.names.kind}`;
  const suffix = upperFirst(subject);
  const ops = [
    op(r, 'get', 'read', `${scope}${suffix}`, { description: `read ${what}`, response, gvk }),
    op(r, 'put', 'replace', `${scope}${suffix}`, { description: `replace ${what}`, query: writeQuery, body: response, response, gvk, codes: [200, 201] }),
    op(r, 'patch', 'patch', `${scope}${suffix}`, { description: `partially update ${what}`, query: patchQuery, body: PATCH, response, gvk, codes: [200, 201] }),
  ];
  if (!subject) {
    ops.push(op(r, 'delete', 'delete', scope, {
      description: `delete a ${r.kind.names.kind}`, query: deleteQuery, body: DELETE_OPTIONS, response: STATUS, codes: [200, 202],
    }));
  }
  return ops;
}

function resourcePaths(r: Resource): PathItem[] {
  const { plural, namespaced, kind } = r.kind.names;
  const root = groupVersionRoot(r.gvk.group, r.gvk.version);
  const base = namespaced ? `${root}/namespaces/{namespace}/${plural}` : `${root}/${plural}`;
  const scopeParams = namespaced ? ['namespace'] : [];
  const scope = namespaced ? `Namespaced${kind}` : kind;
  const paths: PathItem[] = [
    { path: base, pathParameters: scopeParams, operations: collectionOperations(r, scope) },
    { path: `${base}/{name}`, pathParameters: ['name', ...scopeParams], operations: objectOperations(r, scope, '') },
  ];
  if (namespaced) {
    const all = op(r, 'list', 'list', `${kind}ForAllNamespaces`, {
      description: `list or watch objects of kind ${kind}`, query: listQuery, response: `${r.definition}List`,
    });
    paths.push({ path: `${root}/${plural}`, pathParameters: [], operations: [all] });
  }
  if (r.kind.statusSubresource) {
    paths.push({ path: `${base}/{name}/status`, pathParameters: ['name', ...scopeParams], operations: objectOperations(r, scope, 'status') });
  }
  if (r.kind.scale) {
    paths.push({ path: `${base}/{name}/scale`, pathParameters: ['name', ...scopeParams], operations: objectOperations(r, scope, 'scale', SCALE) });
  }
  return servedOnly(r, paths);
}

const verbOfAction: Record<Action, string> = {
  get: 'get', list: 'list', post: 'create', put: 'update', patch: 'patch', delete: 'delete', deletecollection: 'deletecollection',
};

/** Paths with only the operations the kind serves (the review kinds: create). */
function servedOnly(r: Resource, paths: PathItem[]): PathItem[] {
  const verbs = r.kind.verbs;
  if (!verbs) return paths;
  return paths
    .map((item) => ({ ...item, operations: item.operations.filter((o) => (verbs as readonly string[]).includes(verbOfAction[o.action])) }))
    .filter((item) => item.operations.length > 0);
}

/** The kinds that have a schema, each with its definition name. */
export function describedKinds(kinds: readonly KindStrategy[]): Resource[] {
  const found: Resource[] = [];
  for (const kind of kinds) {
    const { group, version } = kind.names;
    const definition = definitionOf(group, version, kind.names.kind);
    if (!definition) continue;
    const stem = `${groupTitle(group)}${upperFirst(version)}`;
    found.push({ kind, definition, stem, tag: groupVersionTag(group, version), gvk: { group, version, kind: kind.names.kind } });
  }
  return found;
}

/** The discovery path of a group version: `GET /apis/apps/v1/`. */
function groupVersionPath(group: string, version: string): PathItem {
  const stem = `${groupTitle(group)}${upperFirst(version)}`;
  const operation: Operation = {
    method: 'get',
    action: 'get',
    operationId: `get${stem}APIResources`,
    description: 'get available resources',
    tag: groupVersionTag(group, version),
    gvk: { group: '', version: 'v1', kind: 'APIResourceList' },
    query: [],
    response: API_RESOURCE_LIST,
    codes: [200],
  };
  return { path: `${groupVersionRoot(group, version)}/`, pathParameters: [], operations: [operation] };
}

/** Every path of the given kinds, grouped with their group version's discovery path. */
export function pathItems(kinds: readonly KindStrategy[]): PathItem[] {
  const resources = describedKinds(kinds);
  const groupVersions = new Map(resources.map((r) => [`${r.gvk.group}/${r.gvk.version}`, r.gvk]));
  const items = [...groupVersions.values()].map((gv) => groupVersionPath(gv.group, gv.version));
  for (const r of resources) items.push(...resourcePaths(r));
  return items;
}

/** Definitions the operations of these paths name. */
export function operationDefinitions(items: PathItem[]): Set<string> {
  const names = new Set<string>();
  for (const item of items) {
    for (const o of item.operations) {
      names.add(o.response);
      if (o.body) names.add(o.body);
    }
  }
  return names;
}
