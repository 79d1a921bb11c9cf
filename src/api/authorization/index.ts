// authorization.k8s.io/v1: access reviews, created and answered, never stored
// (upstream pkg/apis/authorization/validation).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { mapOf, stringOf } from '../core/util.js';

const names = (kind: string, plural: string, namespaced = false) => ({
  group: 'authorization.k8s.io',
  version: 'v1',
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
});

const SPEC = FieldPath.of('spec');

/** Exactly one of resourceAttributes and nonResourceAttributes. */
function validateAttributes(spec: Record<string, unknown>): FieldError[] {
  const resource = spec.resourceAttributes;
  const nonResource = spec.nonResourceAttributes;
  if (resource && nonResource) {
    return [FieldError.invalid(SPEC.child('nonResourceAttributes'), nonResource, 'cannot be specified in combination with resourceAttributes')];
  }
  if (!resource && !nonResource) {
    return [FieldError.required(SPEC.child('resourceAttributes'), 'one of resourceAttributes or nonResourceAttributes must be specified')];
  }
  return [];
}

function validateSubjectAccessReview(obj: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const errs = validateAttributes(spec);
  const anyone = stringOf(spec.user) || (Array.isArray(spec.groups) && spec.groups.length > 0) || stringOf(spec.uid);
  if (!anyone) errs.push(FieldError.invalid(SPEC.child('user'), stringOf(spec.user), 'at least one of user or group must be specified'));
  return errs;
}

export const selfSubjectAccessReviewStrategy: KindStrategy = {
  names: names('SelfSubjectAccessReview', 'selfsubjectaccessreviews'),
  verbs: ['create'],
  validate: (obj) => validateAttributes(mapOf(obj.spec)),
};

export const selfSubjectRulesReviewStrategy: KindStrategy = {
  names: names('SelfSubjectRulesReview', 'selfsubjectrulesreviews'),
  verbs: ['create'],
};

export const subjectAccessReviewStrategy: KindStrategy = {
  names: names('SubjectAccessReview', 'subjectaccessreviews'),
  verbs: ['create'],
  validate: validateSubjectAccessReview,
};

export const localSubjectAccessReviewStrategy: KindStrategy = {
  names: names('LocalSubjectAccessReview', 'localsubjectaccessreviews', true),
  verbs: ['create'],
  validate: (obj, ctx) => {
    const errs = validateSubjectAccessReview(obj);
    const namespace = stringOf(mapOf(mapOf(obj.spec).resourceAttributes).namespace);
    if (namespace !== (ctx.namespace ?? '')) {
      errs.push(FieldError.invalid(SPEC.child('resourceAttributes', 'namespace'), namespace, 'must match metadata.namespace'));
    }
    return errs;
  },
};

/** The kinds of authorization.k8s.io/v1. */
export const authorizationKinds: KindStrategy[] = [
  selfSubjectAccessReviewStrategy,
  selfSubjectRulesReviewStrategy,
  subjectAccessReviewStrategy,
  localSubjectAccessReviewStrategy,
];
