import { appsKinds } from './apps/index.js';
import { batchKinds } from './batch/index.js';
import type { KindStrategy } from './kind.js';

/** The kinds of every named API group (apps, batch, ...). */
export const groupKinds: KindStrategy[] = [...appsKinds, ...batchKinds];
