// downwardAPI (upstream kubernetes.io/downward-api): the pod's own fields as
// files — name, namespace, uid, labels and annotations (`key="value"` lines,
// sorted, Go-quoted), and container resources divided by their divisor. On a
// tmpfs, refreshed by the resync when labels or annotations change.
import type { IDownwardAPIVolumeFile } from 'kubernetes-models/v1/DownwardAPIVolumeFile';
import { fieldValue, resourceValue } from '../env.js';
import type { Payload } from './atomic-writer.js';
import { writeVolume } from './configmap.js';
import { DEFAULT_FILE_MODE, VolumeError, type SetUpContext, type VolumePlugin } from './plugin.js';

const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' };

/** Go's %q of a string: double-quoted, with Go's escapes for control characters. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ESCAPES[ch]) out += ESCAPES[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Labels or annotations as upstream's FormatMap: sorted `key="value"` lines. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k])}`)
    .join('\n');
}

function itemValue(ctx: SetUpContext, item: IDownwardAPIVolumeFile): string {
  const meta = ctx.pod.metadata ?? {};
  try {
    if (item.fieldRef) {
      const path = item.fieldRef.fieldPath;
      if (path === 'metadata.labels') return formatMap(meta.labels);
      if (path === 'metadata.annotations') return formatMap(meta.annotations);
      return fieldValue(ctx.pod, path);
    }
    if (item.resourceFieldRef) {
      const container = ctx.pod.spec?.containers[0];
      if (!container) throw new Error('no container');
      return resourceValue(ctx.pod, container, item.resourceFieldRef, ctx.allocatable);
    }
  } catch (err) {
    throw new VolumeError(`unable to get value for ${item.path}: ${(err as Error).message}`);
  }
  return '';
}

/** The files of downward API items (a volume's or a projection's). */
export function downwardPayload(ctx: SetUpContext, items: IDownwardAPIVolumeFile[] | undefined, defaultMode: number): Payload {
  const payload: Payload = new Map();
  for (const item of items ?? []) payload.set(item.path, { data: Buffer.from(itemValue(ctx, item), 'utf8'), mode: item.mode ?? defaultMode });
  return payload;
}

export const downwardAPIPlugin: VolumePlugin = {
  name: 'kubernetes.io~downward-api',
  dynamic: true,
  canSupport: (v) => v.downwardAPI !== undefined,
  async setUp(ctx) {
    const source = ctx.volume.downwardAPI!;
    await writeVolume(ctx, downwardPayload(ctx, source.items, source.defaultMode ?? DEFAULT_FILE_MODE), 'memory');
    return { path: ctx.dir, readOnly: true };
  },
};
