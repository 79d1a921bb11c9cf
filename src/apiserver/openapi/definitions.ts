// The definitions an OpenAPI document carries: those its operations name and
// everything they refer to, with the group-version-kinds of the shared meta types
// (DeleteOptions, WatchEvent) listing every group version served, as upstream does.
import { definitions, referencedDefinitions, type Definitions, type GroupVersionKind, type Schema } from '../../api/schema/index.js';
import { DELETE_OPTIONS, STATUS, WATCH_EVENT, type PathItem, operationDefinitions } from './operations.js';

/** Meta types every group version carries. */
const SHARED = [DELETE_OPTIONS, STATUS, WATCH_EVENT];

function sharedKinds(name: string, groupVersions: GroupVersionKind[]): GroupVersionKind[] | undefined {
  const kind = name.slice(name.lastIndexOf('.') + 1);
  if (name === STATUS) return [{ group: '', version: 'v1', kind }];
  if (name !== DELETE_OPTIONS && name !== WATCH_EVENT) return undefined;
  const all = [{ group: '', version: 'v1', kind }, ...groupVersions.map((gv) => ({ group: gv.group, version: gv.version, kind }))];
  const unique = new Map(all.map((g) => [`${g.group}/${g.version}`, g]));
  return [...unique.values()].sort((a, b) => a.group.localeCompare(b.group) || a.version.localeCompare(b.version));
}

/** The definitions of a document whose paths are `items`, sorted by name. */
export function documentDefinitions(items: PathItem[], groupVersions: GroupVersionKind[]): Definitions {
  const all = definitions();
  const names = referencedDefinitions([...operationDefinitions(items), ...SHARED]);
  const found: Definitions = {};
  for (const name of [...names].sort()) {
    const gvks = sharedKinds(name, groupVersions);
    const schema: Schema = structuredClone(all[name]);
    if (gvks) schema['x-kubernetes-group-version-kind'] = gvks;
    found[name] = schema;
  }
  return found;
}
