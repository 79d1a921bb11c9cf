// DefaultTolerationSeconds admission: pods tolerate a not-ready or unreachable
// node for 300 s unless they say otherwise, so the node lifecycle controller
// evicts them after that.
import type { AdmissionPlugin } from './plugin.js';

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

const defaultSeconds = 300;
const taintKeys = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

export const defaultTolerationSeconds: AdmissionPlugin = {
  name: 'DefaultTolerationSeconds',
  resources: ['/pods'],
  admit(obj, operation) {
    if (operation !== 'create') return;
    const spec = (obj.spec ?? {}) as { tolerations?: Toleration[] };
    const tolerations = spec.tolerations ?? [];
    for (const key of taintKeys) {
      const covered = tolerations.some((t) => (t.effect === 'NoExecute' || !t.effect) && (t.key === key || !t.key));
      if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultSeconds });
    }
    spec.tolerations = tolerations;
    obj.spec = spec;
  },
};
