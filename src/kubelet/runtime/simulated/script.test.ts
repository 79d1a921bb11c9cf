import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execExitCode, parseDuration, scriptFor, type ScriptInput } from './script.js';

const input = (over: Partial<ScriptInput>): ScriptInput => ({ name: 'app', image: 'nginx', command: [], args: [], env: {}, annotations: {}, ...over });

test('durations as Go writes them, bare numbers in seconds', () => {
  assert.equal(parseDuration('3s'), 3000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('2'), 2000);
  assert.equal(parseDuration('soon'), undefined);
});

test('a server image without a command runs until stopped; a shell image exits at once', () => {
  assert.equal(scriptFor(input({})).exitAfterMs, undefined);
  assert.deepEqual(scriptFor(input({ image: 'busybox:1.36' })).exitAfterMs, 0);
  assert.equal(scriptFor(input({ image: 'busybox', stdin: true })).exitAfterMs, undefined);
});

test('finite commands exit after their sleeps with their exit code and output', () => {
  const s = scriptFor(input({ command: ['sh', '-c', 'echo hello $NAME; sleep 2; exit 3'], env: { NAME: 'world' } }));
  assert.equal(s.exitAfterMs, 2000);
  assert.equal(s.exitCode, 3);
  assert.deepEqual(s.output, ['hello world']);
  assert.equal(scriptFor(input({ command: ['sleep', '5'] })).exitAfterMs, 5000);
  assert.equal(scriptFor(input({ command: ['/bin/false'] })).exitCode, 1);
  assert.equal(scriptFor(input({ command: ['true'] })).exitAfterMs, 0);
  assert.equal(scriptFor(input({ command: ['sh', '-c', 'sleep 3600'] })).exitAfterMs, 3_600_000);
  assert.equal(scriptFor(input({ command: ['sh', '-c', 'while true; do sleep 1; done'] })).exitAfterMs, undefined);
  assert.equal(scriptFor(input({ command: ['sleep', 'infinity'] })).exitAfterMs, undefined);
  assert.equal(scriptFor(input({ command: ['nginx', '-g', 'daemon off;'] })).exitAfterMs, undefined);
  assert.deepEqual(scriptFor(input({ command: ['env'], env: { A: '1' } })).output, ['A=1']);
});

test('annotations override the command, per container when suffixed with its name', () => {
  const ann = { 'k8ts.io/simulate-exit-after': '3s', 'k8ts.io/simulate-exit-code': '2', 'k8ts.io/simulate-exit-after.side': '1s' };
  const app = scriptFor(input({ annotations: ann }));
  assert.equal(app.exitAfterMs, 3000);
  assert.equal(app.exitCode, 2);
  assert.equal(scriptFor(input({ name: 'side', annotations: ann })).exitAfterMs, 1000);
  assert.equal(scriptFor(input({ annotations: { 'k8ts.io/simulate-exit-code': '1' } })).exitAfterMs, 0);
  const probes = scriptFor(input({ annotations: { 'k8ts.io/simulate-probe-fail': 'liveness, readiness' } })).failingProbes;
  assert.deepEqual([...probes].sort(), ['liveness', 'readiness']);
});

test('exec commands exit as their last statement', () => {
  assert.equal(execExitCode(['cat', '/tmp/healthy'], {}).exitCode, 0);
  assert.equal(execExitCode(['false'], {}).exitCode, 1);
  assert.equal(execExitCode(['sh', '-c', 'exit 7'], {}).exitCode, 7);
});
