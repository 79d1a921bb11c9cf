import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { jobStrategy as job } from './job.js';

const UID = '0b9c6a4e-1f4c-4a5e-9c2e-6d1c1a2b3c4d';

function newJob(spec: Record<string, unknown> = {}): ApiObject {
  return {
    metadata: { name: 'pi', namespace: 'default' },
    spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } }, ...spec },
  };
}

/** What the registry does on create: defaults, prepare, then uid, then validate. */
function create(obj: ApiObject): string[] {
  job.defaults?.(obj);
  job.prepareForCreate?.(obj);
  obj.metadata = { ...obj.metadata, uid: UID, creationTimestamp: '2024-01-01T00:00:00Z' };
  return (job.validate?.(obj, {}) ?? []).map(String);
}

const spec = (obj: ApiObject) => obj.spec as Record<string, unknown>;

test('names: jobs in category all, status.successful field selector', () => {
  assert.equal(job.names.shortNames, undefined);
  assert.deepEqual(job.names.categories, ['all']);
  assert.deepEqual(job.selectableFields?.({ metadata: {} }), { 'status.successful': '0' });
});

test('defaults: completions/parallelism 1, backoffLimit 6, NonIndexed, not suspended', () => {
  const obj = newJob();
  assert.deepEqual(create(obj), []);
  const s = spec(obj);
  assert.equal(s.completions, 1);
  assert.equal(s.parallelism, 1);
  assert.equal(s.backoffLimit, 6);
  assert.equal(s.completionMode, 'NonIndexed');
  assert.equal(s.suspend, false);
  assert.equal(s.podReplacementPolicy, 'TerminatingOrFailed');
  assert.equal(s.manualSelector, undefined);
  assert.deepEqual(obj.status, {});
});

test('parallelism alone leaves completions unset', () => {
  const obj = newJob({ parallelism: 3 });
  create(obj);
  assert.equal(spec(obj).completions, undefined);
});

test('the selector and pod labels are generated from the uid and name', () => {
  const obj = newJob();
  create(obj);
  assert.deepEqual(spec(obj).selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } });
  const expected = {
    'job-name': 'pi',
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': UID,
    'batch.kubernetes.io/controller-uid': UID,
  };
  assert.deepEqual((spec(obj).template as { metadata: { labels: unknown } }).metadata.labels, expected);
  assert.deepEqual(obj.metadata?.labels, expected);
});

test('a manual selector is left alone and must match', () => {
  const obj = newJob({ manualSelector: true, selector: { matchLabels: { app: 'x' } } });
  assert.deepEqual(create(obj), [
    'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`',
  ]);
});

test('a wrong generated label is reported', () => {
  const obj = newJob();
  (spec(obj).template as Record<string, unknown>).metadata = { labels: { 'job-name': 'other' } };
  const errs = create(obj);
  assert.equal(errs[0], `spec.template.metadata.labels[job-name]: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"${UID}", "batch.kubernetes.io/job-name":"pi", "controller-uid":"${UID}", "job-name":"other"}: must be 'pi'`);
});

test('restartPolicy must be OnFailure or Never', () => {
  const obj = newJob();
  delete (spec(obj).template as { spec: Record<string, unknown> }).spec.restartPolicy;
  assert.deepEqual(create(obj), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
});

test('counts must not be negative; Indexed needs completions', () => {
  const obj = newJob({ backoffLimit: -1, completionMode: 'Indexed', parallelism: 2 });
  assert.deepEqual(create(obj), [
    'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
    'spec.completions: Required value: when completion mode is Indexed',
  ]);
});

test('the template is immutable, unless a suspended job never started changes scheduling', () => {
  const old = newJob();
  create(old);
  const next = structuredClone(old);
  (spec(next).template as { spec: Record<string, unknown> }).spec.nodeSelector = { zone: 'a' };
  assert.deepEqual((job.validateUpdate?.(next, old) ?? []).map((e) => e.field), ['spec.template']);
  spec(old).suspend = true;
  spec(next).suspend = true;
  assert.deepEqual(job.validateUpdate?.(next, old), []);
});

test('completions are immutable for NonIndexed jobs', () => {
  const old = newJob();
  create(old);
  const next = structuredClone(old);
  spec(next).completions = 4;
  assert.deepEqual((job.validateUpdate?.(next, old) ?? []).map(String), ['spec.completions: Invalid value: 4: field is immutable']);
});

test('table row: NAME STATUS COMPLETIONS DURATION AGE, wide CONTAINERS IMAGES SELECTOR', () => {
  const obj = newJob();
  create(obj);
  obj.status = {
    succeeded: 1,
    startTime: '2024-01-01T00:00:00Z',
    completionTime: '2024-01-01T00:00:42Z',
    conditions: [{ type: 'Complete', status: 'True' }],
  };
  assert.deepEqual(job.table?.columns.map((c) => c.name), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']);
  const cells = job.table?.cells(obj) ?? [];
  assert.deepEqual(cells.slice(0, 4), ['pi', 'Complete', '1/1', '42s']);
  assert.deepEqual(cells.slice(5), ['pi', 'perl', `batch.kubernetes.io/controller-uid=${UID}`]);
});

test('the completions cell of a parallel job without completions', () => {
  const obj = newJob({ parallelism: 3 });
  create(obj);
  assert.equal(job.table?.cells(obj)[2], '0/1 of 3');
  assert.equal(job.table?.cells(obj)[1], 'Running');
});
