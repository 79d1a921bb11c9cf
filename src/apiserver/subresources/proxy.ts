// nodes/proxy, pods/proxy and services/proxy: HTTP (and upgraded
// connections) passed on to a kubelet, a pod's port, or a pod behind a
// Service. `name` may carry a scheme and port: `[scheme:]name[:port]`.
// Pods on hollow nodes are reached through their kubelet (k8ts' own tunnel),
// the others directly at their IP, as upstream does.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiObject } from '../../api/kind.js';
import { badRequest, serviceUnavailable } from '../../machinery/status.js';
import { kubeletOf, nodeKubelet, type ConnectInput, type ConnectSubresource } from './connect.js';

/** Headers that belong to one hop (RFC 7230 6.1) or to the API server's own authentication. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization', 'host']);

export function parseProxyName(name: string): { scheme: string; name: string; port: string } {
  const parts = name.split(':');
  if (parts.length === 3) return { scheme: parts[0], name: parts[1], port: parts[2] };
  if (parts.length === 2) return { scheme: '', name: parts[0], port: parts[1] };
  return { scheme: '', name, port: '' };
}

/** The path after `.../{name}/proxy`, with the query. */
function proxiedPath(input: ConnectInput): string {
  const path = input.url.pathname;
  const at = path.indexOf('/proxy', path.indexOf(`/${input.info.resource}/`) + input.info.resource.length + 2);
  const rest = at < 0 ? '/' : path.slice(at + '/proxy'.length) || '/';
  return `${rest}${input.url.search}`;
}

function forwardedHeaders(req: IncomingMessage, host: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { host };
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_HEADERS.has(k) && v !== undefined) out[k] = v;
  return out;
}

