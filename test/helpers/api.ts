import { request } from 'node:https';
import { createInterface } from 'node:readline';
import { loadKubeconfig } from '../../src/pki/kubeconfig.js';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export interface ApiClient {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** The object at `path`, or undefined when it is 404. */
  getIfExists<T = unknown>(path: string): Promise<T | undefined>;
  /** POSTs `obj` to `path`; anything but 201 Created throws with the answer's text. */
  create<T = unknown>(path: string, obj: unknown): Promise<T>;
  /** Creates a namespace `<prefix>-<n>` (n counts this client's namespaces) and returns its name. */
  createNamespace(prefix: string): Promise<string>;
  /** Opens a watch and yields its events until closed. */
  watch(path: string): WatchStream;
}

export interface WatchEventJson {
  type: string;
  object: { metadata?: { name?: string; resourceVersion?: string; labels?: Record<string, string> }; [k: string]: unknown };
}

export interface WatchStream {
  /** The next event, or undefined when the stream ends or nothing arrives within timeoutMs. */
  next(timeoutMs?: number): Promise<WatchEventJson | undefined>;
  close(): void;
}

/** A raw HTTPS client with the kubeconfig's admin credentials, for API-level tests. */
export async function apiClient(kubeconfigPath: string, credentials = true): Promise<ApiClient> {
  const kc = await loadKubeconfig(kubeconfigPath);
  const base = new URL(kc.server);
  const tls = { ca: kc.caCertPem, ...(credentials ? { cert: kc.clientCertPem, key: kc.clientKeyPem } : {}) };
  const options = (method: string, path: string, headers: Record<string, string>) => ({
    method,
    host: base.hostname,
    port: base.port,
    path,
    headers,
    ...tls,
  });
  let namespaces = 0;
  const client: ApiClient = {
    async createNamespace(prefix: string) {
      const name = `${prefix}-${++namespaces}`;
      await client.create('/api/v1/namespaces', { metadata: { name } });
      return name;
    },
    async getIfExists<T>(path: string) {
      const res = await client.request('GET', path);
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
      return res.body as T;
    },
    async create<T>(path: string, obj: unknown) {
      const res = await client.request('POST', path, obj);
      if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
      return res.body as T;
    },
    request(method, path, body, headers = {}) {
      return new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
        const length: Record<string, string> = payload ? { 'Content-Length': String(payload.length) } : {};
        const req = request(options(method, path, { 'Content-Type': 'application/json', ...length, ...headers }), (res) => {
          const chunks: Buffer[] = [];
          res.on('error', reject);
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
          });
        });
        req.on('error', reject);
        req.end(payload);
      });
    },
    watch(path) {
      const events: WatchEventJson[] = [];
      let wake: (() => void) | undefined;
      let ended = false;
      const req = request(options('GET', path, {}), (res) => {
        const lines = createInterface({ input: res });
        // An aborted response (the watch was closed) ends the stream.
        lines.on('error', () => {
          ended = true;
        });
        lines.on('line', (line) => {
          if (line.trim()) events.push(JSON.parse(line) as WatchEventJson);
          wake?.();
        });
        lines.on('close', () => {
          ended = true;
          wake?.();
        });
      });
      req.on('error', () => {
        ended = true;
        wake?.();
      });
      req.end();
      return {
        async next(timeoutMs = 10_000) {
          const deadline = Date.now() + timeoutMs;
          while (events.length === 0 && !ended && Date.now() < deadline) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, Math.max(0, deadline - Date.now()));
            });
          }
          return events.shift();
        },
        close: () => req.destroy(),
      };
    },
  };
  return client;
}
