// Protobuf field tables for k8s.io/api/policy/v1, as kubectl 1.33 encodes them. Notation: ./notation.ts.
import type { ProtoPackage } from './notation.js';

export const policyV1: ProtoPackage = {
  name: 'policy.v1',
  groupVersion: 'policy/v1',
  kinds: ['PodDisruptionBudget', 'Eviction'],
  messages: {
    PodDisruptionBudget: `
      metadata=1:meta.v1.ObjectMeta spec=2:PodDisruptionBudgetSpec status=3:PodDisruptionBudgetStatus
    `,
    PodDisruptionBudgetSpec: `
      minAvailable=1:IntOrString? selector=2:meta.v1.LabelSelector? maxUnavailable=3:IntOrString?
      unhealthyPodEvictionPolicy=4:string?
    `,
    PodDisruptionBudgetStatus: `
      observedGeneration=1:int64 disruptedPods=2:{string:Time} disruptionsAllowed=3:int32!
      currentHealthy=4:int32! desiredHealthy=5:int32! expectedPods=6:int32!
      conditions=7:[meta.v1.Condition]
    `,
    Eviction: 'metadata=1:meta.v1.ObjectMeta deleteOptions=2:meta.v1.DeleteOptions?',
  },
};
