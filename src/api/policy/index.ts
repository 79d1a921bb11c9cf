import type { KindStrategy } from '../kind.js';
import { podDisruptionBudgetStrategy } from './poddisruptionbudget.js';

export { podDisruptionBudgetStrategy };

/** The kinds of policy/v1. */
export const policyKinds: KindStrategy[] = [podDisruptionBudgetStrategy];
