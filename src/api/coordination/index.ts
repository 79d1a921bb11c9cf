import type { KindStrategy } from '../kind.js';
import { leaseStrategy } from './lease.js';

export { leaseStrategy };

/** The kinds of coordination.k8s.io/v1. */
export const coordinationKinds: KindStrategy[] = [leaseStrategy];
