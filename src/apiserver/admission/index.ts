// The admission chain of the server, in upstream's order.
import type { ResourceMap } from '../registry/resource-map.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import type { AdmissionPlugin } from './plugin.js';
import { priorityAdmission } from './priority.js';
import { serviceAccountAdmission } from './service-account.js';

export function admissionPlugins(resources: ResourceMap): AdmissionPlugin[] {
  return [serviceAccountAdmission(resources), defaultTolerationSeconds, priorityAdmission(resources)];
}

export type { AdmissionOperation, AdmissionPlugin } from './plugin.js';
