import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  caCertHash,
  ensureJoinToken,
  formatJoinToken,
  joinTokenCredentialsEqual,
  joinTokenMatchesCa,
  parseJoinToken,
} from './tokens.js';

const CA = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';

test('parseJoinToken reads the secure and the short format', () => {
  const hash = caCertHash(CA);
  assert.deepEqual(parseJoinToken(`K10${hash}::server:s3cret\n`), { caHash: hash, username: 'server', password: 's3cret' });
  assert.deepEqual(parseJoinToken('s3cret'), { username: 'server', password: 's3cret' });
  assert.throws(() => parseJoinToken('K10abc::server:x'), /invalid CA hash/);
  assert.throws(() => parseJoinToken('  '), /empty/);
  const token = { caHash: hash, username: 'node', password: 'p' };
  assert.deepEqual(parseJoinToken(formatJoinToken(token)), token);
});

test('ensureJoinToken creates a token once (0600) and reuses it', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'k8ts-token-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const first = await ensureJoinToken(dataDir, CA);
  assert.match(first, /^K10[0-9a-f]{64}::server:[0-9a-f]{32}$/);
  assert.equal((await stat(join(dataDir, 'token'))).mode & 0o777, 0o600);
  assert.equal(await ensureJoinToken(dataDir, CA), first);
  assert.equal((await readFile(join(dataDir, 'token'), 'utf8')).trim(), first);
  assert.ok(joinTokenMatchesCa(first, CA));
  assert.equal(joinTokenMatchesCa(first, CA.replace('AAAA', 'BBBB')), false);
});

test('ensureJoinToken adopts a requested token and binds it to the CA', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'k8ts-token-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const token = await ensureJoinToken(dataDir, CA, 'my-shared-secret');
  assert.equal(token, `K10${caCertHash(CA)}::server:my-shared-secret`);
  assert.ok(joinTokenCredentialsEqual('my-shared-secret', token));
  assert.equal(joinTokenCredentialsEqual('other', token), false);
  await assert.rejects(ensureJoinToken(dataDir, CA, `K10${'0'.repeat(64)}::server:x`), /different cluster CA/);
});
