// One real-container cluster per machine at a time: every node's containerd
// shares the host's pod bridge, iptables and /kubepods cgroups, so test files
// (and several checkouts' test runs) that start one wait for this lock.
// A directory is the lock (mkdir is atomic); the holder's pid in it lets a
// waiter break the lock of a process that died holding it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const LOCK_DIR = '/run/k8ts-test-host.lock';

function holderAlive(): boolean {
  try {
    const pid = Number(readFileSync(`${LOCK_DIR}/pid`, 'utf8'));
    if (!pid) return true; // Being written; treat as held.
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until this process holds the machine's real-container lock; the returned function releases it. */
export async function acquireHostLock(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(`${LOCK_DIR}/pid`, String(process.pid));
      const release = () => rmSync(LOCK_DIR, { recursive: true, force: true });
      process.once('exit', release);
      return () => {
        process.off('exit', release);
        release();
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!holderAlive()) rmSync(LOCK_DIR, { recursive: true, force: true });
    else await new Promise((r) => setTimeout(r, 500));
  }
}
