// The REST client: JSON over HTTPS to the API server, one keep-alive agent
// shared by every resource client of a Client (a process hosting many
// components — or a thousand simulated kubelets — shares one connection pool).
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createSecureContext } from 'node:tls';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions as HttpRequestOptions } from 'node:http';
import { URL } from 'node:url';
import type { Status } from '../machinery/meta.js';
import { loadKubeconfig } from '../pki/kubeconfig.js';
import { errorFromResponse } from './errors.js';
import type {
  DeleteOptions,
  KubeObject,
  ListOptions,
  ListResult,
  PatchType,
  ResourceClient,
  ResourceRef,
  Watch,
  WatchOptions,
  WriteOptions,
} from './types.js';
import { WatchStream } from './watch.js';

export interface ClientConfig {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  userAgent?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  /** Per-request timeout for everything but watches (default 60 s). */
  requestTimeoutMs?: number;
  /** Retries of an answer with Retry-After (429, 5xx) and of requests on a connection the server closed (default 10). */
  maxRetries?: number;
  /**
   * Requests (not watches) in flight at once; more wait their turn (default 32). A
   * burst — a ReplicaSet's slow-start batch of 256 creates — then reuses the
   * pooled connections instead of paying a TLS handshake for each request.
   */
  maxConcurrentRequests?: number;
  /**
   * The API server's loopback socket (a unix socket, plain HTTP, `token` authenticates):
   * components in the server's own process skip TLS, as upstream's loopback client does.
   */
  socketPath?: string;
}

type Attempt =
  | { kind: 'response'; code: number; text: string; retryAfterSeconds?: number }
  | { kind: 'error' | 'stale-socket'; error: Error };

export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue | QueryValue[]>;

export interface RequestOptions {
  query?: Query;
  /** Serialised as JSON unless already a string or Buffer. */
  body?: unknown;
  contentType?: string;
  accept?: string;
}

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

const defaultUserAgent = 'k8ts/v0.1.0 (linux/amd64)';
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 32;