/** Sends the request over a dialled connection and streams the answer back. */
async function proxyOver(input: ConnectInput, dial: () => Promise<Duplex>, path: string, host: string): Promise<void> {
  const socket = await dial();
  const { req } = input;
  if (input.upgrade) {
    const client = input.upgrade.socket;
    const lines = [`${req.method} ${path} HTTP/1.1`];
    const headers = { ...forwardedHeaders(req, host), connection: 'Upgrade', upgrade: String(req.headers.upgrade ?? '') };
    for (const [k, v] of Object.entries(headers)) for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${one}`);
    socket.write(lines.join('\r\n') + '\r\n\r\n');
    if (input.upgrade.head.length > 0) socket.write(input.upgrade.head);
    socket.pipe(client);
    client.pipe(socket);
    const close = () => {
      socket.destroy();
      client.destroy();
    };
    socket.on('close', close);
    client.on('close', close);
    return;
  }
  const res = input.res!;
  const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
    const out = httpRequest({ method: req.method, path, headers: forwardedHeaders(req, host), createConnection: () => socket }, resolve);
    out.on('error', (err) => reject(serviceUnavailable(`error trying to reach service: ${err.message}`)));
    req.pipe(out);
  });
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(upstream.headers)) if (!HOP_HEADERS.has(k) && v !== undefined) headers[k] = v;
  res.writeHead(upstream.statusCode ?? 502, headers);
  await pipeline(upstream, res).catch(() => res.destroy());
  socket.destroy();
}

interface PodLike {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { nodeName?: string; containers?: { ports?: { name?: string; containerPort: number }[] }[] };
  status?: { podIP?: string; phase?: string; conditions?: { type: string; status: string }[] };
}

function containerPort(pod: PodLike, port: string): number {
  if (/^\d+$/.test(port)) return Number(port);
  const all = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
  if (port === '') return all[0]?.containerPort ?? 80;
  const named = all.find((p) => p.name === port);
  if (!named) throw badRequest(`no port named "${port}" in pod ${pod.metadata?.name ?? ''}`);
  return named.containerPort;
}

/** A connection to `port` of a pod: directly, or through the kubelet of a hollow node. */
async function dialPod(input: ConnectInput, podObj: ApiObject, port: number): Promise<Duplex> {
  const pod = podObj as unknown as PodLike;
  const nodeName = pod.spec?.nodeName ?? '';
  if (!nodeName) throw badRequest(`pod ${pod.metadata?.name ?? ''} does not have a host assigned`);
  const node = (await input.resources.get('', 'nodes').get('', nodeName)) as { status?: { nodeInfo?: { containerRuntimeVersion?: string } } };
  if ((node.status?.nodeInfo?.containerRuntimeVersion ?? '').startsWith('k8ts-simulated://')) {
    const loc = await nodeKubelet(input, nodeName);
    return kubeletOf(input).tunnel(loc, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', port);
  }
  const ip = pod.status?.podIP;
  if (!ip) throw serviceUnavailable(`pod ${pod.metadata?.name ?? ''} has no IP address yet`);
  return new Promise((resolve, reject) => {
    const s = connect(port, ip, () => resolve(s));
    s.once('error', (err) => reject(serviceUnavailable(`error trying to reach service: dial tcp ${ip}:${port}: ${err.message}`)));
  });
}

export const podProxy: ConnectSubresource = {
  name: 'proxy',
  discovery: { kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  async serve(input) {
    const target = parseProxyName(input.info.name);
    const pod = await input.resource.get(input.info.namespace, target.name);
    const port = containerPort(pod as unknown as PodLike, target.port);
    await proxyOver(input, () => dialPod(input, pod, port), proxiedPath(input), `${target.name}:${port}`);
  },
};

interface ServiceLike {
  spec?: { selector?: Record<string, string>; ports?: { name?: string; port: number; targetPort?: number | string }[] };
}

function isReady(pod: PodLike): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export const serviceProxy: ConnectSubresource = {
  name: 'proxy',
  discovery: { kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  async serve(input) {
    const target = parseProxyName(input.info.name);
    const svc = (await input.resource.get(input.info.namespace, target.name)) as unknown as ServiceLike;
    const ports = svc.spec?.ports ?? [];
    const port = target.port === '' ? ports[0] : ports.find((p) => p.name === target.port || String(p.port) === target.port);
    const selector = svc.spec?.selector ?? {};
    const noEndpoints = serviceUnavailable(`no endpoints available for service "${target.name}"`);
    if (!port || Object.keys(selector).length === 0) throw noEndpoints;
    const { items } = await input.resources.get('', 'pods').list(input.info.namespace, { selection: {} });
    const ready = (items as unknown as PodLike[]).filter((p) => Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v) && isReady(p));
    if (ready.length === 0) throw noEndpoints;
    const pod = ready[Math.floor(Math.random() * ready.length)];
    const targetPort = containerPort(pod, String(port.targetPort ?? port.port));
    await proxyOver(input, () => dialPod(input, pod as unknown as ApiObject, targetPort), proxiedPath(input), `${target.name}.${input.info.namespace}:${port.port}`);
  },
};

export const nodeProxy: ConnectSubresource = {
  name: 'proxy',
  discovery: { kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  async serve(input) {
    const target = parseProxyName(input.info.name);
    const loc = await nodeKubelet(input, target.name);
    if (target.port && Number(target.port) !== loc.port) throw badRequest(`only the kubelet port ${loc.port} of node ${target.name} is proxied`);
    const upstream = await kubeletOf(input).request(loc, input.req.method ?? 'GET', proxiedPath(input), forwardedHeaders(input.req, `${loc.host}:${loc.port}`), input.req);
    const res = input.res;
    if (!res) throw badRequest('Upgrade is not supported through nodes/proxy');
    const headers: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(upstream.headers)) if (!HOP_HEADERS.has(k) && v !== undefined) headers[k] = v;
    res.writeHead(upstream.statusCode ?? 502, headers);
    await pipeline(upstream, res).catch(() => res.destroy());
  },
};
