// The kubelet API's serving certificates, one per node (picked by the TLS
// server name). In the server's process the cluster CA signs them directly; an
// agent of its own asks for them as upstream's kubelet does with
// serverTLSBootstrap: a CertificateSigningRequest to kubernetes.io/kubelet-serving
// for `system:node:<name>` (O system:nodes), SANs the node's names and addresses.
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Client } from '../../client/rest.js';
import type { KubeObject } from '../../client/types.js';
import * as resources from '../../client/resources.js';
import type { Logger } from '../../cli/log.js';
import { createCertificateRequest, issueServingCertificate, type CertificateAndKey, type CertificateAuthority } from '../../pki/index.js';
import type { HostedNode } from '../host.js';

/** Issues a node's serving certificate. */
export type ServingCertificateIssuer = (node: HostedNode, signal: AbortSignal) => Promise<CertificateAndKey>;

/** The names a node's serving certificate covers: loopback (the server's own hollow nodes are dialled as localhost) and its addresses (an agent's --node-ip among them). */
export function servingNames(node: HostedNode, extra: { dnsNames: string[]; ips: string[] } = { dnsNames: [], ips: [] }): { dnsNames: string[]; ips: string[] } {
  const dnsNames = new Set(['localhost', ...extra.dnsNames]);
  const ips = new Set(['127.0.0.1', '::1', ...extra.ips]);
  for (const a of node.config.addresses) {
    if (a.type === 'InternalIP' || a.type === 'ExternalIP') ips.add(a.address);
    else dnsNames.add(a.address);
  }
  return { dnsNames: [...dnsNames], ips: [...ips] };
}

/** In the server's process: the cluster CA signs the node's certificate. */
export function caIssuer(ca: CertificateAuthority, extra?: { dnsNames: string[]; ips: string[] }): ServingCertificateIssuer {
  return (node) => issueServingCertificate(ca, { commonName: `system:node:${node.config.nodeName}`, ...servingNames(node, extra) });
}

const POLL_MS = 250;

interface Csr extends KubeObject {
  spec?: { request: string; signerName: string; usages: string[] };
  status?: { certificate?: string; conditions?: { type: string; reason?: string; message?: string }[] };
}

/**
 * An agent's kubelet: a CSR for kubernetes.io/kubelet-serving, then waits for the certificate.
 * Upstream leaves kubelet-serving requests to an approver (a person or a controller); the agent
 * joins with the admin's credentials, so it approves its own request through /approval.
 */
export function csrIssuer(client: Client, log: Logger, extra?: { dnsNames: string[]; ips: string[] }): ServingCertificateIssuer {
  const csrs = client.resource<Csr>(resources.certificatesigningrequests);
  return async (node, signal) => {
    const nodeName = node.config.nodeName;
    const names = servingNames(node, extra);
    const { csrPem, keyPem } = await createCertificateRequest({ commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], ...names });
    const created = await csrs.create(undefined, {
      metadata: { generateName: 'csr-' },
      spec: { request: Buffer.from(csrPem).toString('base64'), signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'] },
    });
    const name = created.metadata!.name!;
    const approval = { type: 'Approved', status: 'True', reason: 'K8tsAgentApprove', message: 'This CSR was approved by the k8ts agent that requested it.' };
    await client.request('PUT', `/apis/certificates.k8s.io/v1/certificatesigningrequests/${name}/approval`, {
      body: { ...created, status: { ...created.status, conditions: [...(created.status?.conditions ?? []), approval] } },
    });
    for (;;) {
      if (signal.aborted) throw new Error(`stopped waiting for the serving certificate of node ${nodeName}`);
      const csr = await csrs.get(undefined, name);
      const failed = csr.status?.conditions?.find((c) => c.type === 'Failed' || c.type === 'Denied');
      if (failed) throw new Error(`certificate signing request ${name} for node ${nodeName}: ${failed.type}: ${failed.message ?? failed.reason ?? ''}`);
      if (csr.status?.certificate) {
        log.debug('kubelet', `node ${nodeName}: serving certificate issued (${name})`);
        return { certPem: Buffer.from(csr.status.certificate, 'base64').toString('utf8'), keyPem };
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
}

interface Issued {
  pair: CertificateAndKey;
  context: SecureContext;
}

/** Each node's certificate and TLS context, issued once (a failed issue is retried by the next handshake); at most `concurrency` issued at a time. */
export class ServingCertificates {
  private readonly issued = new Map<string, Promise<Issued>>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private readonly stopping = new AbortController();

  constructor(
    private readonly issue: ServingCertificateIssuer,
    private readonly clientCaPem: string,
    private readonly concurrency = 8,
  ) {}

  get(node: HostedNode): Promise<Issued> {
    const name = node.config.nodeName;
    let issued = this.issued.get(name);
    if (!issued) {
      issued = this.limited(() => this.issue(node, this.stopping.signal)).then((pair) => ({ pair, context: createSecureContext({ cert: pair.certPem, key: pair.keyPem, ca: this.clientCaPem }) }));
      this.issued.set(name, issued);
      issued.catch(() => this.issued.delete(name));
    }
    return issued;
  }

  stop(): void {
    this.stopping.abort();
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    while (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
