// The kubelet's volume manager for one node (upstream pkg/kubelet/volumemanager):
// the desired state is every volume a pod's containers mount; the actual state
// is what has been set up. A pod worker asks `mountPod` before it starts a
// sandbox — missing sources give FailedMount events with upstream's messages
// and the pod waits — then `containerMounts` for each container it creates,
// and `unmountPod` once the pod's containers are gone. A periodic resync
// rewrites configMap, secret, downwardAPI and projected volumes so updates
// reach running pods. With no root directory (hollow nodes) nothing touches
// the host: sources are still read and checked, once per volume.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../cli/log.js';
import { Backoff } from '../backoff.js';
import { podRef, type EventSink } from '../events.js';
import type { KeyValue, Mount } from '../runtime/types.js';
import type { Ticker } from '../ticker.js';
import { containerMounts } from './container-mounts.js';
import { HostMounter, type Mounter } from './mounter.js';
import { VolumeError, type SetUpResult, type VolumePlugin, type VolumeSources } from './plugin.js';
import { volumePlugins } from './plugins.js';
import { TokenCache } from './token-cache.js';

/** What a pod worker needs from the volume manager. */
export interface PodVolumes {
  /** Sets up the pod's volumes not yet set up; false (after FailedMount events) when some cannot be. */
  mountPod(pod: IPod): Promise<boolean>;
  /** The container's CRI mounts (throws ContainerConfigError for a bad subPath). */
  containerMounts(pod: IPod, container: IContainer, env: KeyValue[]): Promise<Mount[]>;
  /** Tears the pod's volumes down (its containers are gone). */
  unmountPod(uid: string): Promise<void>;
}

export interface VolumeManagerOptions {
  nodeName: string;
  sources: VolumeSources;
  events: EventSink;
  log: Logger;
  allocatable(): Record<string, string>;
  /** The kubelet's root directory (pods live in `<root>/pods/<uid>`); absent on hollow nodes. */
  rootDir?: string;
  mounter?: Mounter;
  /** Runs the resync; without one there is none. */
  ticker?: Ticker;
  /** First retry delay of a failed set-up (doubling to 2m2s). */
  backoffBaseMs?: number;
  /** How often set-up volumes follow their sources (default 30 s, so an update lands within upstream's one-minute sync period). */
  resyncMs?: number;
}

export const DEFAULT_RESYNC_MS = 30_000;
/** Upstream's retry back-off for a failing volume operation: 500 ms doubling to 2m2s. */
export const MOUNT_BACKOFF_BASE_MS = 500;
export const MOUNT_BACKOFF_MAX_MS = 122_000;

interface PodState {
  pod: IPod;
  mounted: Map<string, SetUpResult>;
}

/** Names of the volumes some container mounts (upstream only sets up those). */
function usedVolumes(pod: IPod): IVolume[] {
  const spec = pod.spec;
  const used = new Set<string>();
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])]) {
    for (const m of c.volumeMounts ?? []) used.add(m.name);
    for (const d of c.volumeDevices ?? []) used.add(d.name);
  }
  return (spec?.volumes ?? []).filter((v) => used.has(v.name));
}

/** The sources as one resync pass reads them: each object once, however many pods use it. */
function readOnce(sources: VolumeSources): VolumeSources {
  const reads = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let p = reads.get(key);
    if (!p) reads.set(key, (p = read()));
    return p as Promise<T>;
  };
  return {
    getConfigMap: (ns, name) => once(`configmaps/${ns}/${name}`, () => sources.getConfigMap(ns, name)),
    getSecret: (ns, name) => once(`secrets/${ns}/${name}`, () => sources.getSecret(ns, name)),
    getPersistentVolumeClaim: (ns, name) => once(`persistentvolumeclaims/${ns}/${name}`, () => sources.getPersistentVolumeClaim(ns, name)),
    getPersistentVolume: (name) => once(`persistentvolumes/${name}`, () => sources.getPersistentVolume(name)),
    requestToken: (ns, serviceAccount, spec) => sources.requestToken(ns, serviceAccount, spec),
  };
}

function goList(items: string[]): string {
  return `[${items.join(' ')}]`;
}

export class VolumeManager implements PodVolumes {
  private readonly pods = new Map<string, PodState>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly tokens = new TokenCache();
  /** Failed set-ups wait out a back-off before the next attempt (and the next FailedMount event). */
  private readonly backoff: Backoff;
  private readonly failedAt = new Map<string, number>();
  private readonly mounter: Mounter;
  private cancelResync: (() => void) | undefined;

  constructor(private readonly options: VolumeManagerOptions) {
    this.mounter = options.mounter ?? new HostMounter();
    this.backoff = new Backoff(options.backoffBaseMs ?? MOUNT_BACKOFF_BASE_MS, MOUNT_BACKOFF_MAX_MS);
  }

  /** Whether volumes are prepared on this host (a real node) or only checked (a hollow one). */
  get onHost(): boolean {
    return this.options.rootDir !== undefined;
  }

  start(): void {
    if (!this.onHost || !this.options.ticker || this.cancelResync) return;
    this.cancelResync = this.options.ticker.every(this.options.resyncMs ?? DEFAULT_RESYNC_MS, () => this.resync());
  }

  stop(): void {
    this.cancelResync?.();
    this.cancelResync = undefined;
  }

  podDir(uid: string): string {
    return join(this.options.rootDir ?? '/var/lib/kubelet', 'pods', uid);
  }

  private volumeDir(uid: string, plugin: VolumePlugin, name: string): string {
    return join(this.podDir(uid), 'volumes', plugin.name, name);
  }

