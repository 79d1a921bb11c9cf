import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLogs, parseCriLog } from './logs.js';

test('CRI log format: partial chunks joined, tail, timestamps, since and byte limit', () => {
  const text = [
    '2026-01-01T00:00:01.000000001Z stdout F one',
    '2026-01-01T00:00:02.000000001Z stdout P tw',
    '2026-01-01T00:00:02.500000001Z stdout F o',
    '2026-01-01T00:00:03.000000001Z stderr F three',
    '',
  ].join('\n');
  const lines = parseCriLog(text);
  assert.deepEqual(lines.map((l) => l.content), ['one', 'two', 'three']);
  assert.equal(formatLogs(lines), 'one\ntwo\nthree\n');
  assert.equal(formatLogs(lines, { tailLines: 1 }), 'three\n');
  assert.equal(formatLogs(lines, { timestamps: true, tailLines: 1 }), '2026-01-01T00:00:03.000000001Z three\n');
  assert.equal(formatLogs(lines, { sinceTime: new Date('2026-01-01T00:00:02Z') }), 'two\nthree\n');
  assert.equal(formatLogs(lines, { limitBytes: 5 }), 'one\nt');
});

test('CRI log format: a line the container never ended has no newline, and a stream switch keeps it', () => {
  const text = ['2026-01-01T00:00:01.000000001Z stdout P DONE', '2026-01-01T00:00:02.000000001Z stderr F err', '2026-01-01T00:00:03.000000001Z stdout P last', ''].join('\n');
  assert.equal(formatLogs(parseCriLog(text)), 'DONEerr\nlast');
});
