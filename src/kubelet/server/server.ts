// The kubelet's HTTPS API (port 10250): container logs, exec, attach,
// port-forward, running pods, health, stats and metrics. Clients must present
// a certificate the cluster CA signed (the API server's kubelet client
// certificate; upstream's --client-ca-file). Each node serves with its own
// certificate from the cluster CA (serving-certificate.ts). The hollow nodes of
// one process share one server: a request names its node in the TLS server name
// (SNI) the API server sets, which also picks the node's certificate.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SecureContext, TLSSocket } from 'node:tls';
import type { Logger } from '../../cli/log.js';
import type { HostedNode } from '../host.js';
import { HttpError, rejectUpgrade, sendJson, sendText } from './http.js';
import { serveContainerLogs } from './logs.js';
import { runningPods } from './pods.js';
import { CpuRates, resourceMetrics, summary } from './stats.js';
import { serveStream } from './streaming.js';
import { servePortForward } from './portforward.js';
import { ServingCertificates, type ServingCertificateIssuer } from './serving-certificate.js';

export interface KubeletServerOptions {
  /** Issues each node's serving certificate. */
  issuer: ServingCertificateIssuer;
  /** Verifies clients (--client-ca-file): the cluster CA's certificate. */
  clientCaPem: string;
  nodes: HostedNode[];
  host?: string;
  log: Logger;
}

export class KubeletServer {
  private server?: Server;
  private readonly nodes = new Map<string, HostedNode>();
  private readonly startedAt = Date.now();
  private readonly sockets = new Set<Duplex>();
  private readonly cpuRates = new Map<string, CpuRates>();
  private readonly certificates: ServingCertificates;

  constructor(private readonly options: KubeletServerOptions) {
    for (const n of options.nodes) this.nodes.set(n.config.nodeName, n);
    this.certificates = new ServingCertificates(options.issuer, options.clientCaPem);
  }

  /**
   * Listens (port 0: any free port) and returns the port. A single node's certificate is issued
   * first; hollow nodes get theirs at their first connection: issuing a thousand at start
   * (through CSRs, for an agent) would double the time their nodes take to become Ready.
   */
  async listen(port: number): Promise<number> {
    const only = this.nodes.size === 1 ? [...this.nodes.values()][0] : undefined;
    const defaultPair = only ? (await this.certificates.get(only)).pair : undefined;
    const server = createServer(
      {
        ...(defaultPair ? { cert: defaultPair.certPem, key: defaultPair.keyPem } : {}),
        ca: this.options.clientCaPem,
        requestCert: true,
        rejectUnauthorized: true,
        SNICallback: (servername, cb) => this.secureContextFor(servername, cb),
      },
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

  /** The TLS context of the node a connection names (SNI), or of the only node. */
  private secureContextFor(servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void {
    const node = this.nodes.get(servername) ?? (this.nodes.size === 1 ? [...this.nodes.values()][0] : undefined);
    if (!node) return cb(new Error(`node "${servername}" is not served here`));
    this.certificates.get(node).then(
      ({ context }) => cb(null, context),
      (err: Error) => cb(err),
    );
  }

  async close(): Promise<void> {
    this.certificates.stop();
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
