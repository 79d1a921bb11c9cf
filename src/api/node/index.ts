import type { KindStrategy } from '../kind.js';
import { runtimeClassStrategy } from './runtimeclass.js';

export { runtimeClassStrategy };

/** The kinds of node.k8s.io/v1. */
export const nodeKinds: KindStrategy[] = [runtimeClassStrategy];
