// Into real containers: `kubectl top` from the runtime's cgroup figures, `kubectl exec -i` with
// stdin end-of-file, `kubectl attach`, `kubectl run -it --rm` and `kubectl debug -it --target`, and container log rotation — on
// `k8ts server` with this machine as a node over its own containerd, images from a local
// docker-registry. Needs root, containerd, runc, the CNI plugins, busybox-static and
// docker-registry; a missing one fails the test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { kubectlPath } from '../helpers/kubectl.js';
import { pushSeedImages, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { eventually as poll } from '../helpers/eventually.js';
import { kubectlInTerminal } from '../helpers/streaming.js';

const eventually = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 90_000) => poll(what, check, timeoutMs);

/** A `kubectl top` quantity: millicores for CPU, bytes for memory. */
function quantity(text: string): number {
  const m = /^(\d+)(m|Ki|Mi|Gi)?$/.exec(text);
  assert.ok(m, `not a quantity: ${text}`);
  const unit = m[2] ?? '';
  return Number(m[1]) * ({ '': 1, m: 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 } as Record<string, number>)[unit];
}

/** This machine's memory working set as /proc/meminfo has it (usage minus inactive file pages). */
function hostWorkingSet(): number {
  const text = readFileSync('/proc/meminfo', 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name.replace(/[()]/g, '\\$&')}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return kib('MemTotal') - kib('MemFree') - kib('Inactive(file)');
}

const LOG_MAX_SIZE = 64 * 1024;
const LOG_MAX_FILES = 3;

