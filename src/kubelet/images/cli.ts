// `k8ts images import FILE`: puts an image archive (OCI layout or docker-archive
// tar) into the node's containerd, like k3s' `ctr images import` — at once when
// the agent's containerd runs, otherwise at its next start (the file is copied
// to <data-dir>/agent/images/).
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { containerdPaths } from '../containerd/paths.js';
import { socketAnswers } from '../containerd/supervisor.js';
import { httpdImage, shellImage } from './busybox.js';
import { importImageArchive } from './import.js';
import { ociArchive, type BuiltImage } from './oci.js';

export const imagesUsage = `Usage: k8ts images import FILE... [--data-dir DIR]
       k8ts images build-test-images DIR

import: imports image archives (OCI layout or docker-archive .tar) into the node's containerd.
build-test-images: writes OCI archives built from busybox-static to DIR: nginx:k8ts (busybox httpd
  on port 80) and busybox:k8ts, ubuntu:k8ts (a shell); tagged, so pods pull them IfNotPresent.
`;

/** The test images by archive name: image names (tagged :k8ts and :latest) and how to build them. */
const TEST_IMAGES: Record<string, { names: string[]; build: () => BuiltImage }> = {
  'nginx.tar': { names: ['docker.io/library/nginx:k8ts', 'docker.io/library/nginx:latest'], build: httpdImage },
  'busybox.tar': { names: ['docker.io/library/busybox:k8ts', 'docker.io/library/busybox:latest'], build: shellImage },
  'ubuntu.tar': { names: ['docker.io/library/ubuntu:k8ts', 'docker.io/library/ubuntu:latest'], build: shellImage },
};

function snapshotterOf(configFile: string): string {
  try {
    return /snapshotter = "([^"]+)"/.exec(readFileSync(configFile, 'utf8'))?.[1] ?? 'overlayfs';
  } catch {
    return 'overlayfs';
  }
}

export async function runImages(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const [sub, ...files] = positionals;
  if (sub === 'build-test-images' && files.length === 1) {
    mkdirSync(files[0], { recursive: true });
    for (const [file, image] of Object.entries(TEST_IMAGES)) {
      writeFileSync(join(files[0], file), ociArchive(image.build(), image.names));
      process.stdout.write(`${join(files[0], file)}: ${image.names.join(', ')}\n`);
    }
    return;
  }
  if (values.help || sub !== 'import' || files.length === 0) {
    process.stdout.write(imagesUsage);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const dataDir = values['data-dir'] ?? (process.getuid?.() === 0 ? '/var/lib/k8ts' : join(homedir(), '.k8ts'));
  const paths = containerdPaths(dataDir);
  for (const file of files) if (!existsSync(file)) throw new Error(`${file}: no such file`);
  if (!(existsSync(paths.socket) && (await socketAnswers(paths.socket)))) {
    mkdirSync(paths.imagesDir, { recursive: true });
    for (const file of files) {
      copyFileSync(file, join(paths.imagesDir, basename(file)));
      process.stdout.write(`${file}: containerd is not running; copied to ${paths.imagesDir}, imported at the next agent start\n`);
    }
    return;
  }
  for (const file of files) {
    const names = await importImageArchive({ socket: paths.socket, snapshotter: snapshotterOf(paths.configFile) }, file);
    process.stdout.write(`${file}: imported ${names.join(', ') || '(no named images)'}\n`);
  }
}
