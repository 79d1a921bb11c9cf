// The registry of protobuf message tables: qualified name → parsed schema, kind → message.
import { parseMessage, type MessageSchema, type ProtoPackage } from './notation.js';
import { metaV1 } from './meta-v1.js';
import { coreV1 } from './core-v1.js';
import { appsV1 } from './apps-v1.js';
import { batchV1 } from './batch-v1.js';
import { policyV1 } from './policy-v1.js';
import { networkingV1 } from './networking-v1.js';
import { rbacV1 } from './rbac-v1.js';
import { schedulingV1 } from './scheduling-v1.js';
import { authenticationV1 } from './authentication-v1.js';
import { authorizationV1 } from './authorization-v1.js';
import { certificatesV1 } from './certificates-v1.js';
import { autoscalingV1 } from './autoscaling-v1.js';

export type { FieldSchema, MessageSchema, ScalarKind, SpecialKind, ValueType } from './notation.js';

export const packages: readonly ProtoPackage[] = [
  metaV1, coreV1, appsV1, batchV1, policyV1, networkingV1, rbacV1, schedulingV1, authenticationV1, authorizationV1,
  certificatesV1, autoscalingV1,
];

const byName = new Map(packages.map((p) => [p.name, p]));
const byGroupVersion = new Map(packages.map((p) => [p.groupVersion, p]));
const parsed = new Map<string, MessageSchema>();

/** The schema of a message by qualified name (`core.v1.PodSpec`); parsed on first use. */
export function messageSchema(qualified: string): MessageSchema {
  const cached = parsed.get(qualified);
  if (cached) return cached;
  const dot = qualified.lastIndexOf('.');
  const pkg = byName.get(qualified.slice(0, dot));
  const spec = pkg?.messages[qualified.slice(dot + 1)];
  if (!pkg || spec === undefined) throw new Error(`protobuf schema: no message ${qualified}`);
  const schema = parseMessage(pkg.name, qualified.slice(dot + 1), spec);
  parsed.set(qualified, schema);
  return schema;
}

// Options and Status are meta/v1 kinds that every group version carries (client-go encodes a
// DeleteOptions body in the group version of the resource it deletes).
const metaKinds = new Set(metaV1.kinds);

/** The message of a top-level kind in a group version, if the tables have it. */
export function kindSchema(apiVersion: string, kind: string): MessageSchema | undefined {
  const pkg = byGroupVersion.get(apiVersion);
  if (pkg?.kinds.includes(kind)) return messageSchema(`${pkg.name}.${kind}`);
  if (metaKinds.has(kind)) return messageSchema(`${metaV1.name}.${kind}`);
  return undefined;
}
