// pods/eviction: a delete that honours PodDisruptionBudgets
// (upstream pkg/registry/core/pod/storage EvictionREST).
import type { ApiObject } from '../../api/kind.js';
import { labelSelectorAsSelector } from '../../machinery/labels.js';
import type { LabelSelector, Status } from '../../machinery/meta.js';
import { ApiError, badRequest, forbidden } from '../../machinery/status.js';
import type { HandlerInput } from '../handlers.js';
import { parseJson, readBody, sendJson } from '../http.js';
import { nowTimestamp } from '../registry/metadata.js';
import type { DeleteOptions, Resource } from '../registry/resource.js';
import { setPodCondition } from './pod-conditions.js';
import { successStatus, type ActionSubresource } from './action.js';

const maxDisruptedPods = 2000;
const VIOLATES_BUDGET = "Cannot evict pod as it would violate the pod's disruption budget.";

interface PdbStatus {
  observedGeneration?: number;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  disruptedPods?: Record<string, string>;
  conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; observedGeneration?: number }[];
}

export const podEviction: ActionSubresource = {
  name: 'eviction',
  kind: { group: 'policy', version: 'v1', kind: 'Eviction' },
  async serve(input: HandlerInput): Promise<void> {
    const { info, resource: pods } = input;
    const eviction = parseJson(await readBody(input.req)) as ApiObject;
    if (eviction.metadata?.name && eviction.metadata.name !== info.name) {
      throw badRequest('name in URL does not match name in Eviction object');
    }
    const dryRun = input.url.searchParams.has('dryRun');
    const options: DeleteOptions = { ...((eviction.deleteOptions ?? {}) as DeleteOptions), dryRun };
    const pod = await pods.get(info.namespace, info.name);
    if (!canIgnoreBudget(pod)) {
      const failure = await checkBudgets(input, pod, dryRun);
      if (failure) return sendJson(input.res, failure.code ?? 500, failure);
    }
    await deletePod(pods, pod, options);
    sendJson(input.res, 201, successStatus(201));
  },
};

/** Terminal, pending and already-deleting pods are evicted without asking their budget. */
function canIgnoreBudget(pod: ApiObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata?.deletionTimestamp;
}

function isPodReady(pod: ApiObject): boolean {
  const conditions = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Takes one disruption from the pod's budget; a Status when the eviction must not happen. */
async function checkBudgets(input: HandlerInput, pod: ApiObject, dryRun: boolean): Promise<Status | undefined> {
  const budgets = input.resources.get('policy', 'poddisruptionbudgets');
  const namespace = pod.metadata?.namespace ?? '';
  const { items } = await budgets.list(namespace, { selection: {} });
  const matching = items.filter((pdb) => selectsPod(pdb, pod));
  if (matching.length > 1) {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      code: 500,
    };
  }
  if (matching.length === 0) return undefined;
  const name = matching[0].metadata!.name!;
  await budgets.guaranteedUpdate(
    namespace,
    name,
    (pdb) => {
      const status = (pdb.status ?? {}) as PdbStatus;
      const unhealthyPolicy = (pdb.spec as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy;
      if (!isPodReady(pod)) {
        const healthyEnough = (status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) && (status.desiredHealthy ?? 0) > 0;
        if (unhealthyPolicy === 'AlwaysAllow' || healthyEnough) return pdb;
      }
      decrement(pdb, status, pod.metadata!.name!);
      return pdb;
    },
    'status',
    { dryRun },
  );
  return undefined;
}

function decrement(pdb: ApiObject, status: PdbStatus, podName: string): void {
  const name = pdb.metadata!.name!;
  if ((status.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) {
    throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`);
  }
  const allowed = status.disruptionsAllowed ?? 0;
  if (allowed < 0) throw forbidden({ group: 'policy', resource: 'poddisruptionbudget' }, name, 'pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > maxDisruptedPods) {
    throw forbidden({ group: 'policy', resource: 'poddisruptionbudget' }, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (allowed === 0) {
    throw tooManyRequests(`The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`);
  }
  status.disruptionsAllowed = allowed - 1;
  status.disruptedPods = { ...status.disruptedPods, [podName]: nowTimestamp() };
  if (status.disruptionsAllowed === 0) {
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
    conditions.push({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', lastTransitionTime: nowTimestamp(), observedGeneration: status.observedGeneration });
    status.conditions = conditions;
  }
  pdb.status = status;
}

function tooManyRequests(cause: string): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: VIOLATES_BUDGET,
    reason: 'TooManyRequests',
    details: { causes: [{ reason: 'DisruptionBudget', message: cause }] },
    code: 429,
  });
}

function selectsPod(pdb: ApiObject, pod: ApiObject): boolean {
  const selector = (pdb.spec as { selector?: LabelSelector | null } | undefined)?.selector;
  try {
    return labelSelectorAsSelector(selector).matches(pod.metadata?.labels ?? {});
  } catch {
    return false;
  }
}

/** The pod is marked DisruptionTarget (unless terminal) and deleted with the eviction's options. */
async function deletePod(pods: Resource, pod: ApiObject, options: DeleteOptions): Promise<void> {
  const { namespace = '', name = '' } = pod.metadata ?? {};
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (!options.dryRun && phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp) {
    await pods.guaranteedUpdate(
      namespace,
      name,
      (current) => {
        setPodCondition(current, {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'EvictionByEvictionAPI',
          message: 'Eviction API: evicting',
          lastTransitionTime: nowTimestamp(),
        });
        return current;
      },
      'status',
    );
  }
  await pods.delete(namespace, name, options);
}
