// The objects the workload controllers read and write, typed from the
// upstream OpenAPI models (kubernetes-models) and usable with the API client.
import type { IControllerRevision } from 'kubernetes-models/apps/v1/ControllerRevision';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { INode } from 'kubernetes-models/v1/Node';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IReplicationController } from 'kubernetes-models/v1/ReplicationController';
import type { KubeObject } from '../../client/types.js';
import type { ObjectMeta } from '../../machinery/meta.js';

type Obj<T> = Omit<T, 'metadata'> & KubeObject & { metadata?: ObjectMeta };

export type Pod = Obj<IPod>;
export type Node = Obj<INode>;
export type PersistentVolumeClaim = Obj<IPersistentVolumeClaim>;
export type ReplicaSet = Obj<IReplicaSet>;
export type ReplicationController = Obj<IReplicationController>;
export type Deployment = Obj<IDeployment>;
export type StatefulSet = Obj<IStatefulSet>;
export type DaemonSet = Obj<IDaemonSet>;
export type ControllerRevision = Obj<IControllerRevision>;
export type PodTemplateSpec = Omit<IPodTemplateSpec, 'metadata'> & { metadata?: ObjectMeta };
export type PodCondition = NonNullable<NonNullable<IPod['status']>['conditions']>[number];
