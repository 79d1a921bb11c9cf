import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { SECRET_FILE_MODE, writeFileAtomic } from './files.js';

/** A cluster entry of a kubeconfig (clientcmd v1 `Cluster`, the fields k8ts uses). */
export interface KubeconfigCluster {
  server: string;
  'certificate-authority-data'?: string;
  'certificate-authority'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}

/** A user entry of a kubeconfig (clientcmd v1 `AuthInfo`, the fields k8ts uses). */
export interface KubeconfigUser {
  'client-certificate-data'?: string;
  'client-key-data'?: string;
  'client-certificate'?: string;
  'client-key'?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
}

export interface KubeconfigContext {
  cluster: string;
  user: string;
  namespace?: string;
}

/** A kubeconfig file (clientcmd v1 `Config`). */
export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: { name: string; cluster: KubeconfigCluster }[];
  contexts: { name: string; context: KubeconfigContext }[];
  'current-context': string;
  preferences: Record<string, unknown>;
  users: { name: string; user: KubeconfigUser }[];
}

export interface KubeconfigCredentials {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  caCertPem: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
  /** Name of the cluster, user and context; `default` as k3s writes it. */
  name?: string;
}

const base64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/** Builds a kubeconfig with one cluster, user and context, all named `default` by default. */
export function buildKubeconfig(credentials: KubeconfigCredentials): Kubeconfig {
  const name = credentials.name ?? 'default';
  const user: KubeconfigUser = {};
  if (credentials.clientCertPem) user['client-certificate-data'] = base64(credentials.clientCertPem);
  if (credentials.clientKeyPem) user['client-key-data'] = base64(credentials.clientKeyPem);
  if (credentials.token) user.token = credentials.token;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: credentials.server, 'certificate-authority-data': base64(credentials.caCertPem) } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
    users: [{ name, user }],
  };
}

/** Serialises a kubeconfig to YAML. */
export function serializeKubeconfig(config: Kubeconfig): string {
  return stringify(config, { lineWidth: 0, indentSeq: false });
}

/** Writes a kubeconfig file (mode 0600 unless told otherwise, as k3s's --write-kubeconfig-mode). */
export async function writeKubeconfig(path: string, config: Kubeconfig, mode = SECRET_FILE_MODE): Promise<void> {
  await writeFileAtomic(path, serializeKubeconfig(config), mode);
}

/** Parses kubeconfig YAML (or JSON) and checks its shape; throws a clear error otherwise. */
export function parseKubeconfig(text: string): Kubeconfig {
  const raw: unknown = parse(text);
  if (!isRecord(raw)) throw new Error('kubeconfig is not a YAML mapping');
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: namedList(raw.clusters, 'clusters', 'cluster') as Kubeconfig['clusters'],
    contexts: namedList(raw.contexts, 'contexts', 'context') as Kubeconfig['contexts'],
    'current-context': typeof raw['current-context'] === 'string' ? raw['current-context'] : '',
    preferences: isRecord(raw.preferences) ? raw.preferences : {},
    users: namedList(raw.users, 'users', 'user') as Kubeconfig['users'],
  };
}

/** Reads and parses a kubeconfig file. */
export async function readKubeconfig(path: string): Promise<Kubeconfig> {
  return parseKubeconfig(await readFile(path, 'utf8'));
}

function namedList(value: unknown, field: string, inner: string): { name: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`kubeconfig: ${field} must be a list`);
  return value.map((entry: unknown, i) => {
    if (!isRecord(entry) || typeof entry.name !== 'string' || !isRecord(entry[inner])) {
      throw new Error(`kubeconfig: ${field}[${i}] must have a name and a ${inner} mapping`);
    }
    return { name: entry.name, [inner]: entry[inner] };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a client needs to connect, with files and base64 data already resolved. */
export interface ResolvedKubeconfig {
  contextName: string;
  server: string;
  namespace?: string;
  caCertPem?: string;
  insecureSkipTLSVerify: boolean;
  tlsServerName?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
}

export interface ResolveOptions {
  /** Context to use instead of current-context (kubectl --context). */
  context?: string;
  /** Directory relative file paths are resolved against (the kubeconfig's directory). */
  baseDir?: string;
}

/** Resolves the selected context to connection parameters, reading referenced files. */
export async function resolveKubeconfig(config: Kubeconfig, options: ResolveOptions = {}): Promise<ResolvedKubeconfig> {
  const contextName = options.context ?? config['current-context'];
  const context = config.contexts.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`kubeconfig: context "${contextName}" not found`);
  const cluster = config.clusters.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`kubeconfig: cluster "${context.cluster}" not found or has no server`);
  const user = config.users.find((u) => u.name === context.user)?.user ?? {};
  const load = (data: string | undefined, file: string | undefined): Promise<string | undefined> =>
    dataOrFile(data, file, options.baseDir);
  return {
    contextName,
    server: cluster.server,
    namespace: context.namespace,
    caCertPem: await load(cluster['certificate-authority-data'], cluster['certificate-authority']),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: cluster['tls-server-name'],
    clientCertPem: await load(user['client-certificate-data'], user['client-certificate']),
    clientKeyPem: await load(user['client-key-data'], user['client-key']),
    token: user.token ?? (user.tokenFile ? (await readPath(user.tokenFile, options.baseDir)).trim() : undefined),
  };
}

/** Reads a kubeconfig file and resolves its current (or given) context. */
export async function loadKubeconfig(path: string, context?: string): Promise<ResolvedKubeconfig> {
  return resolveKubeconfig(await readKubeconfig(path), { context, baseDir: dirname(resolve(path)) });
}

async function dataOrFile(data: string | undefined, file: string | undefined, baseDir?: string): Promise<string | undefined> {
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  if (file) return readPath(file, baseDir);
  return undefined;
}

function readPath(file: string, baseDir?: string): Promise<string> {
  return readFile(isAbsolute(file) || !baseDir ? file : join(baseDir, file), 'utf8');
}
