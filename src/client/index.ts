// The client library in one import: `import { Client, Informer, ... } from '../client/index.js'`.
export * from './types.js';
export * from './errors.js';
export * from './rest.js';
export * as resources from './resources.js';
export * from './cache.js';
export * from './informer.js';
export * from './informer-factory.js';
export * from './workqueue.js';
export * from './leader-election.js';
export * from './events.js';
