// Container lifecycle hooks (upstream pkg/kubelet/lifecycle): a postStart or
// preStop handler — exec in the container, httpGet from the node (any response
// counts, only a failed request fails), or sleep — and the message upstream
// puts in the FailedPostStartHook / FailedPreStopHook event when it fails.
import type { ILifecycleHandler } from 'kubernetes-models/v1/LifecycleHandler';
import type { ProbeHandler, ProbeTarget } from './prober.js';
import type { RuntimeService } from './runtime/types.js';

export interface HookRunner {
  runtime: RuntimeService;
  /** Sends httpGet requests from the node (the probes' network side). */
  network: ProbeHandler;
}

/** upstream format.Pod: name_namespace(uid). */
export function formatPod(target: ProbeTarget): string {
  const m = target.pod.metadata ?? {};
  return `${m.name}_${m.namespace}(${m.uid})`;
}

/** Runs one handler within timeoutSeconds; resolves with upstream's failure message, or undefined when it succeeded. */
export async function runLifecycleHandler(handler: ILifecycleHandler, target: ProbeTarget, runner: HookRunner, timeoutSeconds: number): Promise<string | undefined> {
  const where = `for Container "${target.containerName}" in Pod "${formatPod(target)}"`;
  if (handler.exec) {
    const cmd = handler.exec.command ?? [];
    let r;
    try {
      r = await runner.runtime.execSync(target.containerId, cmd, timeoutSeconds);
    } catch (err) {
      return `Exec lifecycle hook ([${cmd.join(' ')}]) ${where} failed - error: ${(err as Error).message}, message: ""`;
    }
    if (r.exitCode === 0) return undefined;
    const error = `command '${cmd.join(' ')}' exited with ${r.exitCode}: ${r.stderr}`;
    return `Exec lifecycle hook ([${cmd.join(' ')}]) ${where} failed - error: ${error}, message: ${JSON.stringify(r.stdout + r.stderr)}`;
  }
  if (handler.httpGet) {
    let error: string | undefined;
    try {
      error = await runner.network.hookHttpGet(handler.httpGet, target, timeoutSeconds);
    } catch (err) {
      error = (err as Error).message;
    }
    return error === undefined ? undefined : `HTTP lifecycle hook (${handler.httpGet.path ?? ''}) ${where} failed - error: ${error}`;
  }
  if (handler.sleep) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(handler.sleep!.seconds, timeoutSeconds) * 1000));
    return undefined;
  }
  return 'Cannot run handler: invalid handler';
}
