// The CSR signing controller (upstream pkg/controller/certificates/signer,
// kube-controller-manager's csrsigning): an approved request for a built-in
// signer gets a certificate from the cluster CA, or the Failed condition
// (reason SignerValidationFailure) when it breaks the signer's rules.
import * as resources from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { KubeObject } from '../../client/types.js';
import type { CertificateAuthority } from '../../pki/index.js';
import type { Controller, ControllerContext } from '../context.js';
import { keyOf, runQueue, updateStatusRetrying } from '../controller-utils/run.js';
import { BUILT_IN_SIGNERS, certificateDuration, DEFAULT_CLUSTER_SIGNING_DURATION_MS, signerRefusal } from './signers.js';

export interface CertificateSigningRequestCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface CertificateSigningRequest extends KubeObject {
  spec?: { request?: string; signerName?: string; usages?: string[]; expirationSeconds?: number; username?: string };
  status?: { conditions?: CertificateSigningRequestCondition[]; certificate?: string };
}

export function conditionOf(csr: CertificateSigningRequest, type: string): CertificateSigningRequestCondition | undefined {
  return csr.status?.conditions?.find((c) => c.type === type);
}

/** Approved, not denied or failed, not yet issued. */
function awaitsSigning(csr: CertificateSigningRequest): boolean {
  if (csr.status?.certificate) return false;
  return conditionOf(csr, 'Approved') !== undefined && conditionOf(csr, 'Denied') === undefined && conditionOf(csr, 'Failed') === undefined;
}

const nowTimestamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class CSRSigningController {
  private readonly queue = new WorkQueue<string>();
  private readonly csrs;
  private readonly durationMs: number;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly ca: CertificateAuthority,
  ) {
    this.durationMs = ctx.config?.clusterSigningDurationMs ?? DEFAULT_CLUSTER_SIGNING_DURATION_MS;
    this.csrs = ctx.informers.informerFor<CertificateSigningRequest>(resources.certificatesigningrequests);
    const enqueue = (csr: CertificateSigningRequest) => {
      if (awaitsSigning(csr) && BUILT_IN_SIGNERS.includes(csr.spec?.signerName ?? '')) this.queue.add(keyOf(csr));
    };
    this.csrs.addEventHandler({ onAdd: enqueue, onUpdate: (_old, csr) => enqueue(csr) });
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 4, (key) => this.sync(key));
  }

  async sync(name: string): Promise<void> {
    const csr = this.csrs.lister.get(undefined, name);
    if (!csr || !awaitsSigning(csr)) return;
    const signerName = csr.spec?.signerName ?? '';
    const pem = Buffer.from(csr.spec?.request ?? '', 'base64').toString('latin1');
    const usages = csr.spec?.usages ?? [];
    // The X.509 code loads with the first request to sign (a cluster without CSRs never needs it here).
    const { parseCertificateRequest, signCertificateRequest } = await import('../../pki/index.js');
    const request = parseCertificateRequest(pem);
    const client = this.ctx.client.resource<CertificateSigningRequest>(resources.certificatesigningrequests);
    const refusal = signerRefusal(signerName, request, usages);
    if (refusal) {
      const failed: CertificateSigningRequestCondition = { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: refusal, lastUpdateTime: nowTimestamp() };
      await updateStatusRetrying(client, csr, { ...csr.status, conditions: [...(csr.status?.conditions ?? []), failed] });
      return;
    }
    const certificate = await signCertificateRequest(this.ca, pem, usages, certificateDuration(this.durationMs, csr.spec?.expirationSeconds));
    await updateStatusRetrying(client, csr, { ...csr.status, certificate: Buffer.from(certificate).toString('base64') });
    this.ctx.log.debug(`signed ${name} for ${csr.spec?.username ?? ''} (${signerName})`);
  }
}

export const csrSigningController: Controller = {
  name: 'csrsigning',
  start: (ctx, signal) => (ctx.signingCA ? new CSRSigningController(ctx, ctx.signingCA).run(signal) : undefined),
};
