// API discovery: /api, /apis, /apis/<group>, /<prefix>/<group>/<version>,
// and the aggregated form (apidiscovery.k8s.io/v2) that kubectl asks for first.
import type { KindNames, KindStrategy } from '../api/kind.js';
import { actionSubresources, connectSubresources } from './subresources/index.js';

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const subresourceVerbs = ['get', 'patch', 'update'];

export interface GroupVersion {
  group: string;
  version: string;
  kinds: KindStrategy[];
}

/** Named groups' versions in preference order (newest stable first: v2 before v1, v1 before v1beta1). */
export function groupVersions(kinds: readonly KindStrategy[]): GroupVersion[] {
  const byKey = new Map<string, GroupVersion>();
  for (const kind of kinds) {
    const { group, version } = kind.names;
    const key = `${group}/${version}`;
    if (!byKey.has(key)) byKey.set(key, { group, version, kinds: [] });
    byKey.get(key)!.kinds.push(kind);
  }
  return [...byKey.values()].sort((a, b) => (a.group === b.group ? versionPriority(b.version) - versionPriority(a.version) : 0));
}

/** Kubernetes version ordering: GA > beta > alpha, then by number. */
export function versionPriority(version: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
  if (!m) return 0;
  const major = Number(m[1]);
  const stage = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
  return stage * 1_000_000 + major * 1000 + Number(m[3] ?? 0);
}

function groupVersionString(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function namedGroups(gvs: GroupVersion[]): Map<string, GroupVersion[]> {
  const groups = new Map<string, GroupVersion[]>();
  for (const gv of gvs) {
    if (gv.group === '') continue;
    if (!groups.has(gv.group)) groups.set(gv.group, []);
    groups.get(gv.group)!.push(gv);
  }
  return groups;
}

function apiGroup(name: string, versions: GroupVersion[]): object {
  const list = versions.map((gv) => ({ groupVersion: groupVersionString(name, gv.version), version: gv.version }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(gvs: GroupVersion[]): object {
  const groups = [...namedGroups(gvs)].map(([name, versions]) => apiGroup(name, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroupOf(gvs: GroupVersion[], group: string): object | undefined {
  const versions = namedGroups(gvs).get(group);
  return versions && { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

function subresourcesOf(kind: KindStrategy): { name: string; kind: KindNames | { group: string; version: string; kind: string }; verbs: string[] }[] {
  const subs = [];
  if (kind.statusSubresource) subs.push({ name: 'status', kind: kind.names, verbs: subresourceVerbs });
  if (kind.scale) subs.push({ name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: subresourceVerbs });
  for (const [name, sub] of Object.entries(kind.updateSubresources ?? {})) {
    if (sub.verbs.length > 0) subs.push({ name, kind: kind.names, verbs: [...sub.verbs] });
  }
  for (const action of actionSubresources(kind.names.group, kind.names.plural)) subs.push({ name: action.name, kind: action.kind, verbs: ['create'] });
  for (const c of connectSubresources(kind.names.group, kind.names.plural)) {
    if (c.discovery) subs.push({ name: c.name, kind: { group: '', version: 'v1', kind: c.discovery.kind }, verbs: c.discovery.verbs });
  }
  subs.sort((a, b) => a.name.localeCompare(b.name));
  return subs;
}

export function apiResourceList(gv: GroupVersion): object {
  const resources = [];
  for (const kind of gv.kinds) {
    const n = kind.names;
    resources.push({
      name: n.plural,
      singularName: n.singular,
      namespaced: n.namespaced,
      kind: n.kind,
      verbs: kind.verbs ?? allVerbs,
      ...(n.shortNames?.length ? { shortNames: n.shortNames } : {}),
      ...(n.categories?.length ? { categories: n.categories } : {}),
    });
    for (const sub of subresourcesOf(kind)) {
      resources.push({
        name: `${n.plural}/${sub.name}`,
        singularName: '',
        namespaced: n.namespaced,
        ...(sub.kind.group !== gv.group || sub.kind.version !== gv.version ? { group: sub.kind.group, version: sub.kind.version } : {}),
        kind: sub.kind.kind,
        verbs: sub.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionString(gv.group, gv.version), resources };
}

/** The Accept value kubectl sends for aggregated discovery, and the Content-Type of the answer. */
export const aggregatedDiscoveryType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('g=apidiscovery.k8s.io') && params.includes('v=v2') && params.includes('as=APIGroupDiscoveryList');
  });
}

function discoveryResource(kind: KindStrategy): object {
  const n = kind.names;
  return {
    resource: n.plural,
    responseKind: { group: n.group, version: n.version, kind: n.kind },
    scope: n.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: n.singular,
    verbs: kind.verbs ?? allVerbs,
    ...(n.shortNames?.length ? { shortNames: n.shortNames } : {}),
    ...(n.categories?.length ? { categories: n.categories } : {}),
    subresources: subresourcesOf(kind).map((sub) => ({
      subresource: sub.name,
      responseKind: { group: sub.kind.group, version: sub.kind.version, kind: sub.kind.kind },
      verbs: sub.verbs,
    })),
  };
}

/** The aggregated discovery document of the core group (`/api`) or of the named groups (`/apis`). */
export function aggregatedDiscovery(gvs: GroupVersion[], core: boolean): object {
  const groups = new Map<string, GroupVersion[]>();
  for (const gv of gvs) {
    if ((gv.group === '') !== core) continue;
    if (!groups.has(gv.group)) groups.set(gv.group, []);
    groups.get(gv.group)!.push(gv);
  }
  const items = [...groups].map(([name, versions]) => ({
    metadata: { name, creationTimestamp: null },
    versions: versions.map((gv) => ({ version: gv.version, resources: gv.kinds.map(discoveryResource), freshness: 'Current' })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
