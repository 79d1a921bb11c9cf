import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cniConflist, gatewayOf } from './cni.js';
import { configToml } from './config.js';
import { containerdPaths } from './paths.js';
import { authToml, hostsToml, type Registries } from './registries.js';

test('containerd paths: own root under the data dir, state and socket on /run, one per data dir', () => {
  const a = containerdPaths('/var/lib/k8ts');
  assert.equal(a.root, '/var/lib/k8ts/agent/containerd');
  assert.equal(a.socket, '/run/k8ts/containerd/containerd.sock');
  assert.equal(a.configFile, '/var/lib/k8ts/agent/etc/containerd/config.toml');
  const b = containerdPaths('/tmp/x');
  assert.match(b.socket, /^\/run\/k8ts\/containerd-[0-9a-f]{12}\/containerd\.sock$/);
  assert.notEqual(b.socket, containerdPaths('/tmp/y').socket);
});

test('config.toml: CRI plugin with runc, the chosen snapshotter, CNI dirs, pause image, registry config path and auth', () => {
  const paths = containerdPaths('/var/lib/k8ts');
  const text = configToml(paths, { sandboxImage: 'docker.io/k8ts/pause:3.10', snapshotter: 'native', systemdCgroup: false, restrictOomScoreAdj: true }, authToml({ mirrors: {}, configs: { 'reg.example:5000': { auth: { username: 'u', password: 'p' } } } }));
  assert.match(text, /^version = 2$/m);
  assert.match(text, /address = "\/run\/k8ts\/containerd\/containerd\.sock"/);
  assert.match(text, /snapshotter = "native"/);
  assert.match(text, /sandbox_image = "docker\.io\/k8ts\/pause:3\.10"/);
  assert.match(text, /bin_dir = "\/usr\/lib\/cni"/);
  assert.match(text, /SystemdCgroup = false/);
  assert.match(text, /restrict_oom_score_adj = true/);
  assert.match(text, /\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.configs\."reg\.example:5000"\.auth\]\n {2}username = "u"\n {2}password = "p"/);
});

test('registries.yaml mirrors become hosts.toml: mirrors first, plain HTTP and TLS settings kept', () => {
  const registries: Registries = {
    mirrors: { 'docker.io': { endpoint: ['http://127.0.0.1:5000', 'mirror.example'] } },
    configs: { 'mirror.example': { tls: { insecure_skip_verify: true, ca_file: '/ca.pem' } } },
  };
  const text = hostsToml('docker.io', registries);
  assert.match(text, /^server = "https:\/\/registry-1\.docker\.io"/);
  assert.match(text, /\[host\."http:\/\/127\.0\.0\.1:5000"\]\n {2}capabilities = \["pull", "resolve"\]\n {2}plain_http = true/);
  assert.match(text, /\[host\."https:\/\/mirror\.example"\]\n {2}capabilities = \["pull", "resolve"\]\n {2}skip_verify = true\n {2}ca = "\/ca\.pem"/);
});

test('CNI: a bridge with host-local IPAM over the pod CIDR (gateway .1) and portmap', () => {
  assert.equal(gatewayOf('10.42.3.0/24'), '10.42.3.1');
  const conf = cniConflist('10.42.3.0/24', '/d') as { plugins: { type: string; ipam?: { ranges: { subnet: string; gateway: string }[][]; dataDir: string } }[] };
  assert.deepEqual(conf.plugins.map((p) => p.type), ['bridge', 'portmap']);
  assert.deepEqual(conf.plugins[0].ipam?.ranges, [[{ subnet: '10.42.3.0/24', gateway: '10.42.3.1' }]]);
  assert.equal(conf.plugins[0].ipam?.dataDir, '/d');
});
