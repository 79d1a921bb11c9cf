// ControllerRefManager: a controller adopts the orphans its selector matches
// and releases the objects it owns that stop matching (the seed's "adopting and
// quarantining"), always through the API so the owner reference is the truth.
import type { KubeObject, ResourceClient } from '../../client/types.js';
import type { Selector } from '../../machinery/labels.js';
import type { OwnerReference } from '../../machinery/meta.js';
import { controllerRefOf } from './pods.js';
import { isNotFound } from './run.js';

export interface ClaimOptions<T extends KubeObject> {
  owner: KubeObject;
  ownerRef: OwnerReference;
  selector: Selector;
  resource: ResourceClient<T>;
  /** Re-reads the owner from the API: adoption only while it exists with the same uid and is not being deleted. */
  freshOwner: () => Promise<KubeObject | undefined>;
}

function ownerReferencesPatch(obj: KubeObject, refs: OwnerReference[]): unknown {
  return { metadata: { ownerReferences: refs, resourceVersion: obj.metadata?.resourceVersion } };
}

/** The objects the owner controls after adopting and releasing. */
export async function claimObjects<T extends KubeObject>(objects: T[], o: ClaimOptions<T>): Promise<T[]> {
  const claimed: T[] = [];
  const uid = o.owner.metadata?.uid;
  const ownerDeleting = !!o.owner.metadata?.deletionTimestamp;
  let canAdopt: boolean | undefined;
  for (const obj of objects) {
    const ref = controllerRefOf(obj);
    const matches = o.selector.matches(obj.metadata?.labels ?? {});
    const ns = obj.metadata?.namespace;
    const name = obj.metadata!.name!;
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) {
        claimed.push(obj);
      } else if (!ownerDeleting && !obj.metadata?.deletionTimestamp) {
        const refs = (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid);
        await o.resource.patch(ns, name, 'merge', ownerReferencesPatch(obj, refs)).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      }
      continue;
    }
    if (ownerDeleting || !matches || obj.metadata?.deletionTimestamp) continue;
    if (canAdopt === undefined) {
      const fresh = await o.freshOwner();
      canAdopt = !!fresh && fresh.metadata?.uid === uid && !fresh.metadata?.deletionTimestamp;
    }
    if (!canAdopt) continue;
    try {
      const refs = [...(obj.metadata?.ownerReferences ?? []), o.ownerRef];
      claimed.push(await o.resource.patch(ns, name, 'merge', ownerReferencesPatch(obj, refs)));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return claimed;
}
