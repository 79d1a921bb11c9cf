// The [sig-cli] Kubectl client conformance behaviours (upstream test/e2e/kubectl/kubectl.go), each test named
// after its testname in conformance.yaml, driven by the real kubectl against a server with two hollow nodes.
// ("Kubectl, guestbook application" needs Service networking between pods and is not here.)
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { kubectlPath } from '../helpers/kubectl.js';
import { tempDir } from '../helpers/tmp.js';

const HTTPD = 'registry.k8s.io/e2e-test-images/httpd:2.4.38-4';
const BUSYBOX = 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1';
const AGNHOST = 'registry.k8s.io/e2e-test-images/agnhost:2.53';
const NAUTILUS = 'registry.k8s.io/e2e-test-images/nautilus:1.7';
const PAUSE = 'registry.k8s.io/pause:3.10';

interface PodJson {
  metadata: { name: string; annotations?: Record<string, string>; deletionTimestamp?: string };
  spec: { restartPolicy?: string; containers: { name: string; image: string }[] };
  status: { phase?: string; conditions?: { type: string; status: string }[] };
}

const agnhostController = {
  kind: 'ReplicationController',
  apiVersion: 'v1',
  metadata: { name: 'agnhost-primary', labels: { app: 'agnhost', role: 'primary' } },
  spec: {
    replicas: 1,
    selector: { app: 'agnhost', role: 'primary' },
    template: {
      metadata: { labels: { app: 'agnhost', role: 'primary' } },
      spec: {
        containers: [{ name: 'agnhost-primary', image: AGNHOST, args: ['guestbook', '--http-port', '6379'], ports: [{ name: 'agnhost-server', containerPort: 6379 }] }],
      },
    },
  },
};

const agnhostService = {
  kind: 'Service',
  apiVersion: 'v1',
  metadata: { name: 'agnhost-primary', labels: { app: 'agnhost', role: 'primary' } },
  spec: { ports: [{ port: 6379, targetPort: 'agnhost-server' }], selector: { app: 'agnhost', role: 'primary' } },
};

const nautilusController = `apiVersion: v1
kind: ReplicationController
metadata:
  name: update-demo-nautilus
spec:
  replicas: 2
  selector:
    name: update-demo
    version: nautilus
  template:
    metadata:
      labels:
        name: update-demo
        version: nautilus
    spec:
      containers:
      - image: ${NAUTILUS}
        name: update-demo
        ports:
        - containerPort: 80
          protocol: TCP
`;

const pausePod = `apiVersion: v1
kind: Pod
metadata:
  name: pause
  labels:
    name: pause
    testapp: pause
spec:
  containers:
  - name: pause
    image: ${PAUSE}
`;

const httpdDeployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: httpd-deployment
spec:
  selector:
    matchLabels:
      app: httpd
  template:
    metadata:
      labels:
        app: httpd
    spec:
      containers:
      - name: httpd
        image: ${image}
        ports:
        - containerPort: 80
