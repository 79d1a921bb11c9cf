import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writePayload, type Payload } from './atomic-writer.js';
import { tempRoot } from './testing.js';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
const dir = () => {
  const d = tempRoot('k8ts-atomic');
  roots.push(d);
  return d;
};
const payload = (files: Record<string, string>, mode = 0o644): Payload => new Map(Object.entries(files).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));
const visible = (d: string) => readdirSync(d).filter((n) => !n.startsWith('..')).sort();
const tsDirs = (d: string) => readdirSync(d).filter((n) => /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/.test(n));

test('a payload is a timestamped dir, a ..data symlink to it, and user-visible symlinks through ..data', async () => {
  const d = dir();
  assert.equal(await writePayload(d, payload({ 'game.properties': 'lives=3', 'ui/colors': 'blue' })), true);
  const [ts] = tsDirs(d);
  assert.ok(ts, 'one timestamped directory');
  assert.equal(readlinkSync(join(d, '..data')), ts);
  assert.equal(readlinkSync(join(d, 'game.properties')), '..data/game.properties');
  assert.equal(readlinkSync(join(d, 'ui')), '..data/ui');
  assert.deepEqual(visible(d), ['game.properties', 'ui']);
  assert.equal(readFileSync(join(d, 'ui', 'colors'), 'utf8'), 'blue');
  assert.equal(statSync(join(d, 'game.properties')).mode & 0o777, 0o644);
});

test('modes are exact, whatever the umask', async () => {
  const d = dir();
  const old = process.umask(0o077);
  try {
    await writePayload(d, new Map([['a', { data: Buffer.from('x'), mode: 0o444 }], ['b', { data: Buffer.from('y'), mode: 0o666 }]]));
  } finally {
    process.umask(old);
  }
  assert.equal(statSync(join(d, 'a')).mode & 0o777, 0o444);
  assert.equal(statSync(join(d, 'b')).mode & 0o777, 0o666);
});

test('an update swaps ..data to a new dir, removes the old dir and keys no longer there', async () => {
  const d = dir();
  await writePayload(d, payload({ a: '1', b: '2' }));
  const [first] = tsDirs(d);
  assert.equal(await writePayload(d, payload({ a: '1-updated', c: '3' })), true);
  const dirs = tsDirs(d);
  assert.equal(dirs.length, 1);
  assert.notEqual(dirs[0], first);
  assert.equal(readlinkSync(join(d, '..data')), dirs[0]);
  assert.deepEqual(visible(d), ['a', 'c']);
  assert.equal(readFileSync(join(d, 'a'), 'utf8'), '1-updated');
  assert.equal(lstatSync(join(d, 'a')).isSymbolicLink(), true);
});

test('an unchanged payload writes nothing', async () => {
  const d = dir();
  await writePayload(d, payload({ a: '1' }));
  const [ts] = tsDirs(d);
  assert.equal(await writePayload(d, payload({ a: '1' })), false);
  assert.deepEqual(tsDirs(d), [ts]);
  assert.equal(await writePayload(d, payload({ a: '1' }, 0o600)), true, 'a mode change is a change');
});

test('paths that escape the volume are refused before anything is written', async () => {
  const d = dir();
  await assert.rejects(writePayload(d, payload({ '../evil': 'x' })), /must not contain '\.\.'/);
  await assert.rejects(writePayload(d, payload({ '/abs': 'x' })), /must be relative path/);
  await assert.rejects(writePayload(d, payload({ '..hidden': 'x' })), /must not start with '\.\.'/);
  assert.deepEqual(readdirSync(d), []);
});
