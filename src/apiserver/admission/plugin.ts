// Admission: steps that may change (mutating) or refuse an object after it is
// decoded and defaulted and before the kind's strategy validates and stores it.
import type { ApiObject } from '../../api/kind.js';

export type AdmissionOperation = 'create' | 'update';

export interface AdmissionPlugin {
  name: string;
  /** The resources it applies to, as "group/plural". */
  resources: readonly string[];
  /** Mutates the object in place or throws an ApiError (usually Forbidden). */
  admit(obj: ApiObject, operation: AdmissionOperation, old?: ApiObject): Promise<void> | void;
}
