// A local image registry for tests: Debian's docker-registry on a loopback
// port (config written here), images pushed to it over the Registry HTTP API
// v2, and a k3s registries.yaml mirroring docker.io to it — so containerd pulls
// `nginx` or `busybox` through CRI exactly as it would from Docker Hub.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { httpdImage, shellImage } from '../../src/kubelet/images/busybox.js';
import type { BuiltImage } from '../../src/kubelet/images/oci.js';
import { tempDir } from './tmp.js';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface TestRegistry {
  /** host:port */
  host: string;
  push(repository: string, tag: string, image: BuiltImage): Promise<void>;
  /** registries.yaml (k3s format) mirroring docker.io to this registry. */
  registriesYaml(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitUp(base: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log()}`);
    try {
      const r = await fetch(`${base}/v2/`);
      if (r.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not start: ${log()}`);
}

export async function startRegistry(): Promise<TestRegistry> {
  const dir = tempDir('k8ts-registry');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  mkdirSync(join(dir, 'data'));
  const config = join(dir, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n`);
  const child = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  const base = `http://${host}`;
  await waitUp(base, child, () => output);

  async function pushBlob(repository: string, digest: string, data: Buffer): Promise<void> {
    const head = await fetch(`${base}/v2/${repository}/blobs/${digest}`, { method: 'HEAD' });
    if (head.status === 200) return;
    const start = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`registry: starting upload: ${start.status} ${await start.text()}`);
    const location = new URL(start.headers.get('location') ?? '', base);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', body: data, headers: { 'Content-Type': 'application/octet-stream' } });
    if (put.status !== 201) throw new Error(`registry: uploading ${digest}: ${put.status} ${await put.text()}`);
  }

  return {
    host,
    async push(repository, tag, image) {
      for (const b of [image.config, ...image.layers]) await pushBlob(repository, b.digest, b.data);
      const r = await fetch(`${base}/v2/${repository}/manifests/${tag}`, { method: 'PUT', body: image.manifest.data, headers: { 'Content-Type': image.manifest.mediaType } });
      if (r.status !== 201) throw new Error(`registry: pushing ${repository}:${tag}: ${r.status} ${await r.text()}`);
    },
    registriesYaml: () => `mirrors:\n  docker.io:\n    endpoint:\n      - "http://${host}"\n`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The images of the seeds' examples, built from busybox: nginx (httpd on :80),
 * busybox/ubuntu/alpine (a shell), ubuntu-sleeper (ENTRYPOINT sleep, CMD 5).
 */
export async function pushSeedImages(registry: TestRegistry): Promise<void> {
  const shell = shellImage();
  const httpd = httpdImage();
  await registry.push('library/nginx', 'latest', httpd);
  await registry.push('library/nginx', '1.16', httpd);
  for (const name of ['busybox', 'ubuntu', 'alpine']) await registry.push(`library/${name}`, 'latest', shell);
}
