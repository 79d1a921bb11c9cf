// The kubelet's volumes on the host, with the real kubectl: a node agent whose
// volume manager works on a real temp directory, over the simulated runtime
// recording the CRI mounts it receives — what the kubelet prepares (dirs,
// tmpfs mounts, atomically written files, tokens), how updates reach it, and
// the teardown. volumes.test.ts covers what hollow nodes show through the API.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/cli/log.js';
import { Client } from '../../src/client/rest.js';
import { hollowNodeConfig } from '../../src/kubelet/hollow.js';
import { KubeletHost } from '../../src/kubelet/host.js';
import { SimulatedProbeHandler } from '../../src/kubelet/runtime/simulated/probe.js';
import { SimulatedRuntime } from '../../src/kubelet/runtime/simulated/runtime.js';
import type { ContainerConfig, Mount, PodSandboxConfig } from '../../src/kubelet/runtime/types.js';
import { HostMounter } from '../../src/kubelet/volumes/mounter.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { tempDir } from '../helpers/tmp.js';
import { eventually as poll } from '../helpers/eventually.js';

const eventually = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 45000) => poll(what, check, timeoutMs);

/** The simulated runtime, keeping the container configs (and so the mounts) the kubelet sent. */
class RecordingRuntime extends SimulatedRuntime {
  readonly configs = new Map<string, ContainerConfig>();

  override async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    this.configs.set(`${sandboxConfig.metadata.name}/${config.metadata.name}`, config);
    return super.createContainer(podSandboxId, config, sandboxConfig);
  }
}

