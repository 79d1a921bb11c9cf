// The networking objects the endpoints controllers read and write, typed from
// the upstream OpenAPI models (kubernetes-models) and usable with the API client.
import type { IEndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';
import type { IEndpoint } from 'kubernetes-models/discovery.k8s.io/v1/Endpoint';
import type { IEndpointPort as ISliceEndpointPort } from 'kubernetes-models/discovery.k8s.io/v1/EndpointPort';
import type { IEndpointAddress } from 'kubernetes-models/v1/EndpointAddress';
import type { IEndpointPort } from 'kubernetes-models/v1/EndpointPort';
import type { IEndpoints } from 'kubernetes-models/v1/Endpoints';
import type { IEndpointSubset } from 'kubernetes-models/v1/EndpointSubset';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServicePort } from 'kubernetes-models/v1/ServicePort';
import type { KubeObject } from '../../client/types.js';
import type { ObjectMeta } from '../../machinery/meta.js';

type Obj<T> = Omit<T, 'metadata'> & KubeObject & { metadata?: ObjectMeta };

export type Service = Obj<IService>;
export type ServicePort = IServicePort;
export type Endpoints = Obj<IEndpoints>;
export type EndpointSubset = IEndpointSubset;
export type EndpointAddress = IEndpointAddress;
export type EndpointPort = IEndpointPort;
export type EndpointSlice = Obj<IEndpointSlice>;
export type SliceEndpoint = IEndpoint;
export type SliceEndpointPort = ISliceEndpointPort;

/** Well-known labels and annotations (upstream core/v1 and discovery/v1 constants). */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const ANNOTATION_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
export const ANNOTATION_LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const ANNOTATION_LEADER = 'control-plane.alpha.kubernetes.io/leader';
