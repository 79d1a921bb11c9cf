// ReplicationController (upstream pkg/registry/core/replicationcontroller,
// ValidateReplicationController).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { goQuote } from '../../machinery/gofmt.js';
import { formatLabels } from '../../machinery/labels.js';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from './pod.js';
import { ageCell, ageColumn, column, containerCells, formatLabelsOrNone, nameColumn } from './printers.js';
import { cloneJson, ensureMap, invalidRendered, isMap, mapOf, numberOf, stringMapOf, stringOf, type JsonMap } from './util.js';

/** SetDefaults_ReplicationController: selector and labels from the template, one replica. */
function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  const template = isMap(spec.template) ? spec.template : undefined;
  const labels = template ? mapOf(template.metadata).labels : undefined;
  if (isMap(labels)) {
    if (Object.keys(mapOf(spec.selector)).length === 0) spec.selector = cloneJson(labels);
    if (Object.keys(obj.metadata?.labels ?? {}).length === 0) obj.metadata = { ...obj.metadata, labels: stringMapOf(cloneJson(labels)) };
  }
  if (numberOf(spec.replicas) === undefined) spec.replicas = 1;
  if (template) defaultPodTemplateSpec(template);
}

function prepareForCreate(obj: ApiObject): void {
  obj.status = { replicas: 0 };
}

/** %#v of a map[string]string, keys sorted as Go prints them. */
function renderLabels(labels: Record<string, string>): string {
  const entries = Object.keys(labels).sort().map((k) => `${goQuote(k)}:${goQuote(labels[k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function validateTemplate(spec: JsonMap, path: FieldPath): FieldError[] {
  if (!isMap(spec.template)) return [FieldError.required(path)];
  const template = spec.template;
  const errs: FieldError[] = [];
  const selector = stringMapOf(spec.selector);
  const labels = stringMapOf(mapOf(template.metadata).labels);
  if (Object.keys(selector).length > 0 && Object.entries(selector).some(([k, v]) => labels[k] !== v)) {
    errs.push(invalidRendered(path.child('metadata', 'labels'), renderLabels(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const templateSpec = mapOf(template.spec);
  if (templateSpec.restartPolicy !== 'Always') {
    errs.push(FieldError.notSupported(path.child('spec', 'restartPolicy'), stringOf(templateSpec.restartPolicy), ['Always']));
  }
  if (templateSpec.activeDeadlineSeconds !== undefined && templateSpec.activeDeadlineSeconds !== null) {
    errs.push(FieldError.forbidden(path.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

function nonNegative(value: unknown, path: FieldPath): FieldError[] {
  const n = numberOf(value) ?? 0;
  return n < 0 ? [FieldError.invalid(path, n, 'must be greater than or equal to 0')] : [];
}

function validate(obj: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const path = FieldPath.of('spec');
  const errs = nonNegative(spec.minReadySeconds, path.child('minReadySeconds'));
  if (Object.keys(mapOf(spec.selector)).length === 0) errs.push(FieldError.required(path.child('selector')));
  errs.push(...nonNegative(spec.replicas, path.child('replicas')));
  return errs.concat(validateTemplate(spec, path.child('template')));
}

function validateStatus(obj: ApiObject): FieldError[] {
  const status = mapOf(obj.status);
  const path = FieldPath.of('status');
  const n = (f: string): number => numberOf(status[f]) ?? 0;
  const errs = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'].flatMap((f) => nonNegative(status[f], path.child(f)));
  for (const f of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) {
    if (n(f) > n('replicas')) errs.push(FieldError.invalid(path.child(f), n(f), 'cannot be greater than status.replicas'));
  }
  if (n('availableReplicas') > n('readyReplicas')) {
    errs.push(FieldError.invalid(path.child('availableReplicas'), n('availableReplicas'), 'cannot be greater than readyReplicas'));
  }
  return errs;
}

export const replicationControllerStrategy: KindStrategy = {
  names: {
    group: '',
    version: 'v1',
    kind: 'ReplicationController',
    plural: 'replicationcontrollers',
    singular: 'replicationcontroller',
    shortNames: ['rc'],
    categories: ['all'],
    namespaced: true,
  },
  statusSubresource: true,
  // core/v1 keeps the pre-garbage-collector default: dependents are orphaned.
  defaultGarbageCollectionPolicy: 'OrphanDependents',
  generation: true,
  scale: {
    specReplicas: 'spec.replicas',
    statusReplicas: 'status.replicas',
    selector: (obj) => formatLabels(stringMapOf(mapOf(obj.spec).selector)),
  },
  defaults,
  prepareForCreate,
  prepareForUpdate: (obj, old) => {
    obj.status = cloneJson(old.status);
  },
  prepareForStatusUpdate: (obj, old) => {
    obj.spec = cloneJson(old.spec);
  },
  validate,
  validateStatusUpdate: validateStatus,
  table: {
    columns: [
      nameColumn,
      { ...column('Desired', 'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller'), type: 'integer' },
      { ...column('Current', 'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller'), type: 'integer' },
      { ...column('Ready', 'The number of ready replicas for this replication controller.'), type: 'integer' },
      ageColumn,
      column('Containers', 'Names of each container in the template.', 1),
      column('Images', 'Images referenced by each container in the template.', 1),
      column('Selector', 'Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', 1),
    ],
    cells: (obj) => {
      const spec = mapOf(obj.spec);
      const status = mapOf(obj.status);
      const [names, images] = containerCells(mapOf(mapOf(spec.template).spec).containers);
      return [
        obj.metadata?.name ?? '',
        numberOf(spec.replicas) ?? 0,
        numberOf(status.replicas) ?? 0,
        numberOf(status.readyReplicas) ?? 0,
        ageCell(obj),
        names,
        images,
        formatLabelsOrNone(spec.selector),
      ];
    },
  },
  selectableFields: (obj) => ({ 'status.replicas': String(numberOf(mapOf(obj.status).replicas) ?? 0) }),
};
