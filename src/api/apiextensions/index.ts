// apiextensions.k8s.io/v1: CustomResourceDefinitions can be read (get, list, watch) but not
// yet written, as custom resources are not served. Reading is what kubectl needs: before it
// validates a kind whose OpenAPI has no PATCH operation (TokenReview), it lists the CRDs to
// learn whether the kind is one of them, and fails if that list cannot be read.
import type { KindStrategy } from '../kind.js';
import { CREATION_TIMESTAMP_DESCRIPTION, nameColumn } from '../core/printers.js';

export const customResourceDefinitionStrategy: KindStrategy = {
  names: {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    namespaced: false,
  },
  verbs: ['get', 'list', 'watch'],
  // The apiextensions server has no printer: kubectl shows the default table.
  table: {
    columns: [nameColumn, { name: 'Created At', type: 'date', description: CREATION_TIMESTAMP_DESCRIPTION, priority: 0 }],
    cells: (obj) => [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? null],
  },
};

/** The kinds of apiextensions.k8s.io/v1. */
export const apiExtensionsKinds: KindStrategy[] = [customResourceDefinitionStrategy];
