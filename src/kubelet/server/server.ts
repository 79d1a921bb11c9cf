// The kubelet's HTTPS API (port 10250): container logs, exec, attach,
// port-forward, running pods, health, stats and metrics. Clients must present
// a certificate the cluster CA signed (the API server's kubelet client
// certificate; upstream's --client-ca-file). The serving certificate comes
// from the cluster CA when this process holds it (the server's own nodes);
// an agent in a process of its own makes a self-signed CA for it, as
// upstream's kubelet does without --tls-cert-file. The hollow nodes of one
// process share one server: a request names its node in the TLS server name
// (SNI) the API server sets.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../cli/log.js';
import { createCertificateAuthority, issueServingCertificate, type CertificateAuthority } from '../../pki/index.js';
import type { HostedNode } from '../host.js';
import { HttpError, rejectUpgrade, sendJson, sendText } from './http.js';
import { serveContainerLogs } from './logs.js';
import { runningPods } from './pods.js';
import { CpuRates, resourceMetrics, summary } from './stats.js';
import { serveStream } from './streaming.js';
import { servePortForward } from './portforward.js';

export const DEFAULT_KUBELET_PORT = 10250;

export interface KubeletServerOptions {
  /** Signs the serving certificate; without it the kubelet signs its own with a self-signed CA. */
  ca?: CertificateAuthority;
  /** Verifies clients (--client-ca-file): the cluster CA's certificate; default the signing CA's. */
  clientCaPem?: string;
  nodes: HostedNode[];
  host?: string;
  /** Extra names and IPs the serving certificate covers (the node's addresses). */
  sans?: { dnsNames: string[]; ips: string[] };
  log: Logger;
}

export class KubeletServer {
  private server?: Server;
  private readonly nodes = new Map<string, HostedNode>();
  private readonly startedAt = Date.now();
  private readonly sockets = new Set<Duplex>();
  private readonly cpuRates = new Map<string, CpuRates>();

  constructor(private readonly options: KubeletServerOptions) {
    for (const n of options.nodes) this.nodes.set(n.config.nodeName, n);
  }

  /** Listens (port 0: any free port) and returns the port. */
  async listen(port: number): Promise<number> {
    const sans = this.options.sans ?? { dnsNames: [], ips: [] };
    const name = this.options.nodes[0]?.config.nodeName ?? 'kubelet';
    const since = Math.floor(this.startedAt / 1000);
    const issuer = this.options.ca ?? (await createCertificateAuthority({ commonName: `${name}-ca@${since}` }));
    const clientCa = this.options.clientCaPem ?? this.options.ca?.certPem;
    if (!clientCa) throw new Error('the kubelet API needs the cluster CA certificate to verify its clients');
    const serving = await issueServingCertificate(issuer, {
      commonName: `${name}@${since}`,
      dnsNames: ['localhost', ...sans.dnsNames],
      ips: ['127.0.0.1', '::1', ...sans.ips],
    });
    const server = createServer(
      { cert: serving.certPem, key: serving.keyPem, ca: clientCa, requestCert: true, rejectUnauthorized: true },
      (req, res) => void this.serve(req, res),
    );
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.serveUpgrade(req, socket, head));
    server.on('connection', (s: Duplex) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host ?? '0.0.0.0', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  /** Open client connections (tests check none are left behind). */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** The node a request is for: its SNI name, or the only node. */
  private nodeFor(req: IncomingMessage): HostedNode {
    const name = (req.socket as TLSSocket).servername;
    if (name && this.nodes.has(name)) return this.nodes.get(name)!;
    if (this.nodes.size === 1) return [...this.nodes.values()][0];
    throw new HttpError(404, `node "${name || ''}" is not served here`);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://kubelet');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const node = this.nodeFor(req);
      const { runtime } = node;
      if (req.method !== 'GET' && req.method !== 'HEAD' && !['exec', 'attach', 'portForward'].includes(parts[0])) throw new HttpError(405, 'method not allowed');
      switch (parts[0]) {
        case 'healthz':
          return sendText(res, 200, 'ok');
        case 'containerLogs':
          return await serveContainerLogs(runtime, res, url, parts.slice(1));
        case 'runningpods':
          return sendJson(res, 200, await runningPods(runtime));
        case 'stats':
          if (parts[1] === 'summary') return sendJson(res, 200, await this.summary(node));
          break;
        case 'metrics':
          if (parts[1] === 'resource') return sendText(res, 200, resourceMetrics(await this.summary(node)), 'text/plain; version=0.0.4');
          if (parts.length === 1) return sendText(res, 200, this.metrics(), 'text/plain; version=0.0.4');
          break;
        case 'logs':
          // The node's log directory (/var/log): a hollow node has none to show.
          return sendText(res, 200, '<pre>\n</pre>\n', 'text/html; charset=utf-8');
        case 'exec':
        case 'attach':
        case 'portForward':
          throw new HttpError(400, 'Upgrade request required');
      }
      throw new HttpError(404, '404 page not found');
    } catch (err) {
      this.fail(res, err);
    }
  }

  private async serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'https://kubelet');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const { runtime } = this.nodeFor(req);
      if (parts[0] === 'exec' || parts[0] === 'attach') return await serveStream(parts[0], runtime, req, socket, head, url, parts.slice(1));
      if (parts[0] === 'portForward') return await servePortForward(runtime, req, socket, head, url, parts.slice(1));
      throw new HttpError(404, '404 page not found');
    } catch (err) {
      const code = err instanceof HttpError ? err.code : 500;
      if (!(err instanceof HttpError)) this.options.log.warn('kubelet', `upgrade ${req.url}: ${(err as Error).message}`);
      if (socket.writable) rejectUpgrade(socket, code, (err as Error).message);
    }
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof HttpError) return sendText(res, err.code, err.message);
    this.options.log.warn('kubelet', `server: ${(err as Error).stack}`);
    sendText(res, 500, (err as Error).message);
  }

  private summary(node: HostedNode) {
    const name = node.config.nodeName;
    if (!this.cpuRates.has(name)) this.cpuRates.set(name, new CpuRates());
    return summary(name, node.runtime, this.startedAt, node.config.capacity.memory, this.cpuRates.get(name));
  }

  private metrics(): string {
    return [
      '# HELP kubelet_node_name [ALPHA] The node\'s name. The count is always 1.',
      '# TYPE kubelet_node_name gauge',
      ...[...this.nodes.keys()].map((n) => `kubelet_node_name{node="${n}"} 1`),
      '# HELP kubelet_running_pods [ALPHA] Number of pods that have a running pod sandbox',
      '# TYPE kubelet_running_pods gauge',
      `kubelet_running_pods ${this.nodes.size}`,
    ].join('\n') + '\n';
  }
}
