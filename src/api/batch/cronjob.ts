// CronJob (batch/v1): upstream pkg/registry/batch/cronjob, batch/v1 defaults
// and batch validation (schedules parse as robfig/cron's ParseStandard).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { nameIsDNSSubdomain, validateNonnegativeField } from '../../machinery/validation.js';
import { defaultPodTemplateSpec } from '../core/pod.js';
import { ageCell, ageColumn, column, nameColumn, timestampSince } from '../core/printers.js';
import { ensureMap, invalidRendered, isMap, listOf, mapOf, numberOf, setDefault, stringOf, type JsonMap } from '../core/util.js';
import {
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  boolCell,
  formatLabelSelector,
  goLabelSelector,
  integerColumn,
  isCreate,
  statusWrites,
} from '../workloads-common.js';
import { templateContainerCells } from '../apps/template.js';
import { CronParseError, loadLocationError, parseCronSchedule } from './cron.js';
import { validateJobSpecWithoutSelector } from './job-spec.js';

const SPEC = FieldPath.of('spec');
/** Job names are the CronJob's plus an 11-character `-<timestamp>` suffix, within 63. */
const MAX_CRONJOB_NAME_LENGTH = 52;

function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jobSpec = ensureMap(ensureMap(spec, 'jobTemplate'), 'spec');
  defaultPodTemplateSpec(ensureMap(jobSpec, 'template'));
}

function validateScheduleFormat(schedule: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  try {
    parseCronSchedule(schedule);
  } catch (err) {
    if (!(err instanceof CronParseError)) throw err;
    errs.push(FieldError.invalid(path, schedule, err.message));
  }
  if (schedule.includes('TZ')) errs.push(FieldError.invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return errs;
}

const validTimeZonePart = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** validateTimeZone: an IANA zone name the server can load. */
export function validateTimeZone(value: unknown, path: FieldPath): FieldError[] {
  if (value === undefined || value === null) return [];
  const zone = stringOf(value);
  if (zone === '') return [FieldError.invalid(path, zone, 'timeZone must be nil or non-empty string')];
  for (const part of zone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !validTimeZonePart.test(part)) {
      return [FieldError.invalid(path, zone, `unknown time zone ${zone}`)];
    }
  }
  const errs: FieldError[] = [];
  if (zone.toLowerCase() === 'local') errs.push(FieldError.invalid(path, zone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  const loadError = loadLocationError(zone);
  if (loadError) errs.push(FieldError.invalid(path, zone, loadError));
  return errs;
}

function validateConcurrencyPolicy(value: unknown, path: FieldPath): FieldError[] {
  const policy = stringOf(value);
  if (policy === '') return [FieldError.required(path, '')];
  const valid = ['Allow', 'Forbid', 'Replace'];
  return valid.includes(policy) ? [] : [FieldError.notSupported(path, policy, valid)];
}

/** ValidateJobTemplateSpec: the job spec, whose selector the controller generates. */
function validateJobTemplate(template: JsonMap, path: FieldPath): FieldError[] {
  const spec = mapOf(template.spec);
  const specPath = path.child('spec');
  const errs = validateJobSpecWithoutSelector(spec, specPath);
  if (isMap(spec.selector)) errs.push(invalidRendered(specPath.child('selector'), goLabelSelector(spec.selector), '`selector` will be auto-generated'));
  if (spec.manualSelector === true) errs.push(FieldError.notSupported(specPath.child('manualSelector'), true, ['nil', 'false']));
  return errs;
}

function validateOptionalNonnegative(spec: JsonMap, name: string, path: FieldPath): FieldError[] {
  const n = numberOf(spec[name]);
  return n === undefined ? [] : validateNonnegativeField(n, path.child(name));
}

/** validateCronJobSpec. */
export function validateCronJobSpec(spec: JsonMap, path: FieldPath): FieldError[] {
  const schedule = stringOf(spec.schedule);
  const errs = schedule === '' ? [FieldError.required(path.child('schedule'), '')] : validateScheduleFormat(schedule, path.child('schedule'));
  errs.push(...validateOptionalNonnegative(spec, 'startingDeadlineSeconds', path));
  errs.push(...validateTimeZone(spec.timeZone, path.child('timeZone')));
  errs.push(...validateConcurrencyPolicy(spec.concurrencyPolicy, path.child('concurrencyPolicy')));
  errs.push(...validateJobTemplate(mapOf(spec.jobTemplate), path.child('jobTemplate')));
  errs.push(...validateOptionalNonnegative(spec, 'successfulJobsHistoryLimit', path));
  errs.push(...validateOptionalNonnegative(spec, 'failedJobsHistoryLimit', path));
  return errs;
}

function validate(obj: ApiObject): FieldError[] {
  const errs = validateCronJobSpec(mapOf(obj.spec), SPEC);
  const name = obj.metadata?.name ?? '';
  // Only on create, so that CronJobs named before the limit can still be updated.
  if (isCreate(obj) && name.length > MAX_CRONJOB_NAME_LENGTH) {
    errs.push(FieldError.invalid(FieldPath.of('metadata', 'name'), name, `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`));
  }
  return errs;
}

function cells(obj: ApiObject): (string | number)[] {
  const spec = mapOf(obj.spec);
  const status = mapOf(obj.status);
  const jobSpec = mapOf(mapOf(spec.jobTemplate).spec);
  const [containers, images] = templateContainerCells(jobSpec.template);
  const lastSchedule = status.lastScheduleTime ? timestampSince(status.lastScheduleTime) : '<none>';
  return [
    stringOf(obj.metadata?.name),
    stringOf(spec.schedule),
    typeof spec.timeZone === 'string' ? spec.timeZone : '<none>',
    boolCell(spec.suspend),
    listOf(status.active).length,
    lastSchedule,
    ageCell(obj),
    String(containers),
    String(images),
    formatLabelSelector(jobSpec.selector),
  ];
}

export const cronJobStrategy: KindStrategy = {
  names: {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    plural: 'cronjobs',
    singular: 'cronjob',
    shortNames: ['cj'],
    categories: ['all'],
    namespaced: true,
  },
  statusSubresource: true,
  generation: true,
  nameValidation: nameIsDNSSubdomain,
  defaults,
  ...statusWrites(() => ({})),
  validate,
  table: {
    columns: [
      nameColumn,
      column('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
      column('Timezone', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
      column('Suspend', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false.', 0, 'boolean'),
      integerColumn('Active', 'A list of pointers to currently running jobs.'),
      column('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
      ageColumn,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
      column('Selector', 'A label query over pods that should match the pod count.', 1),
    ],
    cells,
  },
};
