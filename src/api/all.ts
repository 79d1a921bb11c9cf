import { coreKinds } from './core/index.js';
import { groupKinds } from './groups.js';
import type { KindStrategy } from './kind.js';

/** Every kind the API server serves. */
export const allKinds: readonly KindStrategy[] = [...coreKinds, ...groupKinds];
