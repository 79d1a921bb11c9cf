// PodTemplate (upstream pkg/registry/core/podtemplate).
import type { KindStrategy } from '../kind.js';
import { FieldPath } from '../../machinery/field.js';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from './pod.js';
import { column, containerCells, formatLabelsOrNone, nameColumn } from './printers.js';
import { mapOf } from './util.js';

export const podTemplateStrategy: KindStrategy = {
  names: { group: '', version: 'v1', kind: 'PodTemplate', plural: 'podtemplates', singular: 'podtemplate', namespaced: true },
  // The registry bumps it when the template changes (anything but metadata and status).
  generation: true,
  defaults: (obj) => defaultPodTemplateSpec(obj.template),
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
