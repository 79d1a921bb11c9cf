// The [sig-auth] ServiceAccounts conformance behaviours that read a pod's service account files from inside a
// real container (upstream test/e2e/auth/service_accounts.go), each test named after its testname in
// conformance.yaml: `k8ts server` with this machine as a node over its own containerd, busybox-static images
// from a local docker-registry. Needs root, containerd, runc, the CNI plugins, busybox-static and docker-registry.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { pushSeedImages, startRegistry, type TestRegistry } from '../helpers/registry.js';

const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const JWT = /^[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+\.?[A-Za-z0-9-_.+/=]*$/;

interface PodJson {
  status: { phase?: string; containerStatuses?: { ready: boolean }[] };
}

describe('service account tokens in real containers', () => {
  let registry: TestRegistry;
  let cluster: TestCluster;
  let api: ApiClient;
  const ns = 'svcaccounts';

  const pod = async (name: string) => (await api.getIfExists<PodJson>(`/api/v1/namespaces/${ns}/pods/${name}`))?.status;

  before(async () => {
    registry = await startRegistry();
    await pushSeedImages(registry);
    cluster = await startTestCluster({ runtime: 'containerd', registriesYaml: registry.registriesYaml(), nodeName: 'k8ts-node' });
    api = await apiClient(cluster.kubeconfig);
    await eventually('node Ready', async () => (await cluster.kubectl(['get', 'node', 'k8ts-node', '--no-headers'])).split(/\s+/)[1] === 'Ready', 120_000);
    await cluster.kubectl(['create', 'namespace', ns]);
    await eventually('default service account and root CA in the namespace', async () => {
      const sa = await api.getIfExists(`/api/v1/namespaces/${ns}/serviceaccounts/default`);
      return sa !== undefined && (await api.getIfExists(`/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`)) !== undefined;
    });
  });
  after(async () => {
    await cluster?.stop();
    await registry?.stop();
  });

  test('Service Account Tokens Must AutoMount', async () => {
    await cluster.kubectl(['create', 'serviceaccount', 'mount-test', '-n', ns]);
    const name = 'pod-service-account-mount-test';
    await api.create(`/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        serviceAccountName: 'mount-test',
        containers: [{ name: 'test', image: 'busybox', command: ['sleep', '100000'] }],
        terminationGracePeriodSeconds: 0,
        restartPolicy: 'Never',
      },
    });
    await eventually(`${name} Running`, async () => (await pod(name))?.phase === 'Running', 120_000, () => pod(name));

    const read = (file: string) => cluster.kubectl(['exec', '-n', ns, name, '-c', 'test', '--', 'cat', `${TOKEN_MOUNT_PATH}/${file}`]);
    const [token, ca, namespace] = [await read('token'), await read('ca.crt'), await read('namespace')];
    const rootCA = await api.getIfExists<{ data: Record<string, string> }>(`/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`);
    assert.equal(ca, rootCA?.data['ca.crt']);
    assert.equal(namespace, ns);

    // The token is a valid credential that identifies the pod's service account.
    const review = await api.create<{ status: { authenticated?: boolean; error?: string; user: { username: string; groups: string[] } } }>(
      '/apis/authentication.k8s.io/v1/tokenreviews',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    );
    assert.equal(review.status.authenticated, true);
    assert.equal(review.status.error ?? '', '');
    assert.equal(review.status.user.username, `system:serviceaccount:${ns}:mount-test`);
    for (const group of ['system:authenticated', 'system:serviceaccounts', `system:serviceaccounts:${ns}`]) assert.ok(review.status.user.groups.includes(group), group);
    await cluster.kubectl(['delete', 'pod', name, '-n', ns, '--wait=true']);
  });

  test('TokenRequestProjection should mount a projected volume with token using TokenRequest API.', async () => {
    const name = 'test-pod-projected-token';
    const tokenPath = '/test-volume/token';
    await api.create(`/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'test-volume', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } }],
        containers: [
          {
            name: 'agnhost-container',
            image: 'busybox',
            // what upstream's mounttest --file_content prints
            command: ['sh', '-c', `echo "content of file \\"${tokenPath}\\": $(cat ${tokenPath})"`],
            volumeMounts: [{ name: 'test-volume', mountPath: '/test-volume', readOnly: true }],
          },
        ],
      },
    });
    await eventually(`${name} Succeeded`, async () => (await pod(name))?.phase === 'Succeeded', 120_000, () => pod(name));
    const logs = (await cluster.kubectl(['logs', '-n', ns, name])).trim();
    const prefix = `content of file "${tokenPath}": `;
    assert.ok(logs.startsWith(prefix), logs);
    assert.match(logs.slice(prefix.length), JWT);
  });
});
