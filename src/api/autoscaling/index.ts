import type { KindStrategy } from '../kind.js';
import { horizontalPodAutoscalerStrategy } from './hpa.js';
import { horizontalPodAutoscalerV1Strategy } from './hpa-v1.js';

export { horizontalPodAutoscalerStrategy, horizontalPodAutoscalerV1Strategy };
export { hpaV1ToV2, hpaV2ToV1 } from './conversion.js';

/** autoscaling/v2 (stored) and autoscaling/v1 (converted) HorizontalPodAutoscalers. */
export const autoscalingKinds: KindStrategy[] = [horizontalPodAutoscalerStrategy, horizontalPodAutoscalerV1Strategy];
