// Every controller the controller manager runs. Add a controller with one line.
import { csrCleanerController } from './certificates/cleaner.js';
import { csrSigningController } from './certificates/signing.js';
import type { Controller } from './context.js';
import { cronJobController } from './cronjob/controller.js';
import { daemonSetController } from './daemonset/controller.js';
import { deploymentController } from './deployment/controller.js';
import { disruptionController } from './disruption/controller.js';
import { garbageCollectorController } from './garbagecollector/controller.js';
import { jobController } from './job/controller.js';
import { endpointsController } from './endpoints/controller.js';
import { endpointSliceController } from './endpointslice/controller.js';
import { endpointSliceMirroringController } from './endpointslice/mirroring.js';
import { nodeLifecycleController } from './nodelifecycle/controller.js';
import { taintEvictionController } from './nodelifecycle/taint-eviction.js';
import { podGCController } from './podgc/controller.js';
import { namespaceController } from './namespace/controller.js';
import { replicaSetController, replicationController } from './replicaset/controller.js';
import { resourceQuotaController } from './resourcequota/controller.js';
import { rootCAPublisher } from './serviceaccount/root-ca-publisher.js';
import { serviceAccountsController } from './serviceaccount/serviceaccounts-controller.js';
import { statefulSetController } from './statefulset/controller.js';
import { ttlAfterFinishedController } from './ttlafterfinished/controller.js';

export const controllers: Controller[] = [
  replicaSetController,
  replicationController,
  deploymentController,
  statefulSetController,
  daemonSetController,
  disruptionController,
  endpointsController,
  endpointSliceController,
  endpointSliceMirroringController,
  nodeLifecycleController,
  taintEvictionController,
  podGCController,
  garbageCollectorController,
  namespaceController,
  serviceAccountsController,
  rootCAPublisher,
  resourceQuotaController,
  jobController,
  cronJobController,
  ttlAfterFinishedController,
  csrSigningController,
  csrCleanerController,
];
