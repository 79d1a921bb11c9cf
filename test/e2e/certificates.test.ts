// certificates.k8s.io/v1 CertificateSigningRequests: the API (every verb, /approval and
// /status), the built-in signers of the controller manager, and the real kubectl's
// `certificate approve|deny`; a certificate issued this way authenticates to the API server.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/tmp.js';
import { buildKubeconfig, createCertificateRequest, loadKubeconfig, serializeKubeconfig } from '../../src/pki/index.js';

const CSRS = '/apis/certificates.k8s.io/v1/certificatesigningrequests';

interface Csr {
  metadata: { name: string; resourceVersion?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: { username?: string; groups?: string[]; signerName: string; expirationSeconds?: number };
  status?: { certificate?: string; conditions?: { type: string; status: string; reason?: string; message?: string; lastUpdateTime?: string }[] };
}

/** A CSR object for `pem`, to be created. */
function csrObject(name: string, pem: string, extra: { signerName?: string; usages?: string[]; expirationSeconds?: number; labels?: Record<string, string> } = {}) {
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      request: Buffer.from(pem).toString('base64'),
      signerName: extra.signerName ?? 'kubernetes.io/kube-apiserver-client',
      usages: extra.usages ?? ['client auth'],
      ...(extra.expirationSeconds ? { expirationSeconds: extra.expirationSeconds } : {}),
    },
  };
}

