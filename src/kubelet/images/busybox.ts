// Images k8ts builds itself from Debian's busybox-static, so nothing has to be
// downloaded: the pause image every pod sandbox runs, a shell image (busybox's
// applets as /bin/sh, sleep, expr...) and an HTTP server image (busybox httpd on
// port 80 serving an index page).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildImage, type BuiltImage } from './oci.js';
import type { TarEntry } from './tar.js';

export const BUSYBOX_BIN = '/bin/busybox';
/** The sandbox image of every pod; built and imported by the agent at start. */
export const PAUSE_IMAGE = 'docker.io/k8ts/pause:3.10';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\ndaemon:x:1:\nwww-data:x:33:\nnogroup:x:65534:\n';

function busyboxBinary(): Buffer {
  try {
    return readFileSync(BUSYBOX_BIN);
  } catch {
    throw new Error(`${BUSYBOX_BIN} is missing: install Debian's busybox-static`);
  }
}

/**
 * The applets as `usr/bin/wget`-style paths (busybox --list-full), and each also in bin/ as the
 * Docker busybox image has them (upstream's tests run /bin/sysctl).
 */
function applets(): string[] {
  const full = execFileSync(BUSYBOX_BIN, ['--list-full'], { encoding: 'utf8' }).split('\n').filter((l) => l && l !== 'bin/busybox');
  const inBin = full.map((p) => `bin/${p.slice(p.lastIndexOf('/') + 1)}`);
  return [...new Set([...full, ...inBin])];
}

function baseFiles(): TarEntry[] {
  const dirs = ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'root', 'home', 'var', 'var/www', 'dev', 'proc', 'sys', 'run'];
  return [
    ...dirs.map((name): TarEntry => ({ name, type: 'dir', mode: name === 'root' ? 0o700 : 0o755 })),
    { name: 'tmp', type: 'dir', mode: 0o1777 },
    { name: 'bin/busybox', type: 'file', mode: 0o755, data: busyboxBinary() },
    ...applets().map((path): TarEntry => ({ name: path, type: 'symlink', linkname: '/bin/busybox' })),
    { name: 'etc/passwd', type: 'file', data: Buffer.from(PASSWD) },
    { name: 'etc/group', type: 'file', data: Buffer.from(GROUP) },
    { name: 'etc/hostname', type: 'file', data: Buffer.from('localhost\n') },
  ];
}

/** Sleeps forever as PID 1 of the sandbox (holds its namespaces). */
export function pauseImage(): BuiltImage {
  return buildImage({
    files: [{ name: 'bin', type: 'dir' }, { name: 'bin/busybox', type: 'file', mode: 0o755, data: busyboxBinary() }],
    entrypoint: ['/bin/busybox', 'sleep', '2147483647'],
  });
}

/** A shell: `sh` by default, every busybox applet on PATH. */
export function shellImage(): BuiltImage {
  return buildImage({ files: baseFiles(), cmd: ['sh'] });
}

export const HTTPD_INDEX = '<!DOCTYPE html>\n<html><head><title>k8ts httpd</title></head><body><h1>It works: served by busybox httpd</h1></body></html>\n';

/** busybox httpd in the foreground on port 80, serving /var/www. */
export function httpdImage(): BuiltImage {
  return buildImage({
    files: [...baseFiles(), { name: 'var/www/index.html', type: 'file', data: Buffer.from(HTTPD_INDEX) }],
    entrypoint: ['httpd', '-f', '-v', '-p', '80', '-h', '/var/www'],
    exposedPorts: [80],
  });
}
