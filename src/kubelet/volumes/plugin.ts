// What a volume plugin is (upstream pkg/volume: one plugin per volume source)
// and what it is given: the pod, its volume, the API objects it reads, and —
// on a node with real containers — the directory it prepares on the host.
// On hollow nodes `host` is absent: plugins still read and check their API
// sources (a missing ConfigMap is visible through the API as FailedMount) but
// touch no disk and mount nothing.
import { chmod, mkdir } from 'node:fs/promises';
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { Mounter } from './mounter.js';
import type { TokenCache } from './token-cache.js';

/** The API objects volumes are made from; undefined means not found. */
export interface VolumeSources {
  getConfigMap(namespace: string, name: string): Promise<{ data?: Record<string, string>; binaryData?: Record<string, string> } | undefined>;
  getSecret(namespace: string, name: string): Promise<{ data?: Record<string, string> } | undefined>;
  getPersistentVolumeClaim(namespace: string, name: string): Promise<IPersistentVolumeClaim | undefined>;
  getPersistentVolume(name: string): Promise<IPersistentVolume | undefined>;
  /** TokenRequest (serviceaccounts/<name>/token). */
  requestToken(namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<{ token: string; expirationTimestamp: string }>;
}

export interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds: number;
  boundObjectRef: { kind: 'Pod'; apiVersion: 'v1'; name: string; uid: string };
}

export interface SetUpContext {
  pod: IPod;
  volume: IVolume;
  sources: VolumeSources;
  /** The node's allocatable resources (resourceFieldRef limits default to them). */
  allocatable: Record<string, string>;
  tokens: TokenCache;
  /** `<root>/pods/<uid>/volumes/<plugin>/<volume>`: where the plugin prepares the volume. */
  dir: string;
  /** Present only where containers are real: the plugin prepares `dir` on the host. */
  host?: { mounter: Mounter };
}

export interface SetUpResult {
  /** The host path containers bind-mount (the plugin's dir, or the hostPath). */
  path: string;
  /** Mounted read-only whatever the volumeMount says (configMap, secret, downwardAPI, projected, read-only claims). */
  readOnly: boolean;
}

export interface VolumePlugin {
  /** Upstream's plugin name with `/` escaped as `~`, the directory name under the pod's volumes. */
  name: string;
  canSupport(volume: IVolume): boolean;
  /** Whether the periodic resync runs setUp again (contents follow their sources). */
  dynamic: boolean;
  /** Prepares the volume (idempotent: safe to run again on a set-up volume). Throws VolumeError. */
  setUp(ctx: SetUpContext): Promise<SetUpResult>;
}

/**
 * Why a volume cannot be set up. `phase: 'SetUp'` is reported as upstream's
 * `MountVolume.SetUp failed for volume "x" : ...`; `phase: 'Process'` (a claim
 * that cannot be resolved) as `Unable to attach or mount volumes: ...`.
 */
export class VolumeError extends Error {
  constructor(
    message: string,
    readonly phase: 'SetUp' | 'Process' = 'SetUp',
    /** The name events give the volume when it is not the pod's (a claim's PersistentVolume). */
    readonly volumeName?: string,
  ) {
    super(message);
  }
}

/** The mode of directories the kubelet makes for emptyDir and the wrapped volumes (upstream: 0777). */
export const VOLUME_DIR_MODE = 0o777;

/** Makes the volume's directory; memory-backed ones get a tmpfs mounted on it (once). */
export async function prepareDir(dir: string, mounter: Mounter, medium: 'disk' | 'memory', sizeBytes?: bigint): Promise<void> {
  await mkdir(dir, { recursive: true, mode: VOLUME_DIR_MODE });
  if (medium === 'memory' && !(await mounter.isMountPoint(dir))) {
    try {
      await mounter.mountTmpfs(dir, sizeBytes);
    } catch (err) {
      throw new VolumeError((err as Error).message);
    }
  }
  await chmod(dir, VOLUME_DIR_MODE);
}

/** Upstream's default file mode for projected files (0644). */
export const DEFAULT_FILE_MODE = 0o644;