function fsType(dir: string): string {
  try {
    return execFileSync('findmnt', ['-n', '-o', 'FSTYPE', '--mountpoint', dir], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

describe('volumes on the host', () => {
  let cluster: TestCluster;
  let host: KubeletHost;
  const newHost = () =>
    new KubeletHost({
      client,
      log: createLogger(0, () => undefined),
      nodes: [{ config: hollowNodeConfig(0, { prefix: 'vol-host' }), runtime, probes: new SimulatedProbeHandler(runtime), rootDir }],
      retryMs: 1000,
      volumeResyncMs: 2000,
    });
  let client: Client;
  const runtime = new RecordingRuntime();
  const rootDir = tempDir('k8ts-kubelet-root');
  const hostDir = tempDir('k8ts-host-paths');
  const REAL = 'vol-host-0';

  const apply = (manifest: object) => cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(manifest) });
  const pod = (name: string, node: string, volumes: object[], mounts: object[], extra: object = {}, container: object = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { nodeName: node, terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], volumeMounts: mounts, ...container }], volumes, ...extra },
  });
  const statusColumn = async (name: string) => (await cluster.kubectl(['get', 'pod', name, '--no-headers'])).trim().split(/\s+/)[2];
  const events = async (name: string) => {
    const list = JSON.parse(await cluster.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json'])) as { items: { type: string; reason: string; message: string }[] };
    return list.items;
  };
  const failedMount = (name: string, message: string) =>
    eventually(`FailedMount "${message}"`, async () => (await events(name)).some((e) => e.type === 'Warning' && e.reason === 'FailedMount' && e.message === message));
  const mountsOf = (podName: string, container = 'app'): Mount[] => runtime.configs.get(`${podName}/${container}`)?.mounts ?? [];
  const hostPathOf = (podName: string, containerPath: string) => {
    const m = mountsOf(podName).find((x) => x.containerPath === containerPath);
    assert.ok(m, `${podName} has a mount at ${containerPath}`);
    return m;
  };

  before(async () => {
    cluster = await startTestCluster();
    client = await Client.fromKubeconfig(cluster.kubeconfig);
    host = newHost();
    await host.start();
    await eventually('the node Ready', async () => (await cluster.kubectl(['get', 'nodes', '--no-headers'])).split(/\s+/)[1] === 'Ready');
  });
  after(async () => {
    await host?.stop();
    client?.close();
    await cluster?.stop();
    const mounter = new HostMounter();
    for (const m of await mounter.mountsUnder(rootDir)) await mounter.unmount(m);
  });

  test('a claim bound to a hostPath PersistentVolume is mounted from the volume path', async () => {
    const data = join(hostDir, 'pv-data');
    await apply({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-vol1' }, spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: data, type: 'DirectoryOrCreate' } } });
    await apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'webclaim' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '500Mi' } }, volumeName: 'pv-vol1' } });
    await apply(pod('claim-host', REAL, [{ name: 'data', persistentVolumeClaim: { claimName: 'webclaim' } }], [{ name: 'data', mountPath: '/var/www/html' }]));
    await failedMount('claim-host', 'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: error processing PVC default/webclaim: PVC default/webclaim has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("pv-vol1")');
    // What the PersistentVolume controller does when it binds: claimRef on the volume, Bound on both.
    const claimUid = (await cluster.kubectl(['get', 'pvc', 'webclaim', '-o', 'jsonpath={.metadata.uid}'])).trim();
    await cluster.kubectl(['patch', 'pv', 'pv-vol1', '--type=merge', '-p', JSON.stringify({ spec: { claimRef: { namespace: 'default', name: 'webclaim', uid: claimUid } } })]);
    await cluster.kubectl(['patch', 'pv', 'pv-vol1', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Bound"}}']);
    await cluster.kubectl(['patch', 'pvc', 'webclaim', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Bound"}}']);
    await eventually('claim-host Running', async () => (await statusColumn('claim-host')) === 'Running');
    assert.deepEqual(hostPathOf('claim-host', '/var/www/html'), { containerPath: '/var/www/html', hostPath: data, readonly: false });
    assert.equal(statSync(data).isDirectory(), true, 'DirectoryOrCreate made the directory');
  });

  test('hostPath type checks fail with upstream messages on a real node', async () => {
    const file = join(hostDir, 'not-a-dir');
    writeFileSync(file, 'x');
    await apply(pod('hostpath-bad', REAL, [{ name: 'data', hostPath: { path: file, type: 'Directory' } }], [{ name: 'data', mountPath: '/data' }]));
    await failedMount('hostpath-bad', `MountVolume.SetUp failed for volume "data" : hostPath type check failed: ${file} is not a directory`);
    assert.equal(await statusColumn('hostpath-bad'), 'ContainerCreating');
  });

  test('every kind of volume is prepared on the host and reaches the runtime as CRI mounts', async () => {
    await cluster.kubectl(['create', 'configmap', 'web-config', '--from-literal=color=blue', '--from-literal=size=L']);
    await cluster.kubectl(['create', 'secret', 'generic', 'web-secret', '--from-literal=password=s3cret']);
    await cluster.kubectl(['create', 'serviceaccount', 'builder']);
    const logs = join(hostDir, 'logs');
    await apply({
      ...pod(
        'all-volumes',
        REAL,
        [
          { name: 'scratch', emptyDir: {} },
          { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '32Mi' } },
          { name: 'config', configMap: { name: 'web-config', items: [{ key: 'color', path: 'colors/main', mode: 0o600 }] } },
          { name: 'secret', secret: { secretName: 'web-secret', defaultMode: 0o400 } },
          { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
          { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: 3600 } }, { configMap: { name: 'web-config' } }] } },
          { name: 'logs', hostPath: { path: logs, type: 'DirectoryOrCreate' } },
        ],
        [
          { name: 'scratch', mountPath: '/scratch' },
          { name: 'scratch', mountPath: '/per-pod', subPathExpr: '$(POD_NAME)' },
          { name: 'shm', mountPath: '/dev/shm' },
          { name: 'config', mountPath: '/etc/config' },
          { name: 'secret', mountPath: '/etc/secret' },
          { name: 'podinfo', mountPath: '/etc/podinfo' },
          { name: 'token', mountPath: '/var/run/secrets/tokens' },
          { name: 'logs', mountPath: '/var/log/app', readOnly: true, mountPropagation: 'HostToContainer' },
        ],
        { serviceAccountName: 'builder' },
        // subPathExpr is expanded with the container's environment.
        { env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] },
      ),
    });
    await eventually('all-volumes Running', async () => (await statusColumn('all-volumes')) === 'Running');
    const uid = (await cluster.kubectl(['get', 'pod', 'all-volumes', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const volumes = join(rootDir, 'pods', uid, 'volumes');

    const scratch = hostPathOf('all-volumes', '/scratch');
    assert.deepEqual(scratch, { containerPath: '/scratch', hostPath: join(volumes, 'kubernetes.io~empty-dir', 'scratch'), readonly: false });
    assert.equal(statSync(scratch.hostPath).mode & 0o777, 0o777);
    assert.equal(fsType(scratch.hostPath), '', 'a disk emptyDir is not a mount');
    assert.equal(hostPathOf('all-volumes', '/per-pod').hostPath, join(volumes, 'kubernetes.io~empty-dir', 'scratch', 'all-volumes'));
    const shm = hostPathOf('all-volumes', '/dev/shm').hostPath;
    assert.equal(fsType(shm), 'tmpfs');
    assert.match(execFileSync('findmnt', ['-n', '-o', 'OPTIONS', '--mountpoint', shm], { encoding: 'utf8' }), /size=32768k/);

    const config = hostPathOf('all-volumes', '/etc/config');
    assert.equal(config.readonly, true, 'configMap volumes are read-only');
    assert.equal(readFileSync(join(config.hostPath, 'colors', 'main'), 'utf8'), 'blue');
    assert.equal(statSync(join(config.hostPath, 'colors', 'main')).mode & 0o777, 0o600);

    const secret = hostPathOf('all-volumes', '/etc/secret').hostPath;
    assert.equal(fsType(secret), 'tmpfs', 'secrets never touch the node disk');
    assert.equal(readFileSync(join(secret, 'password'), 'utf8'), 's3cret');
    assert.equal(statSync(join(secret, 'password')).mode & 0o777, 0o400);

    const podinfo = hostPathOf('all-volumes', '/etc/podinfo').hostPath;
    assert.equal(readFileSync(join(podinfo, 'labels'), 'utf8'), 'app="all-volumes"');
    assert.equal(readFileSync(join(podinfo, 'name'), 'utf8'), 'all-volumes');

    const projected = hostPathOf('all-volumes', '/var/run/secrets/tokens').hostPath;
    assert.equal(fsType(projected), 'tmpfs');
    assert.equal(readFileSync(join(projected, 'color'), 'utf8'), 'blue');
    const token = readFileSync(join(projected, 'token'), 'utf8');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { aud: string[] | string; exp: number; iat: number };
    assert.deepEqual([claims.aud].flat(), ['vault']);
    assert.equal(claims.exp - claims.iat, 3600);
    const review = JSON.parse(
      await cluster.kubectl(['create', '--validate=false', '-o', 'json', '-f', '-'], {
        stdin: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: ['vault'] } }),
      }),
    );
    assert.equal(review.status.authenticated, true);
    assert.equal(review.status.user.username, 'system:serviceaccount:default:builder');
    assert.equal(review.status.user.extra?.['authentication.kubernetes.io/pod-name']?.[0], 'all-volumes');

    assert.deepEqual(hostPathOf('all-volumes', '/var/log/app'), { containerPath: '/var/log/app', hostPath: logs, readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' });
    assert.equal(statSync(logs).isDirectory(), true);
  });

  test('a pod that completes has its volumes torn down while the pod object stays', async () => {
    await apply(
      pod('completes', REAL, [{ name: 'shm', emptyDir: { medium: 'Memory' } }], [{ name: 'shm', mountPath: '/dev/shm' }], { restartPolicy: 'Never' }, { command: ['sh', '-c', 'echo done'] }),
    );
    await eventually('completes Completed', async () => (await statusColumn('completes')) === 'Completed');
    const uid = (await cluster.kubectl(['get', 'pod', 'completes', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const podDir = join(rootDir, 'pods', uid);
    await eventually('the completed pod\'s directory removed', async () => !existsSync(podDir));
    assert.deepEqual(await new HostMounter().mountsUnder(podDir), []);
  });

  test('EmptyDir Wrapper Volume, Secret and ConfigMap volumes, no conflict', async () => {
    await cluster.kubectl(['create', 'secret', 'generic', 'wrapper-secret', '--from-literal=data-1=value-1']);
    await cluster.kubectl(['create', 'configmap', 'wrapper-configmap', '--from-literal=data-1=value-1']);
    await apply(
      pod(
        'pod-secrets-and-configmap',
        REAL,
        [
          { name: 'secret-volume', secret: { secretName: 'wrapper-secret' } },
          { name: 'configmap-volume', configMap: { name: 'wrapper-configmap' } },
        ],
        [
          { name: 'secret-volume', mountPath: '/etc/secret-volume' },
          { name: 'configmap-volume', mountPath: '/etc/configmap-volume' },
        ],
      ),
    );
    await eventually('the pod Running', async () => (await statusColumn('pod-secrets-and-configmap')) === 'Running');
    assert.equal(readFileSync(join(hostPathOf('pod-secrets-and-configmap', '/etc/secret-volume').hostPath, 'data-1'), 'utf8'), 'value-1');
    assert.equal(readFileSync(join(hostPathOf('pod-secrets-and-configmap', '/etc/configmap-volume').hostPath, 'data-1'), 'utf8'), 'value-1');
    await cluster.kubectl(['delete', 'pod', 'pod-secrets-and-configmap', '--wait=true']);
  });

  test('EmptyDir Wrapper Volume, ConfigMap volumes, no race', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `racey-configmap-${i}`);
    // --validate=false: kubectl's client-side validation of a List fails against this server's OpenAPI (not a volume matter).
    await cluster.kubectl(['apply', '--validate=false', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: names.map((name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { 'data-1': 'value-1' } })) }),
    });
    const template = pod(
      'wrapped-volume-race',
      REAL,
      names.map((name) => ({ name, configMap: { name, items: [{ key: 'data-1', path: 'data-1' }] } })),
      names.map((name) => ({ name, mountPath: `/etc/config-${name}` })),
    );
    await apply({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'wrapped-volume-race' },
      spec: { replicas: 5, selector: { app: 'wrapped-volume-race' }, template: { metadata: template.metadata, spec: template.spec } },
    });
    await eventually(
      '5 replicas Running',
      async () => {
        const out = await cluster.kubectl(['get', 'pods', '-l', 'app=wrapped-volume-race', '--no-headers']);
        const lines = out.trim().split('\n').filter(Boolean);
        return lines.length === 5 && lines.every((l) => l.split(/\s+/)[2] === 'Running');
      },
      60_000,
    );
    const podNames = (await cluster.kubectl(['get', 'pods', '-l', 'app=wrapped-volume-race', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(' ');
    // Besides the 50 ConfigMaps each pod mounts its ServiceAccount token volume.
    for (const name of podNames) assert.equal(mountsOf(name).filter((m) => m.containerPath.startsWith('/etc/config-')).length, 50);
    const failed = (await cluster.kubectl(['get', 'events', '--field-selector', 'reason=FailedMount', '-o', 'jsonpath={.items[*].involvedObject.name}'])).split(' ');
    assert.equal(failed.filter((n) => n.startsWith('wrapped-volume-race')).length, 0, 'no pod waited for its volumes');
    await cluster.kubectl(['delete', 'rc', 'wrapped-volume-race', '--wait=true']);
  });

  test('updates to ConfigMaps, Secrets and labels reach the files; deleting the pod unmounts and removes its volumes', async () => {
    const uid = (await cluster.kubectl(['get', 'pod', 'all-volumes', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const config = hostPathOf('all-volumes', '/etc/config').hostPath;
    const secret = hostPathOf('all-volumes', '/etc/secret').hostPath;
    const podinfo = hostPathOf('all-volumes', '/etc/podinfo').hostPath;
    const dataLink = execFileSync('readlink', [join(config, '..data')], { encoding: 'utf8' }).trim();
    await cluster.kubectl(['patch', 'configmap', 'web-config', '--type=merge', '-p', '{"data":{"color":"red"}}']);
    await cluster.kubectl(['patch', 'secret', 'web-secret', '--type=merge', '-p', JSON.stringify({ data: { password: Buffer.from('n3w').toString('base64') } })]);
    await cluster.kubectl(['label', 'pod', 'all-volumes', 'tier=front']);
    await eventually('the ConfigMap update in the file', async () => readFileSync(join(config, 'colors', 'main'), 'utf8') === 'red');
    assert.notEqual(execFileSync('readlink', [join(config, '..data')], { encoding: 'utf8' }).trim(), dataLink, '..data was swapped');
    await eventually('the Secret update in the file', async () => readFileSync(join(secret, 'password'), 'utf8') === 'n3w');
    await eventually('the new label in the file', async () => readFileSync(join(podinfo, 'labels'), 'utf8') === 'app="all-volumes"\ntier="front"');

    await cluster.kubectl(['delete', 'pod', 'all-volumes', '--wait=true']);
    const podDir = join(rootDir, 'pods', uid);
    await eventually('the pod directory removed', async () => !existsSync(podDir));
    assert.deepEqual(await new HostMounter().mountsUnder(podDir), [], 'no tmpfs left mounted');
    assert.equal(existsSync(join(hostDir, 'logs')), true, 'hostPath volumes are left alone');
  });

  test('an agent restart keeps running pods\' volumes and removes those of pods deleted meanwhile', async () => {
    const volumes = [{ name: 'shm', emptyDir: { medium: 'Memory' } }];
    await apply(pod('stays', REAL, volumes, [{ name: 'shm', mountPath: '/dev/shm' }]));
    await apply(pod('goes', REAL, volumes, [{ name: 'shm', mountPath: '/dev/shm' }]));
    await eventually('both Running', async () => (await statusColumn('stays')) === 'Running' && (await statusColumn('goes')) === 'Running');
    const uidOf = async (name: string) => (await cluster.kubectl(['get', 'pod', name, '-o', 'jsonpath={.metadata.uid}'])).trim();
    const [stays, goes] = [join(rootDir, 'pods', await uidOf('stays')), join(rootDir, 'pods', await uidOf('goes'))];
    await host.stop();
    await cluster.kubectl(['delete', 'pod', 'goes', '--grace-period=0', '--force']);
    host = newHost();
    await host.start();
    await eventually('the deleted pod\'s directory removed', async () => !existsSync(goes));
    assert.deepEqual(await new HostMounter().mountsUnder(goes), []);
    await eventually('stays synced again', async () => (await statusColumn('stays')) === 'Running');
    // The pod's tmpfs mounts: its memory emptyDir and its ServiceAccount token volume, each once.
    const mounts = await new HostMounter().mountsUnder(stays);
    assert.deepEqual(mounts.filter((m) => m.includes('kubernetes.io~empty-dir')), [join(stays, 'volumes', 'kubernetes.io~empty-dir', 'shm')], 'one tmpfs, not mounted twice');
    assert.equal(new Set(mounts).size, mounts.length, 'nothing mounted twice');
  });
});
