// Lifecycle hooks and the volume conformance behaviours on real containers:
// `k8ts server` with this machine as a node over its own containerd, images
// from a local docker-registry (busybox-static based), driven by the real
// kubectl. What the volumes hold is read from inside the containers (cat,
// stat, ls, id), as upstream's mounttest image does. Needs root, containerd,
// runc, the CNI plugins, busybox-static and docker-registry.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually as poll } from '../helpers/eventually.js';
import { pushSeedImages, startRegistry, type TestRegistry } from '../helpers/registry.js';

const eventually = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 120_000, state?: () => Promise<unknown>) => poll(what, check, timeoutMs, state);

interface PodJson {
  metadata: { name: string; uid: string };
  status: {
    phase: string;
    podIP?: string;
    containerStatuses?: { name: string; ready: boolean; restartCount: number; state: { running?: object; waiting?: { reason: string }; terminated?: { exitCode: number } } }[];
  };
}

/** A CGI script for busybox httpd that records each request's query in the handler pod's log (upstream's netexec /echo). */
// Logs each request (method, query, X-Hook header, body) to stderr, where `kubectl logs` sees it.
const ECHO_CGI =
  '#!/bin/sh\nbody=""\n[ -n "$CONTENT_LENGTH" ] && body=$(head -c "$CONTENT_LENGTH")\necho "$REQUEST_METHOD /echo?$QUERY_STRING hook=$HTTP_X_HOOK body=$body" >&2\nprintf "Content-Type: text/plain\\r\\n\\r\\nok\\n"\n';
const HANDLER_COMMAND = ['sh', '-c', `mkdir -p /www/cgi-bin && printf '%s' "$ECHO_CGI" > /www/cgi-bin/echo && chmod 755 /www/cgi-bin/echo && exec httpd -f -p 8080 -h /www`];

