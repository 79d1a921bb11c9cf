// Container log rotation (upstream kubelet's ContainerLogManager): a live log
// larger than --container-log-max-size is renamed to `<path>.<timestamp>`, the
// runtime reopens the live file, and only --container-log-max-files files
// (the live one included) are kept.
import { promises as fs } from 'node:fs';
import { rotatedFiles } from './file-log.js';

export const DEFAULT_CONTAINER_LOG_MAX_SIZE = 10 * 1024 * 1024;
export const DEFAULT_CONTAINER_LOG_MAX_FILES = 5;

export interface RotationPolicy {
  maxSize: number;
  maxFiles: number;
}

/** 20261206-224500 (UTC), sortable like upstream's suffix. */
export function rotationSuffix(now: Date = new Date()): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

/** Rotates `path` if it outgrew the policy; reopen makes the runtime write to a fresh file. Returns whether it rotated. */
export async function rotateIfNeeded(path: string, policy: RotationPolicy, reopen: () => Promise<void>, now: Date = new Date()): Promise<boolean> {
  const size = await fs.stat(path).then((s) => s.size, () => 0);
  await removeExcess(path, policy.maxFiles - 1);
  if (size < policy.maxSize) return false;
  let target = `${path}.${rotationSuffix(now)}`;
  for (let i = 1; await fs.stat(target).then(() => true, () => false); i++) target = `${path}.${rotationSuffix(now)}.${i}`;
  await fs.rename(path, target);
  await reopen();
  await removeExcess(path, policy.maxFiles - 1);
  return true;
}

/** Keeps the newest `keep` rotated files. */
async function removeExcess(path: string, keep: number): Promise<void> {
  const rotated = await rotatedFiles(path);
  for (const old of rotated.slice(0, Math.max(0, rotated.length - Math.max(0, keep)))) await fs.rm(old, { force: true });
}
