import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { configMapPlugin } from './configmap.js';
import { hostContext, memorySources, mountedFsType, podWith, removeRoot, tempRoot } from './testing.js';

const root = tempRoot('k8ts-configmap');
after(() => removeRoot(root));
let n = 0;
const dir = () => join(root, `v${n++}`);

test('every key (data and binaryData) becomes a 0644 file on disk, mounted read-only', async () => {
  const sources = memorySources();
  sources.configMaps.set('default/game', { data: { 'game.properties': 'lives=3', ui: 'color=blue' }, binaryData: { logo: Buffer.from([0, 1, 2]).toString('base64') } });
  const ctx = hostContext(podWith([{ name: 'config', configMap: { name: 'game' } }]), sources, dir());
  const result = await configMapPlugin.setUp(ctx);
  assert.deepEqual(result, { path: ctx.dir, readOnly: true });
  assert.deepEqual(readdirSync(ctx.dir).filter((f) => !f.startsWith('..')).sort(), ['game.properties', 'logo', 'ui']);
  assert.equal(readFileSync(join(ctx.dir, 'game.properties'), 'utf8'), 'lives=3');
  assert.deepEqual([...readFileSync(join(ctx.dir, 'logo'))], [0, 1, 2]);
  assert.equal(statSync(join(ctx.dir, 'ui')).mode & 0o777, 0o644);
  assert.equal(mountedFsType(ctx.dir), '', 'configMap volumes live on the node disk');
});

test('items map keys to paths with their own mode, defaultMode for the rest', async () => {
  const sources = memorySources();
  sources.configMaps.set('default/game', { data: { a: '1', b: '2', c: '3' } });
  const ctx = hostContext(
    podWith([{ name: 'config', configMap: { name: 'game', defaultMode: 0o400, items: [{ key: 'a', path: 'path/to/a' }, { key: 'b', path: 'b.txt', mode: 0o600 }] } }]),
    sources,
    dir(),
  );
  await configMapPlugin.setUp(ctx);
  assert.deepEqual(readdirSync(ctx.dir).filter((f) => !f.startsWith('..')).sort(), ['b.txt', 'path']);
  assert.equal(readFileSync(join(ctx.dir, 'path', 'to', 'a'), 'utf8'), '1');
  assert.equal(statSync(join(ctx.dir, 'path', 'to', 'a')).mode & 0o777, 0o400);
  assert.equal(statSync(join(ctx.dir, 'b.txt')).mode & 0o777, 0o600);
});

test('a missing ConfigMap or key fails with upstream messages; optional ones give what exists', async () => {
  const sources = memorySources();
  const missing = hostContext(podWith([{ name: 'config', configMap: { name: 'nope' } }]), sources, dir());
  await assert.rejects(configMapPlugin.setUp(missing), { message: 'configmap "nope" not found' });
  const optional = hostContext(podWith([{ name: 'config', configMap: { name: 'nope', optional: true } }]), sources, dir());
  await configMapPlugin.setUp(optional);
  assert.deepEqual(readdirSync(optional.dir).filter((f) => !f.startsWith('..')), []);
  sources.configMaps.set('default/game', { data: { a: '1' } });
  const badKey = hostContext(podWith([{ name: 'config', configMap: { name: 'game', items: [{ key: 'zzz', path: 'z' }] } }]), sources, dir());
  await assert.rejects(configMapPlugin.setUp(badKey), { message: 'configmap references non-existent config key: zzz' });
});

test('setting up again after the ConfigMap changed swaps the files atomically', async () => {
  const sources = memorySources();
  sources.configMaps.set('default/game', { data: { a: '1', b: '2' } });
  const ctx = hostContext(podWith([{ name: 'config', configMap: { name: 'game' } }]), sources, dir());
  await configMapPlugin.setUp(ctx);
  const before = readlinkSync(join(ctx.dir, '..data'));
  sources.configMaps.set('default/game', { data: { a: 'one' } });
  await configMapPlugin.setUp(ctx);
  assert.notEqual(readlinkSync(join(ctx.dir, '..data')), before);
  assert.equal(readFileSync(join(ctx.dir, 'a'), 'utf8'), 'one');
  assert.deepEqual(readdirSync(ctx.dir).filter((f) => !f.startsWith('..')), ['a']);
});
