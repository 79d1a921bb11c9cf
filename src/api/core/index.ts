import type { KindStrategy } from '../kind.js';

/** The kinds of the core group (apiVersion v1). */
export const coreKinds: KindStrategy[] = [];
