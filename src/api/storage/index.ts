import type { KindStrategy } from '../kind.js';
import { storageClassStrategy } from './storageclass.js';

export { storageClassStrategy };
export { isDefaultStorageClass } from './storageclass.js';

/** The kinds of storage.k8s.io/v1. */
export const storageKinds: KindStrategy[] = [storageClassStrategy];
