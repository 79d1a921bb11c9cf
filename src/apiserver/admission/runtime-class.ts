// RuntimeClass admission (upstream plugin/pkg/admission/runtimeclass): a pod's
// runtimeClassName must name an existing RuntimeClass, whose pod overhead and
// scheduling (node selector, tolerations) the pod takes on.
import type { ApiObject } from '../../api/kind.js';
import { isMap, mapOf, mapsOf, sameJson, semanticEqual, stringMapOf } from '../../api/core/util.js';
import { forbidden } from '../../machinery/status.js';
import type { ResourceMap } from '../registry/resource-map.js';
import type { AdmissionPlugin } from './plugin.js';

const pods = { group: '', resource: 'pods' };

export function runtimeClassAdmission(resources: ResourceMap): AdmissionPlugin {
  return {
    name: 'RuntimeClass',
    resources: ['/pods'],
    async admit(obj, operation) {
      if (operation !== 'create') return;
      const spec = mapOf(obj.spec);
      const reject = (why: string) => forbidden(pods, obj.metadata?.name ?? '', why);
      let runtimeClass: ApiObject | undefined;
      if (typeof spec.runtimeClassName === 'string' && spec.runtimeClassName) {
        const name = spec.runtimeClassName;
        runtimeClass = await resources
          .get('node.k8s.io', 'runtimeclasses')
          .get('', name)
          .catch(() => undefined);
        if (!runtimeClass) throw reject(`pod rejected: RuntimeClass "${name}" not found`);
      }
      const podFixed = mapOf(runtimeClass?.overhead).podFixed;
      if (isMap(podFixed)) {
        if (spec.overhead === undefined || spec.overhead === null) spec.overhead = { ...podFixed };
        else if (!semanticEqual(spec.overhead, podFixed)) throw reject("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
      } else if (spec.overhead !== undefined && spec.overhead !== null) {
        throw reject('pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
      }
      const scheduling = mapOf(runtimeClass?.scheduling);
      const nodeSelector = stringMapOf(spec.nodeSelector);
      for (const [key, value] of Object.entries(stringMapOf(scheduling.nodeSelector))) {
        if (key in nodeSelector && nodeSelector[key] !== value) {
          throw reject(`conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${value}; pod.spec.nodeSelector[${key}] = ${nodeSelector[key]}`);
        }
        nodeSelector[key] = value;
      }
      if (Object.keys(nodeSelector).length > 0) spec.nodeSelector = nodeSelector;
      const tolerations = mapsOf(spec.tolerations);
      for (const t of mapsOf(scheduling.tolerations)) if (!tolerations.some((have) => sameJson(have, t))) tolerations.push(t);
      if (tolerations.length > 0) spec.tolerations = tolerations;
      obj.spec = spec;
    },
  };
}
