// A simulated container's filesystem: files in memory (what the container and
// execs write, what kubectl cp copies in), over the image's few well-known
// files and, read-only, the host directories the kubelet mounted. Mounts the
// kubelet keeps in memory (Mount.content) are files of their own here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Mount } from '../types.js';

export interface FsEntry {
  path: string;
  type: 'file' | 'dir';
  data: Buffer;
}

export class SimulatedFs {
  private readonly files = new Map<string, Buffer>();
  private readonly dirs = new Set<string>(['/', '/bin', '/etc', '/tmp', '/root', '/var', '/usr', '/proc', '/dev', '/home']);
  cwd = '/';

  private readonly mounts: Mount[];

  constructor(initial: Record<string, string> = {}, mounts: Mount[] = []) {
    for (const [path, text] of Object.entries(initial)) this.writeFile(path, Buffer.from(text));
    for (const m of mounts) if (m.content !== undefined) this.writeFile(m.containerPath, Buffer.from(m.content));
    this.mounts = mounts.filter((m) => m.content === undefined);
  }

  resolve(path: string, from: string = this.cwd): string {
    return posix.resolve(from, path);
  }

  private mountOf(path: string): { hostPath: string } | undefined {
    for (const m of this.mounts) {
      if (path === m.containerPath || path.startsWith(`${m.containerPath}/`)) return { hostPath: join(m.hostPath, path.slice(m.containerPath.length)) };
    }
    return undefined;
  }

  readFile(path: string): Buffer | undefined {
    const own = this.files.get(path);
    if (own) return own;
    const mounted = this.mountOf(path);
    if (!mounted) return undefined;
    try {
      return readFileSync(mounted.hostPath);
    } catch {
      return undefined;
    }
  }

  writeFile(path: string, data: Buffer): void {
    this.mkdir(posix.dirname(path));
    this.files.set(path, data);
  }

  mkdir(path: string): void {
    for (let p = path; p !== '/' && !this.dirs.has(p); p = posix.dirname(p)) this.dirs.add(p);
  }

  remove(path: string): void {
    this.files.delete(path);
    for (const f of [...this.files.keys()]) if (f.startsWith(`${path}/`)) this.files.delete(f);
    for (const d of [...this.dirs]) if (d === path || d.startsWith(`${path}/`)) this.dirs.delete(d);
  }

  isDir(path: string): boolean {
    if (this.dirs.has(path)) return true;
    const mounted = this.mountOf(path);
    return mounted !== undefined && statSync(mounted.hostPath, { throwIfNoEntry: false })?.isDirectory() === true;
  }

  /** Names directly inside a directory, sorted. */
  list(path: string): string[] {
    const prefix = path === '/' ? '/' : `${path}/`;
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p.startsWith(prefix) && p !== path) names.add(p.slice(prefix.length).split('/')[0]);
    }
    const mounted = this.mountOf(path);
    if (mounted) {
      try {
        // Kubelet-written volumes hide their ..data symlink machinery from ls, as ls without -a does.
        for (const n of readdirSync(mounted.hostPath)) if (!n.startsWith('.')) names.add(n);
      } catch {
        // Not a directory on the host.
      }
    }
    for (const m of this.mounts) if (m.containerPath.startsWith(prefix)) names.add(m.containerPath.slice(prefix.length).split('/')[0]);
    return [...names].filter(Boolean).sort();
  }

  /** A file or a directory tree, parents first. */
  walk(path: string): FsEntry[] {
    const file = this.readFile(path);
    if (file && !this.isDir(path)) return [{ path, type: 'file', data: file }];
    if (!this.isDir(path)) return [];
    const out: FsEntry[] = [{ path, type: 'dir', data: Buffer.alloc(0) }];
    for (const name of this.list(path)) out.push(...this.walk(posix.join(path, name)));
    return out;
  }
}
