// Images holding one program of the host with the shared libraries it links
// (as ldd lists them), so a Debian package can run in a pod with nothing
// downloaded. The etcd image is the gRPC server of the Kubernetes docs' gRPC
// liveness probe example: etcd answers grpc.health.v1 on its client port.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildImage, type BuiltImage } from './oci.js';
import type { TarEntry } from './tar.js';

export const ETCD_BIN = '/usr/bin/etcd';

/** Absolute paths of the shared libraries (and loader) `binary` needs; none for a static one. */
export function sharedLibraries(binary: string): string[] {
  let out: string;
  try {
    out = execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // ldd exits non-zero for a static binary.
    if (/not a dynamic executable/.test(String((err as { stderr?: string }).stderr))) return [];
    throw err;
  }
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]);
}

/** Directory entries for every parent of `paths`, parents first. */
function parentDirs(paths: string[]): TarEntry[] {
  const dirs = new Set<string>();
  for (const p of paths) for (let d = dirname(p); d !== '/' && d !== '.'; d = dirname(d)) dirs.add(d.slice(1));
  return [...dirs].sort().map((name) => ({ name, type: 'dir' }));
}

/** `binary` at `target` in the image, its libraries at their host paths, `entrypoint` running it. */
export function hostBinaryImage(binary: string, target: string, entrypoint: string[], extraDirs: string[] = []): BuiltImage {
  let data: Buffer;
  try {
    data = readFileSync(binary);
  } catch {
    throw new Error(`${binary} is missing: install the Debian package that provides it`);
  }
  const libs = sharedLibraries(binary);
  const files: TarEntry[] = [
    ...parentDirs([target, ...libs, ...extraDirs.map((d) => `${d}/x`)]),
    { name: 'tmp', type: 'dir', mode: 0o1777 },
    { name: target.slice(1), type: 'file', mode: 0o755, data },
    ...libs.map((lib): TarEntry => ({ name: lib.slice(1), type: 'file', mode: 0o755, data: readFileSync(lib) })),
  ];
  return buildImage({ files, entrypoint });
}

/** etcd (Debian's etcd-server) at /usr/local/bin/etcd, as upstream's etcd image has it. */
export function etcdImage(): BuiltImage {
  return hostBinaryImage(ETCD_BIN, '/usr/local/bin/etcd', ['/usr/local/bin/etcd'], ['/var/lib/etcd']);
}
