import type { Resource } from './resource.js';

/** Resources by "group/version/plural" and by "group/plural" (the preferred version). */
export class ResourceMap {
  private readonly byVersion = new Map<string, Resource>();
  private readonly preferred = new Map<string, Resource>();

  add(resource: Resource): void {
    const { group, version, plural } = resource.names;
    this.byVersion.set(`${group}/${version}/${plural}`, resource);
    if (!this.preferred.has(`${group}/${plural}`)) this.preferred.set(`${group}/${plural}`, resource);
  }

  lookup(group: string, version: string, plural: string): Resource | undefined {
    return this.byVersion.get(`${group}/${version}/${plural}`);
  }

  has(group: string, plural: string): boolean {
    return this.preferred.has(`${group}/${plural}`);
  }

  /** The resource of a group by plural name, in its preferred version. */
  get(group: string, plural: string): Resource {
    const resource = this.preferred.get(`${group}/${plural}`);
    if (!resource) throw new Error(`resource ${plural}.${group} is not served`);
    return resource;
  }

  all(): Resource[] {
    return [...this.byVersion.values()];
  }
}
