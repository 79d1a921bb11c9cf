// The node's mount table as the volume plugins need it: tmpfs mounts for
// memory-backed volumes (emptyDir medium Memory, secrets, projected and
// downward API files), unmounting, and finding what is mounted under a path.
// Runs mount(8)/umount(8) as upstream's mount utility does, and reports a
// failure in upstream's words (command, arguments, output).
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface Mounter {
  mountTmpfs(target: string, sizeBytes?: bigint): Promise<void>;
  unmount(target: string): Promise<void>;
  /** Mount points at or below `prefix`, deepest first (the order to unmount them in). */
  mountsUnder(prefix: string): Promise<string[]>;
  /** Whether a filesystem of its own (such as the volumes' tmpfs) is mounted on `path`. */
  isMountPoint(path: string): Promise<boolean>;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (!err) {
        resolve();
        return;
      }
      const code = typeof err.code === 'number' ? `exit status ${err.code}` : err.message;
      const verb = command === 'mount' ? 'mount' : 'unmount';
      const what = command === 'mount' ? 'Mounting' : 'Unmounting';
      reject(new Error(`${verb} failed: ${code}\n${what} command: ${command}\n${what} arguments: ${args.join(' ')}\nOutput: ${(stderr || stdout).trim()}`));
    });
  });
}

/** Mount points as the kernel lists them (/proc/self/mountinfo: field 5, octal escapes decoded). */
export async function mountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/** The host's mount table, through mount(8) and umount(8) (needs root). */
export class HostMounter implements Mounter {
  async mountTmpfs(target: string, sizeBytes?: bigint): Promise<void> {
    const options = sizeBytes !== undefined && sizeBytes > 0n ? ['-o', `size=${sizeBytes}`] : [];
    await run('mount', ['-t', 'tmpfs', ...options, 'tmpfs', target]);
  }

  async unmount(target: string): Promise<void> {
    try {
      await run('umount', [target]);
    } catch (err) {
      // Something still has a file open in it (another process, another mount namespace's copy):
      // detach it now; the kernel frees it when the last user lets go.
      if (!/target is busy/.test((err as Error).message)) throw err;
      await run('umount', ['-l', target]);
    }
  }

  /** A device number differing from the parent's: a stat of two paths, not a read of the whole mount table (which grows with the pods). */
  async isMountPoint(path: string): Promise<boolean> {
    const [own, parent] = await Promise.all([stat(path), stat(dirname(path))]);
    return own.dev !== parent.dev;
  }

  async mountsUnder(prefix: string): Promise<string[]> {
    const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const found = (await mountPoints()).filter((m) => m === prefix || m.startsWith(base));
    return [...new Set(found)].sort((a, b) => b.length - a.length);
  }
}
