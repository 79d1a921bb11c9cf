// The review kinds: a client asks, the server answers in the object's status.
// Authorization is "every authenticated user may do everything" until RBAC lands.
import type { ApiObject } from '../api/kind.js';
import type { Resource } from './registry/resource.js';
import type { Authenticator, UserInfo } from './authn.js';

export interface ReviewContext {
  user: UserInfo;
  namespace: string;
  authenticator: Authenticator;
}

export type Review = (obj: ApiObject, ctx: ReviewContext) => Promise<ApiObject> | ApiObject;

const answered = (obj: ApiObject, status: object): ApiObject => ({ ...obj, metadata: { ...obj.metadata, creationTimestamp: null }, status });

/** userInfo as the review kinds print it: empty members left out. */
function userInfo(user: UserInfo): object {
  return { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) };
}

const reviews: Record<string, Review> = {
  'authentication.k8s.io/selfsubjectreviews': (obj, { user }) => answered(obj, { userInfo: userInfo(user) }),
  'authentication.k8s.io/tokenreviews': async (obj, { authenticator }) => {
    const spec = (obj.spec ?? {}) as { token?: string; audiences?: string[] };
    const audiences = spec.audiences?.length ? spec.audiences : authenticator.tokens?.audiences;
    const user = await authenticator.authenticateToken(spec.token ?? '', audiences);
    if (!user) return answered(obj, { user: {}, error: '[invalid bearer token, service account token is not valid]' });
    return answered(obj, { authenticated: true, user: userInfo(user), audiences });
  },
  'authorization.k8s.io/selfsubjectaccessreviews': (obj) => answered(obj, { allowed: true }),
  'authorization.k8s.io/subjectaccessreviews': (obj) => answered(obj, { allowed: true }),
  'authorization.k8s.io/localsubjectaccessreviews': (obj) => answered(obj, { allowed: true }),
  'authorization.k8s.io/selfsubjectrulesreviews': (obj) =>
    answered(obj, {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    }),
};

export function reviewFor(resource: Resource): Review | undefined {
  return reviews[`${resource.names.group}/${resource.names.plural}`];
}
