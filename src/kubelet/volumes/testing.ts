// Helpers for the volume plugins' unit tests: API objects held in memory, a pod
// with volumes, and a set-up context over a temp directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import { HostMounter } from './mounter.js';
import type { SetUpContext, TokenRequestSpec, VolumeSources } from './plugin.js';
import { TokenCache } from './token-cache.js';

export interface MemorySources extends VolumeSources {
  configMaps: Map<string, { data?: Record<string, string>; binaryData?: Record<string, string> }>;
  secrets: Map<string, { data?: Record<string, string> }>;
  claims: Map<string, IPersistentVolumeClaim>;
  volumes: Map<string, IPersistentVolume>;
  tokenRequests: { namespace: string; serviceAccount: string; spec: TokenRequestSpec }[];
}

/** Objects keyed `<namespace>/<name>` (volumes by name); tokens are `token-<n>`. */
export function memorySources(): MemorySources {
  const s: MemorySources = {
    configMaps: new Map(),
    secrets: new Map(),
    claims: new Map(),
    volumes: new Map(),
    tokenRequests: [],
    getConfigMap: async (ns, name) => s.configMaps.get(`${ns}/${name}`),
    getSecret: async (ns, name) => s.secrets.get(`${ns}/${name}`),
    getPersistentVolumeClaim: async (ns, name) => s.claims.get(`${ns}/${name}`),
    getPersistentVolume: async (name) => s.volumes.get(name),
    async requestToken(namespace, serviceAccount, spec) {
      s.tokenRequests.push({ namespace, serviceAccount, spec });
      return { token: `token-${s.tokenRequests.length}`, expirationTimestamp: new Date(Date.now() + spec.expirationSeconds * 1000).toISOString() };
    },
  };
  return s;
}

export function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

export function podWith(volumes: IVolume[], extra: Partial<NonNullable<IPod['spec']>> = {}, meta: Partial<NonNullable<IPod['metadata']>> = {}): IPod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', labels: { app: 'web' }, annotations: { note: 'hi' }, ...meta },
    spec: {
      containers: [{ name: 'c', image: 'busybox', volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: `/mnt/${v.name}` })) }],
      volumes,
      ...extra,
    },
  } as IPod;
}

export function tempRoot(name = 'k8ts-volumes'): string {
  return mkdtempSync(join(tmpdir(), `${name}-`));
}

/** A context for one volume of the pod, prepared on the host under a fresh temp dir. */
export function hostContext(pod: IPod, sources: VolumeSources, dir = join(tempRoot(), 'vol')): SetUpContext {
  return {
    pod,
    volume: pod.spec!.volumes![0],
    sources,
    allocatable: { cpu: '4', memory: '8Gi' },
    tokens: new TokenCache(),
    dir,
    host: { mounter: new HostMounter() },
  };
}

/** The filesystem type mounted exactly at dir ('' when nothing is), as findmnt(8) reports it. */
export function mountedFsType(dir: string): string {
  try {
    return execFileSync('findmnt', ['-n', '-o', 'FSTYPE', '--mountpoint', dir], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** The mount options at dir (findmnt's OPTIONS column). */
export function mountOptions(dir: string): string {
  return execFileSync('findmnt', ['-n', '-o', 'OPTIONS', '--mountpoint', dir], { encoding: 'utf8' }).trim();
}

/** Unmounts everything under root, then removes it. */
export async function removeRoot(root: string): Promise<void> {
  const m = new HostMounter();
  for (const t of await m.mountsUnder(root)) await m.unmount(t);
  rmSync(root, { recursive: true, force: true });
}
