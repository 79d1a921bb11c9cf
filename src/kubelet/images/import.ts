// Importing image archives (OCI layout or docker-archive tarballs) into the
// agent's containerd, in the namespace its CRI plugin uses, unpacked for its
// snapshotter — what `k8ts images import FILE` and the agent's start-up
// (every tarball in <data-dir>/agent/images/) do. containerd's own `ctr` does the work.
import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const CTR_BIN = '/usr/bin/ctr';
export const CRI_NAMESPACE = 'k8s.io';

const run = promisify(execFile);

export interface ImportTarget {
  socket: string;
  snapshotter: string;
}

/** Imports one archive; resolves with the image names it held. */
export async function importImageArchive(target: ImportTarget, file: string): Promise<string[]> {
  const { stdout } = await run(CTR_BIN, ['--address', target.socket, '--namespace', CRI_NAMESPACE, 'images', 'import', '--snapshotter', target.snapshotter, file], {
    maxBuffer: 16 << 20,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`importing ${file}: ${(err.stderr ?? err.message).trim()}`);
  });
  return stdout
    .split('\n')
    .map((l) => /^unpacking (\S+)/.exec(l)?.[1] ?? '')
    .filter(Boolean);
}

/** Image archives in a directory (.tar, .tar.gz/.tgz are not unpacked by ctr: only plain tar). */
export function archivesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.tar'))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** Writes an archive built in memory to a file and imports it. */
export async function importImageBuffer(target: ImportTarget, archive: Buffer, tmpFile: string): Promise<string[]> {
  writeFileSync(tmpFile, archive);
  return importImageArchive(target, tmpFile);
}
