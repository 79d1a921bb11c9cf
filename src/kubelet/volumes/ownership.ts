// fsGroup (upstream SetVolumeOwnership): with a pod fsGroup, every file of a
// volume the kubelet manages gets that group, group read (and write, unless
// the volume is read-only) permission; directories also get group search and
// the setgid bit, so files created later inherit the group.
import { chmod, lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Payload } from './atomic-writer.js';

const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
const SETGID = 0o2000;

async function walk(path: string, visit: (path: string) => Promise<void>): Promise<void> {
  await visit(path);
  const s = await lstat(path);
  if (!s.isDirectory()) return;
  for (const name of await readdir(path)) await walk(join(path, name), visit);
}

/** A read-only volume's file modes as they end up after setVolumeOwnership (so an unchanged payload compares equal). */
export function withGroupRead(payload: Payload, fsGroup: number | undefined): Payload {
  if (fsGroup === undefined) return payload;
  return new Map([...payload].map(([path, file]) => [path, { ...file, mode: file.mode | RO_MASK }]));
}

export async function setVolumeOwnership(dir: string, fsGroup: number | undefined, readOnly: boolean): Promise<void> {
  if (fsGroup === undefined) return;
  await walk(dir, async (path) => {
    const s = await lstat(path);
    await lchown(path, -1, fsGroup);
    if (s.isSymbolicLink()) return;
    let mask = readOnly ? RO_MASK : RW_MASK;
    if (s.isDirectory()) mask |= SETGID | EXEC_MASK;
    await chmod(path, (s.mode & 0o7777) | mask);
  });
}
