// pods/log: validates the request against the pod (container name, container
// state, as upstream's kubelet does), then streams the kubelet's
// /containerLogs. A WebSocket upgrade (binary.k8s.io, base64.binary.k8s.io)
// gets the same bytes as messages.
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ApiObject } from '../../api/kind.js';
import { badRequest, genericServerResponse, invalid, type ApiError } from '../../machinery/status.js';
import { acceptWebSocket, isWebSocketUpgrade, offeredProtocols } from '../streaming/websocket.js';
import { kubeletOf, nodeKubelet, passQuery, podContainer, podNodeName, type ConnectInput, type ConnectSubresource } from './connect.js';

interface ContainerStatusLike {
  name: string;
  state?: { running?: object; terminated?: { containerID?: string }; waiting?: { reason?: string } };
  lastState?: { terminated?: { containerID?: string } };
}

function statusOf(pod: ApiObject, container: string): ContainerStatusLike | undefined {
  const s = (pod as unknown as { status?: Record<string, ContainerStatusLike[] | undefined> }).status ?? {};
  return [...(s.containerStatuses ?? []), ...(s.initContainerStatuses ?? []), ...(s.ephemeralContainerStatuses ?? [])].find((c) => c.name === container);
}

/** The kubelet's validateContainerLogStatus, answered here where the pod's status is at hand. */
export function checkLogStatus(pod: ApiObject, container: string, previous: boolean): void {
  const podName = pod.metadata?.name ?? '';
  const s = statusOf(pod, container);
  const prefix = `container "${container}" in pod "${podName}"`;
  if (previous) {
    if (!s?.lastState?.terminated?.containerID) throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    return;
  }
  if (s?.state?.running) return;
  if (s?.state?.terminated) {
    if (!s.state.terminated.containerID) throw badRequest(`${prefix} is terminated`);
    return;
  }
  if (s?.lastState?.terminated) return;
  const reason = s?.state?.waiting?.reason;
  if (reason === 'ErrImagePull') throw badRequest(`${prefix} is waiting to start: image can't be pulled`);
  if (reason === 'ImagePullBackOff') throw badRequest(`${prefix} is waiting to start: trying and failing to pull image`);
  if (reason) throw badRequest(`${prefix} is waiting to start: ${reason}`);
  throw badRequest(`${prefix} is waiting to start - no logs yet`);
}

function checkOptions(url: URL): void {
  const p = url.searchParams;
  const errors = [];
  for (const name of ['tailLines', 'limitBytes', 'sinceSeconds']) {
    const v = p.get(name);
    if (v === null) continue;
    const n = Number(v);
    if (!Number.isInteger(n)) throw badRequest(`invalid ${name} value "${v}"`);
    const min = name === 'tailLines' ? 0 : 1;
    if (n < min) errors.push({ type: 'FieldValueInvalid' as const, field: name, value: n, detail: `must be ${min === 0 ? 'greater than or equal to 0' : 'greater than 0'}` });
  }
  if (p.has('sinceSeconds') && p.has('sinceTime')) errors.push({ type: 'FieldValueForbidden' as const, field: '', detail: 'at most one of `sinceTime` or `sinceSeconds` may be specified' });
  if (errors.length > 0) throw invalid('PodLogOptions', '', errors as never);
}

/** A kubelet's refusal as the client sees it. */
export async function kubeletError(res: IncomingMessage): Promise<ApiError> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (res.statusCode === 400) return badRequest(text);
  return genericServerResponse(res.statusCode ?? 500, 'get', '', '', text);
}

export const podLog: ConnectSubresource = {
  discovery: { kind: 'Pod', verbs: ['get'] },
  name: 'log',
  async serve(input: ConnectInput): Promise<void> {
    const { url, info } = input;
    const pod = await input.resource.get(info.namespace, info.name);
    const container = podContainer(pod, url.searchParams.get('container') ?? '');
    checkOptions(url);
    const nodeName = podNodeName(pod);
    const previous = ['true', '1'].includes(url.searchParams.get('previous') ?? '');
    // An unscheduled pod has no kubelet to ask: upstream answers with an empty log.
    if (!nodeName) {
      input.res?.writeHead(200, { 'Content-Type': 'text/plain' }).end();
      return;
    }
    checkLogStatus(pod, container, previous);
    const loc = await nodeKubelet(input, nodeName);
    const abort = new AbortController();
    const path = `/containerLogs/${info.namespace}/${info.name}/${container}${passQuery(url, ['follow', 'previous', 'tailLines', 'limitBytes', 'sinceSeconds', 'sinceTime', 'timestamps'])}`;
    const upstream = await kubeletOf(input).request(loc, 'GET', path, {}, undefined, abort.signal);
    if (upstream.statusCode !== 200) throw await kubeletError(upstream);
    if (input.upgrade) {
      if (!isWebSocketUpgrade(input.req)) throw badRequest('Upgrade request required');
      const offered = offeredProtocols(input.req);
      const protocol = ['binary.k8s.io', 'base64.binary.k8s.io'].find((p) => offered.includes(p));
      const ws = acceptWebSocket(input.req, input.upgrade.socket, input.upgrade.head, protocol);
      ws.on('close', () => abort.abort());
      upstream.on('data', (chunk: Buffer) => {
        if (!ws.send(protocol === 'base64.binary.k8s.io' ? chunk.toString('base64') : chunk, protocol !== 'base64.binary.k8s.io')) {
          upstream.pause();
          ws.once('drain', () => upstream.resume());
        }
      });
      upstream.on('end', () => ws.close(1000));
      upstream.on('error', () => ws.close(1011));
      return;
    }
    const res = input.res!;
    res.on('close', () => abort.abort());
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    await pipeline(upstream, res).catch(() => res.destroy());
  },
};
