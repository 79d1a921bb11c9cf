import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A fresh temporary directory, removed when the test process exits. */
export function tempDir(name = 'k8ts-test'): string {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  made.push(dir);
  return dir;
}

/**
 * Mounts below a directory, deepest first. A node's kubelet leaves its pods' tmpfs volumes mounted
 * when it stops (pods outlive an agent), so a test cluster's data dir can hold some.
 */
function mountsBelow(dir: string): string[] {
  let table = '';
  try {
    table = readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return [];
  }
  return table
    .split('\n')
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' ') ?? '')
    .filter((mountPoint) => mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

function remove(dir: string): void {
  for (const mountPoint of mountsBelow(dir)) {
    try {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
    } catch {
      // Already gone, or not ours to unmount: removal below reports what is left.
    }
  }
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (err) {
    process.stderr.write(`could not remove ${dir}: ${(err as Error).message}\n`);
  }
}

process.on('exit', () => {
  for (const dir of made) remove(dir);
});
