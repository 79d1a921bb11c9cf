// Protobuf field tables for k8s.io/api/autoscaling/v1, as kubectl 1.33 encodes them. Notation: ./notation.ts.
import type { ProtoPackage } from './notation.js';

export const autoscalingV1: ProtoPackage = {
  name: 'autoscaling.v1',
  groupVersion: 'autoscaling/v1',
  kinds: ['Scale'],
  messages: {
    Scale: 'metadata=1:meta.v1.ObjectMeta spec=2:ScaleSpec status=3:ScaleStatus',
    ScaleSpec: 'replicas=1:int32',
    ScaleStatus: 'replicas=1:int32! selector=2:string',
  },
};
