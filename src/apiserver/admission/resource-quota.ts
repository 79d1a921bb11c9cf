// ResourceQuota admission (upstream plugin/pkg/admission/resourcequota): a new object is
// refused when it would take a namespace's quota past its hard limits; otherwise what it uses
// is added to the quota's status.used at once (compare-and-swap), so two creates never share
// the last unit. The ResourceQuota controller recomputes status.used from what exists.
import type { ApiObject } from '../../api/kind.js';
import {
  coveredResources,
  formatResourceList,
  missingComputeDeclarations,
  scopesMatch,
  usageOf,
  type ResourceList,
  type ResourceQuotaSpec,
} from '../../api/core/quota-usage.js';
import { Quantity } from '../../machinery/quantity.js';
import { forbidden } from '../../machinery/status.js';
import type { ResourceMap } from '../registry/resource-map.js';
import type { AdmissionPlugin, ValidationContext } from './plugin.js';

interface QuotaStatus {
  hard?: ResourceList;
  used?: ResourceList;
}

type Quota = ApiObject & { spec?: ResourceQuotaSpec; status?: QuotaStatus };

/** Why a quota refuses the object, or undefined when it fits; `charged` is the new status.used. */
function evaluate(quota: Quota, usage: Map<string, Quantity>): { refusal?: string; charged: ResourceList } {
  const hard = quota.status?.hard ?? {};
  const used = quota.status?.used ?? {};
  const charged: ResourceList = { ...used };
  const requested = new Map<string, Quantity>();
  const failedUsed = new Map<string, Quantity>();
  const failedHard = new Map<string, Quantity>();
  for (const name of coveredResources(quota.spec?.hard ?? {}, usage)) {
    const want = usage.get(name)!;
    const current = Quantity.parse(used[name] ?? '0');
    const next = current.add(want);
    charged[name] = next.toString();
    const limit = hard[name] === undefined ? undefined : Quantity.parse(hard[name]);
    if (limit && next.cmp(limit) > 0) {
      requested.set(name, want);
      failedUsed.set(name, current);
      failedHard.set(name, limit);
    }
  }
  if (requested.size === 0) return { charged };
  const refusal = `exceeded quota: ${quota.metadata?.name}, requested: ${formatResourceList(requested)}, used: ${formatResourceList(failedUsed)}, limited: ${formatResourceList(failedHard)}`;
  return { refusal, charged };
}

export function resourceQuotaAdmission(resources: ResourceMap): AdmissionPlugin {
  const quotas = () => resources.get('', 'resourcequotas');

  /** Checks one quota and records the charge on it, retrying on a concurrent change. */
  async function charge(quota: Quota, obj: ApiObject, ctx: ValidationContext, usage: Map<string, Quantity>): Promise<void> {
    const refuse = (why: string) => forbidden({ group: ctx.group, resource: ctx.resource }, obj.metadata?.name ?? '', why);
    const namespace = quota.metadata!.namespace!;
    const name = quota.metadata!.name!;
    const check = (current: Quota): ResourceList => {
      const covered = coveredResources(current.spec?.hard ?? {}, usage);
      const unknown = covered.filter((r) => current.status?.hard?.[r] === undefined);
      if (unknown.length) throw refuse(`status unknown for quota: ${name}, resources: ${unknown.sort().join(', ')}`);
      const { refusal, charged } = evaluate(current, usage);
      if (refusal) throw refuse(refusal);
      return charged;
    };
    if (ctx.dryRun) {
      check(quota);
      return;
    }
    await quotas().guaranteedUpdate(namespace, name, (current) => {
      const used = check(current as Quota);
      return { ...current, status: { ...(current.status as QuotaStatus), used } };
    }, 'status');
  }

  return {
    name: 'ResourceQuota',
    resources: ['*'],
    async validate(obj, _operation, ctx) {
      const namespace = obj.metadata?.namespace;
      if (!namespace) return;
      const items = await quotas().cachedList(namespace);
      if (items.length === 0) return;
      const usage = usageOf(ctx.group, ctx.resource, obj);
      for (const quota of items as Quota[]) {
        const hard = quota.spec?.hard ?? {};
        if (!scopesMatch(quota.spec ?? {}, ctx.group, ctx.resource, obj)) continue;
        if (ctx.group === '' && ctx.resource === 'pods') {
          const missing = missingComputeDeclarations(obj, hard);
          if (missing) throw forbidden({ group: '', resource: 'pods' }, obj.metadata?.name ?? '', `failed quota: ${quota.metadata?.name}: ${missing}`);
        }
        if (coveredResources(hard, usage).length === 0) continue;
        await charge(quota, obj, ctx, usage);
      }
    },
  };
}
