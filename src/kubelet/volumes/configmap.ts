// configMap (upstream kubernetes.io/configmap): the ConfigMap's keys as files
// (all of them, or `items` key → path with their own modes), written
// atomically and rewritten when the ConfigMap changes. On the node's disk.
import type { IKeyToPath } from 'kubernetes-models/v1/KeyToPath';
import { writePayload, type Payload } from './atomic-writer.js';
import { setVolumeOwnership, withGroupRead } from './ownership.js';
import { DEFAULT_FILE_MODE, prepareDir, VolumeError, type SetUpContext, type VolumePlugin } from './plugin.js';

export interface KeysSource {
  name?: string;
  items?: IKeyToPath[];
  optional?: boolean;
}

/** Keys → files as upstream's MakePayload: every key, or the items; a missing item key fails unless optional. */
export function keysPayload(values: Map<string, Buffer>, items: IKeyToPath[] | undefined, defaultMode: number, optional: boolean, missingKey: (key: string) => string): Payload {
  const payload: Payload = new Map();
  if (!items || items.length === 0) {
    for (const [key, data] of values) payload.set(key, { data, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const data = values.get(item.key);
    if (data === undefined) {
      if (optional) continue;
      throw new VolumeError(missingKey(item.key));
    }
    payload.set(item.path || item.key, { data, mode: item.mode ?? defaultMode });
  }
  return payload;
}

/** The files of a ConfigMap source (a volume's or a projection's). */
export async function configMapPayload(ctx: SetUpContext, source: KeysSource, defaultMode: number): Promise<Payload> {
  const name = source.name ?? '';
  const cm = await ctx.sources.getConfigMap(ctx.pod.metadata?.namespace ?? 'default', name);
  if (!cm) {
    if (source.optional) return new Map();
    throw new VolumeError(`configmap "${name}" not found`);
  }
  const values = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) values.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) values.set(k, Buffer.from(v, 'base64'));
  return keysPayload(values, source.items, defaultMode, source.optional === true, (key) => `configmap references non-existent config key: ${key}`);
}

/** Writes a payload into the volume's directory (on a tmpfs for memory-backed volumes). */
export async function writeVolume(ctx: SetUpContext, payload: Payload, medium: 'disk' | 'memory'): Promise<void> {
  if (!ctx.host) return;
  await prepareDir(ctx.dir, ctx.host.mounter, medium);
  try {
    const fsGroup = ctx.pod.spec?.securityContext?.fsGroup;
    if (await writePayload(ctx.dir, withGroupRead(payload, fsGroup))) await setVolumeOwnership(ctx.dir, fsGroup, true);
  } catch (err) {
    throw new VolumeError((err as Error).message);
  }
}

export const configMapPlugin: VolumePlugin = {
  name: 'kubernetes.io~configmap',
  dynamic: true,
  canSupport: (v) => v.configMap !== undefined,
  async setUp(ctx) {
    const source = ctx.volume.configMap!;
    const payload = await configMapPayload(ctx, source, source.defaultMode ?? DEFAULT_FILE_MODE);
    await writeVolume(ctx, payload, 'disk');
    return { path: ctx.dir, readOnly: true };
  },
};
