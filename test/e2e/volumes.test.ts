// The kubelet's volumes as the API shows them, with the real kubectl on a
// hollow node (`--simulated-nodes`, nothing prepared on the host): FailedMount
// events with upstream's messages, ContainerCreating until the source appears,
// then Running. volumes-host.test.ts covers what a real node prepares.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually as poll } from '../helpers/eventually.js';

const eventually = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 45000) => poll(what, check, timeoutMs);

describe('volumes on hollow nodes', () => {
  let cluster: TestCluster;
  const HOLLOW = 'k8ts-sim-0';

  const apply = (manifest: object) => cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(manifest) });
  const pod = (name: string, node: string, volumes: object[], mounts: object[]) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { nodeName: node, terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], volumeMounts: mounts }], volumes },
  });
  const statusColumn = async (name: string) => (await cluster.kubectl(['get', 'pod', name, '--no-headers'])).trim().split(/\s+/)[2];
  const events = async (name: string) => {
    const list = JSON.parse(await cluster.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json'])) as { items: { type: string; reason: string; message: string }[] };
    return list.items;
  };
  const failedMount = (name: string, message: string) =>
    eventually(`FailedMount "${message}"`, async () => (await events(name)).some((e) => e.type === 'Warning' && e.reason === 'FailedMount' && e.message === message));

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 1 });
  });
  after(async () => cluster?.stop());

  test('a missing ConfigMap gives FailedMount and ContainerCreating; the pod runs once the ConfigMap exists', async () => {
    await apply(pod('cm-wait', HOLLOW, [{ name: 'config', configMap: { name: 'game-config' } }], [{ name: 'config', mountPath: '/etc/config' }]));
    await failedMount('cm-wait', 'MountVolume.SetUp failed for volume "config" : configmap "game-config" not found');
    assert.equal(await statusColumn('cm-wait'), 'ContainerCreating');
    const describe = await cluster.kubectl(['describe', 'pod', 'cm-wait']);
    assert.match(describe, /Warning\s+FailedMount\s+.*kubelet\s+MountVolume\.SetUp failed for volume "config" : configmap "game-config" not found/);
    await cluster.kubectl(['create', 'configmap', 'game-config', '--from-literal=lives=3']);
    await eventually('cm-wait Running', async () => (await statusColumn('cm-wait')) === 'Running');
  });

  test('a missing Secret or key, and an unbound claim, keep pods ContainerCreating with upstream messages', async () => {
    await apply(pod('secret-wait', HOLLOW, [{ name: 'creds', secret: { secretName: 'app-secret' } }], [{ name: 'creds', mountPath: '/opt/app-secret-volume' }]));
    await failedMount('secret-wait', 'MountVolume.SetUp failed for volume "creds" : secret "app-secret" not found');
    await cluster.kubectl(['create', 'secret', 'generic', 'other', '--from-literal=a=1']);
    await apply(pod('key-wait', HOLLOW, [{ name: 'creds', secret: { secretName: 'other', items: [{ key: 'DB_Password', path: 'pw' }] } }], [{ name: 'creds', mountPath: '/creds' }]));
    await failedMount('key-wait', 'MountVolume.SetUp failed for volume "creds" : references non-existent secret key: DB_Password');
    await apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'myclaim' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '500Mi' } } } });
    await apply(pod('claim-wait', HOLLOW, [{ name: 'data', persistentVolumeClaim: { claimName: 'myclaim' } }], [{ name: 'data', mountPath: '/var/www/html' }]));
    await failedMount(
      'claim-wait',
      'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: error processing PVC default/myclaim: PVC default/myclaim has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("")',
    );
    for (const name of ['secret-wait', 'key-wait', 'claim-wait']) assert.equal(await statusColumn(name), 'ContainerCreating');
    await cluster.kubectl(['create', 'secret', 'generic', 'app-secret', '--from-literal=DB_Password=passwrd']);
    await eventually('secret-wait Running', async () => (await statusColumn('secret-wait')) === 'Running');
  });

  test('a claim is resolved on hollow nodes too: bound to a PersistentVolume, the pod runs', async () => {
    await apply({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-hollow' }, spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/tmp/data' } } });
    const claimUid = (await cluster.kubectl(['get', 'pvc', 'myclaim', '-o', 'jsonpath={.metadata.uid}'])).trim();
    await cluster.kubectl(['patch', 'pv', 'pv-hollow', '--type=merge', '-p', JSON.stringify({ spec: { claimRef: { namespace: 'default', name: 'myclaim', uid: claimUid } } })]);
    // The claim's volumeName is set once (as the PersistentVolume controller does), then both are Bound.
    await cluster.kubectl(['patch', 'pvc', 'myclaim', '--type=merge', '-p', '{"spec":{"volumeName":"pv-hollow"}}']);
    await cluster.kubectl(['patch', 'pvc', 'myclaim', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Bound"}}']);
    await eventually('claim-wait Running', async () => (await statusColumn('claim-wait')) === 'Running');
  });

  for (const kind of ['ConfigMap', 'Secret'] as const) {
    const testname = kind === 'ConfigMap' ? 'ConfigMap Volume, immutability' : 'Secrets Volume, immutability';
    test(testname, async () => {
      const name = `immutable-${kind.toLowerCase()}`;
      const payload = (v: string) => (kind === 'ConfigMap' ? { data: { key: v } } : { data: { key: Buffer.from(v).toString('base64') } });
      await apply({ apiVersion: 'v1', kind, metadata: { name }, ...payload('one') });
      // Each step is an update (PUT) of the object as read, as the upstream test does.
      const replace = async (change: (obj: Record<string, unknown>) => void) => {
        const obj = JSON.parse(await cluster.kubectl(['get', kind.toLowerCase(), name, '-o', 'json'])) as Record<string, unknown>;
        change(obj);
        return cluster.kubectlResult(['replace', '-f', '-'], { stdin: JSON.stringify(obj) });
      };
      assert.equal((await replace((o) => Object.assign(o, payload('two')))).code, 0, 'a data update succeeds');
      assert.equal((await replace((o) => Object.assign(o, { immutable: true }))).code, 0, 'marking it immutable succeeds');
      const dataChange = await replace((o) => Object.assign(o, payload('three')));
      assert.notEqual(dataChange.code, 0);
      assert.match(dataChange.stderr, /field is immutable when `immutable` is set/);
      const unfreeze = await replace((o) => Object.assign(o, { immutable: false }));
      assert.notEqual(unfreeze.code, 0);
      assert.match(unfreeze.stderr, /field is immutable when `immutable` is set/);
      const relabel = await replace((o) => ((o.metadata as { labels?: Record<string, string> }).labels = { label1: 'value1' }));
      assert.equal(relabel.code, 0, 'a metadata update succeeds');
      await cluster.kubectl(['delete', kind.toLowerCase(), name]);
    });
  }
});
