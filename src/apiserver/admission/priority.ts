// Priority admission (upstream plugin/pkg/admission/priority): a pod's
// priorityClassName resolves to spec.priority and spec.preemptionPolicy, and
// at most one PriorityClass is the global default.
import type { ApiObject } from '../../api/kind.js';
import { forbidden } from '../../machinery/status.js';
import type { ResourceMap } from '../registry/resource-map.js';
import type { AdmissionPlugin } from './plugin.js';

interface PriorityClassFields {
  value?: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

const pods = { group: '', resource: 'pods' };

export function priorityAdmission(resources: ResourceMap): AdmissionPlugin {
  const classes = () => resources.get('scheduling.k8s.io', 'priorityclasses');
  const defaultClass = async (): Promise<(ApiObject & PriorityClassFields) | undefined> => {
    const items = await classes().cachedList('');
    const defaults = (items as (ApiObject & PriorityClassFields)[]).filter((pc) => pc.globalDefault);
    // With several defaults (a race upstream allows too), the lowest value wins.
    return defaults.sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
  };
  return {
    name: 'Priority',
    resources: ['/pods', 'scheduling.k8s.io/priorityclasses'],
    async admit(obj, operation, old) {
      if (obj.kind === 'PriorityClass') return admitPriorityClass(obj as ApiObject & PriorityClassFields, old, defaultClass);
      if (operation !== 'create') return;
      const spec = (obj.spec ?? {}) as { priorityClassName?: string; priority?: number; preemptionPolicy?: string };
      let priorityClass: (ApiObject & PriorityClassFields) | undefined;
      if (spec.priorityClassName) {
        priorityClass = (await classes().cachedGet('', spec.priorityClassName)) as (ApiObject & PriorityClassFields) | undefined;
        if (!priorityClass) throw forbidden(pods, obj.metadata?.name ?? '', `no PriorityClass with name ${spec.priorityClassName} was found`);
      } else {
        priorityClass = await defaultClass();
        if (priorityClass) spec.priorityClassName = priorityClass.metadata?.name;
      }
      const priority = priorityClass?.value ?? 0;
      if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
        throw forbidden(
          pods,
          obj.metadata?.name ?? '',
          `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
        );
      }
      spec.priority = priority;
      const policy = priorityClass?.preemptionPolicy;
      if (policy) {
        if (spec.preemptionPolicy && spec.preemptionPolicy !== policy) {
          throw forbidden(
            pods,
            obj.metadata?.name ?? '',
            `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
          );
        }
        spec.preemptionPolicy = policy;
      }
      obj.spec = spec;
    },
  };
}

async function admitPriorityClass(
  pc: ApiObject & PriorityClassFields,
  old: ApiObject | undefined,
  defaultClass: () => Promise<(ApiObject & PriorityClassFields) | undefined>,
): Promise<void> {
  if (!pc.globalDefault) return;
  const existing = await defaultClass();
  if (existing && existing.metadata?.name !== pc.metadata?.name && existing.metadata?.name !== old?.metadata?.name) {
    throw forbidden(
      { group: 'scheduling.k8s.io', resource: 'priorityclasses' },
      pc.metadata?.name ?? '',
      `PriorityClass ${existing.metadata?.name} is already marked as default. Only one default can exist`,
    );
  }
}
