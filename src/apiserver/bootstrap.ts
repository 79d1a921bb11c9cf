// Objects every cluster starts with: the system namespaces and the
// `kubernetes` Service that points at the API server.
import type { ApiObject } from '../api/kind.js';
import { systemPriorityClasses } from '../api/scheduling/index.js';
import { isApiError } from '../machinery/status.js';
import type { ResourceMap } from './registry/resource-map.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface BootstrapOptions {
  /** The first address of the service range: the `kubernetes` Service's ClusterIP. */
  kubernetesServiceIP: string;
  /** Where the API server listens, for the `kubernetes` Endpoints. */
  apiServerIP: string;
  apiServerPort: number;
}

async function ensure(resources: ResourceMap, plural: string, namespace: string, obj: ApiObject, group = ''): Promise<void> {
  if (!resources.has(group, plural)) return;
  try {
    await resources.get(group, plural).create(namespace, obj);
  } catch (err) {
    if (!isApiError(err) || err.status.code !== 409) throw err;
  }
}

export async function bootstrapCluster(resources: ResourceMap, options: BootstrapOptions): Promise<void> {
  for (const name of systemNamespaces) await ensure(resources, 'namespaces', '', { metadata: { name } });
  for (const pc of systemPriorityClasses()) await ensure(resources, 'priorityclasses', '', pc, 'scheduling.k8s.io');
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  await ensure(resources, 'services', 'default', {
    metadata: { name: 'kubernetes', labels },
    spec: {
      clusterIP: options.kubernetesServiceIP,
      clusterIPs: [options.kubernetesServiceIP],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: options.apiServerPort }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
  });
  const endpoints = {
    metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [
      {
        addresses: [{ ip: options.apiServerIP }],
        ports: [{ name: 'https', port: options.apiServerPort, protocol: 'TCP' }],
      },
    ],
  };
  await ensureCurrent(resources, 'endpoints', endpoints, ['subsets']);
  // The API server keeps the `kubernetes` EndpointSlice beside its Endpoints, as upstream's endpoint reconciler does.
  const slice = {
    metadata: { name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: options.apiServerIP.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [options.apiServerIP], conditions: { ready: true } }],
    ports: [{ name: 'https', port: options.apiServerPort, protocol: 'TCP' }],
  };
  await ensureCurrent(resources, 'endpointslices', slice, ['endpoints', 'ports'], 'discovery.k8s.io');
}

/** Creates a default-namespace object, or rewrites `fields` when a restart moved the API server. */
async function ensureCurrent(resources: ResourceMap, plural: string, obj: ApiObject, fields: string[], group = ''): Promise<void> {
  if (!resources.has(group, plural)) return;
  const resource = resources.get(group, plural);
  const name = obj.metadata!.name!;
  await ensure(resources, plural, 'default', obj, group);
  const current = await resource.get('default', name);
  if (fields.every((f) => JSON.stringify(current[f]) === JSON.stringify(obj[f]))) return;
  const next: ApiObject = { ...current };
  for (const f of fields) next[f] = obj[f];
  await resource.update('default', name, next, '');
}
