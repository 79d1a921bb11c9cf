// Upgrade requests to the API server (exec, attach, port-forward, WebSocket
// logs and proxies): authenticate, find the connect subresource, and answer
// failures on the raw socket as a metav1.Status.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Status } from '../../machinery/meta.js';
import { badRequest, internalError, isApiError, notFound, unauthorized } from '../../machinery/status.js';
import type { Authenticator } from '../authn.js';
import { impersonatedUser } from '../impersonation.js';
import type { ResourceMap } from '../registry/resource-map.js';
import { requestInfo, type ResourceRequest } from '../request-info.js';
import { connectSubresource } from '../subresources/index.js';
import type { KubeletClient } from './kubelet-client.js';

export interface UpgradeContext {
  authenticator: Authenticator;
  resources: ResourceMap;
  kubelet?: KubeletClient;
  log: (message: string) => void;
}

/** Writes an HTTP response with a Status body on a socket that was not upgraded, and closes it. */
export function writeStatus(socket: Duplex, status: Status): void {
  const body = JSON.stringify(status);
  const code = status.code ?? 500;
  socket.end(`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Passes a refused upgrade's response (a kubelet's or a pod's) on to the client as it came. */
export async function relayResponse(res: IncomingMessage, socket: Duplex): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  const type = res.headers['content-type'] ?? 'text/plain; charset=utf-8';
  socket.end(`HTTP/1.1 ${res.statusCode} ${STATUS_CODES[res.statusCode ?? 500] ?? ''}\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString('latin1')}`, 'latin1');
}

export async function serveUpgrade(ctx: UpgradeContext, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  socket.on('error', () => socket.destroy());
  try {
    const url = new URL(req.url ?? '/', 'https://k8ts');
    const authenticated = await ctx.authenticator.authenticate(req);
    if (!authenticated) throw unauthorized('Unauthorized');
    const user = impersonatedUser(req, authenticated);
    const info = requestInfo(req.method ?? 'GET', url);
    if (!info.isResourceRequest) throw badRequest('the server does not allow upgrading this request');
    const resource = ctx.resources.lookup(info.group, info.version, info.resource);
    if (!resource) throw notFound('', '');
    const connect = connectSubresource(resource.names.group, resource.names.plural, info.subresource);
    if (!connect) throw badRequest(`the server does not allow upgrading ${resource.names.plural}${info.subresource ? `/${info.subresource}` : ''}`);
    if (info.namespace === '' && resource.names.namespaced) throw notFound('', '');
    await connect.serve({ req, url, info: info as ResourceRequest, resource, resources: ctx.resources, user, kubelet: ctx.kubelet, upgrade: { socket, head } });
  } catch (err) {
    if (!isApiError(err)) ctx.log(`upgrade ${req.method} ${req.url}: ${(err as Error).stack}`);
    if (socket.writable) writeStatus(socket, isApiError(err) ? err.status : internalError(err as Error).status);
  }
}
