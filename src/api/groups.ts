import type { KindStrategy } from './kind.js';

/** The kinds of every named API group (apps, batch, ...). */
export const groupKinds: KindStrategy[] = [];