export class Client {
  /** The connection pool of this client; tests destroy its sockets to simulate dropped connections. */
  readonly agent: HttpAgent;
  private readonly base: URL;
  private readonly headers: Record<string, string>;
  private readonly requestTimeoutMs: number;
  private readonly maxConcurrent: number;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly config: ClientConfig) {
    this.base = new URL(config.socketPath ? 'http://localhost' : config.server);
    const pool = { keepAlive: true, maxSockets: Infinity, maxFreeSockets: 64 };
    this.agent = config.socketPath
      ? new HttpAgent(pool)
      : new HttpsAgent({
          ...pool,
          // One TLS context for every connection: without it each new socket parses the CA, certificate and key again.
          secureContext: createSecureContext({ ca: config.caPem, cert: config.certPem, key: config.keyPem }),
          rejectUnauthorized: !config.insecureSkipTLSVerify,
          servername: config.tlsServerName,
        });
    this.headers = { 'User-Agent': config.userAgent ?? defaultUserAgent, Accept: 'application/json' };
    if (config.token) this.headers.Authorization = `Bearer ${config.token}`;
    this.requestTimeoutMs = config.requestTimeoutMs ?? 60_000;
    this.maxConcurrent = config.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS;
  }

  /** A client with the credentials of a kubeconfig's current (or given) context. */
  static async fromKubeconfig(path: string, options: { context?: string; userAgent?: string } = {}): Promise<Client> {
    const kc = await loadKubeconfig(path, options.context);
    return new Client({
      server: kc.server,
      caPem: kc.caCertPem,
      certPem: kc.clientCertPem,
      keyPem: kc.clientKeyPem,
      token: kc.token,
      insecureSkipTLSVerify: kc.insecureSkipTLSVerify,
      tlsServerName: kc.tlsServerName,
      userAgent: options.userAgent,
    });
  }

  /** A client for one resource collection. */
  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    return new RestResource<T>(this, ref);
  }

  /** One request; resolves with the parsed JSON body, rejects with an ApiError on non-2xx. */
  async request<R = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<R> {
    const text = await this.requestText(method, path, options);
    return (text ? JSON.parse(text) : undefined) as R;
  }

  /**
   * One request whose 2xx body is returned as text (e.g. pods/log). Like
   * client-go, a 429 (or 5xx) answer carrying Retry-After is retried after that
   * many seconds, up to maxRetries times; a request that failed because the
   * server had closed the reused keep-alive connection is sent again at once.
   */
  async requestText(method: string, path: string, options: RequestOptions = {}): Promise<string> {
    const maxRetries = this.config.maxRetries ?? 10;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.inTurn(() => this.attempt(method, path, options));
      if (outcome.kind !== 'response') {
        if (outcome.kind === 'stale-socket' && attempt < maxRetries) continue;
        throw outcome.error;
      }
      const { code, text, retryAfterSeconds } = outcome;
      if (code >= 200 && code < 300) return text;
      const retryable = retryAfterSeconds !== undefined && (code === 429 || code >= 500);
      if (!retryable || attempt >= maxRetries) throw errorFromResponse(code, text);
      await new Promise((r) => setTimeout(r, Math.min(retryAfterSeconds, 30) * 1000));
    }
  }

  /** Runs `send` once fewer than maxConcurrentRequests requests are in flight, first come first served. */
  private async inTurn<R>(send: () => Promise<R>): Promise<R> {
    if (this.inFlight >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inFlight++;
    try {
      return await send();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    }
  }

  private attempt(method: string, path: string, options: RequestOptions): Promise<Attempt> {
    return new Promise((resolve) => {
      const { payload, headers } = this.encodeBody(options);
      const req = this.send(this.url(path, options.query), { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (error) => resolve({ kind: 'error', error }));
        res.on('end', () => {
          const retryAfter = Number(res.headers['retry-after']);
          resolve({
            kind: 'response',
            code: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            retryAfterSeconds: Number.isFinite(retryAfter) && res.headers['retry-after'] !== undefined ? Math.max(retryAfter, 0) : undefined,
          });
        });
      });
      req.setTimeout(this.requestTimeoutMs, () => req.destroy(new Error(`${method} ${path}: timed out after ${this.requestTimeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        resolve({ kind: stale ? 'stale-socket' : 'error', error });
      });
      req.end(payload);
    });
  }

  /** Opens a watch on a collection path; a refused watch yields one ERROR event carrying the Status. */
  watch<T extends KubeObject>(path: string, query: Query = {}): Watch<T> {
    const req = this.send(this.url(path, { ...query, watch: 'true' }), { method: 'GET', headers: this.headers });
    const stream = new WatchStream<T>(() => req.destroy());
    req.on('response', (res: IncomingMessage) => {
      const code = res.statusCode ?? 0;
      if (code >= 200 && code < 300) {
        stream.attach(res);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const err = errorFromResponse(code, Buffer.concat(chunks).toString('utf8'));
        stream.push({ type: 'ERROR', object: err.status as unknown as T });
        stream.finish();
      });
      res.on('error', () => stream.finish());
    });
    req.on('error', () => stream.finish());
    req.end();
    return stream;
  }

  private send(url: URL, options: HttpRequestOptions, onResponse?: (res: IncomingMessage) => void): ClientRequest {
    if (this.config.socketPath) return httpRequest(url, { ...options, agent: this.agent, socketPath: this.config.socketPath }, onResponse);
    return httpsRequest(url, { ...options, agent: this.agent }, onResponse);
  }

  /** Closes every pooled connection (open watches end). */
  close(): void {
    this.agent.destroy();
  }

  private url(path: string, query: Query = {}): URL {
    const url = new URL(path, this.base);
    for (const [key, value] of Object.entries(query)) {
      for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) url.searchParams.append(key, String(v));
    }
    return url;
  }

  private encodeBody(options: RequestOptions): { payload?: Buffer; headers: Record<string, string> } {
    const headers = { ...this.headers };
    if (options.accept) headers.Accept = options.accept;
    if (options.body === undefined) return { headers };
    const payload = Buffer.isBuffer(options.body)
      ? options.body
      : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
    headers['Content-Type'] = options.contentType ?? 'application/json';
    headers['Content-Length'] = String(payload.byteLength);
    return { payload, headers };
  }
}

/** The path of a collection, object or subresource. */
export function resourcePath(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  let path = ref.group === '' ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  if (ref.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${ref.resource}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

export function apiVersionOf(ref: ResourceRef): string {
  return ref.group === '' ? ref.version : `${ref.group}/${ref.version}`;
}

function writeQuery(options: (WriteOptions & { force?: boolean }) | undefined): Query {
  return {
    dryRun: options?.dryRun ? 'All' : undefined,
    fieldManager: options?.fieldManager,
    force: options?.force === undefined ? undefined : String(options.force),
  };
}

class RestResource<T extends KubeObject> implements ResourceClient<T> {
  constructor(
    private readonly client: Client,
    readonly ref: ResourceRef,
  ) {}

  get(namespace: string | undefined, name: string): Promise<T> {
    return this.client.request<T>('GET', this.path(namespace, name));
  }

  async list(namespace?: string, options: ListOptions = {}): Promise<ListResult<T>> {
    const list = await this.client.request<{ metadata?: { resourceVersion?: string; continue?: string }; items?: T[] }>(
      'GET',
      this.path(namespace),
      { query: { ...options } },
    );
    // Items of a list carry no TypeMeta on the wire; fill it in so objects are self-describing.
    const items = (list.items ?? []).map((item) => this.typed(item));
    const result: ListResult<T> = { resourceVersion: list.metadata?.resourceVersion ?? '', items };
    if (list.metadata?.continue) result.continue = list.metadata.continue;
    return result;
  }

  watch(namespace?: string, options: WatchOptions = {}): Watch<T> {
    return this.client.watch<T>(this.path(namespace), {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks ? 'true' : undefined,
      timeoutSeconds: options.timeoutSeconds,
    });
  }

  create(namespace: string | undefined, object: T, options?: WriteOptions): Promise<T> {
    const ns = namespace ?? object.metadata?.namespace;
    return this.client.request<T>('POST', this.path(ns), { body: this.typed(object), query: writeQuery(options) });
  }

  update(object: T, options?: WriteOptions): Promise<T> {
    return this.client.request<T>('PUT', this.objectPath(object), { body: this.typed(object), query: writeQuery(options) });
  }

  updateStatus(object: T, options?: WriteOptions): Promise<T> {
    return this.client.request<T>('PUT', this.objectPath(object, 'status'), { body: this.typed(object), query: writeQuery(options) });
  }

  patch(
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    options?: WriteOptions & { subresource?: string; force?: boolean },
  ): Promise<T> {
    return this.client.request<T>('PATCH', this.path(namespace, name, options?.subresource), {
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      query: writeQuery(options),
    });
  }

  delete(namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<T | Status> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
    if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
    if (options.preconditions) body.preconditions = options.preconditions;
    if (options.dryRun) body.dryRun = ['All'];
    return this.client.request<T | Status>('DELETE', this.path(namespace, name), { body });
  }

  createSubresource(namespace: string | undefined, name: string, subresource: string, body: KubeObject): Promise<KubeObject> {
    return this.client.request<KubeObject>('POST', this.path(namespace, name, subresource), { body });
  }

  private path(namespace: string | undefined, name?: string, subresource?: string): string {
    return resourcePath(this.ref, namespace, name, subresource);
  }

  private objectPath(object: T, subresource?: string): string {
    const name = object.metadata?.name;
    if (!name) throw new Error(`${this.ref.resource}: the object has no metadata.name`);
    return this.path(object.metadata?.namespace, name, subresource);
  }

  private typed(object: T): T {
    if (object.apiVersion && object.kind) return object;
    return { ...object, apiVersion: object.apiVersion ?? apiVersionOf(this.ref), kind: object.kind ?? this.ref.kind };
  }
}
