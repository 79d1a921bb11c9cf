import type { KindStrategy } from '../kind.js';
import { certificateSigningRequestStrategy } from './csr.js';

export { certificateSigningRequestStrategy };

/** The kinds of certificates.k8s.io/v1. */
export const certificatesKinds: KindStrategy[] = [certificateSigningRequestStrategy];
