// Admission: steps that may change (mutating) or refuse an object after it is
// decoded and defaulted and before the kind's strategy validates and stores it.
import type { ApiObject } from '../../api/kind.js';

export type AdmissionOperation = 'create' | 'update';

export interface ValidationContext {
  group: string;
  /** The resource's plural name. */
  resource: string;
  dryRun: boolean;
}

export interface AdmissionPlugin {
  name: string;
  /** The resources it applies to, as "group/plural" ("*": all). */
  resources: readonly string[];
  /** Mutates the object in place or throws an ApiError (usually Forbidden). */
  admit?(obj: ApiObject, operation: AdmissionOperation, old?: ApiObject): Promise<void> | void;
  /**
   * Validating admission: runs on a created object after the kind's validation passed, just before
   * it is stored; may only refuse (or, unless dryRun, record what the object will use).
   */
  validate?(obj: ApiObject, operation: 'create', context: ValidationContext): Promise<void> | void;
}
