// Service allocation (upstream pkg/registry/core/service/storage/alloc.go):
// ClusterIPs from the service CIDR and node ports from the node port range,
// taken before a Service is written and given back when it no longer uses them.
import type { ApiObject } from '../../api/kind.js';
import { needsHealthCheck, needsNodePort } from '../../api/core/service.js';
import { goStrings, invalidRendered } from '../../api/core/util.js';
import { formatIpv4, parseCidr, parseIpv4 } from '../../machinery/cidr.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { internalError, invalid } from '../../machinery/status.js';
import type { Store } from '../../storage/store.js';
import type { Resource, ResourceHooks } from '../registry/resource.js';
import { AllocationError, RangeAllocator } from './range.js';

interface ServicePort {
  nodePort?: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  healthCheckNodePort?: number;
  allocateLoadBalancerNodePorts?: boolean;
  externalTrafficPolicy?: string;
}

export interface ServiceRanges {
  serviceCidr: string;
  /** "30000-32767" */
  nodePortRange: string;
}

const specOf = (svc: ApiObject): ServiceSpec => (svc.spec ?? {}) as ServiceSpec;
const ownerOf = (svc: ApiObject): string => `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;

function parseIp(text: string): number | undefined {
  try {
    return parseIpv4(text);
  } catch {
    return undefined;
  }
}

/** The ClusterIPs a Service holds: none for ExternalName and headless ones. */
function clusterIPsOf(spec: ServiceSpec): string[] {
  if (spec.type === 'ExternalName') return [];
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}

function wantsClusterIP(spec: ServiceSpec): boolean {
  return spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
}

function wantsNodePorts(spec: ServiceSpec): boolean {
  return needsNodePort(spec as Record<string, unknown>) && !(spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === false);
}

/** The node ports a Service holds: its ports' and its health check's. */
function nodePortsOf(spec: ServiceSpec): number[] {
  const ports = (spec.ports ?? []).map((p) => p.nodePort ?? 0);
  if (spec.healthCheckNodePort) ports.push(spec.healthCheckNodePort);
  return ports.filter((p) => p > 0);
}

export class ServiceAllocator {
  readonly clusterIPs: RangeAllocator;
  readonly nodePorts: RangeAllocator;
  private readonly cidr: string;

  constructor(store: Store, ranges: ServiceRanges) {
    this.cidr = ranges.serviceCidr;
    const { base, bits } = parseCidr(ranges.serviceCidr);
    const size = 2 ** (32 - bits);
    // The network and broadcast addresses are never handed out.
    const first = base + 1;
    const last = base + size - 2;
    this.clusterIPs = new RangeAllocator(store, {
      prefix: '/registry/k8ts/serviceips/',
      first,
      last,
      format: formatIpv4,
      parse: parseIp,
      dynamicOffset: Math.min(Math.max(16, Math.floor(size / 16)), 256),
      messages: {
        allocated: 'provided IP is already allocated',
        notInRange: `provided IP is not in the valid range. The range of valid IPs is ${ranges.serviceCidr}`,
        full: 'range is full',
      },
    });
    const [low, high] = ranges.nodePortRange.split('-').map(Number);
    if (!(Number.isInteger(low) && Number.isInteger(high) && low > 0 && low <= high && high < 65536)) {
      throw new Error(`invalid node port range "${ranges.nodePortRange}": want FIRST-LAST, e.g. 30000-32767`);
    }
    this.nodePorts = new RangeAllocator(store, {
      prefix: '/registry/k8ts/servicenodeports/',
      first: low,
      last: high,
      format: String,
      parse: (text) => (/^\d+$/.test(text) ? Number(text) : undefined),
      dynamicOffset: Math.min(Math.max(16, Math.floor((high - low + 1) / 32)), 128),
      messages: {
        allocated: 'provided port is already allocated',
        notInRange: `provided port is not in the valid range. The range of valid ports is ${ranges.nodePortRange}`,
        full: 'range is full',
      },
    });
  }

  hooks(): ResourceHooks {
    return {
      beforeCreate: (svc) => this.allocate(svc, undefined),
      beforeUpdate: (svc, old) => this.allocate(svc, old),
      updated: (svc, old) => this.releaseUnused(old, svc),
      released: (svc) => this.releaseUnused(svc, undefined),
    };
  }

  /** Gives back allocations whose Service is gone or no longer uses them (after a crash mid-write). */
  async repair(services: Resource): Promise<void> {
    const holds = async (owner: string, held: (spec: ServiceSpec) => boolean) => {
      const [namespace, name] = owner.split('/');
      const svc = await services.get(namespace, name).catch(() => undefined);
      return svc !== undefined && held(specOf(svc));
    };
    for (const [ip, owner] of await this.clusterIPs.allocations()) {
      if (!(await holds(owner, (spec) => clusterIPsOf(spec).includes(formatIpv4(ip))))) await this.clusterIPs.release(ip, owner);
    }
    for (const [port, owner] of await this.nodePorts.allocations()) {
      if (!(await holds(owner, (spec) => nodePortsOf(spec).includes(port)))) await this.nodePorts.release(port, owner);
    }
  }

  /** Fills in and reserves what a new or changed Service needs; on failure nothing stays reserved. */
  private async allocate(svc: ApiObject, old: ApiObject | undefined): Promise<void> {
    const owner = ownerOf(svc);
    const taken: { allocator: RangeAllocator; value: number }[] = [];
    const had = { ips: old ? clusterIPsOf(specOf(old)) : [], ports: old ? nodePortsOf(specOf(old)) : [] };
    try {
      await this.allocateClusterIP(svc, owner, had.ips, taken);
      await this.allocateNodePorts(svc, owner, had.ports, taken);
    } catch (err) {
      for (const { allocator, value } of taken) await allocator.release(value, owner);
      throw err;
    }
  }

  private async allocateClusterIP(svc: ApiObject, owner: string, had: string[], taken: { allocator: RangeAllocator; value: number }[]): Promise<void> {
    const spec = specOf(svc);
    if (!wantsClusterIP(spec)) return;
    const requested = clusterIPsOf(spec)[0];
    if (requested && had.includes(requested)) return;
    if (requested) {
      const value = parseIp(requested);
      try {
        if (value === undefined) throw new AllocationError('notInRange', `provided IP is not in the valid range. The range of valid IPs is ${this.cidr}`);
        await this.clusterIPs.allocate(value, owner);
      } catch (err) {
        if (!(err instanceof AllocationError)) throw err;
        const path = FieldPath.of('spec', 'clusterIPs');
        throw invalid({ group: '', kind: 'Service' }, svc.metadata?.name ?? '', [
          invalidRendered(path, goStrings(spec.clusterIPs ?? [requested]), `failed to allocate IP ${requested}: ${err.message}`),
        ]);
      }
      taken.push({ allocator: this.clusterIPs, value: value! });
      return;
    }
    const value = await this.clusterIPs.allocateNext(owner).catch((err: unknown) => {
      throw err instanceof AllocationError ? internalError(`failed to allocate a serviceIP: ${err.message}`) : err;
    });
    taken.push({ allocator: this.clusterIPs, value });
    spec.clusterIP = formatIpv4(value);
    spec.clusterIPs = [spec.clusterIP];
    svc.spec = spec;
  }

  private async allocateNodePorts(svc: ApiObject, owner: string, had: number[], taken: { allocator: RangeAllocator; value: number }[]): Promise<void> {
    const spec = specOf(svc);
    const ports = spec.ports ?? [];
    const wanted: { port: ServicePort | ServiceSpec; field: 'nodePort' | 'healthCheckNodePort'; path: FieldPath }[] = [];
    if (wantsNodePorts(spec)) ports.forEach((port, i) => wanted.push({ port, field: 'nodePort', path: FieldPath.of('spec', 'ports').index(i).child('nodePort') }));
    if (needsHealthCheck(spec as Record<string, unknown>)) wanted.push({ port: spec, field: 'healthCheckNodePort', path: FieldPath.of('spec', 'healthCheckNodePort') });
    for (const { port, field, path } of wanted) {
      const requested = (port as Record<string, number | undefined>)[field] ?? 0;
      if (requested && had.includes(requested)) continue;
      if (requested) {
        try {
          await this.nodePorts.allocate(requested, owner);
        } catch (err) {
          if (!(err instanceof AllocationError)) throw err;
          throw invalid({ group: '', kind: 'Service' }, svc.metadata?.name ?? '', [FieldError.invalid(path, requested, err.message)]);
        }
        taken.push({ allocator: this.nodePorts, value: requested });
        continue;
      }
      const value = await this.nodePorts.allocateNext(owner).catch((err: unknown) => {
        throw err instanceof AllocationError ? internalError(`failed to allocate a nodePort: ${err.message}`) : err;
      });
      taken.push({ allocator: this.nodePorts, value });
      (port as Record<string, number>)[field] = value;
    }
  }

  /** Releases what `before` held and `after` (if any) does not. */
  private async releaseUnused(before: ApiObject, after: ApiObject | undefined): Promise<void> {
    const owner = ownerOf(before);
    const keepIPs = after ? clusterIPsOf(specOf(after)) : [];
    const keepPorts = after ? nodePortsOf(specOf(after)) : [];
    for (const ip of clusterIPsOf(specOf(before))) {
      const value = parseIp(ip);
      if (value !== undefined && !keepIPs.includes(ip)) await this.clusterIPs.release(value, owner);
    }
    for (const port of nodePortsOf(specOf(before))) {
      if (!keepPorts.includes(port)) await this.nodePorts.release(port, owner);
    }
  }
}