  /** One operation per pod at a time (a resync and a pod sync never write one volume together). */
  private async withLock<T>(uid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(uid) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.locks.set(uid, settled);
    try {
      return await next;
    } finally {
      if (this.locks.get(uid) === settled) this.locks.delete(uid);
    }
  }

  private async setUp(pod: IPod, volume: IVolume, sources = this.options.sources): Promise<SetUpResult> {
    const plugin = volumePlugins.find((p) => p.canSupport(volume));
    if (!plugin) throw new VolumeError(`failed to get Plugin from volumeSpec for volume "${volume.name}" err=no volume plugin matched`, 'Process');
    const uid = pod.metadata?.uid ?? '';
    return plugin.setUp({
      pod,
      volume,
      sources,
      allocatable: this.options.allocatable(),
      tokens: this.tokens,
      dir: this.volumeDir(uid, plugin, volume.name),
      ...(this.onHost ? { host: { mounter: this.mounter } } : {}),
    });
  }

  async mountPod(pod: IPod): Promise<boolean> {
    const volumes = usedVolumes(pod);
    const uid = pod.metadata?.uid ?? '';
    if (volumes.length === 0) return true;
    return this.withLock(uid, async () => {
      let state = this.pods.get(uid);
      if (!state) this.pods.set(uid, (state = { pod, mounted: new Map() }));
      state.pod = pod;
      const processErrors: string[] = [];
      const failedToProcess: string[] = [];
      for (const volume of volumes) {
        if (state.mounted.has(volume.name)) continue;
        const key = `${uid}/${volume.name}/`;
        const failedAt = this.failedAt.get(key);
        if (failedAt !== undefined && this.backoff.isInBackOffSince(key, failedAt)) continue;
        try {
          state.mounted.set(volume.name, await this.setUp(pod, volume));
          this.failedAt.delete(key);
          this.backoff.forgetPrefix(key);
        } catch (err) {
          if (!(err instanceof VolumeError)) throw err;
          this.failedAt.set(key, Date.now());
          this.backoff.next(key);
          if (err.phase === 'Process') {
            failedToProcess.push(volume.name);
            processErrors.push(err.message);
          } else {
            this.event(pod, `MountVolume.SetUp failed for volume "${err.volumeName ?? volume.name}" : ${err.message}`);
          }
        }
      }
      const unmounted = volumes.filter((v) => !state.mounted.has(v.name)).map((v) => v.name);
      if (processErrors.length > 0) {
        this.event(pod, `Unable to attach or mount volumes: unmounted volumes=${goList(unmounted)}, unattached volumes=${goList([])}, failed to process volumes=${goList(failedToProcess)}: ${processErrors.join('; ')}`);
      }
      return unmounted.length === 0;
    });
  }

  async containerMounts(pod: IPod, container: IContainer, env: KeyValue[]): Promise<Mount[]> {
    if (!container.volumeMounts?.length) return [];
    const mounted = this.pods.get(pod.metadata?.uid ?? '')?.mounted ?? new Map<string, SetUpResult>();
    return containerMounts(container, mounted, env, this.onHost);
  }

  async unmountPod(uid: string): Promise<void> {
    this.tokens.forgetPod(uid);
    this.backoff.forgetPrefix(`${uid}/`);
    for (const key of this.failedAt.keys()) if (key.startsWith(`${uid}/`)) this.failedAt.delete(key);
    await this.withLock(uid, async () => {
      this.pods.delete(uid);
      if (this.onHost) await this.removePodDir(uid);
    });
  }

  /** Unmounts every tmpfs under the pod's directory, then removes it. */
  private async removePodDir(uid: string): Promise<void> {
    const dir = this.podDir(uid);
    for (const target of await this.mounter.mountsUnder(dir)) await this.mounter.unmount(target);
    await rm(dir, { recursive: true, force: true });
  }

  /** Pod directories of pods that no longer exist (removed while the agent was down) are torn down. */
  async cleanupOrphans(known: Set<string>): Promise<void> {
    if (!this.onHost) return;
    const entries = await readdir(join(this.options.rootDir!, 'pods')).catch(() => [] as string[]);
    for (const uid of entries) {
      if (known.has(uid) || this.pods.has(uid)) continue;
      try {
        await this.withLock(uid, () => this.removePodDir(uid));
        this.options.log.info('kubelet', `removed volumes of orphaned pod ${uid}`);
      } catch (err) {
        this.options.log.warn('kubelet', `orphaned pod ${uid}: volume teardown failed: ${(err as Error).message}`);
      }
    }
  }

  /** Rewrites the dynamic volumes of every set-up pod from their current sources. */
  async resync(): Promise<void> {
    const sources = readOnce(this.options.sources);
    for (const [uid, state] of [...this.pods]) {
      await this.withLock(uid, async () => {
        if (this.pods.get(uid) !== state) return;
        for (const volume of usedVolumes(state.pod)) {
          if (!state.mounted.has(volume.name)) continue;
          const plugin = volumePlugins.find((p) => p.canSupport(volume));
          if (!plugin?.dynamic) continue;
          try {
            await this.setUp(state.pod, volume, sources);
          } catch (err) {
            if (!(err instanceof VolumeError)) {
              this.options.log.warn('kubelet', `pod ${uid}: volume ${volume.name} resync failed: ${(err as Error).message}`);
              continue;
            }
            this.event(state.pod, `MountVolume.SetUp failed for volume "${err.volumeName ?? volume.name}" : ${err.message}`);
          }
        }
      });
    }
  }

  private event(pod: IPod, message: string): void {
    this.options.events.event(podRef(pod), 'Warning', 'FailedMount', message, this.options.nodeName);
  }
}
