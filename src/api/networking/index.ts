import type { KindStrategy } from '../kind.js';
import { ingressStrategy } from './ingress.js';
import { ingressClassStrategy } from './ingressclass.js';
import { networkPolicyStrategy } from './networkpolicy.js';

export { ingressClassStrategy, ingressStrategy, networkPolicyStrategy };

/** The kinds of networking.k8s.io/v1. */
export const networkingKinds: KindStrategy[] = [ingressStrategy, ingressClassStrategy, networkPolicyStrategy];
