// The pod-level cgroups, /kubepods[/burstable|/besteffort]/pod<uid> in every
// hierarchy: runc creates them as the parents of a pod's containers (the
// sandbox's cgroup parent) but removes only the containers' own. Upstream's
// kubelet (its pod container manager) removes a pod's cgroup once nothing of
// the pod runs; this does the same for the containerd node.
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

export const CGROUP_ROOT = '/sys/fs/cgroup';
const QOS_PARENTS = ['kubepods', 'kubepods/burstable', 'kubepods/besteffort'];

/** The hierarchies to look in: the one unified hierarchy (cgroup v2), or each v1 controller's mount. */
function hierarchies(root: string): string[] {
  if (existsSync(join(root, 'cgroup.controllers'))) return [root];
  try {
    // Symlinks (cpu,cpuacct → cpu) name a hierarchy twice.
    return readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(root, e.name));
  } catch {
    return [];
  }
}

/** rmdir from the leaves up; a cgroup directory goes with its control files, once no process and no child is left in it. */
function removeTree(dir: string, busy: string[]): void {
  let children;
  try {
    children = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // gone already
  }
  for (const c of children) if (c.isDirectory()) removeTree(join(dir, c.name), busy);
  try {
    rmdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') busy.push(`${dir}: ${code}`);
  }
}

/** Removes pod<uid> wherever it is; returns the directories that could not go (a process still in them). */
export function removePodCgroups(uid: string, root = CGROUP_ROOT): string[] {
  const busy: string[] = [];
  if (!/^[0-9a-f-]+$/i.test(uid)) return busy;
  for (const h of hierarchies(root)) {
    for (const parent of QOS_PARENTS) {
      const dir = join(h, parent, `pod${uid}`);
      if (existsSync(dir)) removeTree(dir, busy);
    }
  }
  return busy;
}
