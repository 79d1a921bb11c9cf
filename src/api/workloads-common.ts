// Pieces the kinds of the named API groups share: Go renderings of values
// that upstream error texts print with %#v, label selector helpers, and the
// status-subresource write rules most kinds follow.
import type { ApiObject, ScalePaths, TableColumn } from './kind.js';
import { FieldError, FieldPath } from '../machinery/field.js';
import { goQuote } from '../machinery/gofmt.js';
import { isDNS1123Subdomain, isValidPercent, regexError, validateNonnegativeField } from '../machinery/validation.js';
import { labelSelectorAsSelector, type Selector } from '../machinery/labels.js';
import type { LabelSelector, LabelSelectorRequirement } from '../machinery/meta.js';
import { cloneJson, invalidRendered, isMap, listOf, mapOf, numberOf, semanticEqual, stringOf, type JsonMap } from './core/util.js';
import { column } from './core/printers.js';

// ---- Go's %#v of the values upstream messages print ----

/** %#v of a map[string]string: `map[string]string{"a":"b"}`, nil as `map[string]string(nil)`. */
export function goStringMap(value: unknown): string {
  if (!isMap(value)) return 'map[string]string(nil)';
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(stringOf(value[k]))}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function goStringSliceOrNil(value: unknown): string {
  if (!Array.isArray(value)) return '[]string(nil)';
  return `[]string{${value.map((v) => goQuote(stringOf(v))).join(', ')}}`;
}

function goRequirement(req: JsonMap): string {
  return `v1.LabelSelectorRequirement{Key:${goQuote(stringOf(req.key))}, Operator:${goQuote(stringOf(req.operator))}, Values:${goStringSliceOrNil(req.values)}}`;
}

