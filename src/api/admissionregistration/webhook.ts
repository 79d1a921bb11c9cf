// What Validating- and MutatingWebhookConfigurations share: defaults
// (admissionregistration/v1) and validation of each webhook
// (pkg/apis/admissionregistration/validation, apiserver's webhook URL checks).
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateLabelSelector } from '../../machinery/labels.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortNum, validateLabelName } from '../../machinery/validation.js';
import { ensureMap, goStrings, invalidRendered, isMap, listOf, mapOf, mapsOf, numberOf, stringOf, type JsonMap } from '../core/util.js';
import { labelSelectorOf, validateFullyQualifiedName } from '../workloads-common.js';

export const ADMISSION_REVIEW_VERSIONS = ['v1', 'v1beta1'];
const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
const NO_SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
const REINVOCATION_POLICIES = ['IfNeeded', 'Never'];
const MAX_MATCH_CONDITIONS = 64;
const URL_FORM = '; desired format: https://host[/path]';

/** SetDefaults_ValidatingWebhook / SetDefaults_MutatingWebhook and what they contain. */
export function defaultWebhook(hook: JsonMap, mutating: boolean): void {
  hook.failurePolicy ??= 'Fail';
  hook.matchPolicy ??= 'Equivalent';
  if (!isMap(hook.namespaceSelector)) hook.namespaceSelector = {};
  if (!isMap(hook.objectSelector)) hook.objectSelector = {};
  hook.timeoutSeconds ??= 10;
  if (mutating) hook.reinvocationPolicy ??= 'Never';
  for (const rule of mapsOf(hook.rules)) rule.scope ??= '*';
  const config = ensureMap(hook, 'clientConfig');
  if (isMap(config.service)) config.service.port ??= 443;
}

function validateResources(resources: string[], path: FieldPath): FieldError[] {
  const errs = resources.length === 0 ? [FieldError.required(path, '')] : [];
  const wildcardSubresources = new Set<string>();
  const wildcardResources = new Set<string>();
  let hasResourceWithoutSubresource = false;
  resources.forEach((resSub, i) => {
    if (resSub === '') return errs.push(FieldError.required(path.index(i), ''));
    const slash = resSub.indexOf('/');
    if (slash < 0) {
      hasResourceWithoutSubresource = resSub !== '*';
      return;
    }
    const [res, sub] = [resSub.slice(0, slash), resSub.slice(slash + 1)];
    if (wildcardSubresources.has(res)) errs.push(FieldError.invalid(path.index(i), resSub, `if '${res}/*' is present, must not specify ${resSub}`));
    if (wildcardResources.has(sub)) errs.push(FieldError.invalid(path.index(i), resSub, `if '*/${sub}' is present, must not specify ${resSub}`));
    if (sub === '*') wildcardSubresources.add(res);
    if (res === '*') wildcardResources.add(sub);
  });
  if (resources.length > 1 && resources.includes('*/*')) errs.push(invalidRendered(path, goStrings(resources), "if '*/*' is present, must not specify other resources"));
  if (resources.includes('*') && hasResourceWithoutSubresource) {
    errs.push(invalidRendered(path, goStrings(resources), "if '*' is present, must not specify other resources without subresources"));
  }
  return errs;
}

function validateList(values: string[], path: FieldPath, what: string): FieldError[] {
  const errs = values.length === 0 ? [FieldError.required(path, '')] : [];
  if (values.length > 1 && values.includes('*')) errs.push(invalidRendered(path, goStrings(values), `if '*' is present, must not specify other ${what}`));
  return errs;
}

function validateRule(rule: JsonMap, path: FieldPath): FieldError[] {
  const operations = listOf(rule.operations).map(stringOf);
  const errs = validateList(operations, path.child('operations'), 'operations');
  operations.forEach((op, i) => {
    if (!OPERATIONS.includes(op)) errs.push(FieldError.notSupported(path.child('operations').index(i), op, OPERATIONS));
  });
  errs.push(...validateList(listOf(rule.apiGroups).map(stringOf), path.child('apiGroups'), 'API groups'));
  const versions = listOf(rule.apiVersions).map(stringOf);
  errs.push(...validateList(versions, path.child('apiVersions'), 'API versions'));
  versions.forEach((v, i) => {
    if (v === '') errs.push(FieldError.required(path.child('apiVersions').index(i), ''));
  });
  errs.push(...validateResources(listOf(rule.resources).map(stringOf), path.child('resources')));
  if (rule.scope !== undefined && rule.scope !== null && !SCOPES.includes(stringOf(rule.scope))) {
    errs.push(FieldError.notSupported(path.child('scope'), stringOf(rule.scope), SCOPES));
  }
  return errs;
}

