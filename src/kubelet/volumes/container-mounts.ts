// A container's mounts as the runtime receives them (upstream makeMounts): each
// volumeMount becomes a host path the kubelet prepared — the volume's path, or
// a subPath / subPathExpr (expanded with the container's environment) inside
// it — with readOnly and mount propagation.
import { chmod, mkdir, realpath, stat } from 'node:fs/promises';
import { join, relative, isAbsolute, sep } from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { ContainerConfigError, expand } from '../env.js';
import type { KeyValue, Mount } from '../runtime/types.js';
import type { SetUpResult } from './plugin.js';

const PROPAGATION: Record<string, Mount['propagation']> = {
  None: 'PROPAGATION_PRIVATE',
  HostToContainer: 'PROPAGATION_HOST_TO_CONTAINER',
  Bidirectional: 'PROPAGATION_BIDIRECTIONAL',
};

function subPathOf(mount: NonNullable<IContainer['volumeMounts']>[number], env: KeyValue[], containerName: string): string {
  if (!mount.subPathExpr) return mount.subPath ?? '';
  const vars = new Map(env.map((e) => [e.key, e.value]));
  const expanded = expand(mount.subPathExpr, (n) => vars.get(n));
  if (isAbsolute(expanded) || expanded.split('/').includes('..')) {
    throw new ContainerConfigError(`failed to prepare subPath for volumeMount "${mount.name}" of container "${containerName}"`);
  }
  return expanded;
}

function inside(base: string, path: string): boolean {
  const rel = relative(base, path);
  // By segment: the atomic writer's "..2026_12_07_..." directories are inside the volume.
  return rel === '' || (rel.split(sep)[0] !== '..' && !isAbsolute(rel));
}

/** Resolves a subPath on the host: made when missing, refused when it (or a symlink in it) leaves the volume. */
async function hostSubPath(volumePath: string, subPath: string, mountName: string, containerName: string): Promise<string> {
  const target = join(volumePath, subPath);
  if (!(await stat(target).catch(() => undefined))) {
    const mode = (await stat(volumePath)).mode & 0o7777;
    try {
      let path = volumePath;
      // Each new directory gets the volume's mode exactly (mkdir's is filtered by the umask).
      for (const part of subPath.split('/').filter(Boolean)) {
        path = join(path, part);
        if (await stat(path).catch(() => undefined)) continue;
        await mkdir(path, { mode });
        await chmod(path, mode);
      }
    } catch {
      throw new ContainerConfigError(`failed to create subPath directory for volumeMount "${mountName}" of container "${containerName}"`);
    }
  }
  const [base, resolved] = await Promise.all([realpath(volumePath), realpath(target)]);
  if (!inside(base, resolved)) throw new ContainerConfigError(`failed to prepare subPath for volumeMount "${mountName}" of container "${containerName}"`);
  return resolved;
}

/**
 * The CRI mounts of one container. `onHost` says whether paths exist on this
 * node (real containers) or are only named (hollow nodes).
 */
export async function containerMounts(container: IContainer, volumes: Map<string, SetUpResult>, env: KeyValue[], onHost: boolean): Promise<Mount[]> {
  const mounts: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const volume = volumes.get(m.name);
    if (!volume) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${container.name}"`);
    const subPath = subPathOf(m, env, container.name);
    if (isAbsolute(subPath)) throw new ContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
    if (subPath.split('/').includes('..')) throw new ContainerConfigError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
    let hostPath = volume.path;
    if (subPath) hostPath = onHost ? await hostSubPath(volume.path, subPath, m.name, container.name) : join(volume.path, subPath);
    mounts.push({
      containerPath: m.mountPath,
      hostPath,
      readonly: m.readOnly === true || volume.readOnly,
      ...(m.mountPropagation ? { propagation: PROPAGATION[m.mountPropagation] ?? 'PROPAGATION_PRIVATE' } : {}),
    });
  }
  return mounts;
}