/** %#v of a metav1.LabelSelector (as a dereferenced pointer prints). */
export function goLabelSelector(value: unknown): string {
  if (!isMap(value)) return 'null';
  const exprs = Array.isArray(value.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${value.matchExpressions.map((e) => goRequirement(mapOf(e))).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(value.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** %#v of an intstr.IntOrString. */
export function goIntOrString(value: unknown): string {
  if (typeof value === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(value)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${numberOf(value) ?? 0}, StrVal:""}`;
}

// ---- label selectors ----

/** The LabelSelector at `value`, or undefined when absent. */
export function labelSelectorOf(value: unknown): LabelSelector | undefined {
  if (!isMap(value)) return undefined;
  const selector: LabelSelector = {};
  if (isMap(value.matchLabels)) {
    selector.matchLabels = Object.fromEntries(Object.entries(value.matchLabels).map(([k, v]) => [k, stringOf(v)]));
  }
  if (Array.isArray(value.matchExpressions)) {
    selector.matchExpressions = value.matchExpressions.map((e): LabelSelectorRequirement => {
      const req = mapOf(e);
      const out: LabelSelectorRequirement = { key: stringOf(req.key), operator: stringOf(req.operator) };
      if (Array.isArray(req.values)) out.values = req.values.map(stringOf);
      return out;
    });
  }
  return selector;
}

/** LabelSelectorAsSelector, or undefined when the selector cannot be converted. */
export function selectorOf(value: unknown): Selector | undefined {
  try {
    return labelSelectorAsSelector(labelSelectorOf(value));
  } catch {
    return undefined;
  }
}

/** metav1.FormatLabelSelector: `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(value: unknown): string {
  const selector = selectorOf(value);
  if (!selector) return '<error>';
  return selector.toString() || '<none>';
}

/** Whether a selector has neither matchLabels nor matchExpressions. */
export function isEmptySelector(value: unknown): boolean {
  const sel = mapOf(value);
  return Object.keys(mapOf(sel.matchLabels)).length + listOf(sel.matchExpressions).length === 0;
}

export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

/** The error when a non-empty selector does not select the template's labels. */
export function validateSelectorMatchesTemplate(selectorValue: unknown, template: unknown, templatePath: FieldPath): FieldError[] {
  const selector = selectorOf(selectorValue);
  if (!selector || selector.empty()) return [];
  const labels = mapOf(mapOf(template).metadata).labels;
  const set = Object.fromEntries(Object.entries(mapOf(labels)).map(([k, v]) => [k, stringOf(v)]));
  if (selector.matches(set)) return [];
  return [invalidRendered(templatePath.child('metadata', 'labels'), goStringMap(labels), SELECTOR_MISMATCH)];
}

/** ValidateImmutableField for a label selector, printed as upstream prints it. */
export function validateImmutableSelector(selector: unknown, old: unknown, path: FieldPath): FieldError[] {
  if (semanticEqual(selector, old)) return [];
  return [invalidRendered(path, goLabelSelector(selector), 'field is immutable')];
}

// ---- int-or-percent fields (apps validation helpers) ----

/** The value of an int or a valid "N%" string; other strings count as 0 (getIntOrPercentValue). */
export function intOrPercentValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return 0;
  if (isValidPercent(value).length === 0) return Number(value.slice(0, -1));
  return /^[+-]?\d+$/.test(value) ? Number(value) : 0;
}

/** ValidatePositiveIntOrPercent with the IntOrString printed as upstream prints it. */
export function validatePositiveIntOrPercent(value: unknown, path: FieldPath): FieldError[] {
  if (typeof value === 'string') return isValidPercent(value).map((msg) => invalidRendered(path, goIntOrString(value), msg));
  if (typeof value === 'number') return validateNonnegativeField(value, path);
  return [invalidRendered(path, goIntOrString(value), "must be an integer or percentage (e.g '5%%')")];
}

/** IsNotMoreThan100Percent. */
export function validateNotMoreThan100Percent(value: unknown, path: FieldPath): FieldError[] {
  if (typeof value !== 'string' || isValidPercent(value).length > 0) return [];
  if (Number(value.slice(0, -1)) <= 100) return [];
  return [invalidRendered(path, goIntOrString(value), 'must not be greater than 100%')];
}

// ---- numbers ----

/** ValidateNonnegativeField for each named number under `parent` that is set. */
export function validateNonnegativeFields(parent: unknown, path: FieldPath, names: readonly string[]): FieldError[] {
  const map = mapOf(parent);
  return names.flatMap((name) => {
    const value = numberOf(map[name]);
    return value === undefined ? [] : validateNonnegativeField(value, path.child(name));
  });
}

/** `field cannot be greater than status.replicas`-style checks among status counters. */
export function validateNotGreaterThan(status: unknown, path: FieldPath, names: readonly string[], limit: string, message: string): FieldError[] {
  const map = mapOf(status);
  const max = numberOf(map[limit]) ?? 0;
  return names.flatMap((name) => {
    const value = numberOf(map[name]) ?? 0;
    return value > max ? [FieldError.invalid(path.child(name), value, message)] : [];
  });
}

/** IsDecremented for status.collisionCount. */
export function validateCollisionCount(obj: ApiObject, old: ApiObject): FieldError[] {
  const next = numberOf(mapOf(obj.status).collisionCount);
  const prev = numberOf(mapOf(old.status).collisionCount);
  if (prev === undefined || (next !== undefined && next >= prev)) return [];
  return [FieldError.invalid(FieldPath.of('status', 'collisionCount'), next ?? 0, 'cannot be decremented')];
}

// ---- the status subresource ----

/**
 * The write rules of a kind with a status subresource: create starts from
 * `initialStatus`, a main-resource update keeps the stored status, a status
 * update keeps everything else.
 */
export function statusWrites(initialStatus: () => JsonMap): {
  prepareForCreate(obj: ApiObject): void;
  prepareForUpdate(obj: ApiObject, old: ApiObject): void;
  prepareForStatusUpdate(obj: ApiObject, old: ApiObject): void;
} {
  return {
    prepareForCreate(obj) {
      obj.status = initialStatus();
    },
    prepareForUpdate(obj, old) {
      keepStatus(obj, old);
    },
    prepareForStatusUpdate(obj, old) {
      keepAllButStatus(obj, old);
    },
  };
}

export function keepStatus(obj: ApiObject, old: ApiObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = cloneJson(old.status);
}

/** On a status update only status (and metadata, which the registry checks) may change. */
export function keepAllButStatus(obj: ApiObject, old: ApiObject): void {
  for (const key of Object.keys(obj)) {
    if (!['status', 'metadata', 'apiVersion', 'kind'].includes(key)) delete obj[key];
  }
  for (const [key, value] of Object.entries(old)) {
    if (!['status', 'metadata', 'apiVersion', 'kind'].includes(key)) obj[key] = cloneJson(value);
  }
}

// ---- table columns ----

export const CONTAINERS_COLUMN: TableColumn = column('Containers', 'Names of each container in the template.', 1);
export const IMAGES_COLUMN: TableColumn = column('Images', 'Images referenced by each container in the template.', 1);

/** An integer column (shown always unless priority says otherwise). */
export function integerColumn(name: string, description: string, priority = 0): TableColumn {
  return column(name, description, priority, 'integer');
}

/** printBoolPtr: `<unset>` for absent, else True / False. */
export function boolCell(value: unknown): string {
  if (typeof value !== 'boolean') return '<unset>';
  return value ? 'True' : 'False';
}

class RenderedNotSupported extends FieldError {
  constructor(
    path: FieldPath,
    private readonly rendered: string,
    validValues: readonly string[],
  ) {
    super('FieldValueNotSupported', path.toString(), rendered, validValues.length > 0 ? 'supported values: ' + validValues.map(goQuote).join(', ') : '');
  }

  override body(): string {
    return `Unsupported value: ${this.rendered}${this.detail ? ': ' + this.detail : ''}`;
  }
}

/** field.NotSupported for a value upstream prints with %#v. */
export function notSupportedRendered(path: FieldPath, rendered: string, validValues: readonly string[]): FieldError {
  return new RenderedNotSupported(path, rendered, validValues);
}

class OmittedValueInvalid extends FieldError {
  constructor(path: FieldPath, detail: string) {
    super('FieldValueInvalid', path.toString(), '', detail);
  }

  override body(): string {
    return `Invalid value${this.detail ? ': ' + this.detail : ''}`;
  }
}

/** field.Invalid with field.OmitValueType{}: the value is left out of the message. */
export function invalidOmitted(path: FieldPath, detail: string): FieldError {
  return new OmittedValueInvalid(path, detail);
}

// ---- names and paths (k8s.io/apimachinery/pkg/util/validation) ----

const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^(?:${HTTP_PATH_FMT})$`);

/** IsDomainPrefixedPath: `acme.io/foo`. */
export function validateDomainPrefixedPath(path: FieldPath, value: string): FieldError[] {
  if (value.length === 0) return [FieldError.required(path, '')];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host.length === 0 || rest.length === 0) {
    return [FieldError.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  const errs = isDNS1123Subdomain(host).map((msg) => FieldError.invalid(path, host, msg));
  if (!httpPathRe.test(rest)) errs.push(FieldError.invalid(path, rest, regexError('Invalid path', HTTP_PATH_FMT)));
  return errs;
}

/**
 * IsFullyQualifiedName (three or more segments) and IsFullyQualifiedDomainName
 * (two or more): a DNS subdomain, a trailing dot allowed.
 */
export function validateFullyQualifiedName(path: FieldPath, value: string, minSegments: 2 | 3): FieldError[] {
  if (value.length === 0) return [FieldError.required(path, '')];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const errs = isDNS1123Subdomain(name);
  if (errs.length > 0) return [FieldError.invalid(path, name, errs.join(','))];
  if (name.split('.').length < minSegments) {
    const count = minSegments === 3 ? 'three' : 'two';
    return [FieldError.invalid(path, name, `should be a domain with at least ${count} segments separated by dots`)];
  }
  return [];
}

/**
 * Whether `validate` is running for a create. The contract's validate serves
 * both writes; the registry clears resourceVersion on create and carries the
 * stored one into an update before validating.
 */
export function isCreate(obj: ApiObject): boolean {
  return !obj.metadata?.resourceVersion;
}

/** The scale subresource of workloads whose replicas and selector sit in spec/status (Deployment, ReplicaSet, StatefulSet). */
export const replicasScale: ScalePaths = {
  specReplicas: 'spec.replicas',
  statusReplicas: 'status.replicas',
  selector: (obj) => selectorOf(mapOf(obj.spec).selector)?.toString() ?? '',
};