/** The parts of a URL the webhook checks look at, split as Go's url.Parse splits them. */
function splitURL(url: string): { scheme: string; user: string; host: string; query: string; fragment: string } {
  let rest = url;
  const hash = rest.indexOf('#');
  const fragment = hash < 0 ? '' : rest.slice(hash + 1);
  if (hash >= 0) rest = rest.slice(0, hash);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(rest)?.[0].slice(0, -1) ?? '';
  rest = rest.slice(scheme ? scheme.length + 1 : 0);
  const q = rest.indexOf('?');
  const query = q < 0 ? '' : rest.slice(q + 1);
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith('//')) return { scheme: scheme.toLowerCase(), user: '', host: '', query, fragment };
  const authority = rest.slice(2).split('/')[0];
  const at = authority.lastIndexOf('@');
  return { scheme: scheme.toLowerCase(), user: at < 0 ? '' : authority.slice(0, at), host: at < 0 ? authority : authority.slice(at + 1), query, fragment };
}

function validateWebhookURL(url: string, path: FieldPath): FieldError[] {
  const u = splitURL(url);
  const errs: FieldError[] = [];
  if (u.scheme !== 'https') errs.push(FieldError.invalid(path, u.scheme, "'https' is the only allowed URL scheme" + URL_FORM));
  if (u.host === '') errs.push(FieldError.invalid(path, u.host, 'host must be specified' + URL_FORM));
  if (u.user !== '') errs.push(FieldError.invalid(path, u.user, 'user information is not permitted in the URL'));
  if (u.fragment !== '') errs.push(FieldError.invalid(path, u.fragment, 'fragments are not permitted in the URL'));
  if (u.query !== '') errs.push(FieldError.invalid(path, u.query, 'query parameters are not permitted in the URL'));
  return errs;
}

function validateServicePath(urlPath: string, path: FieldPath): FieldError[] {
  if (urlPath === '/' || urlPath === '') return [];
  if (urlPath === '//') return [FieldError.invalid(path, urlPath, 'segment[0] may not be empty')];
  const errs = urlPath.startsWith('/') ? [] : [FieldError.invalid(path, urlPath, "must start with a '/'")];
  let toCheck = urlPath.slice(1);
  if (toCheck.endsWith('/')) toCheck = toCheck.slice(0, -1);
  toCheck.split('/').forEach((step, i) => {
    if (step === '') return errs.push(FieldError.invalid(path, urlPath, `segment[${i}] may not be empty`));
    for (const failure of isDNS1123Subdomain(step)) errs.push(FieldError.invalid(path, urlPath, `segment[${i}]: ${failure}`));
  });
  return errs;
}

function validateWebhookService(service: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (stringOf(service.name) === '') errs.push(FieldError.required(path.child('name'), 'service name is required'));
  if (stringOf(service.namespace) === '') errs.push(FieldError.required(path.child('namespace'), 'service namespace is required'));
  const port = numberOf(service.port) ?? 0;
  const portErrs = isValidPortNum(port);
  if (portErrs.length > 0) errs.push(FieldError.invalid(path.child('port'), port, 'port is not valid: ' + portErrs.join(', ')));
  if (typeof service.path === 'string') errs.push(...validateServicePath(service.path, path.child('path')));
  return errs;
}

function validateClientConfig(config: JsonMap, path: FieldPath): FieldError[] {
  const hasURL = typeof config.url === 'string';
  const hasService = isMap(config.service);
  if (hasURL === hasService) return [FieldError.required(path, 'exactly one of url or service is required')];
  if (hasURL) return validateWebhookURL(stringOf(config.url), path.child('url'));
  return validateWebhookService(mapOf(config.service), path.child('service'));
}

