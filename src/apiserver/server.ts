// The API server: HTTPS, authentication, then discovery, health, OpenAPI and
// the resource handlers, over one Store.
import { createServer, type Server } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { chmodSync, rmSync } from 'node:fs';
import { allKinds } from '../api/all.js';
import type { KindStrategy } from '../api/kind.js';
import { internalError, isApiError, notAcceptable, notFound, unauthorized } from '../machinery/status.js';
import type { ServiceAccountTokens } from '../pki/index.js';
import type { Store } from '../storage/store.js';
import {
  aggregatedDiscovery,
  aggregatedDiscoveryType,
  apiGroupList,
  apiGroupOf,
  apiResourceList,
  apiVersions,
  groupVersions,
  wantsAggregated,
  type GroupVersion,
} from './discovery.js';
import { admissionPlugins } from './admission/index.js';
import { ServiceAllocator, type ServiceRanges } from './allocation/services.js';
import { Authenticator, type UserInfo } from './authn.js';
import { impersonatedUser } from './impersonation.js';
import { serveIssuerDiscovery } from './oidc.js';
import { handleResource } from './handlers.js';
import { podHooks } from './pod-lifecycle.js';
import { openapiV3Index, openapiV3Served } from './openapi/index.js';
import { sendOpenAPI, sendOpenAPIV2 } from './openapi/serve.js';
import { sendError, sendJson } from './http.js';
import { Resource, type ResourceHooks } from './registry/resource.js';
import { ResourceMap } from './registry/resource-map.js';
export { ResourceMap } from './registry/resource-map.js';
import { requestInfo, type ResourceRequest } from './request-info.js';
import { versionInfo } from './version.js';
import { WatchCache } from './watchcache.js';
import { KubeletClient, type KubeletClientConfig } from './streaming/kubelet-client.js';
import { serveUpgrade } from './streaming/upgrade.js';
import { metricsKinds } from './metrics/index.js';

export interface ApiServerOptions {
  store: Store;
  tls: { cert: string; key: string; ca: string };
  /** host:port clients use, for /api's serverAddressByClientCIDRs. */
  advertiseAddress: string;
  kinds?: readonly KindStrategy[];
  /** Extra behaviour of particular resources, by `group/plural`. */
  hooks?: (resources: ResourceMap) => Record<string, ResourceHooks>;
  /** Serve lists and watches from a watch cache (default true). */
  watchCache?: boolean;
  /** Issues and verifies service account tokens; without it only client certificates authenticate. */
  serviceAccountTokens?: ServiceAccountTokens;
  /** Where Service ClusterIPs and node ports come from. */
  serviceRanges?: ServiceRanges;
  /** The API server's client certificate toward kubelets (logs, exec, proxies). */
  kubeletClient?: KubeletClientConfig;
  /**
   * A unix socket serving plain HTTP to the components in this process, who present `token`
   * (upstream's loopback client): no TLS between the API server and its own scheduler and controllers.
   */
  loopback?: { socketPath: string; token: string };
  log?: (message: string) => void;
}

const defaultServiceRanges: ServiceRanges = { serviceCidr: '10.43.0.0/16', nodePortRange: '30000-32767' };

export class ApiServer {
  readonly resources = new ResourceMap();
  readonly groupVersions: GroupVersion[];
  private readonly kinds: readonly KindStrategy[];
  private readonly server: Server;
  private readonly loopbackServer?: HttpServer;
  private readonly log: (message: string) => void;
  private readonly serviceAllocator: ServiceAllocator;
  private readonly authenticator: Authenticator;
  private readonly watchCache: WatchCache;
  private readonly kubelet?: KubeletClient;
  /** host:port clients reach this server at (the port known once listening). */
  private externalAddress: string;

