import type { KindStrategy } from '../kind.js';
import { priorityClassStrategy } from './priorityclass.js';

export { priorityClassStrategy };
export { SYSTEM_CLUSTER_CRITICAL, SYSTEM_NODE_CRITICAL, systemPriorityClasses } from './priorityclass.js';

/** The kinds of scheduling.k8s.io/v1. */
export const schedulingKinds: KindStrategy[] = [priorityClassStrategy];
