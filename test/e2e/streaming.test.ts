// Into the containers: kubectl logs, exec, attach and run -it against hollow
// nodes, through the API server's pods/log, pods/exec and pods/attach and the
// kubelet's HTTPS API; the WebSocket protocols directly; the kubelet API's
// client authentication; nothing left behind when a client goes away.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:https';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get as httpGet } from 'node:http';
import { openPortForwards } from '../../src/kubelet/server/portforward.js';
import { openSessions } from '../../src/kubelet/server/streaming.js';
import { loadKubeconfig } from '../../src/pki/kubeconfig.js';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { kubectlPath } from '../helpers/kubectl.js';
import { collectMessages, eventually, kubectlInTerminal, openWebSocket } from '../helpers/streaming.js';

interface PodJson {
  spec: { nodeName?: string };
  status?: { phase?: string; containerStatuses?: { name: string; restartCount: number; state?: { running?: object } }[] };
}

describe('streaming: logs, exec, attach', () => {
  let cluster: TestCluster;
  let api: ApiClient;

  const pod = (name: string, command: string[], extra: object = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command }], ...extra },
  });

  async function create(obj: object): Promise<void> {
    const res = await api.request('POST', '/api/v1/namespaces/default/pods', obj);
    assert.equal(res.status, 201, res.text);
  }

  async function running(name: string): Promise<PodJson> {
    return eventually(async () => {
      const p = (await api.request('GET', `/api/v1/namespaces/default/pods/${name}`)).body as PodJson;
      const all = p.status?.containerStatuses ?? [];
      return all.length > 0 && all.every((c) => c.state?.running) ? p : undefined;
    }, 30_000, `pod ${name} running`);
  }

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 1, kubeletBackoffBaseMs: 500 });
    api = await apiClient(cluster.kubeconfig);
    await eventually(async () => ((await cluster.kubectl(['get', 'nodes', '-o', 'name'])).includes('node/') ? true : undefined), 30_000, 'a node');
    await create(pod('talker', ['sh', '-c', 'echo one; echo two; echo three; sleep 3600']));
    await create(pod('generator', ['sh', '-c', 'i=0; while true; do echo "logs-generator line $i"; i=$((i+1)); sleep 0.2; done']));
    await running('talker');
    await running('generator');
  });
  after(async () => cluster?.stop());

  test('Kubectl, logs', async () => {
    const all = (await cluster.kubectl(['logs', 'generator'])).trimEnd().split('\n');
    assert.ok(all.length >= 1 && all[0] === 'logs-generator line 0', all.join('|'));
    const last = await cluster.kubectl(['logs', 'generator', '--tail=1']);
    assert.equal(last.trimEnd().split('\n').length, 1);
    assert.match(last, /^logs-generator line \d+\n$/);
    assert.equal((await cluster.kubectl(['logs', 'generator', '--limit-bytes=1'])).length, 1);
    const stamped = await cluster.kubectl(['logs', 'generator', '--tail=1', '--timestamps']);
    assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z logs-generator line \d+\n$/);
    await new Promise((r) => setTimeout(r, 1500));
    const recent = (await cluster.kubectl(['logs', 'generator', '--since=1s'])).trimEnd().split('\n');
    const day = (await cluster.kubectl(['logs', 'generator', '--since=24h'])).trimEnd().split('\n');
    assert.ok(recent.length >= 1 && recent.length < day.length, `since=1s gave ${recent.length} lines, since=24h ${day.length}`);
    assert.equal(day[0], 'logs-generator line 0');
  });

  test('kubectl logs -f streams until the container exits; -c, --all-containers, --prefix, -l', async () => {
    await create(pod('counter', ['sh', '-c', 'for i in 1 2 3 4; do echo "count $i"; sleep 0.5; done']));
    await running('counter');
    const followed = await cluster.kubectl(['logs', '-f', 'counter']);
    assert.equal(followed, 'count 1\ncount 2\ncount 3\ncount 4\n');

    await create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pair', labels: { app: 'pair' } },
      spec: {
        containers: [
          { name: 'left', image: 'busybox', command: ['sh', '-c', 'echo from-left; sleep 3600'] },
          { name: 'right', image: 'busybox', command: ['sh', '-c', 'echo from-right; sleep 3600'] },
        ],
      },
    });
    await running('pair');
    assert.equal(await cluster.kubectl(['logs', 'pair', '-c', 'right']), 'from-right\n');
    const both = await cluster.kubectl(['logs', 'pair', '--all-containers', '--prefix']);
    assert.deepEqual(both.trimEnd().split('\n').sort(), ['[pod/pair/left] from-left', '[pod/pair/right] from-right']);
    assert.equal(await cluster.kubectl(['logs', '-l', 'app=talker']), 'one\ntwo\nthree\n');
    // The API without a container name: upstream's message.
    const res = await api.request('GET', '/api/v1/namespaces/default/pods/pair/log');
    assert.equal(res.status, 400);
    assert.equal((res.body as { message: string }).message, 'a container name must be specified for pod pair, choose one of: [left right]');
  });

  test('kubectl logs of deploy/x and job/x', async () => {
    await cluster.kubectl(['create', 'deployment', 'echoer', '--image=busybox', '--', 'sh', '-c', 'echo deployed; sleep 3600']);
    // The Job's pod is made here (the Job controller is not this test's subject): kubectl finds it by the Job's selector.
    await cluster.kubectl(['apply', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'once' },
        spec: {
          manualSelector: true,
          selector: { matchLabels: { job: 'once' } },
          template: { metadata: { labels: { job: 'once' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo job-output'] }] } },
        },
      }),
    });
    await create({ ...pod('once-abcde', ['sh', '-c', 'echo job-output']), metadata: { name: 'once-abcde', labels: { job: 'once' } } });
    const deployed = await eventually(async () => {
      const r = await cluster.kubectlResult(['logs', 'deploy/echoer']);
      return r.code === 0 && r.stdout === 'deployed\n' ? r.stdout : undefined;
    }, 30_000, 'deployment logs');
    assert.equal(deployed, 'deployed\n');
    const job = await eventually(async () => {
      const r = await cluster.kubectlResult(['logs', 'job/once']);
      return r.code === 0 && r.stdout === 'job-output\n' ? r.stdout : undefined;
    }, 30_000, 'job logs');
    assert.equal(job, 'job-output\n');
  });

  test('kubectl logs errors: waiting container, --previous, unknown container', async () => {
    await create({
      ...pod('waiting', ['sleep', '3600']),
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k' } } }] }],
      },
    });
    const waiting = await eventually(async () => {
      const r = await cluster.kubectlResult(['logs', 'waiting']);
      // Until the kubelet reports the waiting reason, the error says "no logs yet".
      return r.code !== 0 && r.stderr.includes('waiting to start:') ? r.stderr : undefined;
    }, 30_000, 'waiting error');
    assert.equal(waiting.trim(), 'Error from server (BadRequest): container "main" in pod "waiting" is waiting to start: CreateContainerConfigError');
    const previous = await cluster.kubectlResult(['logs', 'talker', '--previous']);
    assert.equal(previous.code, 1);
    assert.equal(previous.stderr.trim(), 'Error from server (BadRequest): previous terminated container "main" in pod "talker" not found');
    const unknown = await cluster.kubectlResult(['logs', 'talker', '-c', 'nope']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.trim(), 'error: container nope is not valid for pod talker');
    const missing = await cluster.kubectlResult(['logs', 'no-such-pod']);
    assert.equal(missing.stderr.trim(), 'error: error from server (NotFound): pods "no-such-pod" not found in namespace "default"');
  });

  test('kubectl logs --previous reads the last terminated instance', async () => {
    await create({ ...pod('crasher', ['sh', '-c', 'echo attempt; sleep 1; exit 1']), spec: { restartPolicy: 'Always', containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo attempt; sleep 1; exit 1'] }] } });
    await eventually(async () => {
      const p = (await api.request('GET', '/api/v1/namespaces/default/pods/crasher')).body as PodJson;
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? true : undefined;
    }, 40_000, 'a restart');
    assert.equal(await cluster.kubectl(['logs', 'crasher', '--previous']), 'attempt\n');
  });

  test('kubectl exec: output, exit codes, stdin, containers', async () => {
    assert.equal(await cluster.kubectl(['exec', 'talker', '--', 'echo', 'hello', 'world']), 'hello world\n');
    const failed = await cluster.kubectlResult(['exec', 'talker', '--', 'sh', '-c', 'exit 3']);
    assert.equal(failed.code, 3);
    assert.equal(failed.stderr.trim(), 'command terminated with exit code 3');
    assert.equal(await cluster.kubectl(['exec', '-i', 'talker', '--', 'cat'], { stdin: 'piped\ninput\n' }), 'piped\ninput\n');
    assert.equal(await cluster.kubectl(['exec', 'pair', '-c', 'left', '--', 'hostname']), 'pair\n');
    const notFound = await cluster.kubectlResult(['exec', 'talker', '--', 'no-such-binary']);
    assert.equal(notFound.code, 127);
    const wrong = await cluster.kubectlResult(['exec', 'talker', '-c', 'nope', '--', 'ls']);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr.trim(), 'Error from server (BadRequest): container nope is not valid for pod talker');
    await cluster.kubectl(['exec', 'talker', '--', 'sh', '-c', 'echo saved > /tmp/note']);
    assert.equal(await cluster.kubectl(['exec', 'talker', '--', 'cat', '/tmp/note']), 'saved\n');
  });

  test('kubectl exec over SPDY/3.1 (v4.channel.k8s.io), the fallback older clients use', async () => {
    const env = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
    assert.equal(await cluster.kubectl(['exec', 'talker', '--', 'echo', 'over', 'spdy'], { env }), 'over spdy\n');
    const failed = await cluster.kubectlResult(['exec', 'talker', '--', 'sh', '-c', 'exit 3'], { env });
    assert.equal(failed.code, 3);
    assert.equal(failed.stderr.trim(), 'command terminated with exit code 3');
    assert.equal(await cluster.kubectl(['exec', '-i', 'talker', '--', 'cat'], { env, stdin: 'spdy stdin\n' }), 'spdy stdin\n');
    const wrong = await cluster.kubectlResult(['exec', 'talker', '-c', 'nope', '--', 'ls'], { env });
    assert.equal(wrong.stderr.trim(), 'Error from server (BadRequest): container nope is not valid for pod talker');
  });

  test('kubectl exec streams a large output without losing bytes', async () => {
    const payload = 'x'.repeat(1023) + '\n';
    const input = payload.repeat(4096); // 4 MiB through stdin and back
    const out = await cluster.kubectl(['exec', '-i', 'talker', '--', 'cat'], { stdin: input });
    assert.equal(out.length, input.length);
    assert.equal(out, input);
  });

  test('kubectl exec -it runs an interactive shell through a terminal', async () => {
    const result = await kubectlInTerminal(cluster.kubeconfig, ['exec', '-it', 'talker', '--', 'sh'], [
      { waitFor: /# $/, type: 'echo typed-$HOSTNAME\r' },
      { waitFor: /typed-talker[\s\S]*# $/, type: 'exit 4\r' },
    ]);
    assert.match(result.output, /typed-talker\r\n/);
    assert.match(result.output, /command terminated with exit code 4/);
    assert.equal(result.code, 4);
  });

  test('kubectl run -it --rm attaches to the shell and deletes the pod', async () => {
    const result = await kubectlInTerminal(cluster.kubeconfig, ['run', '-it', '--rm', 'shell', '--image=busybox', '--restart=Never', '--', 'sh'], [
      { waitFor: /try pressing enter/, type: '\r' },
      { waitFor: /# $/, type: 'echo inside-the-pod\r' },
      { waitFor: /inside-the-pod\r\n[\s\S]*# $/, type: 'exit\r' },
    ]);
    assert.match(result.output, /inside-the-pod\r\n/);
    assert.match(result.output, /pod "shell" deleted/);
    assert.equal(result.code, 0);
  });

  test('kubectl attach streams the output of a running container', async () => {
    const child = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'attach', 'generator']);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    await eventually(async () => (/logs-generator line \d+\n[\s\S]*logs-generator line \d+\n/.test(out) ? true : undefined), 30_000, 'attached output');
    child.kill('SIGINT');
    await new Promise((r) => child.on('close', r));
  });

  test('Pods, remote command execution over websocket', async () => {
    const path = '/api/v1/namespaces/default/pods/talker/exec?command=echo&command=remote%20execution%20test&container=main&stderr=true&stdout=true';
    const { ws, protocol } = await openWebSocket(cluster.kubeconfig, path, ['channel.k8s.io']);
    assert.equal(protocol, 'channel.k8s.io');
    const messages = await collectMessages(ws);
    const stdout = Buffer.concat(messages.filter((m) => m[0] === 1).map((m) => m.subarray(1))).toString('utf8');
    assert.equal(stdout, 'remote execution test\n');
  });

  test('exec over v5.channel.k8s.io: status channel, stdin close', async () => {
    const path = '/api/v1/namespaces/default/pods/talker/exec?command=sh&command=-c&command=cat%3B%20exit%205&stdin=true&stdout=true&stderr=true';
    const { ws, protocol } = await openWebSocket(cluster.kubeconfig, path, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    assert.equal(protocol, 'v5.channel.k8s.io');
    const done = collectMessages(ws);
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('over stdin\n')]));
    ws.send(Buffer.from([255, 0]));
    const messages = await done;
    assert.equal(Buffer.concat(messages.filter((m) => m[0] === 1).map((m) => m.subarray(1))).toString(), 'over stdin\n');
    const status = JSON.parse(messages.find((m) => m[0] === 3)!.subarray(1).toString()) as { status: string; reason: string; details: { causes: { reason: string; message: string }[] } };
    assert.equal(status.status, 'Failure');
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '5' }]);
  });

  test('exec with a terminal: the resize channel reaches the process', async () => {
    const path = '/api/v1/namespaces/default/pods/talker/exec?command=sh&stdin=true&stdout=true&tty=true';
    const { ws } = await openWebSocket(cluster.kubeconfig, path, ['v5.channel.k8s.io']);
    const done = collectMessages(ws);
    ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: 132, Height: 43 }))]));
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('stty size\rexit\r')]));
    const out = Buffer.concat((await done).filter((m) => m[0] === 1).map((m) => m.subarray(1))).toString();
    assert.match(out, /stty size\r\n43 132\r\n/);
  });

  test('Pods, logs from websockets', async () => {
    const { ws } = await openWebSocket(cluster.kubeconfig, '/api/v1/namespaces/default/pods/talker/log?container=main', ['binary.k8s.io']);
    const messages = await collectMessages(ws);
    assert.equal(Buffer.concat(messages).toString('utf8'), 'one\ntwo\nthree\n');
  });

  test('a client that disconnects mid-stream leaves no session behind', async () => {
    const before = openSessions.size;
    const child = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'exec', 'talker', '--', 'sleep', '3600']);
    await eventually(async () => (openSessions.size > before ? true : undefined), 30_000, 'an open exec session');
    child.kill('SIGKILL');
    await eventually(async () => (openSessions.size === before ? true : undefined), 30_000, 'the session to end');
    const follower = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'logs', '-f', 'generator']);
    let got = '';
    follower.stdout.on('data', (c: Buffer) => (got += c.toString()));
    await eventually(async () => (got.length > 0 ? true : undefined), 30_000, 'followed output');
    follower.kill('SIGKILL');
    await new Promise((r) => follower.on('close', r));
  });

  test('kubectl cp copies files and directories both ways (tar over exec)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-cp-'));
    mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'tree', 'a.txt'), 'alpha\n');
    writeFileSync(join(dir, 'tree', 'sub', 'b.bin'), Buffer.alloc(300_000, 7));
    await cluster.kubectl(['cp', join(dir, 'tree', 'a.txt'), 'talker:/tmp/a.txt']);
    assert.equal(await cluster.kubectl(['exec', 'talker', '--', 'cat', '/tmp/a.txt']), 'alpha\n');
    await cluster.kubectl(['cp', join(dir, 'tree'), 'talker:/data']);
    assert.equal(await cluster.kubectl(['exec', 'talker', '--', 'ls', '/data/sub']), 'b.bin\n');
    await cluster.kubectl(['cp', 'talker:/data', join(dir, 'back')]);
    assert.equal(readFileSync(join(dir, 'back', 'a.txt'), 'utf8'), 'alpha\n');
    assert.ok(readFileSync(join(dir, 'back', 'sub', 'b.bin')).equals(Buffer.alloc(300_000, 7)));
    const missing = await cluster.kubectlResult(['cp', 'talker:/no/such/file', join(dir, 'nothing')]);
    assert.notEqual(missing.code, 0);
  });

  test('kubectl debug -it starts an ephemeral container and attaches to it', async () => {
    const result = await kubectlInTerminal(cluster.kubeconfig, ['debug', '-it', 'talker', '--image=busybox', '--target=main', '--container=debugger', '--profile=general'], [
      { waitFor: /try pressing enter/, type: '\r' },
      { waitFor: /# $/, type: 'echo debugging-$HOSTNAME\r' },
      { waitFor: /debugging-talker\r\n[\s\S]*# $/, type: 'exit\r' },
    ]);
    assert.match(result.output, /Targeting container "main"/);
    assert.match(result.output, /debugging-talker\r\n/);
    type WithEphemeral = { status: { ephemeralContainerStatuses?: { name: string; state: { terminated?: { exitCode: number } } }[] } };
    const debuggerStatus = await eventually(async () => {
      const now = (await api.request('GET', '/api/v1/namespaces/default/pods/talker')).body as WithEphemeral;
      return now.status.ephemeralContainerStatuses?.find((c) => c.name === 'debugger' && c.state.terminated);
    }, 30_000, 'the debugger to terminate');
    assert.equal(debuggerStatus.state.terminated?.exitCode, 0);
    // The pod itself keeps running.
    await running('talker');
  });

  /** Starts `kubectl port-forward target :port` and resolves with the local port it chose. */
  async function portForward(target: string, remote: number, env: Record<string, string> = {}) {
    const child = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'port-forward', target, `:${remote}`], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const local = await eventually(async () => {
      const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(out);
      return m ? Number(m[1]) : undefined;
    }, 30_000, `port-forward of ${target}`);
    return { local, child, output: () => out };
  }

  function httpText(port: number, path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      httpGet({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
  }

  /** Sends `data` over a plain TCP connection and resolves with what comes back once `expected` bytes arrived. */
  function echo(port: number, data: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let got = 0;
      const socket = connect(port, '127.0.0.1', () => socket.write(data));
      socket.on('data', (c: Buffer) => {
        chunks.push(c);
        got += c.length;
        if (got >= data.length) {
          socket.end();
          resolve(Buffer.concat(chunks));
        }
      });
      socket.on('error', reject);
    });
  }

  test('kubectl port-forward pod/x: HTTP, several connections at once, data both ways', async () => {
    await create({ ...pod('web', []), spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } });
    await running('web');
    const pf = await portForward('pod/web', 80);
    try {
      const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => httpText(pf.local, `/conn-${i}`)));
      assert.deepEqual(answers, [1, 2, 3, 4, 5].map((i) => `simulated pod web port 80: GET /conn-${i}\n`));
      const payload = Buffer.alloc(2 * 1024 * 1024, 'k8ts-port-forward;');
      const [a, b] = await Promise.all([echo(pf.local, payload), echo(pf.local, payload.subarray(0, 100_000))]);
      assert.ok(a.equals(payload), `echoed ${a.length} of ${payload.length} bytes`);
      assert.ok(b.equals(payload.subarray(0, 100_000)));
    } finally {
      pf.child.kill('SIGINT');
      await new Promise((r) => pf.child.on('close', r));
    }
    await eventually(async () => (openPortForwards.size === 0 ? true : undefined), 30_000, 'port-forward sessions to close');
  });

  test('kubectl port-forward svc/x over SPDY (the fallback older clients use)', async () => {
    await cluster.kubectl(['expose', 'pod', 'web', '--name=websvc', '--port=8080', '--target-port=80']);
    const pf = await portForward('svc/websvc', 8080, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
    try {
      assert.match(pf.output(), /Forwarding from 127\.0\.0\.1:\d+ -> 80/);
      assert.equal(await httpText(pf.local, '/through-service'), 'simulated pod web port 80: GET /through-service\n');
    } finally {
      pf.child.kill('SIGINT');
      await new Promise((r) => pf.child.on('close', r));
    }
  });

  test('Proxy, validate Proxy responses', async () => {
    await cluster.kubectl(['label', 'pod', 'web', 'app=web', '--overwrite']);
    await cluster.kubectl(['expose', 'pod', 'web', '--name=proxied', '--port=8080', '--target-port=80']);
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      for (const path of ['/api/v1/namespaces/default/pods/web:80/proxy/', '/api/v1/namespaces/default/services/proxied:8080/proxy/']) {
        const res = await api.request(method, path);
        assert.equal(res.status, 200, `${method} ${path}: ${res.text}`);
        assert.equal(res.text, `simulated pod web port 80: ${method} /\n`);
      }
    }
  });

  test('Proxy, validate ProxyWithPath responses', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const base of ['/api/v1/namespaces/default/pods/web:80/proxy', '/api/v1/namespaces/default/services/proxied:8080/proxy', '/api/v1/namespaces/default/services/http:proxied:8080/proxy']) {
        const res = await api.request(method, `${base}/some/path/with/PATH?x=1`);
        assert.equal(res.status, 200, `${method} ${base}: ${res.text}`);
        assert.equal(res.text, `simulated pod web port 80: ${method} /some/path/with/PATH?x=1\n`);
      }
    }
    const none = await api.request('GET', '/api/v1/namespaces/default/services/no-endpoints-svc/proxy/');
    assert.equal(none.status, 404);
  });

  test('Proxy, logs service endpoint', async () => {
    const res = await api.request('GET', '/api/v1/nodes/k8ts-sim-0/proxy/logs/');
    assert.equal(res.status, 200, res.text);
    const health = await api.request('GET', '/api/v1/nodes/k8ts-sim-0/proxy/healthz');
    assert.equal(health.text, 'ok');
  });

  test('kubectl top node and top pod --containers from metrics.k8s.io', async () => {
    const nodes = await cluster.kubectl(['top', 'node']);
    assert.match(nodes, /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)/);
    assert.match(nodes, /\nk8ts-sim-0\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
    const pods = await cluster.kubectl(['top', 'pod', 'talker']);
    assert.match(pods, /\ntalker\s+\d+m\s+\d+Mi/);
    const containers = await cluster.kubectl(['top', 'pod', 'pair', '--containers']);
    assert.match(containers, /^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    assert.match(containers, /\npair\s+left\s+\d+m\s+\d+Mi/);
    assert.match(containers, /\npair\s+right\s+\d+m\s+\d+Mi/);
    const list = (await api.request('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dtalker')).body as { kind: string; items: { metadata: { name: string }; containers: { usage: { cpu: string; memory: string } }[] }[] };
    assert.equal(list.kind, 'PodMetricsList');
    assert.deepEqual(list.items.map((i) => i.metadata.name), ['talker']);
    assert.match(list.items[0].containers[0].usage.cpu, /^\d+n$/);
    assert.match(list.items[0].containers[0].usage.memory, /^\d+Ki$/);
    const missing = await cluster.kubectlResult(['top', 'node', 'no-such-node']);
    assert.notEqual(missing.code, 0);
  });

  test('a node whose kubelet cannot be reached: upstream errors, quickly', async () => {
    // A port nothing listens on: bind one, note it, close it.
    const closedPort = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const port = (srv.address() as { port: number }).port;
        srv.close(() => resolve(port));
      });
    });
    const node = await api.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'gone-node' } });
    assert.equal(node.status, 201, node.text);
    const status = await api.request('PATCH', '/api/v1/nodes/gone-node/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: closedPort } } } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(status.status, 200, status.text);
    await create({ ...pod('stranded', ['sleep', '3600']), spec: { nodeName: 'gone-node', restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } });
    const running = { status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox', imageID: '', containerID: 'k8ts-simulated://x', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] } };
    const patched = await api.request('PATCH', '/api/v1/namespaces/default/pods/stranded/status', running, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(patched.status, 200, patched.text);
    const started = Date.now();
    const logs = await cluster.kubectlResult(['logs', 'stranded']);
    assert.equal(logs.code, 1);
    assert.equal(logs.stderr.trim(), `Error from server: Get "https://127.0.0.1:${closedPort}/containerLogs/default/stranded/main": dial tcp 127.0.0.1:${closedPort}: connect: connection refused`);
    const exec = await cluster.kubectlResult(['exec', 'stranded', '--', 'true']);
    assert.equal(exec.code, 1);
    assert.equal(exec.stderr.trim(), `Error from server: error dialing backend: dial tcp 127.0.0.1:${closedPort}: connect: connection refused`);
    assert.ok(Date.now() - started < 15_000, 'errors come quickly');
    await api.request('DELETE', '/api/v1/namespaces/default/pods/stranded?gracePeriodSeconds=0');
    await api.request('DELETE', '/api/v1/nodes/gone-node');
  });

  test('@kubernetes/client-node: Exec with its status, PortForward over the channel protocol', async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    let out = '';
    const stdout = new Writable({
      write(c: Buffer, _e, done) {
        out += c.toString();
        done();
      },
    });
    const status = await new Promise<{ status?: string; details?: { causes?: { message?: string }[] } }>((resolve, reject) => {
      new k8s.Exec(kc).exec('default', 'talker', 'main', ['sh', '-c', 'echo from-client-node; exit 2'], stdout, null, null, false, (s) => resolve(s as never)).catch(reject);
    });
    assert.equal(out, 'from-client-node\n');
    assert.equal(status.status, 'Failure');
    assert.equal(status.details?.causes?.[0]?.message, '2');
    const forwarder = new k8s.PortForward(kc);
    const listener = createServer((sock) => void forwarder.portForward('default', 'web', [80], sock, null, sock));
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    try {
      assert.equal(await httpText((listener.address() as { port: number }).port, '/client-node'), 'simulated pod web port 80: GET /client-node\n');
    } finally {
      listener.close();
    }
  });

  test('discovery lists the streaming subresources and metrics.k8s.io', async () => {
    const list = (await api.request('GET', '/api/v1')).body as { resources: { name: string; kind: string; verbs: string[] }[] };
    const byName = new Map(list.resources.map((r) => [r.name, r]));
    assert.deepEqual(byName.get('pods/exec'), { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] });
    assert.equal(byName.get('pods/log')?.kind, 'Pod');
    assert.equal(byName.get('pods/portforward')?.kind, 'PodPortForwardOptions');
    assert.equal(byName.get('services/proxy')?.kind, 'ServiceProxyOptions');
    assert.equal(byName.get('nodes/proxy')?.kind, 'NodeProxyOptions');
    const metrics = (await api.request('GET', '/apis/metrics.k8s.io/v1beta1')).body as { resources: { name: string; kind: string; verbs: string[] }[] };
    assert.deepEqual(metrics.resources.map((r) => `${r.name}:${r.kind}:${r.verbs.join(',')}`), ['nodes:NodeMetrics:get,list', 'pods:PodMetrics:get,list']);
  });

  test('the kubelet API refuses clients without a cluster certificate', async () => {
    const node = (await api.request('GET', '/api/v1/nodes')).body as { items: { status: { daemonEndpoints: { kubeletEndpoint: { Port: number } } } }[] };
    const port = node.items[0].status.daemonEndpoints.kubeletEndpoint.Port;
    assert.ok(port > 0);
    const kc = await loadKubeconfig(cluster.kubeconfig);
    const get = (path: string, withCert: boolean) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, ca: kc.caCertPem, ...(withCert ? { cert: kc.clientCertPem, key: kc.clientKeyPem } : {}) }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end();
      });
    await assert.rejects(get('/healthz', false));
    assert.deepEqual(await get('/healthz', true), { status: 200, text: 'ok' });
    const running = JSON.parse((await get('/runningpods/', true)).text) as { kind: string; items: { metadata: { name: string } }[] };
    assert.equal(running.kind, 'PodList');
    assert.ok(running.items.some((p) => p.metadata.name === 'talker'));
    const summary = JSON.parse((await get('/stats/summary', true)).text) as { node: { nodeName: string }; pods: { podRef: { name: string }; containers: { cpu: { usageNanoCores: number } }[] }[] };
    assert.equal(summary.node.nodeName, 'k8ts-sim-0');
    assert.ok(summary.pods.find((p) => p.podRef.name === 'talker')!.containers[0].cpu.usageNanoCores > 0);
    assert.match((await get('/metrics/resource', true)).text, /^container_cpu_usage_seconds_total\{container="main",namespace="default",pod="talker"\} /m);
  });
});
