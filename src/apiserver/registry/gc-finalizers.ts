// The garbage collector's finalizers a delete leaves on an object (upstream
// deletionFinalizersForGarbageCollection): an explicit propagation policy wins,
// then a finalizer already there, then the kind's default; `orphan` and
// `foregroundDeletion` never stand together.
export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export function deletionFinalizers(current: readonly string[], policy: PropagationPolicy | undefined, kindDefault: 'OrphanDependents' | 'DeleteDependents' = 'DeleteDependents'): string[] {
  let orphan: boolean;
  let foreground: boolean;
  if (policy) {
    orphan = policy === 'Orphan';
    foreground = policy === 'Foreground';
  } else if (current.includes(FINALIZER_ORPHAN) || current.includes(FINALIZER_FOREGROUND)) {
    orphan = current.includes(FINALIZER_ORPHAN);
    foreground = !orphan;
  } else {
    orphan = kindDefault === 'OrphanDependents';
    foreground = false;
  }
  const rest = current.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  return [...rest, ...(orphan ? [FINALIZER_ORPHAN] : []), ...(foreground ? [FINALIZER_FOREGROUND] : [])];
}
