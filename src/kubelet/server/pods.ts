// GET /runningpods/: the pods the runtime runs, as a v1 PodList with only
// names, UIDs and containers (as upstream's kubelet answers it).
import type { RuntimeService } from '../runtime/types.js';

export async function runningPods(runtime: RuntimeService): Promise<object> {
  const sandboxes = await runtime.listPodSandbox({ state: 'SANDBOX_READY' });
  const containers = await runtime.listContainers({ state: 'CONTAINER_RUNNING' });
  return {
    kind: 'PodList',
    apiVersion: 'v1',
    metadata: {},
    items: sandboxes.map((s) => ({
      metadata: { name: s.metadata.name, namespace: s.metadata.namespace, uid: s.metadata.uid, creationTimestamp: null },
      spec: {
        containers: containers.filter((c) => c.podSandboxId === s.id).map((c) => ({ name: c.metadata.name, image: c.image.image, resources: {} })),
      },
      status: {},
    })),
  };
}
