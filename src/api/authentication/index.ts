// authentication.k8s.io/v1: the review kinds, created and answered, never stored.
import type { KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { mapOf, stringOf } from '../core/util.js';

const names = (kind: string, plural: string) => ({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced: false,
});

export const selfSubjectReviewStrategy: KindStrategy = {
  names: names('SelfSubjectReview', 'selfsubjectreviews'),
  verbs: ['create'],
};

export const tokenReviewStrategy: KindStrategy = {
  names: names('TokenReview', 'tokenreviews'),
  verbs: ['create'],
  validate: (obj) => (stringOf(mapOf(obj.spec).token) ? [] : [FieldError.required(FieldPath.of('spec', 'token'), '')]),
};

/** The kinds of authentication.k8s.io/v1. */
export const authenticationKinds: KindStrategy[] = [selfSubjectReviewStrategy, tokenReviewStrategy];
