// Validation of a JobSpec as Jobs and CronJob job templates share it
// (upstream validateJobSpec in pkg/apis/batch/validation).
import { FieldError, type FieldPath } from '../../machinery/field.js';
import { isDNS1123Label, validateLabelName, validateNonnegativeField } from '../../machinery/validation.js';
import { validatePodTemplateSpec } from '../core/pod.js';
import { isMap, listOf, mapOf, mapsOf, numberOf, stringOf, type JsonMap } from '../core/util.js';
import { invalidOmitted, validateDomainPrefixedPath } from '../workloads-common.js';

const MAX_PARALLELISM_FOR_INDEXED_JOB = 100_000;
const MAX_FAILED_INDEXES_FOR_INDEXED_JOB = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_ON_EXIT_CODES_VALUES = 255;
const MAX_ON_POD_CONDITIONS_PATTERNS = 20;
const MAX_MANAGED_BY_LENGTH = 63;
const MAX_SUCCESS_POLICY_RULES = 20;

const POD_FAILURE_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const EXIT_CODE_OPERATORS = ['In', 'NotIn'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

const goQuotedList = (values: string[]) => `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
const isSet = (value: unknown) => value !== undefined && value !== null;

function validateCounts(spec: JsonMap, path: FieldPath): FieldError[] {
  const names = ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex'];
  const errs = names.flatMap((name) => {
    const n = numberOf(spec[name]);
    return n === undefined ? [] : validateNonnegativeField(n, path.child(name));
  });
  const maxFailed = numberOf(spec.maxFailedIndexes);
  if (maxFailed !== undefined) {
    errs.push(...validateNonnegativeField(maxFailed, path.child('maxFailedIndexes')));
    if (!isSet(spec.backoffLimitPerIndex)) errs.push(FieldError.required(path.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  }
  if (isSet(spec.managedBy)) {
    const managedBy = stringOf(spec.managedBy);
    errs.push(...validateDomainPrefixedPath(path.child('managedBy'), managedBy));
    if (managedBy.length > MAX_MANAGED_BY_LENGTH) errs.push(FieldError.tooLong(path.child('managedBy'), MAX_MANAGED_BY_LENGTH));
  }
  return errs;
}

function validateIndexed(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const completions = numberOf(spec.completions);
  const parallelism = numberOf(spec.parallelism);
  const maxFailed = numberOf(spec.maxFailedIndexes);
  if (completions === undefined) errs.push(FieldError.required(path.child('completions'), 'when completion mode is Indexed'));
  if (parallelism !== undefined && parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
    errs.push(FieldError.invalid(path.child('parallelism'), parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`));
  }
  if (completions !== undefined && maxFailed !== undefined && maxFailed > completions) {
    errs.push(FieldError.invalid(path.child('maxFailedIndexes'), maxFailed, 'must be less than or equal to completions'));
  }
  if (maxFailed !== undefined && maxFailed > MAX_FAILED_INDEXES_FOR_INDEXED_JOB) {
    errs.push(FieldError.invalid(path.child('maxFailedIndexes'), maxFailed, `must be less than or equal to ${MAX_FAILED_INDEXES_FOR_INDEXED_JOB}`));
  }
  if (completions !== undefined && completions > COMPLETIONS_SOFT_LIMIT && isSet(spec.backoffLimitPerIndex)) {
    const suffix = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
    if (maxFailed === undefined) errs.push(FieldError.required(path.child('maxFailedIndexes'), `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
    if (parallelism !== undefined && parallelism > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS) {
      errs.push(FieldError.invalid(path.child('parallelism'), parallelism, `must be less than or equal to ${PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} ${suffix}`));
    }
    if (maxFailed !== undefined && maxFailed > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS) {
      errs.push(FieldError.invalid(path.child('maxFailedIndexes'), maxFailed, `must be less than or equal to ${MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} ${suffix}`));
    }
  }
  return errs;
}

function validateCompletionMode(spec: JsonMap, path: FieldPath): FieldError[] {
  const mode = isSet(spec.completionMode) ? stringOf(spec.completionMode) : undefined;
  const errs: FieldError[] = [];
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
    errs.push(FieldError.notSupported(path.child('completionMode'), mode, ['NonIndexed', 'Indexed']));
  }
  if (mode === 'Indexed') errs.push(...validateIndexed(spec, path));
  if (mode === undefined || mode === 'NonIndexed') {
    const perIndex = numberOf(spec.backoffLimitPerIndex);
    const maxFailed = numberOf(spec.maxFailedIndexes);
    if (perIndex !== undefined) errs.push(FieldError.invalid(path.child('backoffLimitPerIndex'), perIndex, 'requires indexed completion mode'));
    if (maxFailed !== undefined) errs.push(FieldError.invalid(path.child('maxFailedIndexes'), maxFailed, 'requires indexed completion mode'));
  }
  return errs;
}

function validateOnExitCodes(onExitCodes: JsonMap, path: FieldPath, containerNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const operator = stringOf(onExitCodes.operator);
  if (operator === '') errs.push(FieldError.required(path.child('operator'), `valid values: ${goQuotedList(EXIT_CODE_OPERATORS)}`));
  else if (!EXIT_CODE_OPERATORS.includes(operator)) errs.push(FieldError.notSupported(path.child('operator'), operator, EXIT_CODE_OPERATORS));
  if (isSet(onExitCodes.containerName) && !containerNames.has(stringOf(onExitCodes.containerName))) {
    errs.push(FieldError.invalid(path.child('containerName'), stringOf(onExitCodes.containerName), 'must be one of the container or initContainer names in the pod template'));
  }
  const values = listOf(onExitCodes.values).map((v) => numberOf(v) ?? 0);
  const valuesPath = path.child('values');
  if (values.length === 0) errs.push(FieldError.invalid(valuesPath, values, 'at least one value is required'));
  else if (values.length > MAX_ON_EXIT_CODES_VALUES) errs.push(FieldError.tooMany(valuesPath, values.length, MAX_ON_EXIT_CODES_VALUES));
  const seen = new Set<number>();
  values.forEach((v, j) => {
    if (operator === 'In' && v === 0) errs.push(FieldError.invalid(valuesPath.index(j), v, 'must not be 0 for the In operator'));
    if (seen.has(v)) errs.push(FieldError.duplicate(valuesPath.index(j), v));
    seen.add(v);
  });
  if (values.some((v, j) => j > 0 && values[j - 1] > v)) errs.push(FieldError.invalid(valuesPath, values, 'must be ordered'));
  return errs;
}

function validateOnPodConditions(patterns: JsonMap[], path: FieldPath): FieldError[] {
  const errs = patterns.length > MAX_ON_POD_CONDITIONS_PATTERNS ? [FieldError.tooMany(path, patterns.length, MAX_ON_POD_CONDITIONS_PATTERNS)] : [];
  patterns.forEach((pattern, j) => {
    errs.push(...validateLabelName(stringOf(pattern.type), path.index(j).child('type')));
    const status = stringOf(pattern.status);
    const statusPath = path.index(j).child('status');
    if (status === '') errs.push(FieldError.required(statusPath, `valid values: ${goQuotedList(CONDITION_STATUSES)}`));
    else if (!CONDITION_STATUSES.includes(status)) errs.push(FieldError.notSupported(statusPath, status, CONDITION_STATUSES));
  });
  return errs;
}

function validatePodFailurePolicyRule(spec: JsonMap, rule: JsonMap, path: FieldPath, containerNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const action = stringOf(rule.action);
  if (action === '') errs.push(FieldError.required(path.child('action'), `valid values: ${goQuotedList(POD_FAILURE_ACTIONS)}`));
  else if (action === 'FailIndex') {
    if (!isSet(spec.backoffLimitPerIndex)) errs.push(FieldError.invalid(path.child('action'), action, 'requires the backoffLimitPerIndex to be set'));
  } else if (!POD_FAILURE_ACTIONS.includes(action)) errs.push(FieldError.notSupported(path.child('action'), action, POD_FAILURE_ACTIONS));
  const hasExitCodes = isMap(rule.onExitCodes);
  const conditions = mapsOf(rule.onPodConditions);
  if (hasExitCodes) errs.push(...validateOnExitCodes(mapOf(rule.onExitCodes), path.child('onExitCodes'), containerNames));
  if (conditions.length > 0) errs.push(...validateOnPodConditions(conditions, path.child('onPodConditions')));
  if (hasExitCodes && conditions.length > 0) errs.push(invalidOmitted(path, 'specifying both OnExitCodes and OnPodConditions is not supported'));
  if (!hasExitCodes && conditions.length === 0) errs.push(invalidOmitted(path, 'specifying one of OnExitCodes and OnPodConditions is required'));
  return errs;
}

function validatePodFailurePolicy(spec: JsonMap, path: FieldPath): FieldError[] {
  const rules = mapsOf(mapOf(spec.podFailurePolicy).rules);
  const rulesPath = path.child('rules');
  const errs = rules.length > MAX_POD_FAILURE_POLICY_RULES ? [FieldError.tooMany(rulesPath, rules.length, MAX_POD_FAILURE_POLICY_RULES)] : [];
  const podSpec = mapOf(mapOf(spec.template).spec);
  const containerNames = new Set([...mapsOf(podSpec.containers), ...mapsOf(podSpec.initContainers)].map((c) => stringOf(c.name)));
  rules.forEach((rule, i) => errs.push(...validatePodFailurePolicyRule(spec, rule, rulesPath.index(i), containerNames)));
  return errs;
}

function validateSuccessPolicy(spec: JsonMap, path: FieldPath): FieldError[] {
  const rules = mapsOf(mapOf(spec.successPolicy).rules);
  const rulesPath = path.child('rules');
  const errs: FieldError[] = [];
  if (rules.length === 0) errs.push(FieldError.required(rulesPath, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > MAX_SUCCESS_POLICY_RULES) errs.push(FieldError.tooMany(rulesPath, rules.length, MAX_SUCCESS_POLICY_RULES));
  const completions = numberOf(spec.completions) ?? 0;
  rules.forEach((rule, i) => {
    const count = numberOf(rule.succeededCount);
    if (count === undefined && !isSet(rule.succeededIndexes)) {
      errs.push(FieldError.required(rulesPath.index(i), 'at least one of succeededCount or succeededIndexes must be specified'));
    }
    if (count !== undefined) {
      const countPath = rulesPath.index(i).child('succeededCount');
      errs.push(...validateNonnegativeField(count, countPath));
      if (count > completions) errs.push(FieldError.invalid(countPath, count, `must be less than or equal to ${completions} (the number of specified completions)`));
    }
  });
  return errs;
}

function validatePodReplacementPolicy(spec: JsonMap, path: FieldPath): FieldError[] {
  if (!isSet(spec.podReplacementPolicy)) return [];
  const policy = stringOf(spec.podReplacementPolicy);
  if (isMap(spec.podFailurePolicy)) return policy === 'Failed' ? [] : [FieldError.notSupported(path, policy, ['Failed'])];
  return ['Failed', 'TerminatingOrFailed'].includes(policy) ? [] : [FieldError.notSupported(path, policy, ['Failed', 'TerminatingOrFailed'])];
}

function validateRestartPolicy(spec: JsonMap, path: FieldPath): FieldError[] {
  const restartPolicy = stringOf(mapOf(mapOf(spec.template).spec).restartPolicy);
  const restartPath = path.child('template', 'spec', 'restartPolicy');
  if (restartPolicy === 'Always' || restartPolicy === '') return [FieldError.required(restartPath, 'valid values: "OnFailure", "Never"')];
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') return [FieldError.notSupported(restartPath, restartPolicy, ['OnFailure', 'Never'])];
  if (isMap(spec.podFailurePolicy) && restartPolicy !== 'Never') {
    return [FieldError.invalid(restartPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified')];
  }
  return [];
}

/** upstream validateJobSpec: everything of a JobSpec but its selector. */
export function validateJobSpecWithoutSelector(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateCounts(spec, path);
  errs.push(...validateCompletionMode(spec, path));
  if (isMap(spec.podFailurePolicy)) errs.push(...validatePodFailurePolicy(spec, path.child('podFailurePolicy')));
  if (isMap(spec.successPolicy)) {
    if (spec.completionMode !== 'Indexed') errs.push(invalidOmitted(path.child('successPolicy'), 'requires indexed completion mode'));
    else errs.push(...validateSuccessPolicy(spec, path.child('successPolicy')));
  }
  errs.push(...validatePodReplacementPolicy(spec, path.child('podReplacementPolicy')));
  errs.push(...validatePodTemplateSpec(spec.template, path.child('template')));
  errs.push(...validateRestartPolicy(spec, path));
  return errs;
}

/** An Indexed Job's pods are named `<job>-<index>`, which must stay a DNS label. */
export function validateIndexedPodNames(name: string, spec: JsonMap, namePath: FieldPath): FieldError[] {
  const completions = numberOf(spec.completions);
  if (spec.completionMode !== 'Indexed' || completions === undefined || completions <= 0) return [];
  const hostname = `${name}-${completions - 1}`;
  if (isDNS1123Label(hostname).length === 0) return [];
  return [FieldError.invalid(namePath, name, `will not able to create pod with invalid DNS label: ${hostname}`)];
}
