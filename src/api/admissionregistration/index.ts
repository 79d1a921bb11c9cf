import type { KindStrategy } from '../kind.js';
import { mutatingWebhookConfigurationStrategy } from './mutatingwebhookconfiguration.js';
import { validatingWebhookConfigurationStrategy } from './validatingwebhookconfiguration.js';

export { mutatingWebhookConfigurationStrategy, validatingWebhookConfigurationStrategy };

/** The kinds of admissionregistration.k8s.io/v1. */
export const admissionRegistrationKinds: KindStrategy[] = [validatingWebhookConfigurationStrategy, mutatingWebhookConfigurationStrategy];