  constructor(private readonly options: ApiServerOptions) {
    this.log = options.log ?? (() => {});
    this.externalAddress = options.advertiseAddress;
    const kinds = options.kinds ?? [...allKinds, ...metricsKinds];
    this.kinds = kinds;
    this.groupVersions = groupVersions(kinds);
    this.watchCache = new WatchCache(options.store);
    const ctx = {
      store: options.store,
      namespacePhase: (name: string) => this.namespacePhase(name),
      watchCache: options.watchCache === false ? undefined : this.watchCache,
    };
    for (const gv of this.groupVersions) {
      for (const kind of gv.kinds) this.resources.add(new Resource(kind, ctx));
    }
    for (const plugin of admissionPlugins(this.resources)) {
      for (const resource of this.resources.all()) {
        if (plugin.resources.includes('*') || plugin.resources.includes(`${resource.names.group}/${resource.names.plural}`)) resource.admission.push(plugin);
      }
    }
    this.authenticator = new Authenticator(this.resources, options.serviceAccountTokens, options.loopback?.token);
    this.serviceAllocator = new ServiceAllocator(options.store, options.serviceRanges ?? defaultServiceRanges);
    const hooks: Record<string, ResourceHooks> = {
      '/pods': podHooks,
      '/services': this.serviceAllocator.hooks(),
      ...options.hooks?.(this.resources),
    };
    for (const resource of this.resources.all()) {
      const h = hooks[`${resource.names.group}/${resource.names.plural}`];
      if (h) Object.assign(resource.hooks, h);
    }
    this.server = createServer(
      { cert: options.tls.cert, key: options.tls.key, ca: options.tls.ca, requestCert: true, rejectUnauthorized: false },
      (req, res) => void this.serve(req, res),
    );
    this.server.keepAliveTimeout = 65_000;
    if (options.kubeletClient) this.kubelet = new KubeletClient(options.kubeletClient);
    const upgrade = { authenticator: this.authenticator, resources: this.resources, kubelet: this.kubelet, log: this.log };
    this.server.on('upgrade', (req, socket, head) => void serveUpgrade(upgrade, req, socket, head));
    if (options.loopback) {
      this.loopbackServer = createHttpServer((req, res) => void this.serve(req, res));
      this.loopbackServer.keepAliveTimeout = 65_000;
      this.loopbackServer.on('upgrade', (req, socket, head) => void serveUpgrade(upgrade, req, socket, head));
    }
  }

