// MutatingWebhookConfiguration (admissionregistration.k8s.io/v1, cluster-scoped):
// upstream pkg/registry/admissionregistration/mutatingwebhookconfiguration.
import type { KindStrategy } from '../kind.js';
import { ageCell, ageColumn, nameColumn } from '../core/printers.js';
import { listOf, mapsOf, stringOf } from '../core/util.js';
import { integerColumn } from '../workloads-common.js';
import { defaultWebhook, validateWebhooks } from './webhook.js';

export const mutatingWebhookConfigurationStrategy: KindStrategy = {
  names: {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'MutatingWebhookConfiguration',
    plural: 'mutatingwebhookconfigurations',
    singular: 'mutatingwebhookconfiguration',
    categories: ['api-extensions'],
    namespaced: false,
  },
  generation: true,
  defaults: (obj) => mapsOf(obj.webhooks).forEach((hook) => defaultWebhook(hook, true)),
  validate: (obj) => validateWebhooks(mapsOf(obj.webhooks), true),
  table: {
    columns: [nameColumn, integerColumn('Webhooks', 'Webhooks indicates the number of webhooks registered in this configuration'), ageColumn],
    cells: (obj) => [stringOf(obj.metadata?.name), listOf(obj.webhooks).length, ageCell(obj)],
  },
};
