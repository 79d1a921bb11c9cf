import type { KindStrategy } from '../kind.js';
import { eventStrategy } from './event.js';

export { eventStrategy };
export { EVENTS_V1_FIELD_LABELS, coreV1ToEventsV1, eventsV1ToCoreV1 } from './conversion.js';

/** The kinds of events.k8s.io/v1. */
export const eventsKinds: KindStrategy[] = [eventStrategy];