describe('into real containers', () => {
  let registry: TestRegistry;
  let cluster: TestCluster;

  const apply = (manifest: object) => cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(manifest) });
  const pod = (name: string, spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, ...spec } });
  const running = (name: string) =>
    eventually(`${name} Running`, async () => (await cluster.kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])) === 'Running', 120_000);

  before(async () => {
    registry = await startRegistry();
    await pushSeedImages(registry);
    cluster = await startTestCluster({
      runtime: 'containerd',
      registriesYaml: registry.registriesYaml(),
      nodeName: 'k8ts-node',
      containerLogMaxSize: LOG_MAX_SIZE,
      containerLogMaxFiles: LOG_MAX_FILES,
      containerLogMonitorPeriodMs: 1000,
    });
    await eventually('node Ready', async () => (await cluster.kubectl(['get', 'node', 'k8ts-node', '--no-headers'])).split(/\s+/)[1] === 'Ready');
  });
  after(async () => {
    await cluster?.stop();
    await registry?.stop();
  });

  test('kubectl top pod shows the CPU a busy container burns and the memory a container holds', async () => {
    await apply(pod('burner', { containers: [{ name: 'burn', image: 'busybox', command: ['sh', '-c', 'while :; do :; done'] }] }));
    // 48 MiB written to the container's /dev/shm (a tmpfs charged to its memory cgroup).
    await apply(pod('holder', { containers: [{ name: 'hold', image: 'busybox', command: ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=48 && sleep 3600'] }] }));
    await running('burner');
    await running('holder');
    const top = async (name: string) => {
      const r = await cluster.kubectlResult(['top', 'pod', name, '--no-headers']);
      if (r.code !== 0) return undefined;
      const [, cpu, memory] = r.stdout.trim().split(/\s+/);
      return { cpu: quantity(cpu), memory: quantity(memory) };
    };
    await eventually('burner over 200m', async () => ((await top('burner'))?.cpu ?? 0) >= 200);
    await eventually('holder over 40Mi', async () => ((await top('holder'))?.memory ?? 0) >= 40 * 1024 ** 2);
    // Right after dd the rate still covers its work; once it sleeps, its CPU falls to almost nothing.
    await eventually('holder idle (under 100m)', async () => ((await top('holder'))?.cpu ?? Infinity) < 100);
    const containers = await cluster.kubectl(['top', 'pod', 'burner', '--containers', '--no-headers']);
    assert.match(containers, /^burner\s+burn\s+\d+m\s+\d+Mi/);
  });

  test('kubectl top node shows the node\'s own usage', async () => {
    const out = await cluster.kubectl(['top', 'node', 'k8ts-node', '--no-headers']);
    const [name, cpu, , memory] = out.trim().split(/\s+/);
    assert.equal(name, 'k8ts-node');
    // The burner alone keeps a good part of a core busy.
    assert.ok(quantity(cpu) >= 200, `node CPU ${cpu}`);
    const expected = hostWorkingSet();
    const reported = quantity(memory);
    assert.ok(Math.abs(reported - expected) < expected * 0.25, `node memory ${memory}, /proc/meminfo says ${Math.round(expected / 1024 ** 2)}Mi`);
  });

  const shellPod = async () => {
    await apply(pod('shell', { containers: [{ name: 'sh', image: 'busybox', command: ['sleep', '3600'] }] }));
    await running('shell');
  };

  test('kubectl exec -i passes stdin to the end: cat sees end-of-file and exits 0', async () => {
    await shellPod();
    const echoed = await cluster.kubectlResult(['exec', '-i', 'shell', '--', 'cat'], { stdin: 'hi\n' });
    assert.equal(echoed.code, 0, echoed.stderr);
    assert.equal(echoed.stdout, 'hi\n');
    const megabyte = 'x'.repeat(1024 * 1024);
    const counted = await cluster.kubectlResult(['exec', '-i', 'shell', '--', 'wc', '-c'], { stdin: megabyte });
    assert.equal(counted.code, 0, counted.stderr);
    assert.equal(counted.stdout.trim(), String(megabyte.length));
    const empty = await cluster.kubectlResult(['exec', '-i', 'shell', '--', 'sh', '-c', 'cat; echo done >&2; exit 7'], { stdin: '' });
    assert.equal(empty.code, 7);
    assert.match(empty.stderr, /^done\n/);
  });

  test('kubectl exec streams 100 MiB of a real container\'s output without losing a byte', async () => {
    await shellPod();
    const size = 100 * 1024 * 1024;
    const child = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'exec', 'shell', '--', 'head', '-c', String(size), '/dev/zero'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let got = 0;
    let nonZero = 0;
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      got += c.length;
      for (const b of c) if (b !== 0) nonZero++;
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.equal(got, size);
    assert.equal(nonZero, 0);
  });

  test('kubectl exec -it runs a shell in a terminal', async () => {
    await shellPod();
    const r = await kubectlInTerminal(cluster.kubeconfig, ['exec', '-it', 'shell', '--', 'sh'], [
      // busybox's prompt may be followed by a cursor position query.
      { waitFor: /\/ # /, type: 'echo tty-$((40+2))\r' },
      { waitFor: /tty-42/, type: 'exit 4\r' },
    ]);
    assert.equal(r.code, 4, r.output);
  });

  test('kubectl debug -it --target runs a shell beside a real container, sees its processes and exits cleanly', async () => {
    await apply(pod('debuggee', { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3601'] }] }));
    await running('debuggee');
    const r = await kubectlInTerminal(cluster.kubeconfig, ['debug', 'debuggee', '-it', '--image=busybox', '--target=app', '--container=debugger', '--profile=general'], [
      // The shell prompted before kubectl attached: type at kubectl's hint.
      { waitFor: /try pressing enter/, type: '\r' },
      // A fresh prompt, with busybox's cursor position query after it (the terminal answers it).
      { waitFor: /\/ # (\W\[6n)?$/, type: 'ps -o pid,args; echo seen-$((6*7))\r' },
      { waitFor: /seen-42/, type: 'exit\r' },
    ], 120_000);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /Targeting container "app"/);
    // The target's PID namespace: its process is PID 1 there, the debugger's shell is another.
    assert.match(r.output, /\b1 sleep 3601\r\n/, r.output);
    type Status = { name: string; state: { terminated?: { exitCode: number; reason: string } } };
    const debuggerStatus = await eventually('the debugger terminated', async () => {
      const statuses = JSON.parse(await cluster.kubectl(['get', 'pod', 'debuggee', '-o', 'jsonpath={.status.ephemeralContainerStatuses}'])) as Status[];
      return statuses.find((c) => c.name === 'debugger' && c.state.terminated);
    });
    assert.deepEqual([debuggerStatus.state.terminated?.exitCode, debuggerStatus.state.terminated?.reason], [0, 'Completed']);
    // The pod goes on running.
    assert.equal(await cluster.kubectl(['get', 'pod', 'debuggee', '-o', 'jsonpath={.status.phase}']), 'Running');
  });

  test('kubectl attach -i sends stdin to the container\'s process and shows its output', async () => {
    await apply(
      pod('reader', {
        restartPolicy: 'Never',
        containers: [{ name: 'read', image: 'busybox', stdin: true, stdinOnce: true, command: ['sh', '-c', 'read line; sleep 1; echo got:$line; cat; echo eof'] }],
      }),
    );
    await running('reader');
    const r = await cluster.kubectlResult(['attach', '-i', 'reader', '-c', 'read'], { stdin: 'hello\nmore\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /got:hello\nmore\neof\n/);
    await eventually('reader Succeeded', async () => (await cluster.kubectl(['get', 'pod', 'reader', '-o', 'jsonpath={.status.phase}'])) === 'Succeeded');
  });

  test('kubectl attach without stdin streams the output of a running container', async () => {
    await apply(pod('ticker', { containers: [{ name: 'tick', image: 'busybox', command: ['sh', '-c', 'i=0; while :; do echo tick $i; i=$((i+1)); sleep 1; done'] }] }));
    await running('ticker');
    const child = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'attach', 'ticker'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      // Two ticks printed after kubectl attached: the stream is live, not a replay of the log.
      const first = await eventually('a tick through attach', async () => /tick (\d+)/.exec(output)?.[1]);
      await eventually('a later tick', async () => new RegExp(`tick ${Number(first) + 2}\\n`).test(output));
      assert.equal(child.exitCode, null, output);
    } finally {
      child.kill();
    }
  });

  // containerd starts copying stdin a moment before it hooks up the output: the containers here
  // wait a little after reading, or what they print may go to their log only (upstream's e2e
  // tests read the log for the same reason).
  test('kubectl run -i --rm runs a pod, attaches to it and deletes it', async () => {
    const r = await cluster.kubectlResult(['run', 'once', '--image=busybox', '-i', '--rm', '--restart=Never', '--', 'sh', '-c', 'read x; sleep 1; echo got $x'], { stdin: 'hello\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /got hello/, r.stderr);
    assert.match(r.stdout, /pod "once" deleted/);
    await eventually('pod once gone', async () => (await cluster.kubectlResult(['get', 'pod', 'once'])).code !== 0);
  });

  test('kubectl run -it --rm gives a terminal in a new pod', async () => {
    const r = await kubectlInTerminal(cluster.kubeconfig, ['run', 'term', '--image=busybox', '-it', '--rm', '--restart=Never', '--', 'sh'], [
      // The shell prompted before kubectl attached: type at kubectl's hint.
      { waitFor: /try pressing enter/, type: 'echo in-$((6*7))\r' },
      { waitFor: /in-42/, type: 'exit\r' },
    ], 120_000);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /pod "term" deleted/);
  });

  test('kubectl cp copies files and directories both ways on a real container (tar over exec)', async () => {
    await apply(pod('cp-target', { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] }));
    await running('cp-target');
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-cp-'));
    mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'tree', 'a.txt'), 'alpha\n');
    writeFileSync(join(dir, 'tree', 'sub', 'b.bin'), Buffer.alloc(300_000, 7));
    await cluster.kubectl(['cp', join(dir, 'tree', 'a.txt'), 'cp-target:/tmp/a.txt']);
    assert.equal(await cluster.kubectl(['exec', 'cp-target', '--', 'cat', '/tmp/a.txt']), 'alpha\n');
    await cluster.kubectl(['cp', join(dir, 'tree'), 'cp-target:/data']);
    assert.equal(await cluster.kubectl(['exec', 'cp-target', '--', 'ls', '/data/sub']), 'b.bin\n');
    await cluster.kubectl(['cp', 'cp-target:/data', join(dir, 'back')]);
    assert.equal(readFileSync(join(dir, 'back', 'a.txt'), 'utf8'), 'alpha\n');
    assert.ok(readFileSync(join(dir, 'back', 'sub', 'b.bin')).equals(Buffer.alloc(300_000, 7)));
  });

  test('a chatty container\'s log is rotated by size, old files are removed and kubectl logs follows the live file', async () => {
    // About 25 KiB a second: a rotation every few seconds.
    const script = 'i=0; while :; do i=$((i+1)); echo "chatty line $i $(printf %0100d 0)"; [ $((i % 200)) = 0 ] && sleep 1; done';
    await apply(pod('chatty', { containers: [{ name: 'chatty', image: 'busybox', command: ['sh', '-c', script] }] }));
    await running('chatty');
    const runtime = cluster.server.agent!.node.runtime;
    const [c] = await runtime.listContainers({ labelSelector: { 'io.kubernetes.pod.name': 'chatty' } });
    const { logPath } = await runtime.containerStatus(c.id);
    const rotated = async () => (await readdir(dirname(logPath))).filter((n) => n.startsWith(`${basename(logPath)}.`)).sort();
    const lineNumber = (text: string) => Number(/chatty line (\d+)/.exec(text.trim().split('\n').pop() ?? '')?.[1] ?? -1);
    // Two rotations: the second shows the runtime reopened the live file after the first.
    const files = await eventually('two rotated files', async () => ((await rotated()).length >= 2 ? rotated() : undefined), 120_000);
    const newestRotated = lineNumber(readFileSync(join(dirname(logPath), files[files.length - 1]), 'utf8'));
    assert.ok(newestRotated > 0);
    // kubectl logs reads the live file, which goes on past what was rotated.
    await eventually('kubectl logs past the rotated file', async () => lineNumber(await cluster.kubectl(['logs', 'chatty', '--tail=1'])) > newestRotated);
    // Never more than --container-log-max-files files, the live one included.
    await eventually('old rotated files removed', async () => {
      const now = await rotated();
      return now.length <= LOG_MAX_FILES - 1 && now[0] !== files[0];
    }, 120_000);
    assert.ok(statSync(logPath).size < LOG_MAX_SIZE * 4, 'the live file stays near the limit');
  });
});
