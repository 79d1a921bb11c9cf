// emptyDir (upstream kubernetes.io/empty-dir): a directory that lives as long as
// the pod, on the node's disk, or with `medium: Memory` on a tmpfs whose size
// is the volume's sizeLimit. A pod fsGroup owns it.
import { Quantity } from '../../machinery/quantity.js';
import { setVolumeOwnership } from './ownership.js';
import { prepareDir, VolumeError, type VolumePlugin } from './plugin.js';

function sizeBytes(limit: unknown): bigint | undefined {
  if (limit === undefined || limit === null || limit === '') return undefined;
  return BigInt(Math.ceil(Quantity.fromJSON(limit).value()));
}

export const emptyDirPlugin: VolumePlugin = {
  name: 'kubernetes.io~empty-dir',
  dynamic: false,
  canSupport: (v) => v.emptyDir !== undefined,
  async setUp({ pod, volume, dir, host, allocatable }) {
    const medium = volume.emptyDir?.medium ?? '';
    if (medium !== '' && medium !== 'Memory') throw new VolumeError(`unknown storage medium "${medium}"`);
    if (host) {
      // A memory volume without a sizeLimit is bounded by the node's allocatable memory (upstream SizeMemoryBackedVolumes).
      const size = medium === 'Memory' ? (sizeBytes(volume.emptyDir?.sizeLimit) ?? sizeBytes(allocatable.memory)) : undefined;
      await prepareDir(dir, host.mounter, medium === 'Memory' ? 'memory' : 'disk', size);
      await setVolumeOwnership(dir, pod.spec?.securityContext?.fsGroup, false);
    }
    return { path: dir, readOnly: false };
  },
};
