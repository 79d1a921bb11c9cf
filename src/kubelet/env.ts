// The environment of a container as the kubelet builds it (upstream
// makeEnvironmentVariables): envFrom first, then env in order, with $(VAR)
// references expanded against what is defined so far and the service links;
// then the service links (Docker-link-style variables of Services) that the
// container does not define itself.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import { Quantity } from '../machinery/quantity.js';
import type { KeyValue } from './runtime/types.js';

/** Where ConfigMaps and Secrets come from; undefined means not found. */
export interface EnvSources {
  getConfigMap(namespace: string, name: string): Promise<{ data?: Record<string, string>; binaryData?: Record<string, string> } | undefined>;
  getSecret(namespace: string, name: string): Promise<{ data?: Record<string, string> } | undefined>;
  /** Every Service of the cluster (an informer's cache); undefined until they have been listed once. */
  listServices(): IService[] | undefined;
}

/** A container cannot start because of its configuration: the pod shows CreateContainerConfigError with this message. */
export class ContainerConfigError extends Error {}

/** Expands $(VAR) from `lookup`; $$ is a literal $; unknown references stay as written (upstream expansion.Expand). */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = lookup(name);
      out += value ?? `$(${name})`;
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function fieldValue(pod: IPod, path: string): string {
  const meta = pod.metadata ?? {};
  const indexed = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (indexed) return (indexed[1] === 'labels' ? meta.labels : meta.annotations)?.[indexed[2]] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return (pod.status?.hostIPs ?? []).map((h) => h.ip).join(',');
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (pod.status?.podIPs ?? []).map((p) => p.ip).join(',');
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}

function quantity(value: unknown): Quantity | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    return Quantity.fromJSON(value);
  } catch {
    return undefined;
  }
}

/** resourceFieldRef: the container's request or limit (limits default to the node's allocatable), divided and rounded up. */
export function resourceValue(pod: IPod, container: IContainer, ref: { containerName?: string; resource: string; divisor?: unknown }, allocatable: Record<string, string>): string {
  const target = ref.containerName ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === ref.containerName) : container;
  if (!target) throw new ContainerConfigError(`container ${ref.containerName ?? ''} not found`);
  const [kind, resource] = ref.resource.split('.', 2) as ['limits' | 'requests', string];
  const list = (kind === 'limits' ? target.resources?.limits : target.resources?.requests) ?? {};
  let q = quantity(list[resource]);
  if (!q && kind === 'limits') q = quantity(allocatable[resource]);
  q ??= Quantity.of(0);
  const divisor = quantity(ref.divisor) ?? Quantity.of(1);
  if (resource === 'cpu') return String(Math.ceil(q.milliValue() / Math.max(1, divisor.milliValue())));
  return String(Math.ceil(q.value() / Math.max(1, divisor.value())));
}

/** The service whose variables every pod gets, from the default namespace (upstream's master services). */
const MASTER_SERVICE = 'kubernetes';

/** FOO-BAR → FOO_BAR (upstream makeEnvVariableName). */
function envVariableName(name: string): string {
  return name.replaceAll('-', '_').toUpperCase();
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** One Service's variables, in upstream's order (envvars.FromServices). */
function serviceVariables(service: IService): [string, string][] {
  const prefix = envVariableName(service.metadata?.name ?? '');
  const ip = service.spec?.clusterIP ?? '';
  const ports = service.spec?.ports ?? [];
  if (ports.length === 0) return [];
  const out: [string, string][] = [[`${prefix}_SERVICE_HOST`, ip], [`${prefix}_SERVICE_PORT`, String(ports[0].port)]];
  for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envVariableName(p.name)}`, String(p.port)]);
  ports.forEach((p, i) => {
    const protocol = p.protocol ?? 'TCP';
    const url = `${protocol.toLowerCase()}://${hostPort(ip, p.port)}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
    out.push([portPrefix, url], [`${portPrefix}_PROTO`, protocol.toLowerCase()], [`${portPrefix}_PORT`, String(p.port)], [`${portPrefix}_ADDR`, ip]);
  });
  return out;
}

/**
 * The service links of a pod in `namespace` (upstream getServiceEnvVarMap): the `kubernetes` Service of the
 * default namespace always, and with enableServiceLinks every Service of the pod's namespace that has a cluster IP.
 */
export function serviceEnv(services: IService[], namespace: string, enableServiceLinks: boolean): Map<string, string> {
  const byName = new Map<string, IService>();
  for (const s of services) {
    const ip = s.spec?.clusterIP ?? '';
    if (ip === '' || ip === 'None') continue;
    const name = s.metadata?.name ?? '';
    const ns = s.metadata?.namespace ?? '';
    if (ns === 'default' && name === MASTER_SERVICE) {
      if (!byName.has(name)) byName.set(name, s);
    } else if (ns === namespace && enableServiceLinks) {
      byName.set(name, s);
    }
  }
  const names = [...byName.keys()].sort();
  return new Map(names.flatMap((n) => serviceVariables(byName.get(n)!)));
}

function decodeSecret(data: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

/**
 * The container's environment, in the order upstream passes it to the runtime.
 * Throws ContainerConfigError with upstream's message when a required source is missing.
 */
export async function containerEnv(pod: IPod, container: IContainer, sources: EnvSources, allocatable: Record<string, string> = {}): Promise<KeyValue[]> {
  const ns = pod.metadata?.namespace ?? 'default';
  const services = sources.listServices();
  if (!services) throw new ContainerConfigError('services have not yet been read at least once, cannot construct envvars');
  const links = serviceEnv(services, ns, pod.spec?.enableServiceLinks ?? true);
  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let data: Record<string, string> | undefined;
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = await sources.getConfigMap(ns, name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      data = cm.data ?? {};
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const secret = await sources.getSecret(ns, name);
      if (!secret) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      data = decodeSecret(secret.data);
    }
    for (const [k, v] of Object.entries(data ?? {})) {
      const key = prefix + k;
      if (ENV_NAME.test(key)) env.set(key, v);
    }
  }
  const lookup = (name: string) => env.get(name) ?? links.get(name);
  for (const e of container.env ?? []) {
    let value: string | undefined = e.value !== undefined ? expand(e.value, lookup) : '';
    const from = e.valueFrom;
    if (from?.fieldRef) value = fieldValue(pod, from.fieldRef.fieldPath);
    else if (from?.resourceFieldRef) value = resourceValue(pod, container, from.resourceFieldRef, allocatable);
    else if (from?.configMapKeyRef) {
      const { name = '', key, optional } = from.configMapKeyRef;
      const cm = await sources.getConfigMap(ns, name);
      if (!cm) {
        if (optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      value = cm.data?.[key];
      if (value === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
      }
    } else if (from?.secretKeyRef) {
      const { name = '', key, optional } = from.secretKeyRef;
      const secret = await sources.getSecret(ns, name);
      if (!secret) {
        if (optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      value = decodeSecret(secret.data)[key];
      if (value === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
      }
    }
    env.set(e.name, value);
  }
  for (const [key, value] of links) if (!env.has(key)) env.set(key, value);
  return [...env].map(([key, value]) => ({ key, value }));
}

/** command and args with $(VAR) expanded from the container's environment. */
export function expandCommand(container: IContainer, env: KeyValue[]): { command: string[]; args: string[] } {
  const map = new Map(env.map((e) => [e.key, e.value]));
  const lookup = (n: string) => map.get(n);
  return {
    command: (container.command ?? []).map((c) => expand(c, lookup)),
    args: (container.args ?? []).map((a) => expand(a, lookup)),
  };
}
