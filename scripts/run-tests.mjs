#!/usr/bin/env node
// Runs every compiled *.test.js under dist/ with node's test runner.
// Arguments filter by path substring: `npm test -- storage`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.test.js')) yield path;
  }
}

const files = [...walk(join(root, 'dist'))]
  .filter((f) => !f.includes(`${join('dist', 'bench')}`))
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Files that run real containers share the host's pod network and cgroups: they take turns in a lane of
// their own (test/helpers/host-lock.ts makes them wait anyway), beside a lane for everything else.
// --test-force-exit: a file whose tests are done exits even if a handle leaked, so one leak cannot hang CI.
const exclusive = files.filter((f) => /[/\\]e2e[/\\]containers[^/\\]*\.test\.js$/.test(f));
const shared = files.filter((f) => !exclusive.includes(f));
const lane = (list, concurrency) =>
  new Promise((resolve) => {
    if (list.length === 0) return resolve(0);
    const child = spawn(process.execPath, ['--test', '--test-force-exit', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...list], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
const codes = await Promise.all([lane(exclusive, 1), lane(shared, exclusive.length > 0 ? 1 : 2)]);
process.exit(Math.max(...codes));
