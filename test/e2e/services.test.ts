// Service ClusterIP and NodePort allocation through the real API and kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../../src/cli/server.js';
import { createLogger } from '../../src/cli/log.js';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';

type Service = { metadata: { name: string }; spec: { type?: string; clusterIP?: string; clusterIPs?: string[]; ports: { port: number; nodePort?: number }[] } };
type StatusBody = { code: number; reason: string; message: string };

describe('Service allocation', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  const services = '/api/v1/namespaces/default/services';
  const service = (name: string, spec: object = {}) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  });
  const create = async (name: string, spec: object = {}) => {
    const res = await api.request('POST', services, service(name, spec));
    assert.equal(res.status, 201, res.text);
    return res.body as Service;
  };
  const refused = async (name: string, spec: object) => {
    const res = await api.request('POST', services, service(name, spec));
    assert.equal(res.status, 422, res.text);
    return (res.body as StatusBody).message;
  };
  const update = async (name: string, change: (svc: Service) => void) => {
    const svc = (await api.request('GET', `${services}/${name}`)).body as Service;
    change(svc);
    const res = await api.request('PUT', `${services}/${name}`, svc);
    assert.equal(res.status, 200, res.text);
    return res.body as Service;
  };

  before(async () => ({ cluster, api } = await startApiCluster()));
  after(async () => cluster.stop());

  test('a ClusterIP Service gets a free address of the service CIDR', async () => {
    const svc = await create('web');
    const ip = svc.spec.clusterIP ?? '';
    assert.match(ip, /^10\.43\.\d+\.\d+$/);
    assert.notEqual(ip, '10.43.0.1');
    assert.deepEqual(svc.spec.clusterIPs, [ip]);
    const table = await cluster.kubectl(['get', 'service', 'web']);
    assert.match(table, new RegExp(`web\\s+ClusterIP\\s+${ip.replace(/\./g, '\\.')}\\s+<none>\\s+80/TCP`));
  });

  test('a requested address in use or outside the range is refused with upstream messages', async () => {
    assert.equal(
      await refused('dup', { clusterIP: '10.43.0.1' }),
      'Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.0.1"}: failed to allocate IP 10.43.0.1: provided IP is already allocated',
    );
    assert.equal(
      await refused('outside', { clusterIP: '10.96.0.10' }),
      'Service "outside" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is not in the valid range. The range of valid IPs is 10.43.0.0/16',
    );
    const chosen = await create('chosen', { clusterIP: '10.43.0.10' });
    assert.equal(chosen.spec.clusterIP, '10.43.0.10');
  });

  test('a headless Service keeps clusterIP None', async () => {
    const svc = await create('headless', { clusterIP: 'None' });
    assert.equal(svc.spec.clusterIP, 'None');
    assert.deepEqual(svc.spec.clusterIPs, ['None']);
  });

  test('NodePort and LoadBalancer Services get node ports from 30000-32767', async () => {
    const np = await create('np', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] });
    for (const port of np.spec.ports) assert.ok(port.nodePort! >= 30000 && port.nodePort! <= 32767, String(port.nodePort));
    assert.notEqual(np.spec.ports[0].nodePort, np.spec.ports[1].nodePort);
    const lb = await create('lb', { type: 'LoadBalancer' });
    assert.ok(lb.spec.ports[0].nodePort! >= 30000);
    assert.match(lb.spec.clusterIP ?? '', /^10\.43\./);

    await create('fixed', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] });
    assert.equal(
      await refused('taken', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }),
      'Service "taken" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    assert.equal(
      await refused('low', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }),
      'Service "low" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });

  test('a refused Service keeps nothing it allocated on the way', async () => {
    await refused('half', { type: 'NodePort', clusterIP: '10.43.0.20', ports: [{ name: 'a', port: 80, nodePort: 30100 }, { name: 'b', port: 81, nodePort: 30080 }] });
    const svc = await create('whole', { type: 'NodePort', clusterIP: '10.43.0.20', ports: [{ port: 80, nodePort: 30100 }] });
    assert.equal(svc.spec.ports[0].nodePort, 30100);
  });

  test('deleting a Service releases its address and ports', async () => {
    await create('short-lived', { type: 'NodePort', clusterIP: '10.43.0.30', ports: [{ port: 80, nodePort: 30200 }] });
    await cluster.kubectl(['delete', 'service', 'short-lived']);
    const again = await create('reborn', { type: 'NodePort', clusterIP: '10.43.0.30', ports: [{ port: 80, nodePort: 30200 }] });
    assert.equal(again.spec.clusterIP, '10.43.0.30');
  });

  test('changing type ClusterIP to ExternalName drops and releases the ClusterIP', async () => {
    const svc = await create('to-external', { clusterIP: '10.43.0.40' });
    assert.equal(svc.spec.clusterIP, '10.43.0.40');
    const external = await update('to-external', (s) => {
      s.spec.type = 'ExternalName';
      (s.spec as { externalName?: string }).externalName = 'example.com';
      delete s.spec.clusterIP;
      delete s.spec.clusterIPs;
    });
    assert.equal(external.spec.clusterIP, undefined);
    assert.equal((await create('takes-40', { clusterIP: '10.43.0.40' })).spec.clusterIP, '10.43.0.40');
  });

  test('changing type ExternalName to NodePort allocates a ClusterIP and a node port; back to ExternalName releases them', async () => {
    const res = await api.request('POST', services, { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
    assert.equal(res.status, 201, res.text);
    assert.equal((res.body as Service).spec.clusterIP, undefined);
    const nodePort = await update('ext', (s) => {
      s.spec.type = 'NodePort';
      delete (s.spec as { externalName?: string }).externalName;
      s.spec.ports = [{ port: 80 }];
      (s.spec as { selector?: object }).selector = { app: 'ext' };
    });
    assert.match(nodePort.spec.clusterIP ?? '', /^10\.43\./);
    const port = nodePort.spec.ports[0].nodePort!;
    assert.ok(port >= 30000);
    const back = await update('ext', (s) => {
      s.spec.type = 'ExternalName';
      (s.spec as { externalName?: string }).externalName = 'example.com';
      delete s.spec.clusterIP;
      delete s.spec.clusterIPs;
    });
    assert.equal(back.spec.clusterIP, undefined);
    assert.equal(back.spec.ports[0].nodePort, undefined);
    const reuse = await create('reuse-port', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] });
    assert.equal(reuse.spec.ports[0].nodePort, port);
  });

  test('kubectl create service nodeport and expose show the allocated values', async () => {
    await cluster.kubectl(['create', 'service', 'nodeport', 'made-by-kubectl', '--tcp=8080:80']);
    const out = await cluster.kubectl(['get', 'service', 'made-by-kubectl', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}']);
    assert.match(out, /^10\.43\.\d+\.\d+ 3\d{4}$/);
  });

  test('allocations survive a restart of the server', async () => {
    const dataDir = cluster.dataDir;
    await create('durable', { clusterIP: '10.43.0.50', type: 'NodePort', ports: [{ port: 80, nodePort: 30300 }] });
    await cluster.stop();
    const restarted = await startServer(
      { dataDir, httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16' },
      createLogger(0, () => {}),
    );
    try {
      api = await apiClient(restarted.kubeconfigPath);
      assert.match(await refused('copycat', { clusterIP: '10.43.0.50' }), /provided IP is already allocated/);
      assert.match(await refused('copycat', { type: 'NodePort', ports: [{ port: 80, nodePort: 30300 }] }), /provided port is already allocated/);
    } finally {
      await restarted.stop();
      cluster = { ...cluster, stop: async () => {} };
    }
  });
});
