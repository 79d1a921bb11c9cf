// Finding a pod's container in the runtime by the names in a kubelet URL.
import {
  ANNOTATION_RESTART_COUNT,
  LABEL_CONTAINER_NAME,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  type Container,
  type RuntimeService,
} from '../runtime/types.js';
import { HttpError } from './http.js';

export interface ContainerRef {
  namespace: string;
  pod: string;
  uid?: string;
  container: string;
}

/** /exec/{ns}/{pod}/{container} or /exec/{ns}/{pod}/{uid}/{container}. */
export function parseContainerRef(parts: string[]): ContainerRef {
  if (parts.length === 3) return { namespace: parts[0], pod: parts[1], container: parts[2] };
  if (parts.length === 4) return { namespace: parts[0], pod: parts[1], uid: parts[2], container: parts[3] };
  throw new HttpError(404, 'not found');
}

function attemptOf(c: Container): number {
  return Number(c.annotations[ANNOTATION_RESTART_COUNT] ?? c.metadata.attempt) || 0;
}

/** The container's instances, newest first. */
export async function containerInstances(runtime: RuntimeService, ref: ContainerRef): Promise<Container[]> {
  const labelSelector: Record<string, string> = { [LABEL_POD_NAMESPACE]: ref.namespace, [LABEL_POD_NAME]: ref.pod, [LABEL_CONTAINER_NAME]: ref.container };
  if (ref.uid) labelSelector[LABEL_POD_UID] = ref.uid;
  const found = await runtime.listContainers({ labelSelector });
  return found.sort((a, b) => attemptOf(b) - attemptOf(a) || Number(b.createdAt - a.createdAt));
}

/** The running (or newest) instance: what exec, attach and logs talk to. */
export async function currentContainer(runtime: RuntimeService, ref: ContainerRef): Promise<Container> {
  const [latest] = await containerInstances(runtime, ref);
  if (!latest) throw new HttpError(404, `container not found ("${ref.container}")`);
  return latest;
}