  async listen(port: number, host?: string): Promise<number> {
    await this.serviceAllocator.repair(this.resources.get('', 'services'));
    if (this.loopbackServer && this.options.loopback) await listenOnSocket(this.loopbackServer, this.options.loopback.socketPath);
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        const listening = typeof address === 'object' && address ? address.port : port;
        this.externalAddress = this.options.advertiseAddress.replace(/:0$/, `:${listening}`);
        resolve(listening);
      });
    });
  }

  /** Stops accepting connections; in-flight requests finish, idle connections close, watches end. */
  async close(): Promise<void> {
    this.watchCache.close();
    await Promise.all([this.server, this.loopbackServer].map((server) => server && closeGracefully(server)));
    if (this.options.loopback) rmSync(this.options.loopback.socketPath, { force: true });
  }

  private async namespacePhase(name: string): Promise<string | undefined> {
    const ns = (await this.resources.get('', 'namespaces').cachedGet('', name)) as { status?: { phase?: string } } | undefined;
    return ns ? (ns.status?.phase ?? 'Active') : undefined;
  }


  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    req.on('error', () => {
      // The client went away mid-request; the handler sees the closed socket.
    });
    try {
      const url = new URL(req.url ?? '/', 'https://k8ts');
      const user = await this.authenticator.authenticate(req);
      if (!user) throw unauthorized('Unauthorized');
      await this.route(req, res, url, impersonatedUser(req, user));
    } catch (err) {
      try {
        sendError(res, isApiError(err) ? err : internalError(err as Error));
      } catch {
        res.destroy();
      }
      if (!isApiError(err)) this.log(`internal error on ${req.method} ${req.url}: ${(err as Error).stack}`);
    } finally {
      this.log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo): Promise<void> {
    const info = requestInfo(req.method ?? 'GET', url);
    if (info.isResourceRequest) {
      const resource = this.resources.lookup(info.group, info.version, info.resource);
      if (!resource || (info.namespace !== '' && !resource.names.namespaced)) throw pageNotFound();
      if (resource.names.namespaced && info.namespace === '' && !['list', 'watch'].includes(info.verb)) throw pageNotFound();
      await handleResource({ req, res, url, info: info as ResourceRequest, resource, resources: this.resources, user, authenticator: this.authenticator, kubelet: this.kubelet });
      return;
    }
    if (req.method !== 'GET') throw pageNotFound();
    this.serveNonResource(req, res, url);
  }

  private serveNonResource(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const parts = path.split('/').filter(Boolean);
    const aggregated = wantsAggregated(req.headers.accept);
    if (path === '/version') return sendJson(res, 200, versionInfo());
    if (['/healthz', '/livez', '/readyz'].includes(path)) return this.health(res, url, path);
    if (path === '/api' || path === '/apis') {
      if (aggregated) {
        const body = JSON.stringify(aggregatedDiscovery(this.groupVersions, path === '/api'));
        res.writeHead(200, { 'Content-Type': aggregatedDiscoveryType, 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      return sendJson(res, 200, path === '/api' ? apiVersions(this.externalAddress) : apiGroupList(this.groupVersions));
    }
    if (parts[0] === 'openapi') return this.openapi(req, res, parts);
    if (parts[0] === 'api' && parts.length === 2) return this.sendResourceList(res, '', parts[1]);
    if (parts[0] === 'apis' && parts.length === 2) {
      const group = apiGroupOf(this.groupVersions, parts[1]);
      if (!group) throw pageNotFound();
      return sendJson(res, 200, group);
    }
    if (parts[0] === 'apis' && parts.length === 3) return this.sendResourceList(res, parts[1], parts[2]);
    const tokens = this.options.serviceAccountTokens;
    if (tokens && serveIssuerDiscovery(res, path, tokens, this.externalAddress)) return;
    throw pageNotFound();
  }

  private openapi(req: IncomingMessage, res: ServerResponse, parts: string[]): void {
    const kinds = this.kinds;
    if (parts[1] === 'v2' && parts.length === 2) return sendOpenAPIV2(req, res, kinds);
    const accept = req.headers.accept ?? '*/*';
    if (!/json|\*\/\*/.test(accept)) throw notAcceptable(['application/json']);
    if (parts[1] === 'v3' && parts.length === 2) return sendJson(res, 200, openapiV3Index(kinds));
    const doc = parts[1] === 'v3' ? openapiV3Served(parts.slice(2).join('/'), kinds) : undefined;
    if (!doc) throw pageNotFound();
    sendOpenAPI(req, res, doc, 'application/json');
  }

  private sendResourceList(res: ServerResponse, group: string, version: string): void {
    const gv = this.groupVersions.find((g) => g.group === group && g.version === version);
    if (!gv) throw pageNotFound();
    sendJson(res, 200, apiResourceList(gv));
  }

  private health(res: ServerResponse, url: URL, path: string): void {
    const checks = ['ping', 'etcd', 'poststarthook/bootstrap-controller'];
    if (!url.searchParams.has('verbose')) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    const lines = checks.map((c) => `[+]${c} ok`);
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${lines.join('\n')}\n${path.slice(1)} check passed\n`);
  }
}

/** The 404 for a path nothing serves, with upstream's text. */
function pageNotFound() {
  const err = notFound('', '');
  err.status.message = 'the server could not find the requested resource';
  err.status.details = {};
  return err;
}

async function closeGracefully(server: Server | HttpServer): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), 5000).unref();
  await closed;
}

/** Listens on a unix socket only its owner may use (a socket left by a crashed server is replaced). */
async function listenOnSocket(server: HttpServer, socketPath: string): Promise<void> {
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
}
