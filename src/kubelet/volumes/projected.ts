// projected (upstream kubernetes.io/projected): several sources — ConfigMaps,
// Secrets, downward API items and service account tokens — in one directory,
// written atomically on a tmpfs. Tokens come from the TokenRequest API, bound
// to the pod, and are renewed once 80% of their life has passed.
import type { IVolumeProjection } from 'kubernetes-models/v1/VolumeProjection';
import type { Payload } from './atomic-writer.js';
import { configMapPayload, writeVolume } from './configmap.js';
import { downwardPayload } from './downward-api.js';
import { DEFAULT_FILE_MODE, VolumeError, type SetUpContext, type VolumePlugin } from './plugin.js';
import { secretPayload } from './secret.js';

async function tokenPayload(ctx: SetUpContext, source: NonNullable<IVolumeProjection['serviceAccountToken']>, defaultMode: number): Promise<Payload> {
  const pod = ctx.pod;
  const m = pod.metadata ?? {};
  // On hollow nodes nothing reads the file: no token is requested.
  if (!ctx.host) return new Map();
  let token: string;
  try {
    token = await ctx.tokens.get(ctx.sources, m.namespace ?? 'default', pod.spec?.serviceAccountName || 'default', {
      audiences: source.audience ? [source.audience] : [],
      expirationSeconds: source.expirationSeconds ?? 3600,
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: m.name ?? '', uid: m.uid ?? '' },
    });
  } catch (err) {
    throw new VolumeError(`failed to fetch token: ${(err as Error).message}`);
  }
  // Upstream narrows the token's mode when the pod sets an fsGroup.
  const mode = pod.spec?.securityContext?.fsGroup !== undefined ? 0o600 : defaultMode;
  return new Map([[source.path, { data: Buffer.from(token, 'utf8'), mode }]]);
}

async function sourcePayload(ctx: SetUpContext, source: IVolumeProjection, defaultMode: number): Promise<Payload> {
  if (source.configMap) return configMapPayload(ctx, source.configMap, defaultMode);
  if (source.secret) return secretPayload(ctx, source.secret, defaultMode);
  if (source.downwardAPI) return downwardPayload(ctx, source.downwardAPI.items, defaultMode);
  if (source.serviceAccountToken) return tokenPayload(ctx, source.serviceAccountToken, defaultMode);
  return new Map();
}

/**
 * All sources' files; every source is tried, failures are reported together (upstream's aggregate error).
 * The sources are read at once (a token request and a ConfigMap read need not wait for each other), and
 * merged in their order, so a later source's file wins as before.
 */
export async function projectedPayload(ctx: SetUpContext, sources: IVolumeProjection[], defaultMode: number): Promise<Payload> {
  const payload: Payload = new Map();
  const errors: string[] = [];
  const results = await Promise.allSettled(sources.map((source) => sourcePayload(ctx, source, defaultMode)));
  for (const result of results) {
    if (result.status === 'fulfilled') {
      for (const [k, v] of result.value) payload.set(k, v);
    } else {
      if (!(result.reason instanceof VolumeError)) throw result.reason;
      errors.push(result.reason.message);
    }
  }
  if (errors.length === 1) throw new VolumeError(errors[0]);
  if (errors.length > 1) throw new VolumeError(`[${errors.join(', ')}]`);
  return payload;
}

export const projectedPlugin: VolumePlugin = {
  name: 'kubernetes.io~projected',
  dynamic: true,
  canSupport: (v) => v.projected !== undefined,
  async setUp(ctx) {
    const source = ctx.volume.projected!;
    await writeVolume(ctx, await projectedPayload(ctx, source.sources ?? [], source.defaultMode ?? DEFAULT_FILE_MODE), 'memory');
    return { path: ctx.dir, readOnly: true };
  },
};
