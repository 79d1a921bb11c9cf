// Node agent faults: an agent restart recovers running pods from the runtime
// instead of restarting them; an API server outage leaves pods as they are and
// the agent resumes its watch afterwards without missing a pod.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/cli/log.js';
import { startServer, type RunningServer } from '../../src/cli/server.js';
import * as resources from '../../src/client/resources.js';
import { Client } from '../../src/client/rest.js';
import type { KubeObject, ResourceClient } from '../../src/client/types.js';
import { hollowNodes } from '../../src/kubelet/hollow.js';
import { KubeletHost, type HostedNode } from '../../src/kubelet/host.js';
import { tempDir } from '../helpers/tmp.js';
import { eventually } from '../helpers/eventually.js';

interface PodView {
  phase?: string;
  containerStatuses?: { containerID?: string; restartCount: number; state: { running?: object } }[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('node agent faults', () => {
  const dataDir = tempDir('k8ts-node-faults');
  const log = createLogger(0, () => undefined);
  let port = 0;
  let server: RunningServer;
  let client: Client;
  let pods: ResourceClient<KubeObject>;
  const nodes: HostedNode[] = hollowNodes(1, { prefix: 'fault' });
  let host: KubeletHost | undefined;
  const start = () => startServer({ dataDir, httpsListenPort: port, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16', disableScheduler: true }, log);
  const newHost = async () => {
    const h = new KubeletHost({ client: await Client.fromKubeconfig(server.kubeconfigPath), log, nodes, retryMs: 500 });
    await h.start();
    return h;
  };
  const view = async (name: string) => ((await pods.get('default', name)).status ?? {}) as PodView;
  const createPod = (name: string) =>
    pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'fault-0', containers: [{ name: 'c', image: 'nginx:1.27' }] } });
  const running = (name: string) => eventually(`${name} Running`, async () => ((await view(name)).phase === 'Running' ? view(name) : undefined));

  before(async () => {
    port = await freePort();
    server = await start();
    client = await Client.fromKubeconfig(server.kubeconfigPath);
    pods = client.resource(resources.pods);
  });
  after(async () => {
    await host?.stop();
    client.close();
    await server.stop();
  });

  test('an agent restart recovers running pods from the runtime without restarting them', async () => {
    host = await newHost();
    await createPod('survivor');
    await createPod('deleted-while-down');
    const before = await running('survivor');
    await running('deleted-while-down');
    await host.stop();
    // While no agent runs, a pod is force-deleted: its containers must not outlive the restart.
    await pods.delete('default', 'deleted-while-down', { gracePeriodSeconds: 0 });
    host = await newHost();
    await new Promise((r) => setTimeout(r, 1000));
    const afterRestart = await running('survivor');
    assert.equal(afterRestart.containerStatuses?.[0].containerID, before.containerStatuses?.[0].containerID);
    assert.equal(afterRestart.containerStatuses?.[0].restartCount, 0);
    const sandboxes = await nodes[0].runtime.listPodSandbox();
    assert.deepEqual(sandboxes.map((s) => s.metadata.name), ['survivor']);
  });

  test('an API server outage keeps pods running, and the agent resumes its watch afterwards', async () => {
    const before = await running('survivor');
    await server.stop();
    await new Promise((r) => setTimeout(r, 1500));
    // The runtime still runs the pod while the API is away.
    const containers = await nodes[0].runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    assert.equal(containers.length, 1);
    server = await start();
    client.close();
    client = await Client.fromKubeconfig(server.kubeconfigPath);
    pods = client.resource(resources.pods);
    await createPod('after-outage');
    await running('after-outage');
    const survivor = await view('survivor');
    assert.equal(survivor.containerStatuses?.[0].containerID, before.containerStatuses?.[0].containerID);
    // The Lease keeps being renewed.
    const leases = client.resource(resources.leases);
    const first = ((await leases.get('kube-node-lease', 'fault-0')).spec as { renewTime: string }).renewTime;
    await eventually('a renewed Lease', async () => ((await leases.get('kube-node-lease', 'fault-0')).spec as { renewTime: string }).renewTime !== first, 20_000);
  });
});
