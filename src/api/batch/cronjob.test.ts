import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { cronJobStrategy as cj } from './cronjob.js';

function cronJob(spec: Record<string, unknown> = {}, name = 'hello'): ApiObject {
  const obj: ApiObject = {
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '*/1 * * * *',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox' }], restartPolicy: 'OnFailure' } } } },
      ...spec,
    },
  };
  cj.defaults?.(obj);
  cj.prepareForCreate?.(obj);
  return obj;
}

const errors = (obj: ApiObject) => (cj.validate?.(obj, {}) ?? []).map(String);

test('names: cj in category all', () => {
  assert.deepEqual(cj.names.shortNames, ['cj']);
  assert.deepEqual(cj.names.categories, ['all']);
});

test('defaults: Allow, not suspended, history 3 and 1', () => {
  const spec = cronJob().spec as Record<string, unknown>;
  assert.equal(spec.concurrencyPolicy, 'Allow');
  assert.equal(spec.suspend, false);
  assert.equal(spec.successfulJobsHistoryLimit, 3);
  assert.equal(spec.failedJobsHistoryLimit, 1);
  assert.deepEqual(errors(cronJob()), []);
});

test('schedule: required and parsed', () => {
  assert.deepEqual(errors(cronJob({ schedule: '' })), ['spec.schedule: Required value']);
  assert.deepEqual(errors(cronJob({ schedule: 'x' })), ['spec.schedule: Invalid value: "x": expected exactly 5 fields, found 1: [x]']);
  assert.deepEqual(errors(cronJob({ schedule: '@hourly' })), []);
  assert.deepEqual(errors(cronJob({ schedule: 'CRON_TZ=UTC 0 * * * *' })), [
    'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
});

test('time zones', () => {
  assert.deepEqual(errors(cronJob({ timeZone: 'Europe/Berlin' })), []);
  assert.deepEqual(errors(cronJob({ timeZone: 'Mars/Base' })), ['spec.timeZone: Invalid value: "Mars/Base": unknown time zone Mars/Base']);
});

test('concurrencyPolicy, job template selector and name length', () => {
  const obj = cronJob({ concurrencyPolicy: 'Sometimes' });
  (obj.spec as { jobTemplate: { spec: Record<string, unknown> } }).jobTemplate.spec.selector = { matchLabels: { a: 'b' } };
  assert.deepEqual(errors(obj), [
    'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
  ]);
  const long = 'x'.repeat(53);
  assert.deepEqual(errors(cronJob({}, long)), [`metadata.name: Invalid value: "${long}": must be no more than 52 characters`]);
});

test('table row: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE', () => {
  const obj = cronJob();
  obj.status = { active: [{ name: 'hello-1' }], lastScheduleTime: new Date(Date.now() - 30_000).toISOString() };
  assert.deepEqual(cj.table?.columns.map((c) => c.name), [
    'Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers', 'Images', 'Selector',
  ]);
  assert.deepEqual(cj.table?.cells(obj), ['hello', '*/1 * * * *', '<none>', 'False', 1, '30s', '<unknown>', 'hello', 'busybox', '<none>']);
});
