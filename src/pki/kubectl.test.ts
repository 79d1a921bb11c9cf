// End-to-end: the real kubectl (Go crypto/tls) against a Node HTTPS server that uses
// the certificates from ensureClusterPki. kubectl must be on PATH; if it is not, the
// test fails (it never skips).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, request, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureClusterPki, writeAdminKubeconfig, type ClusterPki } from './cluster.js';
import { createCertificateAuthority } from './ca.js';
import { issueClientCertificate } from './certs.js';
import { buildKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { userFromClientCertificate, type CertificateUser } from './authn.js';

const run = promisify(execFile);

const VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-k8ts', platform: 'linux/amd64' };

let dir: string;
let pki: ClusterPki;
let server: Server;
let port: number;
const seen: (CertificateUser | undefined)[] = [];

function answer(req: IncomingMessage, res: ServerResponse): void {
  const user = userFromClientCertificate(req.socket as TLSSocket);
  seen.push(user);
  res.setHeader('Content-Type', 'application/json');
  if (!user) {
    res.writeHead(401);
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
    return;
  }
  const isVersion = new URL(req.url ?? '/', 'https://localhost').pathname === '/version';
  res.writeHead(isVersion ? 200 : 404);
  res.end(JSON.stringify(isVersion ? VERSION : { kind: 'Status', code: 404 }));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k8ts-pki-kubectl-'));
  pki = await ensureClusterPki(dir, { serviceIPs: ['10.43.0.1'] });
  server = createServer(
    { cert: pki.servingCertPem, key: pki.servingKeyPem, ca: pki.caCertPem, requestCert: true, rejectUnauthorized: false },
    answer,
  );
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

async function kubectl(kubeconfig: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NO_PROXY: '*' };
  const child = run('kubectl', ['--kubeconfig', kubeconfig, ...args], { env, timeout: 30_000 });
  child.child.stdin?.end(); // never wait on an interactive prompt
  return child;
}

async function lastUserFor(kubeconfig: string): Promise<CertificateUser | undefined> {
  seen.length = 0;
  const { stdout } = await kubectl(kubeconfig, 'get', '--raw', '/version');
  assert.deepEqual(JSON.parse(stdout), VERSION);
  return seen.at(-1);
}

test('kubectl get --raw /version succeeds with the admin kubeconfig as system:admin', async () => {
  const [kubeconfig] = await writeAdminKubeconfig(pki, `https://127.0.0.1:${port}`);
  assert.deepEqual(await lastUserFor(kubeconfig!), { username: 'system:admin', groups: ['system:masters'] });
});

test('kubectl verifies the serving certificate for localhost, [::1] and the host address', async () => {
  for (const host of ['localhost', '[::1]']) {
    const path = join(dir, `kubeconfig-${host.replace(/\W/g, '')}.yaml`);
    await writeKubeconfig(path, buildKubeconfig({ server: `https://${host}:${port}`, caCertPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem }));
    assert.equal((await lastUserFor(path))?.username, 'system:admin', host);
  }
});

test('a client certificate issued later (a kubelet) authenticates as its CN and O', async () => {
  const node = await issueClientCertificate(pki.ca, { commonName: 'system:node:worker-1', organizations: ['system:nodes'] });
  const path = join(dir, 'kubelet.yaml');
  await writeKubeconfig(path, buildKubeconfig({ server: `https://127.0.0.1:${port}`, caCertPem: pki.caCertPem, clientCertPem: node.certPem, clientKeyPem: node.keyPem }));
  assert.deepEqual(await lastUserFor(path), { username: 'system:node:worker-1', groups: ['system:nodes'] });
});

// With no credentials at all kubectl would prompt for a username on a 401 (as it does
// against k3s), so the credential-less kubeconfig carries a token the server does not know.
test('kubectl without a client certificate is told Unauthorized (401)', async () => {
  const path = join(dir, 'anonymous.yaml');
  await writeKubeconfig(path, buildKubeconfig({ server: `https://127.0.0.1:${port}`, caCertPem: pki.caCertPem, token: 'unknown' }));
  seen.length = 0;
  await assert.rejects(kubectl(path, 'get', '--raw', '/version'), (err: Error & { stderr?: string }) => {
    assert.match(err.stderr ?? '', /error: You must be logged in to the server \(Unauthorized\)/);
    return true;
  });
  assert.ok(seen.length > 0 && seen.every((user) => user === undefined));
});

test('a client certificate from another CA, or a serving certificate, is not authenticated', async () => {
  const otherCa = await createCertificateAuthority();
  const foreign = await issueClientCertificate(otherCa, { commonName: 'system:admin', organizations: ['system:masters'] });
  for (const credentials of [foreign, { certPem: pki.servingCertPem, keyPem: pki.servingKeyPem }]) {
    const status = await rawStatus({ cert: credentials.certPem, key: credentials.keyPem });
    assert.equal(status, 401);
  }
  assert.equal(await rawStatus({}), 401);
});

test('kubectl rejects a server whose certificate does not chain to the kubeconfig CA', async () => {
  const otherCa = await createCertificateAuthority();
  const path = join(dir, 'wrong-ca.yaml');
  await writeKubeconfig(path, buildKubeconfig({ server: `https://127.0.0.1:${port}`, caCertPem: otherCa.certPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem }));
  await assert.rejects(kubectl(path, 'get', '--raw', '/version'), (err: Error & { stderr?: string }) => {
    assert.match(err.stderr ?? '', /certificate signed by unknown authority/);
    return true;
  });
});

function rawStatus(client: { cert?: string; key?: string }): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/version', ca: pki.caCertPem, ...client }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}
