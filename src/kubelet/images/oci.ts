// OCI images built in memory: one layer from a list of files, an image config
// (entrypoint, cmd, env, workdir) and a manifest — as blobs that can be pushed
// to a registry (Registry HTTP API v2) or packed into an OCI layout archive
// that containerd imports.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { goArch } from '../node-status.js';
import { tar, type TarEntry } from './tar.js';

export const MEDIA_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const MEDIA_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface ImageSpec {
  files: TarEntry[];
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  exposedPorts?: number[];
  user?: string;
}

export interface Blob {
  digest: string;
  mediaType: string;
  data: Buffer;
}

export interface BuiltImage {
  manifest: Blob;
  config: Blob;
  layers: Blob[];
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function blob(mediaType: string, data: Buffer): Blob {
  return { digest: sha256(data), mediaType, data };
}

function descriptor(b: Blob, annotations?: Record<string, string>): Record<string, unknown> {
  return { mediaType: b.mediaType, digest: b.digest, size: b.data.length, ...(annotations ? { annotations } : {}) };
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const layerTar = tar(spec.files);
  // mtime 0 in the gzip header keeps the digest stable across builds.
  const layer = blob(MEDIA_LAYER_GZIP, gzipSync(layerTar, { level: 6 }));
  const config = blob(
    MEDIA_CONFIG,
    Buffer.from(
      JSON.stringify({
        created: '1970-01-01T00:00:00Z',
        architecture: goArch(),
        os: 'linux',
        config: {
          Env: spec.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
          ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
          ...(spec.cmd ? { Cmd: spec.cmd } : {}),
          ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
          ...(spec.user ? { User: spec.user } : {}),
          ...(spec.exposedPorts ? { ExposedPorts: Object.fromEntries(spec.exposedPorts.map((p) => [`${p}/tcp`, {}])) } : {}),
        },
        rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
        history: [{ created: '1970-01-01T00:00:00Z', created_by: 'k8ts image builder' }],
      }),
    ),
  );
  const manifest = blob(MEDIA_MANIFEST, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_MANIFEST, config: descriptor(config), layers: [descriptor(layer)] })));
  return { manifest, config, layers: [layer] };
}

/** An OCI image layout archive holding the image under `names` (fully qualified, e.g. docker.io/library/busybox:latest). */
export function ociArchive(image: BuiltImage, names: string[]): Buffer {
  const blobs = [image.config, ...image.layers, image.manifest];
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: names.map((name) =>
      descriptor(image.manifest, { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.slice(name.lastIndexOf(':') + 1) }),
    ),
  };
  return tar([
    { name: 'oci-layout', type: 'file', data: Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })) },
    { name: 'index.json', type: 'file', data: Buffer.from(JSON.stringify(index)) },
    { name: 'blobs', type: 'dir' },
    { name: 'blobs/sha256', type: 'dir' },
    ...blobs.map((b): TarEntry => ({ name: `blobs/sha256/${b.digest.slice('sha256:'.length)}`, type: 'file', data: b.data })),
  ]);
}
