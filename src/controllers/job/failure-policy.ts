// spec.podFailurePolicy: the first rule matching a failed pod's container
// exit codes or conditions decides what its failure means for the Job.
import type { Pod } from '../controller-utils/types.js';
import type { PodFailurePolicy, PodFailurePolicyRule } from './types.js';

export type PodFailureAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PodFailureMatch {
  /** Whether the failure counts towards backoffLimit. */
  countFailed: boolean;
  action?: PodFailureAction;
  /** For FailJob: the Failed/FailureTarget condition message. */
  message?: string;
}

interface Terminated {
  name: string;
  exitCode: number;
}

function terminatedContainers(pod: Pod): Terminated[] {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const out: Terminated[] = [];
  for (const s of statuses) {
    const code = s.state?.terminated?.exitCode;
    if (code !== undefined && code !== 0) out.push({ name: s.name, exitCode: code });
  }
  return out;
}

function matchExitCodes(rule: PodFailurePolicyRule, pod: Pod): Terminated | undefined {
  const req = rule.onExitCodes;
  if (!req) return undefined;
  const values = new Set(req.values ?? []);
  return terminatedContainers(pod).find((c) => {
    if (req.containerName && req.containerName !== c.name) return false;
    return req.operator === 'In' ? values.has(c.exitCode) : !values.has(c.exitCode);
  });
}

function matchConditions(rule: PodFailurePolicyRule, pod: Pod): string | undefined {
  for (const pattern of rule.onPodConditions ?? []) {
    const want = pattern.status ?? 'True';
    const c = pod.status?.conditions?.find((x) => x.type === pattern.type && x.status === want);
    if (c) return c.type;
  }
  return undefined;
}

/** matchPodFailurePolicy for a pod in phase Failed. */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod): PodFailureMatch {
  const podName = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  const rules = policy?.rules ?? [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const action = rule.action as PodFailureAction;
    const container = matchExitCodes(rule, pod);
    const condition = container ? undefined : matchConditions(rule, pod);
    if (!container && !condition) continue;
    if (action === 'Ignore') return { countFailed: false, action };
    if (action === 'FailJob') {
      const message = container
        ? `Container ${container.name} for pod ${podName} failed with exit code ${container.exitCode} matching FailJob rule at index ${i}`
        : `Pod ${podName} has condition ${condition} matching FailJob rule at index ${i}`;
      return { countFailed: true, action, message };
    }
    return { countFailed: true, action };
  }
  return { countFailed: true };
}
