// Protobuf field tables for k8s.io/api/autoscaling/v1, as kubectl 1.33 encodes them. Notation: ./notation.ts.
import type { ProtoPackage } from './notation.js';

export const autoscalingV1: ProtoPackage = {
  name: 'autoscaling.v1',
  groupVersion: 'autoscaling/v1',
  kinds: ['Scale', 'HorizontalPodAutoscaler'],
  messages: {
    Scale: 'metadata=1:meta.v1.ObjectMeta spec=2:ScaleSpec status=3:ScaleStatus',
    ScaleSpec: 'replicas=1:int32',
    ScaleStatus: 'replicas=1:int32! selector=2:string',
    HorizontalPodAutoscaler: `
      metadata=1:meta.v1.ObjectMeta spec=2:HorizontalPodAutoscalerSpec
      status=3:HorizontalPodAutoscalerStatus
    `,
    HorizontalPodAutoscalerSpec: `
      scaleTargetRef=1:CrossVersionObjectReference minReplicas=2:int32? maxReplicas=3:int32!
      targetCPUUtilizationPercentage=4:int32?
    `,
    CrossVersionObjectReference: 'kind=1:string! name=2:string! apiVersion=3:string',
    HorizontalPodAutoscalerStatus: `
      observedGeneration=1:int64? lastScaleTime=2:Time? currentReplicas=3:int32!
      desiredReplicas=4:int32! currentCPUUtilizationPercentage=5:int32?
    `,
  },
};
