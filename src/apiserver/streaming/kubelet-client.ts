// The API server's connection to a node's kubelet: which address and port
// (node status), TLS with the API server's kubelet client certificate and the
// node's name as SNI (hollow nodes of one process share a server), plain
// requests (logs, node proxy) and upgraded connections passed through as bytes.
import { request as httpsRequest } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest, serviceUnavailable, unknownError, type ApiError } from '../../machinery/status.js';
import type { ApiObject } from '../../api/kind.js';

export interface KubeletClientConfig {
  cert: string;
  key: string;
  /**
   * The CA the kubelets' serving certificates must chain to (and name the address dialled): the cluster
   * CA, which signs them, or --kubelet-certificate-authority. Without it they are not verified.
   */
  servingCa?: string;
  /** --kubelet-preferred-address-types. */
  preferredAddressTypes?: string[];
  /** How long a connection to a kubelet may take (an unreachable node fails fast). */
  connectTimeoutMs?: number;
}

/** Upstream's default order, with Hostname last: bare host names rarely resolve (k3s makes the same choice). */
export const DEFAULT_PREFERRED_ADDRESS_TYPES = ['InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP', 'Hostname'];

export interface KubeletLocation {
  nodeName: string;
  host: string;
  port: number;
}

interface NodeLike {
  metadata?: { name?: string };
  status?: { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
}

export function kubeletLocation(node: ApiObject, preferred: string[] = DEFAULT_PREFERRED_ADDRESS_TYPES): KubeletLocation {
  const n = node as unknown as NodeLike;
  const name = n.metadata?.name ?? '';
  const addresses = n.status?.addresses ?? [];
  for (const type of preferred) {
    const found = addresses.find((a) => a.type === type);
    if (found) return { nodeName: name, host: found.address, port: n.status?.daemonEndpoints?.kubeletEndpoint?.Port || 10250 };
  }
  throw badRequest(`no preferred addresses found; known addresses: [${addresses.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`);
}

/** A dial failure in Go's words (what upstream's messages quote). */
export function goDialError(host: string, port: number, err: Error): string {
  const code = (err as { code?: string }).code;
  const why =
    code === 'ECONNREFUSED'
      ? 'connect: connection refused'
      : code === 'EHOSTUNREACH'
        ? 'connect: no route to host'
        : code === 'ENETUNREACH'
          ? 'connect: network is unreachable'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? `lookup ${host}: no such host`
            : err.message === 'i/o timeout' || code === 'ETIMEDOUT'
              ? 'i/o timeout'
              : err.message;
  return `dial tcp ${host}:${port}: ${why}`;
}

/** Why a kubelet could not be reached, as upstream words it for plain requests and for upgrades. */
function dialError(loc: KubeletLocation, err: Error, how: { upgrade: boolean; method?: string; path?: string }): ApiError {
  const dial = goDialError(loc.host, loc.port, err);
  if (how.upgrade) return unknownError(`error dialing backend: ${dial}`);
  const method = (how.method ?? 'GET').slice(0, 1) + (how.method ?? 'GET').slice(1).toLowerCase();
  return unknownError(`${method} "https://${loc.host}:${loc.port}${how.path ?? '/'}": ${dial}`);
}

export class KubeletClient {
  constructor(private readonly config: KubeletClientConfig) {}

  get preferredAddressTypes(): string[] {
    return this.config.preferredAddressTypes ?? DEFAULT_PREFERRED_ADDRESS_TYPES;
  }

  private tlsOptions(loc: KubeletLocation) {
    return {
      host: loc.host,
      port: loc.port,
      cert: this.config.cert,
      key: this.config.key,
      servername: loc.nodeName,
      ...(this.config.servingCa
        ? {
            ca: this.config.servingCa,
            // The certificate must be valid for the address dialled; SNI only picks the node.
            checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(loc.host, cert),
          }
        : { rejectUnauthorized: false }),
      agent: false as const,
    };
  }

  /** A plain request; resolves with the kubelet's response (any status). */
  request(loc: KubeletLocation, method: string, path: string, headers: OutgoingHttpHeaders = {}, body?: IncomingMessage, signal?: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest({ ...this.tlsOptions(loc), method, path, headers, signal }, resolve);
      this.guard(req, loc, reject, { upgrade: false, method, path });
      if (body) body.pipe(req);
      else req.end();
    });
  }

  /**
   * Sends an upgrade request and, on 101, joins the client's socket and the kubelet's as one pipe.
   * Any other answer is handed back for the caller to relay.
   */
  upgrade(loc: KubeletLocation, path: string, clientReq: IncomingMessage, client: Duplex, head: Buffer): Promise<IncomingMessage | undefined> {
    const headers: OutgoingHttpHeaders = {};
    for (const h of ['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions', 'x-stream-protocol-version']) {
      const v = clientReq.headers[h];
      if (v !== undefined) headers[h] = v;
    }
    return new Promise((resolve, reject) => {
      const req = httpsRequest({ ...this.tlsOptions(loc), method: clientReq.method, path, headers });
      this.guard(req, loc, reject, { upgrade: true });
      req.on('response', (res) => resolve(res));
      req.on('upgrade', (res, kubelet, kubeletHead) => {
        const lines = [`HTTP/1.1 101 Switching Protocols`];
        for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        client.write(lines.join('\r\n') + '\r\n\r\n');
        if (kubeletHead.length > 0) client.write(kubeletHead);
        if (head.length > 0) kubelet.write(head);
        kubelet.pipe(client);
        client.pipe(kubelet);
        const close = () => {
          kubelet.destroy();
          client.destroy();
        };
        kubelet.on('close', close);
        client.on('close', close);
        kubelet.on('error', close);
        client.on('error', close);
        resolve(undefined);
      });
      req.end();
    });
  }

  /** A plain TCP stream to a pod's port through its kubelet (for pods the API server cannot dial: a hollow node's). */
  tunnel(loc: KubeletLocation, namespace: string, pod: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest({ ...this.tlsOptions(loc), method: 'GET', path: `/portForward/${namespace}/${pod}?port=${port}`, headers: { Connection: 'Upgrade', Upgrade: 'k8ts-tcp' } });
      this.guard(req, loc, reject, { upgrade: true });
      req.on('upgrade', (_res, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => reject(serviceUnavailable(`error trying to reach service: ${text.trim() || `kubelet answered ${res.statusCode}`}`)));
      });
      req.end();
    });
  }

  private guard(req: ReturnType<typeof httpsRequest>, loc: KubeletLocation, reject: (err: unknown) => void, how: { upgrade: boolean; method?: string; path?: string }): void {
    const timeout = this.config.connectTimeoutMs ?? 10_000;
    const timer = setTimeout(() => req.destroy(new Error(`i/o timeout`)), timeout);
    req.on('socket', (s) => {
      s.once('secureConnect', () => clearTimeout(timer));
      s.once('close', () => clearTimeout(timer));
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(dialError(loc, err, how));
    });
  }
}
