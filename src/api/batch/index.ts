import type { KindStrategy } from '../kind.js';
import { cronJobStrategy } from './cronjob.js';
import { jobStrategy } from './job.js';

export { cronJobStrategy, jobStrategy };
export { generateSelector } from './job.js';
export { nextActivation, parseCronSchedule, type CronSchedule } from './cron.js';

/** The kinds of batch/v1. */
export const batchKinds: KindStrategy[] = [jobStrategy, cronJobStrategy];
