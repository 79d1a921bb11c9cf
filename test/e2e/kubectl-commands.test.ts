// The kubectl commands of the seeds that need no running container, each as a user types it:
// edit, get -w, describe, api-versions, config set-context, explain, get all, expose, create
// quota|serviceaccount, delete by file, selector and --all; and the server's graceful SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { kubectlPath } from '../helpers/kubectl.js';
import { tempDir } from '../helpers/tmp.js';

/** A long-running kubectl (get -w) whose output the test reads as it arrives. */
function kubectlStream(kubeconfig: string, args: string[]) {
  const child = spawn(kubectlPath(), ['--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return {
    async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (Date.now() > deadline) throw new Error(`kubectl ${args.join(' ')} never printed ${pattern}; got:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return out;
    },
    stop: () => child.kill('SIGTERM'),
  };
}

describe('kubectl commands', () => {
  let cluster: TestCluster;
  let dir: string;

  before(async () => {
    cluster = await startTestCluster();
    dir = tempDir('k8ts-kubectl');
  });
  after(async () => cluster.stop());

  test('kubectl edit changes the object through the editor, and refuses an invalid edit', async () => {
    await cluster.kubectl(['create', 'deployment', 'edited', '--image=nginx:1.24']);
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/nginx:1.24/nginx:1.25/" "$1"\n', { mode: 0o755 });
    assert.match(await cluster.kubectl(['edit', 'deployment', 'edited'], { env: { EDITOR: editor } }), /deployment.apps\/edited edited/);
    assert.equal(await cluster.kubectl(['get', 'deploy', 'edited', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.25');

    // kubectl reopens the editor with the server's reasons as comments; the second pass changes nothing.
    const breaker = join(dir, 'breaker.sh');
    const seen = join(dir, 'seen.yaml');
    writeFileSync(breaker, `#!/bin/sh\ncat "$1" >> ${seen}\nsed -i "s/replicas: 1/replicas: -1/" "$1"\n`, { mode: 0o755 });
    const refused = await cluster.kubectlResult(['edit', 'deployment', 'edited'], { env: { EDITOR: breaker } });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error: deployments.apps "edited" is invalid/);
    assert.match(refused.stderr, /Edit cancelled, no valid changes were saved/);
    const reopened = readFileSync(seen, 'utf8');
    assert.match(reopened, /# deployments.apps "edited" was not valid:/);
    assert.match(reopened, /# \* spec.replicas: Invalid value: -1: must be greater than or equal to 0/);
    assert.equal(await cluster.kubectl(['get', 'deploy', 'edited', '-o', 'jsonpath={.spec.replicas}']), '1');
  });

  test('kubectl get -w prints objects as they change', async () => {
    await cluster.kubectl(['create', 'namespace', 'watched']);
    const watch = kubectlStream(cluster.kubeconfig, ['get', 'configmaps', '-n', 'watched', '-w']);
    try {
      await cluster.kubectl(['create', 'configmap', 'first', '--from-literal=a=b', '-n', 'watched']);
      await watch.waitFor(/first\s+1\s+\d+s/);
      await cluster.kubectl(['create', 'configmap', 'second', '-n', 'watched']);
      await watch.waitFor(/second\s+0\s+\d+s/);
    } finally {
      watch.stop();
    }
  });

  test('kubectl describe reads as upstream for a configmap, a deployment, a service and a namespace', async () => {
    await cluster.kubectl(['create', 'configmap', 'described', '--from-literal=color=blue']);
    await cluster.kubectl(['label', 'cm', 'described', 'app=web']);
    const cm = await cluster.kubectl(['describe', 'configmap', 'described']);
    assert.match(cm, /^Name:\s+described\nNamespace:\s+default\nLabels:\s+app=web\nAnnotations:\s+<none>\n\nData\n====\ncolor:\n----\nblue\n/);
    const deploy = await cluster.kubectl(['describe', 'deployment', 'edited']);
    assert.match(deploy, /^Name:\s+edited$/m);
    assert.match(deploy, /^Selector:\s+app=edited$/m);
    assert.match(deploy, /^StrategyType:\s+RollingUpdate$/m);
    assert.match(deploy, /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    assert.match(deploy, /^\s+Image:\s+nginx:1.25$/m);
    const svc = await cluster.kubectl(['describe', 'service', 'kubernetes']);
    assert.match(svc, /^Type:\s+ClusterIP$/m);
    assert.match(svc, /^IP:\s+10\.43\.0\.1$/m);
    assert.match(svc, /^Port:\s+https\s+443\/TCP$/m);
    assert.match(await cluster.kubectl(['describe', 'namespace', 'default']), /^Status:\s+Active$/m);
  });

  test('kubectl api-versions, explain and api-resources', async () => {
    const versions = (await cluster.kubectl(['api-versions'])).split('\n');
    for (const v of ['v1', 'apps/v1', 'batch/v1', 'autoscaling/v2', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1']) {
      assert.ok(versions.includes(v), v);
    }
    const explained = await cluster.kubectl(['explain', 'pod.spec.containers.image']);
    assert.match(explained, /^KIND:\s+Pod\nVERSION:\s+v1\n\nFIELD:\s+image <string>/);
    assert.match(explained, /Container image name/);
    assert.match(await cluster.kubectl(['api-resources', '--api-group=apps', '-o', 'name']), /^deployments.apps$/m);
  });

  test('kubectl config set-context --current --namespace changes where kubectl works', async () => {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    copyFileSync(cluster.kubeconfig, kubeconfig);
    await cluster.kubectl(['create', 'namespace', 'elsewhere']);
    await cluster.kubectl(['create', 'configmap', 'over-there', '-n', 'elsewhere']);
    const run = (args: string[]) => cluster.kubectl(['--kubeconfig', kubeconfig, ...args]);
    assert.match(await run(['config', 'set-context', '--current', '--namespace=elsewhere']), /Context ".*" modified/);
    assert.equal(await run(['config', 'view', '--minify', '-o', 'jsonpath={..namespace}']), 'elsewhere');
    assert.match(await run(['get', 'configmaps']), /over-there/);
  });

  test('kubectl expose, create quota and serviceaccount, and get all', async () => {
    await cluster.kubectl(['create', 'deployment', 'exposed', '--image=nginx', '--port=80']);
    assert.match(await cluster.kubectl(['expose', 'deployment', 'exposed', '--port=8080', '--target-port=80']), /service\/exposed exposed/);
    assert.match(await cluster.kubectl(['get', 'svc', 'exposed']), /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nexposed\s+ClusterIP\s+10\.43\.\d+\.\d+\s+<none>\s+8080\/TCP\s+\d+s/);
    assert.match(await cluster.kubectl(['create', 'quota', 'compute', '--hard=cpu=1,memory=1G,pods=2']), /resourcequota\/compute created/);
    assert.match(await cluster.kubectl(['get', 'quota', 'compute', '-o', 'jsonpath={.spec.hard}']), /"pods":"2"/);
    assert.match(await cluster.kubectl(['create', 'serviceaccount', 'robot']), /serviceaccount\/robot created/);
    const all = await cluster.kubectl(['get', 'all']);
    assert.match(all, /service\/kubernetes\s+ClusterIP\s+10\.43\.0\.1/);
    assert.match(all, /service\/exposed\s+ClusterIP/);
    assert.match(all, /deployment.apps\/exposed\s+0\/1/);
  });

  test('kubectl delete by file, by selector and with --all', async () => {
    const manifest = join(dir, 'cms.yaml');
    writeFileSync(
      manifest,
      ['a', 'b'].map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-file-${n}\n  labels:\n    batch: one\n`).join('---\n'),
    );
    await cluster.kubectl(['create', 'namespace', 'deleting']);
    await cluster.kubectl(['create', '-f', manifest, '-n', 'deleting']);
    assert.match(await cluster.kubectl(['delete', '-f', manifest, '-n', 'deleting']), /configmap "from-file-a" deleted\nconfigmap "from-file-b" deleted/);
    await cluster.kubectl(['create', '-f', manifest, '-n', 'deleting']);
    await cluster.kubectl(['create', 'configmap', 'unlabelled', '-n', 'deleting']);
    assert.match(await cluster.kubectl(['delete', 'cm', '-l', 'batch=one', '-n', 'deleting']), /configmap "from-file-a" deleted\nconfigmap "from-file-b" deleted/);
    assert.match(await cluster.kubectl(['get', 'cm', '-n', 'deleting', '-o', 'name']), /configmap\/unlabelled/);
    assert.match(await cluster.kubectl(['delete', 'cm', '--all', '-n', 'deleting']), /configmap "unlabelled" deleted/);
    assert.doesNotMatch(await cluster.kubectl(['get', 'cm', '-n', 'deleting', '-o', 'name']), /unlabelled/);
  });
});

describe('graceful shutdown', () => {
  test('on SIGTERM the server finishes, closes its watches and exits 0', async () => {
    const dataDir = tempDir('k8ts-sigterm');
    const main = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = spawn(process.execPath, [main, 'server', '--data-dir', dataDir, '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--disable-agent'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    server.stderr.on('data', (c: Buffer) => (logs += c.toString()));
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    const kubeconfig = join(dataDir, 'kubeconfig.yaml');
    const deadline = Date.now() + 60_000;
    const { kubectl } = await import('../helpers/kubectl.js');
    while ((await kubectl(kubeconfig, ['get', '--raw', '/readyz']).catch(() => ({ code: 1, stdout: '' }))).stdout !== 'ok') {
      if (Date.now() > deadline) throw new Error(`server never became ready:\n${logs}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal((await kubectl(kubeconfig, ['create', 'configmap', 'before-stop'])).code, 0);
    const watch = kubectlStream(kubeconfig, ['get', 'configmaps', '-w']);
    await watch.waitFor(/before-stop/);
    server.kill('SIGTERM');
    assert.equal(await exited, 0, logs);
    watch.stop();
  });
});
