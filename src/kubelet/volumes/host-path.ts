// hostPath (upstream kubernetes.io/host-path): a path of the node itself,
// checked against the volume's `type` before the pod starts; the *OrCreate
// types make what is missing (a 0755 directory, an empty 0644 file).
import { lstat, mkdir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { VolumeError, type VolumePlugin } from './plugin.js';

async function statOf(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    // A dangling symlink still exists as a path.
    return lstat(path).catch(() => undefined);
  }
}

const expected: Record<string, [string, (s: Stats) => boolean]> = {
  Directory: ['directory', (s) => s.isDirectory()],
  File: ['file', (s) => !s.isDirectory()],
  Socket: ['socket file', (s) => s.isSocket()],
  CharDevice: ['character device', (s) => s.isCharacterDevice()],
  BlockDevice: ['block device', (s) => s.isBlockDevice()],
};

/** Upstream's hostPath type check, with its messages. */
export async function checkHostPathType(path: string, type: string): Promise<void> {
  if (path.split('/').includes('..')) throw new VolumeError(`invalid HostPath \`${path}\`: must not contain '..'`);
  if (type === '') return;
  let check = type;
  if (type === 'DirectoryOrCreate' || type === 'FileOrCreate') {
    if (!(await statOf(path))) {
      if (type === 'DirectoryOrCreate') await mkdir(path, { recursive: true, mode: 0o755 });
      else await (await open(path, 'a', 0o644)).close();
    }
    check = type === 'DirectoryOrCreate' ? 'Directory' : 'File';
  }
  const want = expected[check];
  if (!want) throw new VolumeError(`${type} is an invalid volume type`);
  const s = await statOf(path);
  if (!s || !want[1](s)) throw new VolumeError(`hostPath type check failed: ${path} is not a ${want[0]}`);
}

export const hostPathPlugin: VolumePlugin = {
  name: 'kubernetes.io~host-path',
  dynamic: false,
  canSupport: (v) => v.hostPath !== undefined,
  async setUp({ volume, host }) {
    const path = volume.hostPath?.path ?? '';
    if (host) await checkHostPathType(path, volume.hostPath?.type ?? '');
    return { path, readOnly: false };
  },
};
