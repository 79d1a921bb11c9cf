import type { KindStrategy } from '../kind.js';
import { configMapStrategy } from './configmap.js';
import { namespaceStrategy } from './namespace.js';
import { persistentVolumeClaimStrategy } from './persistentvolumeclaim.js';
import { podStrategy } from './pod.js';
import { serviceStrategy } from './service.js';

/** The kinds of the core group (apiVersion v1). */
export const coreKinds: KindStrategy[] = [namespaceStrategy, configMapStrategy, podStrategy, serviceStrategy, persistentVolumeClaimStrategy];
