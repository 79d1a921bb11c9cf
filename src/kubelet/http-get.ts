// An HTTPGetAction as a request from the node (upstream pkg/probe/http): shared by
// httpGet probes and httpGet lifecycle hooks. Failures are worded as Go's
// net/http client words them, because they end up in events.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IHTTPGetAction } from 'kubernetes-models/v1/HTTPGetAction';

/** A port by number, or by the name of one of the container's ports. */
export function resolvePort(port: unknown, container: IContainer | undefined): number {
  if (typeof port === 'number') return port;
  const n = Number(port);
  if (String(port) !== '' && Number.isInteger(n)) return n;
  const named = container?.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`couldn't find port: ${String(port)} in ${JSON.stringify(container?.ports ?? [])}`);
  return named.containerPort;
}

export interface HttpGetRequest {
  url: string;
  host: string;
  port: number;
  headers: Record<string, string>;
}

/**
 * The request of an HTTPGetAction: host defaults to the pod IP, the port may be named, the path keeps its
 * query; User-Agent is kube-probe/1.33 or kube-lifecycle/1.33 unless the action's headers say otherwise.
 */
export function httpGetRequest(action: IHTTPGetAction, container: IContainer | undefined, podIP: string, userAgent: 'probe' | 'lifecycle'): HttpGetRequest {
  const host = action.host || podIP;
  const port = resolvePort(action.port, container);
  const scheme = (action.scheme ?? 'HTTP').toLowerCase();
  const path = action.path ? (action.path.startsWith('/') ? action.path : `/${action.path}`) : '/';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  const headers: Record<string, string> = { 'User-Agent': `kube-${userAgent}/1.33`, Accept: '*/*' };
  for (const h of action.httpHeaders ?? []) headers[h.name] = h.value;
  return { url, host, port, headers };
}

export type HttpGetResult = { statusCode: number; body: string } | { error: string };

/** Sends the GET (certificates are not verified, as upstream); reads at most 10 KiB of the body. */
export function sendHttpGet(req: HttpGetRequest, timeoutMs: number): Promise<HttpGetResult> {
  const request = req.url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const r = request(req.url, { method: 'GET', headers: req.headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        if (body.length < 10240) body += c.toString();
      });
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body: body.slice(0, 10240) }));
      res.on('error', (err) => resolve({ error: `Get "${req.url}": ${err.message}` }));
    });
    r.on('timeout', () => {
      r.destroy();
      resolve({ error: `Get "${req.url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    r.on('error', (err: NodeJS.ErrnoException) => resolve({ error: `Get "${req.url}": ${dialError(req.host, req.port, err)}` }));
    r.end();
  });
}

/** Go's wording of a failed dial. */
export function dialError(host: string, port: number, err: NodeJS.ErrnoException): string {
  const addr = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (err.code === 'ECONNREFUSED') return `dial tcp ${addr}: connect: connection refused`;
  if (err.code === 'EHOSTUNREACH') return `dial tcp ${addr}: connect: no route to host`;
  if (err.code === 'ENETUNREACH') return `dial tcp ${addr}: connect: network is unreachable`;
  if (err.code === 'ECONNRESET') return `read tcp ${addr}: read: connection reset by peer`;
  return `dial tcp ${addr}: ${err.message}`;
}
