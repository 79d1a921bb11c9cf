// The CSR cleaner (upstream pkg/controller/certificates/cleaner): every hour it
// deletes requests whose purpose is over — issued, denied or failed an hour ago,
// pending for a day, or whose certificate has expired.
import { X509Certificate } from 'node:crypto';
import * as resources from '../../client/resources.js';
import type { Controller, ControllerContext, ControllerInformer } from '../context.js';
import { isNotFound, sleep } from '../controller-utils/run.js';
import { conditionOf, type CertificateSigningRequest } from './signing.js';

const HOUR_MS = 3_600_000;
const POLLING_INTERVAL_MS = HOUR_MS;
const APPROVED_EXPIRATION_MS = HOUR_MS;
const DENIED_EXPIRATION_MS = HOUR_MS;
const PENDING_EXPIRATION_MS = 24 * HOUR_MS;

function since(timestamp: string | undefined, now: number): number {
  const at = Date.parse(timestamp ?? '');
  return Number.isNaN(at) ? 0 : now - at;
}

function certificateExpired(csr: CertificateSigningRequest, now: number): boolean {
  if (!csr.status?.certificate) return false;
  try {
    const cert = new X509Certificate(Buffer.from(csr.status.certificate, 'base64'));
    return Date.parse(cert.validTo) < now;
  } catch {
    return false;
  }
}

/** Why the cleaner deletes a request now, or undefined to keep it. */
export function cleanupReason(csr: CertificateSigningRequest, now: number): string | undefined {
  if (certificateExpired(csr, now)) return 'its certificate has expired';
  const approved = conditionOf(csr, 'Approved');
  const denied = conditionOf(csr, 'Denied');
  const failed = conditionOf(csr, 'Failed');
  if (denied && since(denied.lastUpdateTime, now) > DENIED_EXPIRATION_MS) return 'it was denied more than an hour ago';
  if (failed && since(failed.lastUpdateTime, now) > DENIED_EXPIRATION_MS) return 'it failed more than an hour ago';
  if (approved && csr.status?.certificate && since(approved.lastUpdateTime, now) > APPROVED_EXPIRATION_MS) return 'it was issued more than an hour ago';
  if (!approved && !denied && since(csr.metadata?.creationTimestamp ?? undefined, now) > PENDING_EXPIRATION_MS) return 'it has been pending for more than a day';
  return undefined;
}

async function cleanOnce(ctx: ControllerContext, informer: ControllerInformer<CertificateSigningRequest>): Promise<void> {
  const client = ctx.client.resource<CertificateSigningRequest>(resources.certificatesigningrequests);
  const now = Date.now();
  for (const csr of informer.lister.list()) {
    const reason = cleanupReason(csr, now);
    if (!reason) continue;
    try {
      await client.delete(undefined, csr.metadata!.name!, { preconditions: { uid: csr.metadata?.uid } });
      ctx.log.info(`deleted certificate signing request ${csr.metadata?.name}: ${reason}`);
    } catch (err) {
      if (!isNotFound(err)) ctx.log.warn(`deleting certificate signing request ${csr.metadata?.name}: ${(err as Error).message}`);
    }
  }
}

export const csrCleanerController: Controller = {
  name: 'csrcleaner',
  async start(ctx, signal) {
    const informer = ctx.informers.informerFor<CertificateSigningRequest>(resources.certificatesigningrequests);
    if (!(await ctx.informers.waitForCacheSync())) return;
    while (!signal.aborted) {
      await cleanOnce(ctx, informer);
      await sleep(POLLING_INTERVAL_MS, signal);
    }
  },
};
