import type { KindStrategy } from '../kind.js';
import { configMapStrategy } from './configmap.js';
import { endpointsStrategy } from './endpoints.js';
import { eventStrategy } from './event.js';
import { limitRangeStrategy } from './limitrange.js';
import { namespaceStrategy } from './namespace.js';
import { nodeStrategy } from './node.js';
import { persistentVolumeStrategy } from './persistentvolume.js';
import { persistentVolumeClaimStrategy } from './persistentvolumeclaim.js';
import { podStrategy } from './pod.js';
import { podTemplateStrategy } from './podtemplate.js';
import { replicationControllerStrategy } from './replicationcontroller.js';
import { resourceQuotaStrategy } from './resourcequota.js';
import { secretStrategy } from './secret.js';
import { serviceStrategy } from './service.js';
import { serviceAccountStrategy } from './serviceaccount.js';

/** The kinds of the core group (apiVersion v1). */
export const coreKinds: KindStrategy[] = [
  namespaceStrategy,
  podStrategy,
  serviceStrategy,
  endpointsStrategy,
  configMapStrategy,
  secretStrategy,
  serviceAccountStrategy,
  nodeStrategy,
  eventStrategy,
  replicationControllerStrategy,
  persistentVolumeStrategy,
  persistentVolumeClaimStrategy,
  resourceQuotaStrategy,
  limitRangeStrategy,
  podTemplateStrategy,
];
