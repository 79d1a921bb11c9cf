import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { BUSYBOX_BIN } from './busybox.js';
import { hostBinaryImage, sharedLibraries } from './host-binary.js';
import { buildImage, ociArchive } from './oci.js';
import { credentialsOf, pullAuthFor, registryOf } from './pull-secrets.js';
import { tar } from './tar.js';

test('tar: ustar headers with checksums, 512-byte blocks, long names in the prefix field', () => {
  const long = `${'d'.repeat(80)}/${'f'.repeat(60)}`;
  const t = tar([
    { name: 'a.txt', type: 'file', data: Buffer.from('hello') },
    { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox' },
    { name: long, type: 'file', data: Buffer.alloc(0) },
  ]);
  assert.equal(t.length % 512, 0);
  assert.equal(t.subarray(0, 5).toString(), 'a.txt');
  assert.equal(t.subarray(257, 262).toString(), 'ustar');
  assert.equal(t.subarray(512, 517).toString(), 'hello');
  const sum = [...t.subarray(0, 512)].reduce((s, b, i) => s + (i >= 148 && i < 156 ? 32 : b), 0);
  assert.equal(parseInt(t.subarray(148, 155).toString(), 8), sum);
  assert.equal(t.subarray(1024 + 157, 1024 + 169).toString(), '/bin/busybox');
  assert.equal(t.subarray(1536 + 345, 1536 + 425).toString(), 'd'.repeat(80));
});

test('OCI image: config diff_ids name the uncompressed layer, the manifest names blobs by digest', () => {
  const img = buildImage({ files: [{ name: 'hello', type: 'file', data: Buffer.from('hi') }], entrypoint: ['/hello'], cmd: ['x'] });
  const config = JSON.parse(img.config.data.toString());
  const uncompressed = gunzipSync(img.layers[0].data);
  assert.equal(config.rootfs.diff_ids[0], `sha256:${createHash('sha256').update(uncompressed).digest('hex')}`);
  assert.deepEqual(config.config.Entrypoint, ['/hello']);
  const manifest = JSON.parse(img.manifest.data.toString());
  assert.equal(manifest.config.digest, img.config.digest);
  assert.equal(manifest.layers[0].size, img.layers[0].data.length);
  const archive = ociArchive(img, ['docker.io/library/hello:latest']);
  assert.match(archive.toString('latin1'), /"io\.containerd\.image\.name":"docker\.io\/library\/hello:latest"/);
});

test('imagePullSecrets: dockerconfigjson credentials matched to the image registry', async () => {
  assert.equal(registryOf('nginx'), 'docker.io');
  assert.equal(registryOf('user/app:1'), 'docker.io');
  assert.equal(registryOf('reg.example:5000/app'), 'reg.example:5000');
  const doc = { auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') }, 'reg.example:5000': { username: 'u', password: 'p' } } };
  const secret = { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(JSON.stringify(doc)).toString('base64') } };
  const creds = credentialsOf(secret);
  assert.equal(creds.get('docker.io')?.username, 'hub');
  assert.equal(creds.get('docker.io')?.password, 'pw');
  const auth = await pullAuthFor('reg.example:5000/app:1', 'ns', ['missing', 'regcred'], async (_ns, name) => (name === 'regcred' ? secret : undefined));
  assert.deepEqual(auth, { username: 'u', password: 'p', serverAddress: 'reg.example:5000' });
  assert.equal(await pullAuthFor('quay.io/x', 'ns', ['regcred'], async () => secret), undefined);
});

test('host binary image: the program and the libraries it links, under their directories', () => {
  const libs = sharedLibraries('/bin/sh');
  assert.ok(libs.some((l) => /\/libc\.so/.test(l)), libs.join(' '));
  assert.deepEqual(sharedLibraries(BUSYBOX_BIN), []);
  const img = hostBinaryImage('/bin/sh', '/usr/local/bin/sh', ['/usr/local/bin/sh']);
  const layer = gunzipSync(img.layers[0].data).toString('latin1');
  for (const name of ['usr/', 'usr/local/', 'usr/local/bin/', 'usr/local/bin/sh', ...libs.map((l) => l.slice(1))]) assert.ok(layer.includes(`${name}\0`), name);
  assert.ok(layer.indexOf('usr/local/\0') < layer.indexOf('usr/local/bin/sh\0'));
});