`;

/** Checks, as upstream's checkOutput, that each requirement's first string starts a later line holding the rest. */
function checkOutput(output: string, required: string[][]): void {
  const lines = output.split('\n');
  let current = 0;
  for (const [first, ...rest] of required) {
    while (current < lines.length && !lines[current].includes(first)) current++;
    assert.ok(current < lines.length, `failed to find ${first} in:\n${output}`);
    for (const item of rest) assert.ok(lines[current].includes(item), `failed to find ${item} in ${lines[current]}`);
  }
}

/** A `kubectl proxy` child and the first line it printed. */
async function startProxy(kubeconfig: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(kubectlPath(), ['--kubeconfig', kubeconfig, 'proxy', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const line = await eventually('kubectl proxy to start serving', async () => /Starting to serve on .*\n/.exec(out)?.[0], 15_000, async () => out);
  return { child, line };
}

function httpGet(options: { socketPath?: string; port?: number; path: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: 'localhost', ...options, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('kubectl conformance (hollow nodes)', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  let namespaces = 0;

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 2 });
    api = await apiClient(cluster.kubeconfig);
    await eventually('2 Ready nodes', async () => {
      const lines = (await cluster.kubectl(['get', 'nodes', '--no-headers'])).trim().split('\n');
      return lines.length === 2 && lines.every((l) => l.split(/\s+/)[1] === 'Ready');
    }, 60_000);
  });
  after(async () => cluster.stop());

  /** A fresh namespace per test, as upstream's framework gives each test its own. */
  async function namespace(): Promise<string> {
    const ns = `kubectl-${++namespaces}`;
    await cluster.kubectl(['create', 'namespace', ns]);
    await eventually(`default service account in ${ns}`, async () => (await api.getIfExists(`/api/v1/namespaces/${ns}/serviceaccounts/default`)) !== undefined);
    return ns;
  }
  const k = (ns: string, args: string[], stdin?: string) => cluster.kubectl(['-n', ns, ...args], stdin === undefined ? undefined : { stdin });
  const pods = async (ns: string, selector: string) =>
    ((await api.getIfExists<{ items: PodJson[] }>(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`))?.items ?? []).filter(
      (p) => !p.metadata.deletionTimestamp,
    );
  const ready = (p: PodJson) => p.status.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  const waitRunning = (ns: string, selector: string, count: number) =>
    eventually(`${count} running pods ${selector} in ${ns}`, async () => {
      const list = await pods(ns, selector);
      return list.length === count && list.every(ready) && list;
    }, 60_000, async () => (await pods(ns, selector)).map((p) => [p.metadata.name, p.status.phase]));

  /** upstream's validateController: exactly `replicas` pods of the selector, each running `image` in container `name`. */
  async function validateController(ns: string, image: string, replicas: number, name: string, selector: string) {
    const runningTemplate = `{{if (exists . "status" "containerStatuses")}}{{range .status.containerStatuses}}{{if (and (eq .name "${name}") (exists . "state" "running"))}}true{{end}}{{end}}{{end}}`;
    const imageTemplate = `{{if (exists . "spec" "containers")}}{{range .spec.containers}}{{if eq .name "${name}"}}{{.image}}{{end}}{{end}}{{end}}`;
    await eventually(`${replicas} pods of ${selector} running ${image}`, async () => {
      const names = (await k(ns, ['get', 'pods', '-o', 'template', '--template={{range.items}}{{if not .metadata.deletionTimestamp}}{{.metadata.name}} {{end}}{{end}}', '-l', selector]))
        .trim()
        .split(/\s+/)
        .filter(Boolean);
      if (names.length !== replicas) return false;
      for (const pod of names) {
        if ((await k(ns, ['get', 'pods', pod, '-o', 'template', `--template=${runningTemplate}`])) !== 'true') return false;
        if ((await k(ns, ['get', 'pods', pod, '-o', 'template', `--template=${imageTemplate}`])) !== image) return false;
        // upstream reads the pod's data through the API server's pod proxy
        const proxied = await api.request('GET', `/api/v1/namespaces/${ns}/pods/${pod}/proxy/data.json`);
        if (proxied.status !== 200) return false;
      }
      return true;
    }, 90_000);
  }

  /** upstream's cleanupKubectlInputs: force-delete what the input made, then nothing of the selectors is left. */
  async function cleanup(ns: string, input: string, selectors: string[]) {
    await k(ns, ['delete', '--grace-period=0', '--force', '-f', '-'], input);
    for (const selector of selectors) {
      await eventually(`nothing of ${selector} left`, async () => {
        const left = await k(ns, ['get', 'rc,svc', '-l', selector, '--no-headers']);
        return left.trim() === '' && (await pods(ns, selector)).length === 0;
      }, 60_000);
    }
  }

  test('Kubectl, replication controller', async () => {
    const ns = await namespace();
    await k(ns, ['create', '-f', '-'], nautilusController);
    await validateController(ns, NAUTILUS, 2, 'update-demo', 'name=update-demo');
    await cleanup(ns, nautilusController, ['name=update-demo']);
  });

  test('Kubectl, scale replication controller', async () => {
    const ns = await namespace();
    await k(ns, ['create', '-f', '-'], nautilusController);
    await validateController(ns, NAUTILUS, 2, 'update-demo', 'name=update-demo');
    await k(ns, ['scale', 'rc', 'update-demo-nautilus', '--replicas=1', '--timeout=5m']);
    await validateController(ns, NAUTILUS, 1, 'update-demo', 'name=update-demo');
    await k(ns, ['scale', 'rc', 'update-demo-nautilus', '--replicas=2', '--timeout=5m']);
    await validateController(ns, NAUTILUS, 2, 'update-demo', 'name=update-demo');
    await cleanup(ns, nautilusController, ['name=update-demo']);
  });

  test('Kubectl, check version v1', async () => {
    const versions = (await cluster.kubectl(['api-versions'])).split('\n');
    assert.ok(versions.includes('v1'), versions.join(' '));
  });

  test('Kubectl, diff Deployment', async () => {
    const ns = await namespace();
    await k(ns, ['create', '-f', '-'], httpdDeployment(HTTPD));
    const diff = await cluster.kubectlResult(['-n', ns, 'diff', '-f', '-'], { stdin: httpdDeployment(BUSYBOX) });
    // kubectl diff exits 1 when it found differences (>1 is an error)
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, new RegExp(`^-\\s+(- )?image: ${HTTPD.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(diff.stdout, new RegExp(`^\\+\\s+(- )?image: ${BUSYBOX.replace(/\./g, '\\.')}$`, 'm'));
    assert.equal(await k(ns, ['get', 'deploy', 'httpd-deployment', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), HTTPD, 'diff changed nothing');
    await k(ns, ['delete', '-f', '-'], httpdDeployment(BUSYBOX));
  });

  test('Kubectl, server-side dry-run Pod', async () => {
    const ns = await namespace();
    const name = 'e2e-test-httpd-pod';
    await k(ns, ['run', name, `--image=${HTTPD}`, '--pod-running-timeout=2m0s', `--labels=run=${name}`]);
    const patch = JSON.stringify({ spec: { containers: [{ name, image: BUSYBOX }] } });
    const out = await k(ns, ['patch', 'pod', name, '-p', patch, '--dry-run=server', '-o', 'jsonpath={.spec.containers[0].image}']);
    assert.equal(out, BUSYBOX, 'the dry run answers with the patched pod');
    const pod = await api.getIfExists<PodJson>(`/api/v1/namespaces/${ns}/pods/${name}`);
    assert.deepEqual(pod?.spec.containers.map((c) => c.image), [HTTPD]);
    await k(ns, ['delete', 'pods', name]);
  });

  test('Kubectl, cluster info', async () => {
    const out = await cluster.kubectl(['cluster-info']);
    assert.match(out, /Kubernetes control plane/);
    assert.match(out, /is running at/);
    const server = (await cluster.kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'])).trim();
    assert.ok(out.includes(server), out);
  });

  test('Kubectl, describe pod or rc', async () => {
    const ns = await namespace();
    await k(ns, ['create', '-f', '-'], JSON.stringify(agnhostController));
    await k(ns, ['create', '-f', '-'], JSON.stringify(agnhostService));
    const [pod] = await waitRunning(ns, 'app=agnhost', 1);

    checkOutput(await k(ns, ['describe', 'pod', pod.metadata.name]), [
      ['Name:', 'agnhost-primary-'],
      ['Namespace:', ns],
      ['Node:'],
      ['Labels:', 'app=agnhost'],
      ['role=primary'],
      ['Annotations:'],
      ['Status:', 'Running'],
      ['IP:'],
      ['Controlled By:', 'ReplicationController/agnhost-primary'],
      ['Image:', AGNHOST],
      ['State:', 'Running'],
      ['QoS Class:', 'BestEffort'],
    ]);

    const rcRequired = [
      ['Name:', 'agnhost-primary'],
      ['Namespace:', ns],
      ['Selector:', 'app=agnhost,role=primary'],
      ['Labels:', 'app=agnhost'],
      ['role=primary'],
      ['Annotations:'],
      ['Replicas:', '1 current', '1 desired'],
      ['Pods Status:', '1 Running', '0 Waiting', '0 Succeeded', '0 Failed'],
      ['Pod Template:'],
      ['Image:', AGNHOST],
      ['Events:'],
    ];
    await eventually('describe rc complete', async () => {
      checkOutput(await k(ns, ['describe', 'rc', 'agnhost-primary']), rcRequired);
      return true;
    }, 60_000);

    checkOutput(await k(ns, ['describe', 'service', 'agnhost-primary']), [
      ['Name:', 'agnhost-primary'],
      ['Namespace:', ns],
      ['Labels:', 'app=agnhost'],
      ['role=primary'],
      ['Annotations:'],
      ['Selector:', 'app=agnhost', 'role=primary'],
      ['Type:', 'ClusterIP'],
      ['IP:'],
      ['Port:', '<unset>', '6379/TCP'],
      ['Endpoints:'],
      ['Session Affinity:', 'None'],
    ]);

    const node = (await cluster.kubectl(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    checkOutput(await cluster.kubectl(['describe', 'node', node]), [
      ['Name:', node],
      ['Labels:'],
      ['Annotations:'],
      ['CreationTimestamp:'],
      ['Conditions:'],
      ['Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message'],
      ['Addresses:'],
      ['Capacity:'],
      ['Version:'],
      ['Kernel Version:'],
      ['OS Image:'],
      ['Container Runtime Version:'],
      ['Kubelet Version:'],
      ['Kube-Proxy Version:'],
      ['Pods:'],
    ]);

    checkOutput(await cluster.kubectl(['describe', 'namespace', ns]), [['Name:', ns], ['Labels:'], ['Annotations:'], ['Status:', 'Active']]);
  });

  test('Kubectl, create service, replication controller', async () => {
    const ns = await namespace();
    const agnhostPort = 6379;
    await k(ns, ['create', '-f', '-'], JSON.stringify(agnhostController));
    await waitRunning(ns, 'app=agnhost', 1);

    const validateService = async (name: string, servicePort: number) => {
      await eventually(`endpoints of ${name} with one pod on ${agnhostPort}`, async () => {
        const ep = await api.getIfExists<{ subsets?: { addresses?: { targetRef?: { uid: string } }[]; ports?: { port: number }[] }[] }>(
          `/api/v1/namespaces/${ns}/endpoints/${name}`,
        );
        const byPod = new Map<string, number[]>();
        for (const subset of ep?.subsets ?? []) {
          for (const address of subset.addresses ?? []) {
            if (address.targetRef) byPod.set(address.targetRef.uid, [...(byPod.get(address.targetRef.uid) ?? []), ...(subset.ports ?? []).map((p) => p.port)]);
          }
        }
        if (byPod.size === 0) return false;
        assert.equal(byPod.size, 1, 'too many endpoints found');
        for (const ports of byPod.values()) assert.equal(ports[0], agnhostPort, 'wrong endpoint port');
        return true;
      }, 60_000);
      const svc = await api.getIfExists<{ spec: { ports: { port: number; targetPort: number | string }[] } }>(`/api/v1/namespaces/${ns}/services/${name}`);
      assert.equal(svc?.spec.ports.length, 1);
      assert.equal(svc?.spec.ports[0].port, servicePort);
      assert.equal(svc?.spec.ports[0].targetPort, agnhostPort);
    };

    await k(ns, ['expose', 'rc', 'agnhost-primary', '--name=rm2', '--port=1234', `--target-port=${agnhostPort}`]);
    await validateService('rm2', 1234);
    await k(ns, ['expose', 'service', 'rm2', '--name=rm3', '--port=2345', `--target-port=${agnhostPort}`]);
    await validateService('rm3', 2345);
  });

  test('Kubectl, label update', async () => {
    const ns = await namespace();
    await k(ns, ['create', '-f', '-'], pausePod);
    await waitRunning(ns, 'name=pause', 1);
    const label = 'testing-label';
    const value = 'testing-label-value';
    await k(ns, ['label', 'pods', 'pause', `${label}=${value}`]);
    const withLabel = await k(ns, ['get', 'pod', 'pause', '-L', label]);
    assert.match(withLabel, /TESTING-LABEL/);
    assert.ok(withLabel.includes(value), withLabel);
    assert.match(await k(ns, ['get', 'pod', '-l', `${label}=${value}`, '--no-headers']), /^pause\s/);
    await k(ns, ['label', 'pods', 'pause', `${label}-`]);
    assert.ok(!(await k(ns, ['get', 'pod', 'pause', '-L', label])).includes(value));
    assert.equal((await cluster.kubectlResult(['-n', ns, 'get', 'pod', '-l', `${label}=${value}`])).stderr.trim(), `No resources found in ${ns} namespace.`);
    await cleanup(ns, pausePod, ['name=pause']);
  });

  test('Kubectl, patch to annotate', async () => {
    const ns = await namespace();
    await k(ns, ['create', '-f', '-'], JSON.stringify(agnhostController));
    const running = await waitRunning(ns, 'app=agnhost', 1);
    for (const pod of running) await k(ns, ['patch', 'pod', pod.metadata.name, '-p', '{"metadata":{"annotations":{"x":"y"}}}']);
    const patched = await pods(ns, 'app=agnhost');
    assert.equal(patched.length, 1);
    for (const pod of patched) assert.equal(pod.metadata.annotations?.x, 'y');
  });

  test('Kubectl, version', async () => {
    const out = await cluster.kubectl(['version']);
    assert.match(out, /^Client Version: v1\.\d+\.\d+/m);
    assert.match(out, /^Server Version: v1\.\d+\.\d+/m);
    const json = JSON.parse(await cluster.kubectl(['version', '-o', 'json'])) as Record<string, Record<string, string>>;
    for (const side of ['clientVersion', 'serverVersion']) {
      assert.match(json[side].major, /^\d+$/, side);
      assert.match(json[side].minor, /^\d+\+?$/, side);
      assert.ok(json[side].gitCommit, `${side} has a gitCommit`);
    }
  });

  test('Kubectl, run pod', async () => {
    const ns = await namespace();
    const name = 'e2e-test-httpd-pod';
    await k(ns, ['run', name, '--restart=Never', '--pod-running-timeout=2m0s', `--image=${HTTPD}`]);
    const pod = await api.getIfExists<PodJson>(`/api/v1/namespaces/${ns}/pods/${name}`);
    assert.deepEqual(pod?.spec.containers.map((c) => c.image), [HTTPD]);
    assert.equal(pod?.spec.restartPolicy, 'Never');
    await k(ns, ['delete', 'pods', name]);
  });

  test('Kubectl, replace', async () => {
    const ns = await namespace();
    const name = 'e2e-test-httpd-pod';
    await k(ns, ['run', name, `--image=${HTTPD}`, '--pod-running-timeout=2m0s', `--labels=run=${name}`]);
    await waitRunning(ns, `run=${name}`, 1);
    const podJson = await k(ns, ['get', 'pod', name, '-o', 'json']);
    assert.ok(podJson.includes(name));
    await k(ns, ['replace', '-f', '-'], podJson.replace(HTTPD, BUSYBOX));
    const pod = await api.getIfExists<PodJson>(`/api/v1/namespaces/${ns}/pods/${name}`);
    assert.deepEqual(pod?.spec.containers.map((c) => c.image), [BUSYBOX]);
    await k(ns, ['delete', 'pods', name]);
  });

  test('Kubectl, proxy port zero', async () => {
    const { child, line } = await startProxy(cluster.kubeconfig, ['-p', '0', '--disable-filter']);
    try {
      const port = Number(/Starting to serve on 127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
      assert.ok(port > 0, line);
      const res = await httpGet({ port, path: '/api/' });
      assert.equal(res.status, 200, res.body);
      const versions = (JSON.parse(res.body) as { kind: string; versions: string[] }).versions;
      assert.ok(versions.length >= 1 && versions.includes('v1'), res.body);
    } finally {
      child.kill();
    }
  });

  test('Kubectl, proxy socket', async () => {
    const socketPath = join(tempDir('kubectl-proxy-unix'), 'test');
    const { child, line } = await startProxy(cluster.kubeconfig, [`--unix-socket=${socketPath}`]);
    try {
      assert.ok(line.includes(socketPath), line);
      const res = await httpGet({ socketPath, path: '/api' });
      assert.equal(res.status, 200, res.body);
      assert.ok((JSON.parse(res.body) as { versions: string[] }).versions.length >= 1, res.body);
    } finally {
      child.kill();
    }
  });
});
