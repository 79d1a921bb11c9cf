import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { SimulatedFs } from './fs.js';
import { runCommand } from './shell.js';
import { createTar, extractTar } from './tar.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(c: Buffer, _e, done) {
        chunks.push(c);
        done();
      },
    }),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

async function run(argv: string[], fs = new SimulatedFs(), stdin?: string) {
  const out = sink();
  const err = sink();
  const input = stdin === undefined ? undefined : new PassThrough();
  input?.end(stdin);
  const code = await runCommand(argv, { env: { HOSTNAME: 'pod-a', GREETING: 'hi' }, fs, stdin: input, stdout: out.stream, stderr: err.stream, tty: false, signal: new AbortController().signal });
  return { code, out: out.text(), err: err.text() };
}

test('the simulated shell runs scripts with variables, loops, conditions and redirects', async () => {
  const fs = new SimulatedFs();
  assert.deepEqual(await run(['sh', '-c', 'echo $GREETING from $HOSTNAME; exit 3'], fs), { code: 3, out: 'hi from pod-a\n', err: '' });
  assert.equal((await run(['sh', '-c', 'for i in 1 2 3; do echo n$i; done'])).out, 'n1\nn2\nn3\n');
  assert.equal((await run(['sh', '-c', 'i=0; while [ $i -lt 2 ]; do echo i=$i; i=$((i+1)); done'])).out, 'i=0\ni=1\n');
  assert.equal((await run(['sh', '-c', 'if [ -f /nope ]; then echo yes; else echo no; fi'])).out, 'no\n');
  await run(['sh', '-c', 'echo one > /tmp/f; echo two >> /tmp/f'], fs);
  assert.equal((await run(['cat', '/tmp/f'], fs)).out, 'one\ntwo\n');
  assert.deepEqual(await run(['nope']), { code: 127, out: '', err: 'sh: nope: not found\n' });
  assert.equal((await run(['cat'], fs, 'from stdin')).out, 'from stdin');
  assert.equal((await run(['sh'], fs, 'echo a\nexit 4\necho never\n')).code, 4);
});

test('tar archives made by the simulated tar extract to the same files', async () => {
  const fs = new SimulatedFs();
  fs.writeFile('/d/a.txt', Buffer.from('A'));
  fs.writeFile('/d/deep/b.txt', Buffer.from('B'.repeat(1000)));
  const archive = await run(['tar', 'cf', '-', '/d'], fs);
  assert.equal(archive.code, 0);
  const entries = extractTar(Buffer.from(archive.out, 'latin1'));
  assert.deepEqual(entries.map((e) => `${e.type}:${e.name}`), ['dir:d', 'file:d/a.txt', 'dir:d/deep', 'file:d/deep/b.txt']);
  const copy = new SimulatedFs();
  const input = new PassThrough();
  input.end(createTar([{ name: 'x/y.txt', type: 'file', data: Buffer.from('why') }]));
  await runCommand(['tar', '--no-same-owner', '-xmf', '-', '-C', '/target'], { env: {}, fs: copy, stdin: input, tty: false, signal: new AbortController().signal });
  assert.equal(copy.readFile('/target/x/y.txt')?.toString(), 'why');
});
