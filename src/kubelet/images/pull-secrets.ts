// Registry credentials for a pull from the pod's imagePullSecrets
// (kubernetes.io/dockerconfigjson and the older dockercfg), matched to the
// image's registry as upstream's credential provider does: the registry host,
// with docker.io's own spellings treated as one.
import { type AuthConfig } from '../runtime/types.js';

interface DockerAuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** The registry host of an image reference (docker.io for Docker Hub names). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

/** A config key ("https://index.docker.io/v1/", "registry:5000/path") as a registry host. */
function keyHost(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//, '').split('/')[0];
  return ['index.docker.io', 'registry-1.docker.io', 'docker.io'].includes(host) ? 'docker.io' : host;
}

function decodeAuth(entry: DockerAuthEntry): AuthConfig {
  let { username, password } = entry;
  if (entry.auth && (!username || !password)) {
    const text = Buffer.from(entry.auth, 'base64').toString();
    const colon = text.indexOf(':');
    username = text.slice(0, colon);
    password = text.slice(colon + 1);
  }
  return { username, password, ...(entry.identitytoken ? { identityToken: entry.identitytoken } : {}), ...(entry.registrytoken ? { registryToken: entry.registrytoken } : {}) };
}

/** The credentials in one Secret's data, by registry host. */
export function credentialsOf(secret: { type?: string; data?: Record<string, string> }): Map<string, AuthConfig> {
  const out = new Map<string, AuthConfig>();
  const raw = secret.data?.['.dockerconfigjson'] ?? secret.data?.['.dockercfg'];
  if (!raw) return out;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(Buffer.from(raw, 'base64').toString()) as Record<string, unknown>;
  } catch {
    return out;
  }
  const auths = (secret.data?.['.dockerconfigjson'] ? doc.auths : doc) as Record<string, DockerAuthEntry> | undefined;
  for (const [key, entry] of Object.entries(auths ?? {})) {
    const host = keyHost(key);
    if (!out.has(host)) out.set(host, { ...decodeAuth(entry), serverAddress: key });
  }
  return out;
}

/** The first imagePullSecret with credentials for the image's registry. */
export async function pullAuthFor(
  image: string,
  namespace: string,
  secretNames: string[],
  getSecret: (ns: string, name: string) => Promise<{ type?: string; data?: Record<string, string> } | undefined>,
): Promise<AuthConfig | undefined> {
  const registry = registryOf(image);
  for (const name of secretNames) {
    const secret = await getSecret(namespace, name).catch(() => undefined);
    const auth = secret && credentialsOf(secret).get(registry);
    if (auth) return auth;
  }
  return undefined;
}
