// secret (upstream kubernetes.io/secret): the Secret's keys as files, like a
// configMap volume, but on a tmpfs: secret data never touches the node's disk.
import type { Payload } from './atomic-writer.js';
import { keysPayload, writeVolume, type KeysSource } from './configmap.js';
import { DEFAULT_FILE_MODE, VolumeError, type SetUpContext, type VolumePlugin } from './plugin.js';

/** The files of a Secret source (a volume's or a projection's). */
export async function secretPayload(ctx: SetUpContext, source: KeysSource, defaultMode: number): Promise<Payload> {
  const name = source.name ?? '';
  const secret = await ctx.sources.getSecret(ctx.pod.metadata?.namespace ?? 'default', name);
  if (!secret) {
    if (source.optional) return new Map();
    throw new VolumeError(`secret "${name}" not found`);
  }
  const values = new Map(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  return keysPayload(values, source.items, defaultMode, source.optional === true, (key) => `references non-existent secret key: ${key}`);
}

export const secretPlugin: VolumePlugin = {
  name: 'kubernetes.io~secret',
  dynamic: true,
  canSupport: (v) => v.secret !== undefined,
  async setUp(ctx) {
    const source = ctx.volume.secret!;
    const payload = await secretPayload(ctx, { name: source.secretName, items: source.items, optional: source.optional }, source.defaultMode ?? DEFAULT_FILE_MODE);
    await writeVolume(ctx, payload, 'memory');
    return { path: ctx.dir, readOnly: true };
  },
};
