import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Job } from '../job/types.js';
import { msUntilExpiry } from './controller.js';

test('a finished Job expires ttlSecondsAfterFinished after its terminal condition', () => {
  const finishedAt = Date.parse('2024-01-01T00:00:00Z');
  const job = (ttl: number | undefined, type = 'Complete'): Job => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j' },
    spec: { ttlSecondsAfterFinished: ttl, template: {} },
    status: { conditions: [{ type, status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] },
  });
  assert.equal(msUntilExpiry(job(10), finishedAt + 4000), 6000);
  assert.equal(msUntilExpiry(job(10, 'Failed'), finishedAt + 11_000), -1000);
  assert.equal(msUntilExpiry(job(0), finishedAt), 0);
  assert.equal(msUntilExpiry(job(undefined), finishedAt), undefined);
  assert.equal(msUntilExpiry(job(10, 'SuccessCriteriaMet'), finishedAt), undefined, 'not finished yet');
});
