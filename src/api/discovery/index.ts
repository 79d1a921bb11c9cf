import type { KindStrategy } from '../kind.js';
import { endpointSliceStrategy } from './endpointslice.js';

export { endpointSliceStrategy };

/** The kinds of discovery.k8s.io/v1. */
export const discoveryKinds: KindStrategy[] = [endpointSliceStrategy];