describe('lifecycle hooks and volumes on real containers', () => {
  let registry: TestRegistry;
  let cluster: TestCluster;

  const getPod = async (name: string, ns = 'default') => JSON.parse(await cluster.kubectl(['get', 'pod', name, '-n', ns, '-o', 'json'])) as PodJson;
  const create = (manifest: object) => cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(manifest) });
  const pod = (name: string, spec: object, metadata: object = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...metadata }, spec: { terminationGracePeriodSeconds: 2, ...spec } });
  const running = (name: string) => eventually(`${name} Running`, async () => ((await getPod(name)).status.containerStatuses?.every((c) => c.ready) ? getPod(name) : undefined));
  const logs = (name: string, container?: string) => cluster.kubectl(['logs', name, ...(container ? ['-c', container] : [])]);
  const events = (name: string) => cluster.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']);

  before(async () => {
    registry = await startRegistry();
    await pushSeedImages(registry);
    cluster = await startTestCluster({ runtime: 'containerd', registriesYaml: registry.registriesYaml(), kubeletBackoffBaseMs: 1000, nodeName: 'k8ts-node', volumeResyncMs: 2000 });
    await eventually('node Ready', async () => (await cluster.kubectl(['get', 'node', 'k8ts-node', '--no-headers'])).split(/\s+/)[1] === 'Ready');
  });
  after(async () => {
    await cluster?.stop();
    await registry?.stop();
  });

  describe('lifecycle hooks', () => {
    let handlerIP = '';
    /** Waits until the handler pod has recorded a request for /echo?msg=<msg>. */
    const handlerGot = (msg: string) => eventually(`handler received ${msg}`, async () => (await logs('pod-handle-http-request')).includes(`GET /echo?msg=${msg}`));

    before(async () => {
      await create(pod('pod-handle-http-request', { containers: [{ name: 'agnhost-container', image: 'nginx', command: HANDLER_COMMAND, env: [{ name: 'ECHO_CGI', value: ECHO_CGI }], ports: [{ containerPort: 8080 }] }] }));
      handlerIP = (await running('pod-handle-http-request')).status.podIP ?? '';
      assert.ok(handlerIP);
    });

    test('Pod Lifecycle, post start exec hook', async () => {
      await create(
        pod('pod-with-poststart-exec-hook', {
          containers: [
            { name: 'c', image: 'busybox', command: ['sleep', '3600'], lifecycle: { postStart: { exec: { command: ['sh', '-c', `wget -qO- http://${handlerIP}:8080/cgi-bin/echo?msg=poststart`] } } } },
          ],
        }),
      );
      await running('pod-with-poststart-exec-hook');
      await handlerGot('poststart');
      await cluster.kubectl(['delete', 'pod', 'pod-with-poststart-exec-hook', '--wait=true', '--timeout=60s']);
    });

    test('Pod Lifecycle, post start http hook', async () => {
      await create(
        pod('pod-with-poststart-http-hook', {
          containers: [
            {
              name: 'c',
              image: 'busybox',
              command: ['sleep', '3600'],
              lifecycle: { postStart: { httpGet: { path: '/cgi-bin/echo?msg=poststart-http', host: handlerIP, port: 8080, httpHeaders: [{ name: 'X-Hook', value: 'poststart' }] } } },
            },
          ],
        }),
      );
      await running('pod-with-poststart-http-hook');
      await handlerGot('poststart-http hook=poststart');
      await cluster.kubectl(['delete', 'pod', 'pod-with-poststart-http-hook', '--wait=true', '--timeout=60s']);
    });

    test('Pod Lifecycle, prestop exec hook', async () => {
      await create(
        pod('pod-with-prestop-exec-hook', {
          terminationGracePeriodSeconds: 5,
          containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], lifecycle: { preStop: { exec: { command: ['sh', '-c', `wget -qO- http://${handlerIP}:8080/cgi-bin/echo?msg=prestop`] } } } }],
        }),
      );
      await running('pod-with-prestop-exec-hook');
      await cluster.kubectl(['delete', 'pod', 'pod-with-prestop-exec-hook', '--wait=true', '--timeout=60s']);
      await handlerGot('prestop');
    });

    test('Pod Lifecycle, prestop http hook', async () => {
      await create(
        pod('pod-with-prestop-http-hook', {
          terminationGracePeriodSeconds: 5,
          containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], lifecycle: { preStop: { httpGet: { path: '/cgi-bin/echo?msg=prestop-http', host: handlerIP, port: 8080 } } } }],
        }),
      );
      await running('pod-with-prestop-http-hook');
      await cluster.kubectl(['delete', 'pod', 'pod-with-prestop-http-hook', '--wait=true', '--timeout=60s']);
      await handlerGot('prestop-http');
    });

    test('Pods, prestop hook', async () => {
      // Upstream's tester posts {"Source": "prestop"} to the server pod's /write from its preStop hook.
      const post = ['wget', '-qO-', '--post-data', '{"Source": "prestop"}', `http://${handlerIP}:8080/cgi-bin/echo?msg=write`];
      await create(pod('tester', { terminationGracePeriodSeconds: 5, containers: [{ name: 'tester', image: 'busybox', command: ['sleep', '600'], lifecycle: { preStop: { exec: { command: post } } } }] }));
      await running('tester');
      await cluster.kubectl(['delete', 'pod', 'tester', '--wait=true', '--timeout=60s']);
      assert.match((await cluster.kubectlResult(['get', 'pod', 'tester'])).stderr, /pods "tester" not found/);
      await eventually('the server received the prestop write', async () => (await logs('pod-handle-http-request')).includes('POST /echo?msg=write hook= body={"Source": "prestop"}'));
    });

    test('an httpGet hook defaults to the pod IP, resolves a named port and sends its headers', async () => {
      await create(
        pod('hook-self', {
          containers: [
            {
              name: 'web',
              image: 'nginx',
              command: HANDLER_COMMAND,
              env: [{ name: 'ECHO_CGI', value: ECHO_CGI }],
              ports: [{ name: 'http-alt', containerPort: 8080 }],
              // The server may not listen yet when postStart runs: the hook waits for it the way a real one would.
              lifecycle: { postStart: { exec: { command: ['sh', '-c', 'until wget -qO- http://127.0.0.1:8080/cgi-bin/echo?msg=up; do sleep 0.2; done'] } }, preStop: { httpGet: { path: '/cgi-bin/echo?msg=self', port: 'http-alt', httpHeaders: [{ name: 'X-Hook', value: 'named' }] } } },
            },
          ],
        }),
      );
      await running('hook-self');
      // preStop from the node to the pod's own IP on the named port; the log survives until the pod is gone.
      const del = cluster.kubectl(['delete', 'pod', 'hook-self', '--wait=true', '--timeout=60s']);
      await eventually('self request logged', async () => (await logs('hook-self').catch(() => '')).includes('GET /echo?msg=self hook=named'));
      await del;
    });

    test('a failing postStart hook kills the container with FailedPostStartHook; a failing preStop hook gives FailedPreStopHook', async () => {
      await create(
        pod('hook-fails', {
          restartPolicy: 'Never',
          containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo nope; exit 3'] } } } }],
        }),
      );
      const p = await eventually('hook-fails Failed', async () => {
        const got = await getPod('hook-fails');
        return got.status.phase === 'Failed' ? got : undefined;
      });
      const uid = p.metadata.uid;
      const ev = await events('hook-fails');
      assert.match(ev, new RegExp(`FailedPostStartHook\\s+Exec lifecycle hook \\(\\[sh -c echo nope; exit 3\\]\\) for Container "c" in Pod "hook-fails_default\\(${uid}\\)" failed - error: command 'sh -c echo nope; exit 3' exited with 3: , message: "nope\\\\n"`));
      assert.match(ev, /Killing\s+FailedPostStartHook/);

      await create(
        pod('prestop-fails', {
          terminationGracePeriodSeconds: 10,
          containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], lifecycle: { preStop: { httpGet: { path: '/gone', port: 9 } } } }],
        }),
      );
      const ip = (await running('prestop-fails')).status.podIP;
      await cluster.kubectl(['delete', 'pod', 'prestop-fails', '--wait=false']);
      await eventually('FailedPreStopHook', async () => {
        const text = await events('prestop-fails');
        return new RegExp(`FailedPreStopHook\\s+HTTP lifecycle hook \\(/gone\\) for Container "c" in Pod "prestop-fails_default\\(.*\\)" failed - error: Get "http://${ip}:9/gone": dial tcp ${ip}:9: connect: connection refused`).test(text);
      });
    });
  });

  test('the pod cgroups of finished and deleted pods are removed', async () => {
    /** pod<uid> under /kubepods in any cgroup hierarchy of this machine. */
    const podCgroups = (uid: string) => {
      const roots = existsSync('/sys/fs/cgroup/cgroup.controllers') ? ['/sys/fs/cgroup'] : readdirSync('/sys/fs/cgroup').map((h) => join('/sys/fs/cgroup', h));
      return roots.flatMap((r) => ['kubepods', 'kubepods/burstable', 'kubepods/besteffort'].map((q) => join(r, q, `pod${uid}`))).filter((d) => existsSync(d));
    };
    await create(pod('cgroup-done', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
    await create(pod('cgroup-running', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    const running = (await eventually('cgroup-running Running', async () => ((await getPod('cgroup-running')).status.phase === 'Running' ? getPod('cgroup-running') : undefined))).metadata.uid;
    assert.ok(podCgroups(running).length > 0, 'a running pod has its cgroup');
    const done = (await eventually('cgroup-done Succeeded', async () => ((await getPod('cgroup-done')).status.phase === 'Succeeded' ? getPod('cgroup-done') : undefined))).metadata.uid;
    await eventually('finished pod\'s cgroups removed', async () => podCgroups(done).length === 0);
    await cluster.kubectl(['delete', 'pod', 'cgroup-running', '--wait=true', '--timeout=60s']);
    await eventually('deleted pod\'s cgroups removed', async () => podCgroups(running).length === 0);
    await cluster.kubectl(['delete', 'pod', 'cgroup-done', '--wait=true', '--timeout=60s']);
  });

  describe('volumes, read from inside the containers', { concurrency: 3 }, () => {
    let n = 0;
    /** A name of its own for each object of each test (they run side by side). */
    const uniq = (prefix: string) => `${prefix}-${++n}`;

    /** Prints a file's content and mode the way upstream's mounttest does. */
    const show = (path: string) => `echo "content of file \\"${path}\\": $(cat ${path})"; echo "mode of file \\"${path}\\": $(stat -L -c %A ${path})"`;
    const content = (path: string, value: string) => `content of file "${path}": ${value}`;
    const mode = (path: string, perms: string) => `mode of file "${path}": ${perms}`;

    /** Creates the objects, then a pod running `script` once; resolves with its log when it Succeeded. */
    const output = async (podName: string, script: string, spec: Record<string, unknown>, objects: object[] = [], ns = 'default'): Promise<string> => {
      for (const o of objects) await cluster.kubectl(['create', '-n', ns, '-f', '-'], { stdin: JSON.stringify(o) });
      const { container, ...podSpec } = spec as { container?: object };
      await cluster.kubectl(['create', '-n', ns, '-f', '-'], {
        stdin: JSON.stringify(pod(podName, { restartPolicy: 'Never', ...podSpec, containers: [{ name: 'test-container', image: 'busybox', command: ['sh', '-c', script], ...(container ?? {}) }] })),
      });
      const phase = await eventually(
        `${podName} finished`,
        async () => {
          const p = await getPod(podName, ns);
          return p.status.phase === 'Succeeded' || p.status.phase === 'Failed' ? p.status.phase : undefined;
        },
        120_000,
        async () => ({ status: (await getPod(podName, ns)).status.containerStatuses, events: await events(podName) }),
      );
      const log = await cluster.kubectl(['logs', '-n', ns, podName]);
      assert.equal(phase, 'Succeeded', log);
      await cluster.kubectl(['delete', 'pod', '-n', ns, podName, '--wait=false']);
      return log;
    };
    const includesAll = (log: string, expected: string[]) => {
      for (const e of expected) assert.ok(log.includes(e), `expected ${JSON.stringify(e)} in:\n${log}`);
    };
    const configMap = (name: string, data: Record<string, string>, binaryData?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data, ...(binaryData ? { binaryData } : {}) });
    const secret = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: data });
    const mountAt = (name: string, mountPath: string, extra: object = {}) => ({ volumeMounts: [{ name, mountPath, ...extra }] });

    // ConfigMap volumes (upstream configmap_volume.go).
    const cmCase = (testname: string, opts: { volume?: object; item?: object; runAsUser?: number; path: string; value: string; perms: string }) =>
      test(testname, async () => {
        const cm = uniq('configmap-test-volume');
        const file = `/etc/configmap-volume/${opts.path}`;
        const volume = { name: 'configmap-volume', configMap: { name: cm, ...(opts.item ? { items: [opts.item] } : {}), ...(opts.volume ?? {}) } };
        const log = await output(uniq('pod-configmaps'), show(file), {
          volumes: [volume],
          ...(opts.runAsUser ? { securityContext: { runAsUser: opts.runAsUser } } : {}),
          container: mountAt('configmap-volume', '/etc/configmap-volume'),
        }, [configMap(cm, { 'data-1': 'value-1', 'data-2': 'value-2', 'data-3': 'value-3' })]);
        includesAll(log, [content(file, opts.value), mode(file, opts.perms)]);
      });
    cmCase('ConfigMap Volume, without mapping', { path: 'data-1', value: 'value-1', perms: '-rw-r--r--' });
    cmCase('ConfigMap Volume, without mapping, non-root user', { path: 'data-1', value: 'value-1', perms: '-rw-r--r--', runAsUser: 1000 });
    cmCase('ConfigMap Volume, without mapping, volume mode set', { path: 'data-1', value: 'value-1', perms: '-r--------', volume: { defaultMode: 0o400 } });
    cmCase('ConfigMap Volume, with mapping', { path: 'path/to/data-2', value: 'value-2', perms: '-rw-r--r--', item: { key: 'data-2', path: 'path/to/data-2' } });
    cmCase('ConfigMap Volume, with mapping, volume mode set', { path: 'path/to/data-2', value: 'value-2', perms: '-r--------', item: { key: 'data-2', path: 'path/to/data-2', mode: 0o400 } });
    cmCase('ConfigMap Volume, with mapping, non-root user', { path: 'path/to/data-2', value: 'value-2', perms: '-rw-r--r--', item: { key: 'data-2', path: 'path/to/data-2' }, runAsUser: 1000 });

    test('ConfigMap Volume, multiple volume maps', async () => {
      const cm = uniq('configmap-test-volume');
      const log = await output(uniq('pod-configmaps'), `${show('/etc/configmap-volume/data-1')}; ${show('/etc/configmap-volume-2/data-1')}`, {
        volumes: [{ name: 'configmap-volume', configMap: { name: cm } }, { name: 'configmap-volume-2', configMap: { name: cm } }],
        container: { volumeMounts: [{ name: 'configmap-volume', mountPath: '/etc/configmap-volume' }, { name: 'configmap-volume-2', mountPath: '/etc/configmap-volume-2' }] },
      }, [configMap(cm, { 'data-1': 'value-1' })]);
      includesAll(log, [content('/etc/configmap-volume/data-1', 'value-1'), content('/etc/configmap-volume-2/data-1', 'value-1')]);
    });

    test('ConfigMap Volume, text data, binary data', async () => {
      const cm = uniq('configmap-test-upd');
      const binary = Buffer.from([0xde, 0xca, 0xfe, 0xba, 0xd0, 0xfe, 0xca, 0xfe]);
      const log = await output(uniq('pod-configmaps'), `${show('/etc/configmap-volume/data')}; echo "binary: $(od -An -tx1 /etc/configmap-volume/dump.bin)"`, {
        volumes: [{ name: 'configmap-volume', configMap: { name: cm } }],
        container: mountAt('configmap-volume', '/etc/configmap-volume'),
      }, [configMap(cm, { data: 'value-1' }, { 'dump.bin': binary.toString('base64') })]);
      includesAll(log, [content('/etc/configmap-volume/data', 'value-1'), 'binary:  de ca fe ba d0 fe ca fe']);
    });

    /** A running pod whose container prints `file` every half second; resolves once its log contains `expected`. */
    const watchFile = (podName: string, files: string[], { container, ...spec }: { container: object; volumes: object[] }) =>
      create(pod(podName, { ...spec, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', `while true; do for f in ${files.join(' ')}; do if [ -e $f ]; then echo "content of file \\"$f\\": $(cat $f)"; else echo "Error reading file $f"; fi; done; sleep 0.5; done`], ...container }] }));
    const logShows = (podName: string, line: string) => eventually(`${podName} shows ${line}`, async () => (await cluster.kubectl(['logs', podName, '--tail=20'])).includes(line));

    const updateCase = (testname: string, kind: 'configmap' | 'secret', projected: boolean) =>
      test(testname, async () => {
        const name = uniq(`${kind}-test-upd`);
        const podName = uniq(`pod-${kind}s`);
        const source = kind === 'configmap' ? { configMap: { name } } : { secret: { [projected ? 'name' : 'secretName']: name } };
        const volume = projected ? { name: 'v', projected: { sources: [kind === 'configmap' ? source : { secret: { name } }] } } : { name: 'v', ...source };
        await create(kind === 'configmap' ? configMap(name, { 'data-1': 'value-1' }) : secret(name, { 'data-1': 'value-1' }));
        await watchFile(podName, ['/etc/v/data-1'], { volumes: [volume], container: mountAt('v', '/etc/v') });
        await logShows(podName, content('/etc/v/data-1', 'value-1'));
        const patch = kind === 'configmap' ? { data: { 'data-1': 'value-2' } } : { stringData: { 'data-1': 'value-2' } };
        await cluster.kubectl(['patch', kind, name, '--type=merge', '-p', JSON.stringify(patch)]);
        await logShows(podName, content('/etc/v/data-1', 'value-2'));
        await cluster.kubectl(['delete', 'pod', podName, '--wait=false']);
      });
    updateCase('ConfigMap Volume, update', 'configmap', false);
    updateCase('Projected Volume, ConfigMap, update', 'configmap', true);

    /** Optional sources: one deleted, one updated, one created while the pod runs (upstream's create/update/delete tests). */
    const optionalCase = (testname: string, kind: 'configmap' | 'secret', projected: boolean) =>
      test(testname, async () => {
        const [del, upd, crt] = ['del', 'upd', 'crt'].map((k) => uniq(`${kind}-test-${k}`));
        const podName = uniq(`pod-${kind}s`);
        const obj = (name: string, data: Record<string, string>) => (kind === 'configmap' ? configMap(name, data) : secret(name, data));
        const src = (name: string) =>
          kind === 'configmap' ? { configMap: { name, optional: true } } : projected ? { secret: { name, optional: true } } : { secret: { secretName: name, optional: true } };
        const vol = (v: string, name: string) => (projected ? { name: v, projected: { sources: [src(name)] } } : { name: v, ...src(name) });
        await create(obj(del, { 'data-1': 'value-1' }));
        await create(obj(upd, { 'data-1': 'value-1' }));
        const files = ['/etc/volumes/delete/data-1', '/etc/volumes/update/data-3', '/etc/volumes/create/data-1'];
        await watchFile(podName, files, {
          volumes: [vol('delete', del), vol('update', upd), vol('create', crt)],
          container: { volumeMounts: ['delete', 'update', 'create'].map((v) => ({ name: v, mountPath: `/etc/volumes/${v}` })) },
        });
        await logShows(podName, content(files[0], 'value-1'));
        await logShows(podName, `Error reading file ${files[2]}`);
        await cluster.kubectl(['delete', kind, del]);
        const newData = kind === 'configmap' ? { 'data-3': 'value-3' } : { 'data-3': Buffer.from('value-3').toString('base64') };
        await cluster.kubectl(['patch', kind, upd, '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/data', value: newData }])]);
        await create(obj(crt, { 'data-1': 'value-1' }));
        await logShows(podName, `Error reading file ${files[0]}`);
        await logShows(podName, content(files[1], 'value-3'));
        await logShows(podName, content(files[2], 'value-1'));
        await cluster.kubectl(['delete', 'pod', podName, '--wait=false']);
      });
    optionalCase('ConfigMap Volume, create, update and delete', 'configmap', false);
    optionalCase('Secrets Volume, create, update and delete', 'secret', false);
    optionalCase('Projected Volume, ConfigMap, create, update and delete', 'configmap', true);
    optionalCase('Projected Volume, Secrets, create, update delete', 'secret', true);

    // Secret volumes (upstream secrets_volume.go).
    const secretCase = (testname: string, opts: { volume?: object; item?: object; runAsUser?: number; fsGroup?: number; path: string; perms: string; gid?: number }) =>
      test(testname, async () => {
        const name = uniq('secret-test');
        const file = `/etc/secret-volume/${opts.path}`;
        const sc = { ...(opts.runAsUser ? { runAsUser: opts.runAsUser } : {}), ...(opts.fsGroup ? { fsGroup: opts.fsGroup } : {}) };
        const log = await output(uniq('pod-secrets'), `${show(file)}; echo "gid of file: $(stat -L -c %g ${file})"`, {
          volumes: [{ name: 'secret-volume', secret: { secretName: name, ...(opts.item ? { items: [opts.item] } : {}), ...(opts.volume ?? {}) } }],
          securityContext: sc,
          container: mountAt('secret-volume', '/etc/secret-volume'),
        }, [secret(name, { 'data-1': 'value-1', 'data-2': 'value-2', 'data-3': 'value-3' })]);
        includesAll(log, [content(file, 'value-1'), mode(file, opts.perms), ...(opts.gid !== undefined ? [`gid of file: ${opts.gid}`] : [])]);
      });
    secretCase('Secrets Volume, default', { path: 'data-1', perms: '-rw-r--r--' });
    secretCase('Secrets Volume, volume mode 0400', { path: 'data-1', perms: '-r--------', volume: { defaultMode: 0o400 } });
    secretCase('Secrets Volume, volume mode 0440, fsGroup 1001 and uid 1000', { path: 'data-1', perms: '-r--r-----', volume: { defaultMode: 0o440 }, runAsUser: 1000, fsGroup: 1001, gid: 1001 });
    secretCase('Secrets Volume, mapping', { path: 'new-path-data-1', perms: '-rw-r--r--', item: { key: 'data-1', path: 'new-path-data-1' } });
    secretCase('Secrets Volume, mapping, volume mode 0400', { path: 'new-path-data-1', perms: '-r--------', item: { key: 'data-1', path: 'new-path-data-1', mode: 0o400 } });

    test('Secrets Volume, mapping multiple volume paths', async () => {
      const name = uniq('secret-test');
      const log = await output(uniq('pod-secrets'), `${show('/etc/secret-volume/data-1')}; ${show('/etc/secret-volume-2/data-1')}`, {
        volumes: [{ name: 'secret-volume', secret: { secretName: name } }, { name: 'secret-volume-2', secret: { secretName: name } }],
        container: { volumeMounts: [{ name: 'secret-volume', mountPath: '/etc/secret-volume' }, { name: 'secret-volume-2', mountPath: '/etc/secret-volume-2' }] },
      }, [secret(name, { 'data-1': 'value-1' })]);
      includesAll(log, [content('/etc/secret-volume/data-1', 'value-1'), content('/etc/secret-volume-2/data-1', 'value-1')]);
    });

    test('Secrets Volume, volume mode default, secret with same name in different namespace', async () => {
      const other = uniq('secret-namespace');
      await cluster.kubectl(['create', 'namespace', other]);
      await cluster.kubectl(['create', 'secret', 'generic', 'secret-test', '-n', other, '--from-literal=data-1=value-from-other-namespace']);
      const log = await output(uniq('pod-secrets'), show('/etc/secret-volume/data-1'), {
        volumes: [{ name: 'secret-volume', secret: { secretName: 'secret-test' } }],
        container: mountAt('secret-volume', '/etc/secret-volume'),
      }, [secret('secret-test', { 'data-1': 'value-1' })]);
      includesAll(log, [content('/etc/secret-volume/data-1', 'value-1'), mode('/etc/secret-volume/data-1', '-rw-r--r--')]);
    });

    // downwardAPI volumes, plain and projected (upstream downwardapi_volume.go, projected_downwardapi.go).
    const resources = { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '1250m', memory: '64Mi' } };
    const downwardItems = [
      { path: 'podname', fieldRef: { fieldPath: 'metadata.name' } },
      { path: 'cpu_limit', resourceFieldRef: { containerName: 'test-container', resource: 'limits.cpu' } },
      { path: 'cpu_request', resourceFieldRef: { containerName: 'test-container', resource: 'requests.cpu' } },
      { path: 'memory_limit', resourceFieldRef: { containerName: 'test-container', resource: 'limits.memory' } },
      { path: 'memory_request', resourceFieldRef: { containerName: 'test-container', resource: 'requests.memory' } },
    ];
    const downwardVolume = (projected: boolean, items: object[], defaultMode?: number) =>
      projected ? { name: 'podinfo', projected: { sources: [{ downwardAPI: { items } }], ...(defaultMode ? { defaultMode } : {}) } } : { name: 'podinfo', downwardAPI: { items, ...(defaultMode ? { defaultMode } : {}) } };
    const allocatable = async () => (JSON.parse(await cluster.kubectl(['get', 'node', 'k8ts-node', '-o', 'json'])) as { status: { allocatable: { cpu: string; memory: string } } }).status.allocatable;
    const downwardCase = (testname: string, projected: boolean, file: string, expected: () => Promise<string>, withResources = true) =>
      test(testname, async () => {
        const podName = uniq('downwardapi-volume');
        const log = await output(podName, show(`/etc/podinfo/${file}`), {
          volumes: [downwardVolume(projected, downwardItems)],
          container: { ...mountAt('podinfo', '/etc/podinfo'), ...(withResources ? { resources } : {}) },
        });
        includesAll(log, [content(`/etc/podinfo/${file}`, file === 'podname' ? podName : await expected())]);
      });
    /** Node allocatable in the downward API's units: whole cores rounded up, memory in bytes. */
    const allocatableCpu = async () => String(Math.ceil(Number((await allocatable()).cpu.replace(/m$/, '')) / ((await allocatable()).cpu.endsWith('m') ? 1000 : 1)));
    const allocatableMemory = async () => {
      const m = /^(\d+)(Ki|Mi|Gi)?$/.exec((await allocatable()).memory);
      assert.ok(m, 'allocatable memory in Ki/Mi/Gi');
      return String(Number(m[1]) * ({ Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m[2] ?? ''] ?? 1));
    };
    for (const [prefix, projected] of [['DownwardAPI volume', false], ['Projected Volume, DownwardAPI', true]] as const) {
      downwardCase(`${prefix}, pod name`, projected, 'podname', async () => '');
      downwardCase(`${prefix}, CPU limits`, projected, 'cpu_limit', async () => '2');
      downwardCase(`${prefix}, CPU request`, projected, 'cpu_request', async () => '1');
      downwardCase(`${prefix}, memory limits`, projected, 'memory_limit', async () => '67108864');
      downwardCase(`${prefix}, memory request`, projected, 'memory_request', async () => '33554432');
      downwardCase(projected ? `${prefix}, CPU limit, node allocatable` : `${prefix}, CPU limit, default node allocatable`, projected, 'cpu_limit', allocatableCpu, false);
      downwardCase(projected ? `${prefix}, memory limit, node allocatable` : `${prefix}, memory limit, default node allocatable`, projected, 'memory_limit', allocatableMemory, false);
    }
    const downwardModeCase = (testname: string, projected: boolean, how: 'defaultMode' | 'item') =>
      test(testname, async () => {
        const podName = uniq('downwardapi-volume');
        const item = { path: 'podname', fieldRef: { fieldPath: 'metadata.name' }, ...(how === 'item' ? { mode: 0o400 } : {}) };
        const log = await output(podName, show('/etc/podinfo/podname'), {
          volumes: [downwardVolume(projected, [item], how === 'defaultMode' ? 0o400 : undefined)],
          container: mountAt('podinfo', '/etc/podinfo'),
        });
        includesAll(log, [content('/etc/podinfo/podname', podName), mode('/etc/podinfo/podname', '-r--------')]);
      });
    downwardModeCase('DownwardAPI volume, volume mode 0400', false, 'defaultMode');
    downwardModeCase('DownwardAPI volume, file mode 0400', false, 'item');
    downwardModeCase('Projected Volume, DownwardAPI, volume mode 0400', true, 'defaultMode');
    downwardModeCase('Projected Volume, DownwardAPI, volume mode 0400', true, 'item');

    const downwardUpdateCase = (testname: string, projected: boolean, field: 'labels' | 'annotations') =>
      test(testname, async () => {
        const podName = uniq('labelsupdate');
        const metadata = field === 'labels' ? { labels: { key1: 'value1', key2: 'value2', key3: 'value3' } } : { annotations: { builder: 'bar' } };
        const spec = { volumes: [downwardVolume(projected, [{ path: field, fieldRef: { fieldPath: `metadata.${field}` } }])] };
        const manifest = pod(podName, { ...spec, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', `while true; do echo "---"; cat /etc/podinfo/${field}; echo; sleep 0.5; done`], ...mountAt('podinfo', '/etc/podinfo') }] }, metadata);
        await create(manifest);
        await logShows(podName, field === 'labels' ? 'key1="value1"' : 'builder="bar"');
        if (field === 'labels') await cluster.kubectl(['label', 'pod', podName, 'key3=value4', '--overwrite']);
        else await cluster.kubectl(['annotate', 'pod', podName, 'builder=foo', '--overwrite']);
        await logShows(podName, field === 'labels' ? 'key3="value4"' : 'builder="foo"');
        await cluster.kubectl(['delete', 'pod', podName, '--wait=false']);
      });
    downwardUpdateCase('DownwardAPI volume, update label', false, 'labels');
    downwardUpdateCase('DownwardAPI volume, update annotations', false, 'annotations');
    downwardUpdateCase('Projected Volume, DownwardAPI, update labels', true, 'labels');
    downwardUpdateCase('Projected Volume, DownwardAPI, update annotation', true, 'annotations');

    // Projected configMap and secret sources (upstream projected_configmap.go, projected_secret.go).
    const projectedCase = (testname: string, opts: { kind: 'configMap' | 'secret'; defaultMode?: number; item?: object; runAsUser?: number; fsGroup?: number; path: string; perms: string; mounts?: number }) =>
      test(testname, async () => {
        const name = uniq(`projected-${opts.kind.toLowerCase()}-test-volume`);
        const source = { [opts.kind]: { name, ...(opts.item ? { items: [opts.item] } : {}) } };
        const mounts = opts.mounts ?? 1;
        const dirs = Array.from({ length: mounts }, (_, i) => `/etc/projected-volume-${i}`);
        const sc = { ...(opts.runAsUser ? { runAsUser: opts.runAsUser } : {}), ...(opts.fsGroup ? { fsGroup: opts.fsGroup } : {}) };
        const log = await output(uniq('pod-projected'), dirs.map((d) => show(`${d}/${opts.path}`)).join('; '), {
          volumes: dirs.map((_, i) => ({ name: `projected-volume-${i}`, projected: { sources: [source], ...(opts.defaultMode ? { defaultMode: opts.defaultMode } : {}) } })),
          securityContext: sc,
          container: { volumeMounts: dirs.map((d, i) => ({ name: `projected-volume-${i}`, mountPath: d })) },
        }, [opts.kind === 'configMap' ? configMap(name, { 'data-1': 'value-1', 'data-2': 'value-2' }) : secret(name, { 'data-1': 'value-1', 'data-2': 'value-2' })]);
        const value = opts.path.endsWith('data-2') ? 'value-2' : 'value-1';
        includesAll(log, dirs.flatMap((d) => [content(`${d}/${opts.path}`, value), mode(`${d}/${opts.path}`, opts.perms)]));
      });
    projectedCase('Projected Volume, ConfigMap, volume mode default', { kind: 'configMap', path: 'data-1', perms: '-rw-r--r--' });
    projectedCase('Projected Volume, ConfigMap, non-root user', { kind: 'configMap', path: 'data-1', perms: '-rw-r--r--', runAsUser: 1000 });
    projectedCase('Projected Volume, ConfigMap, volume mode 0400', { kind: 'configMap', path: 'data-1', perms: '-r--------', defaultMode: 0o400 });
    projectedCase('Projected Volume, ConfigMap, mapped', { kind: 'configMap', path: 'path/to/data-2', perms: '-rw-r--r--', item: { key: 'data-2', path: 'path/to/data-2' } });
    projectedCase('Projected Volume, ConfigMap, mapped, volume mode 0400', { kind: 'configMap', path: 'path/to/data-2', perms: '-r--------', item: { key: 'data-2', path: 'path/to/data-2', mode: 0o400 } });
    projectedCase('Projected Volume, ConfigMap, mapped, non-root user', { kind: 'configMap', path: 'path/to/data-2', perms: '-rw-r--r--', item: { key: 'data-2', path: 'path/to/data-2' }, runAsUser: 1000 });
    projectedCase('Projected Volume, ConfigMap, multiple volume paths', { kind: 'configMap', path: 'data-1', perms: '-rw-r--r--', mounts: 2 });
    projectedCase('Projected Volume, Secrets, volume mode default', { kind: 'secret', path: 'data-1', perms: '-rw-r--r--' });
    projectedCase('Project Volume, Secrets, non-root, custom fsGroup', { kind: 'secret', path: 'data-1', perms: '-r--r-----', defaultMode: 0o440, runAsUser: 1000, fsGroup: 1001 });
    projectedCase('Projected Volume, Secrets, volume mode 0400', { kind: 'secret', path: 'data-1', perms: '-r--------', defaultMode: 0o400 });
    projectedCase('Projected Volume, Secrets, mapped', { kind: 'secret', path: 'new-path-data-1', perms: '-rw-r--r--', item: { key: 'data-1', path: 'new-path-data-1' } });
    projectedCase('Projected Volume, Secrets, mapped, volume mode 0400', { kind: 'secret', path: 'new-path-data-1', perms: '-r--------', item: { key: 'data-1', path: 'new-path-data-1', mode: 0o400 } });
    projectedCase('Projected Volume, Secrets, mapped, multiple paths', { kind: 'secret', path: 'new-path-data-1', perms: '-rw-r--r--', item: { key: 'data-1', path: 'new-path-data-1' }, mounts: 2 });

    test('Projected Volume, multiple projections', async () => {
      const [cm, sec] = [uniq('configmap-projected-all-test-volume'), uniq('secret-projected-all-test-volume')];
      const podName = uniq('projected-volume');
      const log = await output(podName, ['podname', 'cpu_limit', 'secret-data', 'configmap-data'].map((f) => show(`/all/${f}`)).join('; '), {
        volumes: [{ name: 'podinfo', projected: { sources: [{ secret: { name: sec, items: [{ key: 'secret-data', path: 'secret-data' }] } }, { configMap: { name: cm, items: [{ key: 'configmap-data', path: 'configmap-data' }] } }, { downwardAPI: { items: downwardItems.slice(0, 2) } }] } }],
        container: { ...mountAt('podinfo', '/all'), resources },
      }, [configMap(cm, { 'configmap-data': 'configmap-value-1' }), secret(sec, { 'secret-data': 'secret-value-1' })]);
      includesAll(log, [content('/all/podname', podName), content('/all/cpu_limit', '2'), content('/all/secret-data', 'secret-value-1'), content('/all/configmap-data', 'configmap-value-1')]);
    });

    // emptyDir (upstream empty_dir.go): a file created with a mode, on disk or tmpfs, as root or as a non-root user.
    const emptyDirCase = (testname: string, medium: '' | 'Memory', perms: string | undefined, runAsUser?: number) =>
      test(testname, async () => {
        const file = '/test-volume/test-file';
        const octal = perms === undefined ? '' : { '-rw-r--r--': '0644', '-rw-rw-rw-': '0666', '-rwxrwxrwx': '0777' }[perms];
        const script = [
          `echo "mount type of \\"/test-volume\\": $(awk '$2 == "/test-volume" { print $3 }' /proc/mounts)"`,
          perms === undefined ? 'echo "perms of file \\"/test-volume\\": $(stat -c %A /test-volume)"' : `echo 'mount-tester new file' > ${file} && chmod ${octal} ${file} && echo "content of file \\"${file}\\": $(cat ${file})" && echo "perms of file \\"${file}\\": $(stat -c %A ${file})"`,
        ].join('; ');
        const log = await output(uniq('pod-emptydir'), script, {
          volumes: [{ name: 'test-volume', emptyDir: medium ? { medium } : {} }],
          ...(runAsUser ? { securityContext: { runAsUser } } : {}),
          container: mountAt('test-volume', '/test-volume'),
        });
        const expected = perms === undefined ? ['perms of file "/test-volume": drwxrwxrwx'] : [`content of file "${file}": mount-tester new file`, `perms of file "${file}": ${perms}`];
        if (medium === 'Memory') expected.push('mount type of "/test-volume": tmpfs');
        includesAll(log, expected);
      });
    emptyDirCase('EmptyDir, medium default, volume mode 0644', '', '-rw-r--r--', 1001);
    emptyDirCase('EmptyDir, medium memory, volume mode 0644, non-root user', 'Memory', '-rw-r--r--', 1001);
    emptyDirCase('EmptyDir, medium default, volume mode 0666', '', '-rw-rw-rw-', 1001);
    emptyDirCase('EmptyDir, medium memory, volume mode 0666,, non-root user', 'Memory', '-rw-rw-rw-', 1001);
    emptyDirCase('EmptyDir, medium default, volume mode 0777', '', '-rwxrwxrwx', 1001);
    emptyDirCase('EmptyDir, medium memory, volume mode 0777, non-root user', 'Memory', '-rwxrwxrwx', 1001);
    emptyDirCase('EmptyDir, medium default, volume mode 0644', '', '-rw-r--r--');
    emptyDirCase('EmptyDir, medium memory, volume mode 0644', 'Memory', '-rw-r--r--');
    emptyDirCase('EmptyDir, medium default, volume mode 0666', '', '-rw-rw-rw-');
    emptyDirCase('EmptyDir, medium memory, volume mode 0666', 'Memory', '-rw-rw-rw-');
    emptyDirCase('EmptyDir, medium default, volume mode 0777', '', '-rwxrwxrwx');
    emptyDirCase('EmptyDir, medium memory, volume mode 0777', 'Memory', '-rwxrwxrwx');
    emptyDirCase('EmptyDir, medium default, volume mode default', '', undefined);
    emptyDirCase('EmptyDir, medium memory, volume mode default', 'Memory', undefined);

    // subPath into atomic-writer volumes (upstream storage/subpath.go).
    /** `source(name)` gives the volume source and the objects it reads, under a name of the test's own. */
    const subPathCase = (testname: string, subPath: string, value: string, source: (name: string) => { volume: object; objects: object[] }, mountPath = '/test-subpath') =>
      test(testname, async () => {
        const podName = uniq('pod-subpath-test');
        const { volume, objects } = source(uniq('subpath-source'));
        const log = await output(podName, `echo "content of file \\"${mountPath}\\": $(cat ${mountPath})"`, {
          volumes: [{ name: 'test-volume', ...volume }],
          container: { volumeMounts: [{ name: 'test-volume', mountPath, subPath }] },
        }, objects);
        includesAll(log, [content(mountPath, value === '<pod name>' ? podName : value)]);
      });
    const configMapSource = (name: string) => ({ volume: { configMap: { name } }, objects: [configMap(name, { 'configmap-key': 'configmap-value' })] });
    subPathCase('SubPath: Reading content from a configmap volume.', 'configmap-key', 'configmap-value', configMapSource);
    // The mount path is a file the image already has.
    subPathCase('SubPath: Reading content from a configmap volume.', 'configmap-key', 'configmap-value', configMapSource, '/etc/group');
    subPathCase('SubPath: Reading content from a downwardAPI volume.', 'downward/podname', '<pod name>', () => ({ volume: { downwardAPI: { items: [{ path: 'downward/podname', fieldRef: { fieldPath: 'metadata.name' } }] } }, objects: [] }));
    subPathCase('SubPath: Reading content from a projected volume.', 'projected/configmap-key', 'configmap-value', (name) => ({
      volume: { projected: { sources: [{ configMap: { name, items: [{ key: 'configmap-key', path: 'projected/configmap-key' }] } }] } },
      objects: [configMap(name, { 'configmap-key': 'configmap-value' })],
    }));
    subPathCase('SubPath: Reading content from a secret volume.', 'secret-key', 'secret-value', (name) => ({ volume: { secret: { secretName: name } }, objects: [secret(name, { 'secret-key': 'secret-value' })] }));

    // subPathExpr (upstream common/node/expansion.go).
    test('VolumeSubpathEnvExpansion, subpath expansion', async () => {
      const podName = uniq('var-expansion');
      const log = await output(podName, `test -d /testcontainer/${podName};echo $?`, {
        volumes: [{ name: 'workdir1', emptyDir: {} }],
        container: { env: [{ name: 'POD_NAME', value: podName }], volumeMounts: [{ name: 'workdir1', mountPath: '/logscontainer', subPathExpr: '$(POD_NAME)' }, { name: 'workdir1', mountPath: '/testcontainer' }] },
      });
      assert.equal(log.trim(), '0');
    });
    const failingSubPath = (testname: string, value: string) =>
      test(testname, async () => {
        const podName = uniq('var-expansion');
        await create(pod(podName, { restartPolicy: 'Never', volumes: [{ name: 'workdir1', emptyDir: {} }], containers: [{ name: 'dapi-container', image: 'busybox', env: [{ name: 'POD_NAME', value }], volumeMounts: [{ name: 'workdir1', mountPath: '/logscontainer', subPathExpr: '$(POD_NAME)' }] }] }));
        await eventually(`${podName} CreateContainerConfigError`, async () => (await getPod(podName)).status.containerStatuses?.[0]?.state.waiting?.reason === 'CreateContainerConfigError');
        await cluster.kubectl(['delete', 'pod', podName, '--wait=true', '--timeout=60s']);
      });
    failingSubPath('VolumeSubpathEnvExpansion, subpath with absolute path', '/tmp');
    failingSubPath('VolumeSubpathEnvExpansion, subpath with backticks', '..');

    const annotatedSubPathPod = (podName: string, annotations: Record<string, string>) =>
      pod(podName, {
        restartPolicy: 'Never',
        volumes: [{ name: 'workdir1', emptyDir: {} }],
        containers: [
          {
            name: 'dapi-container',
            image: 'busybox',
            command: ['sh', '-c', 'tail -f /dev/null'],
            env: [{ name: 'POD_NAME', value: 'foo' }, { name: 'ANNOTATION', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['mysubpath']" } } }],
            volumeMounts: [{ name: 'workdir1', mountPath: '/subpath_mount', subPathExpr: '$(ANNOTATION)/$(POD_NAME)' }, { name: 'workdir1', mountPath: '/volume_mount' }],
          },
        ],
      }, { annotations });
    const execIn = (podName: string, cmd: string) => cluster.kubectlResult(['exec', podName, '--', 'sh', '-c', cmd]);

    test('VolumeSubpathEnvExpansion, subpath test writes', async () => {
      const podName = uniq('var-expansion');
      await create(annotatedSubPathPod(podName, { mysubpath: 'mypath' }));
      await running(podName);
      assert.equal((await execIn(podName, 'touch /volume_mount/mypath/foo/test.log')).code, 0, 'write through the whole volume');
      assert.equal((await execIn(podName, 'test -f /subpath_mount/test.log')).code, 0, 'seen through the subpath');
      await cluster.kubectl(['annotate', 'pod', podName, 'mysubpath=mynewpath', '--overwrite']);
      // The running container keeps its mount; the pod stays Running and is deleted cleanly.
      assert.equal((await getPod(podName)).status.phase, 'Running');
      await cluster.kubectl(['delete', 'pod', podName, '--wait=true', '--timeout=60s']);
    });

    test('VolumeSubpathEnvExpansion, subpath ready from failed state', async () => {
      const podName = uniq('var-expansion');
      await create(annotatedSubPathPod(podName, { notmysubpath: 'mypath' }));
      // Without the annotation the expansion is "/foo", an absolute path: the container cannot be created.
      await eventually(`${podName} CreateContainerConfigError`, async () => (await getPod(podName)).status.containerStatuses?.[0]?.state.waiting?.reason === 'CreateContainerConfigError');
      await cluster.kubectl(['annotate', 'pod', podName, 'mysubpath=mypath']);
      await running(podName);
      await cluster.kubectl(['delete', 'pod', podName, '--wait=true', '--timeout=60s']);
    });
  });
});
