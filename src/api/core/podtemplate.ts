// PodTemplate (upstream pkg/registry/core/podtemplate).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldPath } from '../../machinery/field.js';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from './pod.js';
import { column, containerCells, formatLabelsOrNone, nameColumn } from './printers.js';
import { mapOf, sameJson } from './util.js';

function prepareForCreate(obj: ApiObject): void {
  obj.metadata = { ...obj.metadata, generation: 1 };
}

/** Any change to the template is a new generation. */
function prepareForUpdate(obj: ApiObject, old: ApiObject): void {
  const generation = old.metadata?.generation ?? 0;
  obj.metadata = { ...obj.metadata, generation: sameJson(obj.template, old.template) ? generation : generation + 1 };
}

export const podTemplateStrategy: KindStrategy = {
  names: { group: '', version: 'v1', kind: 'PodTemplate', plural: 'podtemplates', singular: 'podtemplate', namespaced: true },
  generation: true,
  defaults: (obj) => defaultPodTemplateSpec(obj.template),
  prepareForCreate,
  prepareForUpdate,
  validate: (obj) => validatePodTemplateSpec(obj.template, FieldPath.of('template')),
  table: {
    columns: [
      nameColumn,
      column('Containers', 'Names of each container in the template.'),
      column('Images', 'Images referenced by each container in the template.'),
      column('Pod Labels', 'The labels for the pod template.'),
    ],
    cells: (obj) => {
      const template = mapOf(obj.template);
      const [names, images] = containerCells(mapOf(template.spec).containers);
      return [obj.metadata?.name ?? '', names, images, formatLabelsOrNone(mapOf(template.metadata).labels)];
    },
  },
};