describe('certificates.k8s.io', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  let caPem: string;
  const dir = tempDir('k8ts-csr');

  before(async () => {
    cluster = await startTestCluster();
    api = await apiClient(cluster.kubeconfig);
    caPem = (await loadKubeconfig(cluster.kubeconfig)).caCertPem!;
  });
  after(async () => {
    await cluster?.stop();
  });

  test('CertificateSigningRequest API', async () => {
    const groups = (await api.request('GET', '/apis')).body as { groups: { name: string; versions: { version: string }[] }[] };
    assert.ok(groups.groups.some((g) => g.name === 'certificates.k8s.io'));
    const group = (await api.request('GET', '/apis/certificates.k8s.io')).body as { versions: { version: string }[] };
    assert.ok(group.versions.some((v) => v.version === 'v1'));
    const list = (await api.request('GET', '/apis/certificates.k8s.io/v1')).body as { resources: { name: string; verbs: string[] }[] };
    const verbs = (name: string) => [...(list.resources.find((r) => r.name === name)?.verbs ?? [])].sort();
    assert.deepEqual(verbs('certificatesigningrequests'), ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(verbs('certificatesigningrequests/approval'), ['get', 'patch', 'update']);
    assert.deepEqual(verbs('certificatesigningrequests/status'), ['get', 'patch', 'update']);

    const { csrPem } = await createCertificateRequest({ commonName: 'e2e-user' });
    const labels = { e2e: 'csr-api' };
    const signerName = 'example.com/e2e-signer';
    // The requestor is the authenticated user, whatever the client wrote; the status starts empty.
    const body = csrObject('csr-api-1', csrPem, { signerName, labels });
    const forged = { ...body, spec: { ...body.spec, username: 'mallory', groups: ['system:masters'] }, status: { certificate: 'Zm9v', conditions: [{ type: 'Approved', status: 'True' }] } };
    const created = await api.request('POST', CSRS, forged);
    assert.equal(created.status, 201, created.text);
    const csr = created.body as Csr;
    assert.equal(csr.spec.username, 'system:admin');
    assert.deepEqual(csr.spec.groups, ['system:masters', 'system:authenticated']);
    assert.deepEqual(csr.status ?? {}, {});
    assert.equal((await api.request('POST', CSRS, csrObject('csr-api-2', csrPem, { signerName, labels }))).status, 201);
    assert.equal((await api.request('POST', CSRS, csrObject('csr-api-3', csrPem, { signerName, labels }))).status, 201);

    assert.equal(((await api.request('GET', `${CSRS}/csr-api-1`)).body as Csr).metadata.name, 'csr-api-1');
    const listed = (await api.request('GET', `${CSRS}?labelSelector=e2e%3Dcsr-api`)).body as { items: Csr[]; metadata: { resourceVersion: string } };
    assert.deepEqual(listed.items.map((c) => c.metadata.name).sort(), ['csr-api-1', 'csr-api-2', 'csr-api-3']);
    const bySigner = (await api.request('GET', `${CSRS}?fieldSelector=spec.signerName%3D${encodeURIComponent(signerName)}`)).body as { items: Csr[] };
    assert.equal(bySigner.items.length, 3);

    const watch = api.watch(`${CSRS}?watch=true&labelSelector=e2e%3Dcsr-api&resourceVersion=${listed.metadata.resourceVersion}`);
    try {
      const patched = await api.request('PATCH', `${CSRS}/csr-api-1`, { metadata: { annotations: { patched: 'true' } } }, { 'Content-Type': 'application/merge-patch+json' });
      assert.equal(patched.status, 200, patched.text);
      const event = await watch.next(10_000);
      assert.equal(event?.type, 'MODIFIED');
      assert.equal(event?.object.metadata?.name, 'csr-api-1');
    } finally {
      watch.close();
    }
    const current = (await api.request('GET', `${CSRS}/csr-api-1`)).body as Csr;
    // An update of the main resource changes metadata only: spec and status stay.
    const updated = await api.request('PUT', `${CSRS}/csr-api-1`, {
      ...current,
      metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, updated: 'true' } },
      spec: { ...current.spec, signerName: 'example.com/other' },
      status: { conditions: [{ type: 'Approved', status: 'True', reason: 'sneaky' }] },
    });
    assert.equal(updated.status, 200, updated.text);
    assert.equal((updated.body as Csr).metadata.annotations?.updated, 'true');
    assert.equal((updated.body as Csr).spec.signerName, signerName);
    assert.equal((updated.body as Csr).status?.conditions, undefined);

    // /approval: get, update, patch — conditions only.
    const approvalPath = `${CSRS}/csr-api-1/approval`;
    const gotApproval = (await api.request('GET', approvalPath)).body as Csr;
    assert.equal(gotApproval.metadata.name, 'csr-api-1');
    const approved = await api.request('PUT', approvalPath, {
      ...gotApproval,
      spec: { ...gotApproval.spec, signerName: 'example.com/other' },
      status: { certificate: 'Zm9v', conditions: [{ type: 'Approved', status: 'True', reason: 'E2E', message: 'Set from an e2e test' }] },
    });
    assert.equal(approved.status, 200, approved.text);
    const approvedCsr = approved.body as Csr;
    assert.equal(approvedCsr.status?.conditions?.[0].type, 'Approved');
    assert.ok(approvedCsr.status?.conditions?.[0].lastUpdateTime, 'the server sets lastUpdateTime');
    assert.equal(approvedCsr.status?.certificate, undefined, '/approval does not set the certificate');
    assert.equal(approvedCsr.spec.signerName, signerName);
    const approvalPatch = await api.request('PATCH', approvalPath, { metadata: { annotations: { approvalPatched: 'true' } } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(approvalPatch.status, 200, approvalPatch.text);
    assert.equal((approvalPatch.body as Csr).metadata.annotations?.approvalPatched, 'true');

    // /status: get, update, patch — the certificate and other conditions, never the approval.
    const statusPath = `${CSRS}/csr-api-1/status`;
    const gotStatus = (await api.request('GET', statusPath)).body as Csr;
    const certificate = Buffer.from(caPem).toString('base64');
    const statusUpdate = await api.request('PUT', statusPath, { ...gotStatus, status: { ...gotStatus.status, certificate } });
    assert.equal(statusUpdate.status, 200, statusUpdate.text);
    assert.equal((statusUpdate.body as Csr).status?.certificate, certificate);
    const statusPatch = await api.request(
      'PATCH',
      statusPath,
      [{ op: 'add', path: '/status/conditions/-', value: { type: 'StatusPatched', status: 'True', reason: 'E2E', message: 'Set from an e2e test' } }],
      { 'Content-Type': 'application/json-patch+json' },
    );
    assert.equal(statusPatch.status, 200, statusPatch.text);
    assert.deepEqual((statusPatch.body as Csr).status?.conditions?.map((c) => c.type), ['Approved', 'StatusPatched']);
    const addApproval = await api.request('PUT', `${CSRS}/csr-api-2/status`, {
      ...((await api.request('GET', `${CSRS}/csr-api-2`)).body as Csr),
      status: { conditions: [{ type: 'Approved', status: 'True' }] },
    });
    assert.equal(addApproval.status, 422, addApproval.text);
    assert.match(addApproval.text, /status.conditions: Forbidden: updates may not add a condition of type \\"Approved\\"/);

    const deleted = await api.request('DELETE', `${CSRS}/csr-api-1`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal((await api.request('GET', `${CSRS}/csr-api-1`)).status, 404);
    const collection = await api.request('DELETE', `${CSRS}?labelSelector=e2e%3Dcsr-api`);
    assert.equal(collection.status, 200, collection.text);
    assert.equal(((await api.request('GET', `${CSRS}?labelSelector=e2e%3Dcsr-api`)).body as { items: Csr[] }).items.length, 0);
  });

  test('kubectl certificate approve: a client certificate from the cluster CA that authenticates to the API server', async () => {
    const keyPath = join(dir, 'jane.key');
    const csrPath = join(dir, 'jane.csr');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', csrPath, '-subj', '/CN=jane/O=developers'], { stdio: 'pipe' });
    const manifest = csrObject('jane', readFileSync(csrPath, 'utf8'), { expirationSeconds: 86_400 });
    assert.match(await cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(manifest) }), /certificatesigningrequest.certificates.k8s.io\/jane created/);
    const table = await cluster.kubectl(['get', 'csr', 'jane']);
    assert.match(table, /^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION\n/);
    assert.match(table, /\njane\s+\S+\s+kubernetes.io\/kube-apiserver-client\s+system:admin\s+24h\s+Pending\n/);

    assert.match(await cluster.kubectl(['certificate', 'approve', 'jane']), /certificatesigningrequest.certificates.k8s.io\/jane approved/);
    const issued = await eventually('jane issued', async () => (await cluster.kubectl(['get', 'csr', 'jane', '-o', 'jsonpath={.status.certificate}'])) || undefined);
    assert.match(await cluster.kubectl(['get', 'csr', 'jane']), /\sApproved,Issued\n/);
    assert.match(await cluster.kubectl(['describe', 'csr', 'jane']), /Requesting User:\s+system:admin[\s\S]*Status:\s+Approved,Issued[\s\S]*Common Name:\s+jane/);

    const certPem = Buffer.from(issued, 'base64').toString('utf8');
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), 'signed by the cluster CA');
    assert.match(cert.subject, /CN=jane/);
    const lifetimeHours = (Date.parse(cert.validTo) - Date.now()) / 3_600_000;
    assert.ok(lifetimeHours > 23 && lifetimeHours <= 24, `expirationSeconds honoured (${lifetimeHours} h left)`);
    assert.ok(cert.keyUsage?.includes('1.3.6.1.5.5.7.3.2'), 'client auth');

    const server = (await loadKubeconfig(cluster.kubeconfig)).server;
    const janeConfig = join(dir, 'jane.kubeconfig');
    writeFileSync(janeConfig, serializeKubeconfig(buildKubeconfig({ server, caCertPem: caPem, clientCertPem: certPem, clientKeyPem: readFileSync(keyPath, 'utf8') })));
    const whoami = await cluster.kubectl(['auth', 'whoami', '--kubeconfig', janeConfig]);
    assert.match(whoami, /Username\s+jane/);
    assert.match(whoami, /Groups\s+\[developers system:authenticated\]/);
  });

  test('kubectl certificate deny: no certificate, and approving a denied request is refused', async () => {
    const { csrPem } = await createCertificateRequest({ commonName: 'eve' });
    await cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(csrObject('eve', csrPem)) });
    assert.match(await cluster.kubectl(['certificate', 'deny', 'eve']), /certificatesigningrequest.certificates.k8s.io\/eve denied/);
    assert.match(await cluster.kubectl(['get', 'csr', 'eve', '--no-headers']), /\sDenied\n$/);
    const refused = await cluster.kubectlResult(['certificate', 'approve', 'eve']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /certificate signing request "eve" is already Denied/);

    // Both conditions at once through the API: upstream's validation.
    const current = (await api.request('GET', `${CSRS}/eve`)).body as Csr;
    const both = await api.request('PUT', `${CSRS}/eve/approval`, { ...current, status: { conditions: [...(current.status?.conditions ?? []), { type: 'Approved', status: 'True' }] } });
    assert.equal(both.status, 422, both.text);
    assert.match(both.text, /status.conditions\[1\].type: Invalid value: \\"Approved\\": Approved and Denied conditions are mutually exclusive/);
    // A denied request is never signed: the signer acts only on approved ones, and the approval cannot be added.
    assert.equal(((await api.request('GET', `${CSRS}/eve`)).body as Csr).status?.certificate, undefined);
  });

  test('bad requests are refused with upstream\'s messages', async () => {
    const bad = csrObject('bad', 'hello', { expirationSeconds: 100, usages: ['client auth', 'flying'] });
    const result = await cluster.kubectlResult(['create', '-f', '-'], { stdin: JSON.stringify({ ...bad, spec: { ...bad.spec, signerName: 'no-slash' } }) });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /The CertificateSigningRequest "bad" is invalid/);
    assert.match(result.stderr, /spec.request: Invalid value: \[\]byte\{0x68, 0x65, 0x6c, 0x6c, 0x6f\}: PEM block type must be CERTIFICATE REQUEST/);
    assert.match(result.stderr, /spec.usages\[1\]: Unsupported value: "flying": supported values: "any", "cert sign"/);
    assert.match(result.stderr, /spec.signerName: Invalid value: "no-slash": must be a fully qualified domain and path of the form 'example.com\/signer-name'/);
    assert.match(result.stderr, /spec.expirationSeconds: Invalid value: 100: may not specify a duration less than 600 seconds \(10 minutes\)/);

    const { csrPem } = await createCertificateRequest({ commonName: 'x' });
    const legacy = await api.request('POST', CSRS, csrObject('legacy', csrPem, { signerName: 'kubernetes.io/legacy-unknown' }));
    assert.equal(legacy.status, 422);
    assert.match(legacy.text, /spec.signerName: Invalid value: \\"kubernetes.io\/legacy-unknown\\": the legacy signerName is not allowed via this API version/);
    // A request whose signature does not verify (its last byte changed).
    const der = Buffer.from(csrPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    der[der.length - 1] ^= 0x01;
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const broken = await api.request('POST', CSRS, csrObject('broken', tampered));
    assert.equal(broken.status, 422, broken.text);
    assert.match(broken.text, /x509: ECDSA verification failure/);
  });

  test('a request that breaks its signer\'s rules fails with SignerValidationFailure', async () => {
    // kubelet-serving wants O=system:nodes and CN system:node:<name>.
    const { csrPem } = await createCertificateRequest({ commonName: 'not-a-node', dnsNames: ['example.com'] });
    await cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(csrObject('impostor', csrPem, { signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'] })) });
    await cluster.kubectl(['certificate', 'approve', 'impostor']);
    const failed = await eventually('impostor failed', async () => {
      const csr = (await api.request('GET', `${CSRS}/impostor`)).body as Csr;
      return csr.status?.conditions?.find((c) => c.type === 'Failed');
    });
    assert.equal(failed.reason, 'SignerValidationFailure');
    assert.equal(failed.message, 'subject organization is not system:nodes');
    assert.match(await cluster.kubectl(['get', 'csr', 'impostor', '--no-headers']), /\sApproved,Failed\n$/);

    const node = await createCertificateRequest({ commonName: 'system:node:worker-1', organizations: ['system:nodes'], dnsNames: ['worker-1'], ips: ['10.0.0.7'] });
    await cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(csrObject('worker-1-serving', node.csrPem, { signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'] })) });
    await cluster.kubectl(['certificate', 'approve', 'worker-1-serving']);
    const issued = await eventually('worker-1 serving certificate', async () => (await cluster.kubectl(['get', 'csr', 'worker-1-serving', '-o', 'jsonpath={.status.certificate}'])) || undefined);
    const cert = new X509Certificate(Buffer.from(issued, 'base64'));
    assert.equal(cert.subjectAltName, 'DNS:worker-1, IP Address:10.0.0.7');
    assert.ok(cert.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), 'server auth');
    const lifetimeDays = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    assert.ok(lifetimeDays > 364 && lifetimeDays <= 365, `the cluster signing duration caps an unset expirationSeconds (${lifetimeDays} days)`);
  });
});
