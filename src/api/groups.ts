import { admissionRegistrationKinds } from './admissionregistration/index.js';
import { apiExtensionsKinds } from './apiextensions/index.js';
import { appsKinds } from './apps/index.js';
import { authenticationKinds } from './authentication/index.js';
import { authorizationKinds } from './authorization/index.js';
import { autoscalingKinds } from './autoscaling/index.js';
import { batchKinds } from './batch/index.js';
import { certificatesKinds } from './certificates/index.js';
import { coordinationKinds } from './coordination/index.js';
import { discoveryKinds } from './discovery/index.js';
import { eventsKinds } from './events/index.js';
import type { KindStrategy } from './kind.js';
import { networkingKinds } from './networking/index.js';
import { nodeKinds } from './node/index.js';
import { policyKinds } from './policy/index.js';
import { rbacKinds } from './rbac/index.js';
import { schedulingKinds } from './scheduling/index.js';
import { storageKinds } from './storage/index.js';

/** The kinds of every named API group (apps, batch, ...). */
export const groupKinds: KindStrategy[] = [
  ...appsKinds,
  ...batchKinds,
  ...autoscalingKinds,
  ...policyKinds,
  ...networkingKinds,
  ...discoveryKinds,
  ...storageKinds,
  ...coordinationKinds,
  ...schedulingKinds,
  ...nodeKinds,
  ...eventsKinds,
  ...rbacKinds,
  ...admissionRegistrationKinds,
  ...authenticationKinds,
  ...authorizationKinds,
  ...certificatesKinds,
  ...apiExtensionsKinds,
];
