// ServiceAccount (upstream pkg/registry/core/serviceaccount).
import type { ApiObject, KindStrategy } from '../kind.js';
import { ageCell, ageColumn, column, nameColumn } from './printers.js';
import { listOf, mapOf } from './util.js';

/** Secret references keep only their name. */
function cleanSecretReferences(obj: ApiObject): void {
  if (!Array.isArray(obj.secrets)) return;
  obj.secrets = obj.secrets.map((s) => {
    const name = mapOf(s).name;
    return name === undefined ? {} : { name };
  });
}

export const serviceAccountStrategy: KindStrategy = {
  names: {
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    shortNames: ['sa'],
    namespaced: true,
  },
  prepareForCreate: cleanSecretReferences,
  prepareForUpdate: (obj) => cleanSecretReferences(obj),
  table: {
    columns: [
      nameColumn,
      column('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'),
      ageColumn,
    ],
    cells: (obj) => [obj.metadata?.name ?? '', listOf(obj.secrets).length, ageCell(obj)],
  },
};