function validateMatchConditions(conditions: JsonMap[], path: FieldPath): FieldError[] {
  if (conditions.length > MAX_MATCH_CONDITIONS) return [FieldError.tooMany(path, conditions.length, MAX_MATCH_CONDITIONS)];
  const names = new Set<string>();
  return conditions.flatMap((c, i) => {
    const name = stringOf(c.name);
    const errs = stringOf(c.expression).trim() === '' ? [FieldError.required(path.index(i).child('expression'), '')] : [];
    if (name === '') errs.push(FieldError.required(path.index(i).child('name'), ''));
    else errs.push(...validateLabelName(name, path.index(i).child('name')));
    if (name !== '' && names.has(name)) errs.push(FieldError.duplicate(path.index(i).child('name'), name));
    names.add(name);
    return errs;
  });
}

function validateEnum(value: unknown, valid: readonly string[], path: FieldPath): FieldError[] {
  if (value === undefined || value === null || valid.includes(stringOf(value))) return [];
  return [FieldError.notSupported(path, stringOf(value), valid)];
}

/** validateValidatingWebhook / validateMutatingWebhook. */
function validateWebhook(hook: JsonMap, mutating: boolean, path: FieldPath): FieldError[] {
  const errs = validateFullyQualifiedName(path.child('name'), stringOf(hook.name), 3);
  mapsOf(hook.rules).forEach((rule, i) => errs.push(...validateRule(rule, path.child('rules').index(i))));
  errs.push(...validateEnum(hook.failurePolicy, FAILURE_POLICIES, path.child('failurePolicy')));
  errs.push(...validateEnum(hook.matchPolicy, MATCH_POLICIES, path.child('matchPolicy')));
  if (hook.sideEffects === undefined || hook.sideEffects === null) {
    errs.push(FieldError.required(path.child('sideEffects'), `must specify one of ${NO_SIDE_EFFECTS.join(', ')}`));
  } else errs.push(...validateEnum(hook.sideEffects, NO_SIDE_EFFECTS, path.child('sideEffects')));
  const timeout = numberOf(hook.timeoutSeconds);
  if (timeout !== undefined && (timeout > 30 || timeout < 1)) errs.push(FieldError.invalid(path.child('timeoutSeconds'), timeout, 'the timeout value must be between 1 and 30 seconds'));
  for (const key of ['namespaceSelector', 'objectSelector'] as const) {
    if (isMap(hook[key])) errs.push(...validateLabelSelector(labelSelectorOf(hook[key]), path.child(key)));
  }
  if (mutating) errs.push(...validateEnum(hook.reinvocationPolicy, REINVOCATION_POLICIES, path.child('reinvocationPolicy')));
  errs.push(...validateClientConfig(mapOf(hook.clientConfig), path.child('clientConfig')));
  errs.push(...validateMatchConditions(mapsOf(hook.matchConditions), path.child('matchConditions')));
  return errs;
}

function validateAdmissionReviewVersions(versions: string[], path: FieldPath): FieldError[] {
  if (versions.length < 1) return [FieldError.required(path, `must specify one of ${ADMISSION_REVIEW_VERSIONS.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v)) return errs.push(FieldError.invalid(path.index(i), v, 'duplicate version'));
    seen.add(v);
    errs.push(...isDNS1035Label(v).map((msg) => FieldError.invalid(path.index(i), v, msg)));
  });
  if (!versions.some((v) => ADMISSION_REVIEW_VERSIONS.includes(v))) {
    errs.push(invalidRendered(path, goStrings(versions), `must include at least one of ${ADMISSION_REVIEW_VERSIONS.join(', ')}`));
  }
  return errs;
}

/** The webhooks of a configuration: each valid, names unique. */
export function validateWebhooks(hooks: JsonMap[], mutating: boolean): FieldError[] {
  const names = new Set<string>();
  return hooks.flatMap((hook, i) => {
    const path = FieldPath.of('webhooks').index(i);
    const errs = validateWebhook(hook, mutating, path);
    errs.push(...validateAdmissionReviewVersions(listOf(hook.admissionReviewVersions).map(stringOf), path.child('admissionReviewVersions')));
    const name = stringOf(hook.name);
    if (name && names.has(name)) errs.push(FieldError.duplicate(path.child('name'), name));
    names.add(name);
    return errs;
  });
}
