// Connect subresources: pods/log, pods/exec, pods/attach, pods/portforward and
// the proxies. They answer with a stream or an upgraded connection instead of
// an object, mostly by passing the request on to a kubelet or a pod.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiObject } from '../../api/kind.js';
import { badRequest, serviceUnavailable } from '../../machinery/status.js';
import type { UserInfo } from '../authn.js';
import type { Resource } from '../registry/resource.js';
import type { ResourceMap } from '../registry/resource-map.js';
import type { ResourceRequest } from '../request-info.js';
import { kubeletLocation, type KubeletClient, type KubeletLocation } from '../streaming/kubelet-client.js';

export interface ConnectInput {
  req: IncomingMessage;
  url: URL;
  info: ResourceRequest;
  resource: Resource;
  resources: ResourceMap;
  user: UserInfo;
  kubelet?: KubeletClient;
  /** A plain request answers here. */
  res?: ServerResponse;
  /** An upgrade request: the raw connection. */
  upgrade?: { socket: Duplex; head: Buffer };
}

export interface ConnectSubresource {
  name: string;
  /** What discovery says of it: the options kind and the verbs (upstream's). */
  discovery?: { kind: string; verbs: string[] };
  serve(input: ConnectInput): Promise<void>;
}

export function kubeletOf(input: ConnectInput): KubeletClient {
  if (!input.kubelet) throw serviceUnavailable('the API server has no kubelet client credentials');
  return input.kubelet;
}

/** Where the kubelet of `nodeName` listens. */
export async function nodeKubelet(input: ConnectInput, nodeName: string): Promise<KubeletLocation> {
  const node = await input.resources.get('', 'nodes').get('', nodeName);
  return kubeletLocation(node, kubeletOf(input).preferredAddressTypes);
}

interface PodLike {
  metadata?: { name?: string; namespace?: string };
  spec?: { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
}

/** The container a request names, or the pod's only one (upstream's validation and messages). */
export function podContainer(podObj: ApiObject, requested: string): string {
  const pod = podObj as unknown as PodLike;
  const name = pod.metadata?.name ?? '';
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  const init = (pod.spec?.initContainers ?? []).map((c) => c.name);
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c) => c.name);
  if (!requested) {
    if (containers.length === 1) return containers[0];
    let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
    if (init.length > 0) message += ` or one of the init containers: [${init.join(' ')}]`;
    if (ephemeral.length > 0) message += ` or one of the ephemeral containers: [${ephemeral.join(' ')}]`;
    throw badRequest(message);
  }
  if (![...containers, ...init, ...ephemeral].includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

export function podNodeName(podObj: ApiObject): string {
  return (podObj as unknown as PodLike).spec?.nodeName ?? '';
}

/** Copies the named query parameters that are set. */
export function passQuery(url: URL, names: string[]): string {
  const out = new URLSearchParams();
  for (const n of names) for (const v of url.searchParams.getAll(n)) out.append(n, v);
  const text = out.toString();
  return text ? `?${text}` : '';
}
