// Discovery as the garbage collector and the namespace controller use it
// (client-go's ServerPreferredResources): every top-level resource of each
// group's preferred version, with its verbs. A group version that fails to
// answer is reported beside the resources the others returned.
import type { ResourceRef } from '../../client/types.js';
import type { ControllerClient } from '../context.js';

export interface DiscoveredResource extends ResourceRef {
  verbs: string[];
}

export interface Discovery {
  resources: DiscoveredResource[];
  /** Group versions whose resource list could not be read, with the error. */
  failed: Map<string, Error>;
}

interface APIResourceList {
  resources?: { name: string; namespaced: boolean; kind: string; verbs?: string[] }[];
}

interface APIGroupList {
  groups?: { name: string; preferredVersion?: { version: string }; versions?: { version: string }[] }[];
}

type DiscoveryClient = Pick<ControllerClient, 'request'>;

export async function discoverPreferredResources(client: DiscoveryClient): Promise<Discovery> {
  const groupVersions: { group: string; version: string }[] = [{ group: '', version: 'v1' }];
  const groups = await client.request<APIGroupList>('GET', '/apis');
  for (const g of groups.groups ?? []) {
    const version = g.preferredVersion?.version ?? g.versions?.[0]?.version;
    if (version) groupVersions.push({ group: g.name, version });
  }
  const failed = new Map<string, Error>();
  const lists = await Promise.all(
    groupVersions.map(async ({ group, version }) => {
      const gv = group === '' ? version : `${group}/${version}`;
      try {
        const list = await client.request<APIResourceList>('GET', group === '' ? '/api/v1' : `/apis/${gv}`);
        return (list.resources ?? [])
          .filter((r) => !r.name.includes('/'))
          .map((r): DiscoveredResource => ({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [] }));
      } catch (err) {
        failed.set(gv, err as Error);
        return [];
      }
    }),
  );
  return { resources: lists.flat(), failed };
}

export function supportsVerbs(resource: DiscoveredResource, ...verbs: string[]): boolean {
  return verbs.every((v) => resource.verbs.includes(v));
}

export function apiVersionOfResource(ref: Pick<ResourceRef, 'group' | 'version'>): string {
  return ref.group === '' ? ref.version : `${ref.group}/${ref.version}`;
}

/** The discovery error text as client-go prints it: "unable to retrieve the complete list of server APIs: g/v: err, ...". */
export function discoveryFailureMessage(failed: Map<string, Error>): string {
  const parts = [...failed].sort(([a], [b]) => a.localeCompare(b)).map(([gv, err]) => `${gv}: ${err.message}`);
  return `unable to retrieve the complete list of server APIs: ${parts.join(', ')}`;
}
