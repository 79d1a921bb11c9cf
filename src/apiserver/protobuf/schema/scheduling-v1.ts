// Protobuf field tables for k8s.io/api/scheduling/v1, as kubectl 1.33 encodes them. Notation: ./notation.ts.
import type { ProtoPackage } from './notation.js';

export const schedulingV1: ProtoPackage = {
  name: 'scheduling.v1',
  groupVersion: 'scheduling.k8s.io/v1',
  kinds: ['PriorityClass'],
  messages: {
    PriorityClass: `
      metadata=1:meta.v1.ObjectMeta value=2:int32! globalDefault=3:bool description=4:string
      preemptionPolicy=5:string?
    `,
  },
};
