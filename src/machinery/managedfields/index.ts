export { FieldSet } from './fieldset.js';
export { applyConfiguration, updateManagedFields, type ApplyResult, type FieldManagerScope, type ManagedObject } from './manager.js';
