// emptyDir (upstream kubernetes.io/empty-dir): a directory that lives as long as
// the pod, on the node's disk, or with `medium: Memory` on a tmpfs whose size
// is the volume's sizeLimit.
import { Quantity } from '../../machinery/quantity.js';
import { prepareDir, VolumeError, type VolumePlugin } from './plugin.js';

function sizeBytes(limit: unknown): bigint | undefined {
  if (limit === undefined || limit === null || limit === '') return undefined;
  return BigInt(Math.ceil(Quantity.fromJSON(limit).value()));
}

export const emptyDirPlugin: VolumePlugin = {
  name: 'kubernetes.io~empty-dir',
  dynamic: false,
  canSupport: (v) => v.emptyDir !== undefined,
  async setUp({ volume, dir, host }) {
    const medium = volume.emptyDir?.medium ?? '';
    if (medium !== '' && medium !== 'Memory') throw new VolumeError(`unknown storage medium "${medium}"`);
    if (host) await prepareDir(dir, host.mounter, medium === 'Memory' ? 'memory' : 'disk', medium === 'Memory' ? sizeBytes(volume.emptyDir?.sizeLimit) : undefined);
    return { path: dir, readOnly: false };
  },
};
