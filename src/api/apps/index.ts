import type { KindStrategy } from '../kind.js';
import { controllerRevisionStrategy } from './controllerrevision.js';
import { daemonSetStrategy } from './daemonset.js';
import { deploymentStrategy } from './deployment.js';
import { replicaSetStrategy } from './replicaset.js';
import { statefulSetStrategy } from './statefulset.js';

export { controllerRevisionStrategy, daemonSetStrategy, deploymentStrategy, replicaSetStrategy, statefulSetStrategy };

/** The kinds of apps/v1. */
export const appsKinds: KindStrategy[] = [deploymentStrategy, replicaSetStrategy, statefulSetStrategy, daemonSetStrategy, controllerRevisionStrategy];
