// The volume plugins the kubelet knows, tried in order.
import { configMapPlugin } from './configmap.js';
import { downwardAPIPlugin } from './downward-api.js';
import { emptyDirPlugin } from './empty-dir.js';
import { hostPathPlugin } from './host-path.js';
import { persistentVolumeClaimPlugin } from './persistent-volume-claim.js';
import type { VolumePlugin } from './plugin.js';
import { projectedPlugin } from './projected.js';
import { secretPlugin } from './secret.js';

export const volumePlugins: VolumePlugin[] = [
  emptyDirPlugin,
  hostPathPlugin,
  configMapPlugin,
  secretPlugin,
  downwardAPIPlugin,
  projectedPlugin,
  persistentVolumeClaimPlugin,
];
