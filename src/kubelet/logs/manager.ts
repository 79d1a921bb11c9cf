// The container log manager (upstream's ContainerLogManager): every period,
// each running container whose runtime writes CRI log files (not one that
// keeps its logs itself) has its log rotated per --container-log-max-size
// and --container-log-max-files, the runtime reopening the live file.
import { isAbsolute, join } from 'node:path';
import { LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID, type RuntimeService } from '../runtime/types.js';
import { DEFAULT_CONTAINER_LOG_MAX_FILES, DEFAULT_CONTAINER_LOG_MAX_SIZE, rotateIfNeeded, type RotationPolicy } from './rotation.js';

export const LOG_MONITOR_PERIOD_MS = 10_000;

/** Where the kubelet finds a container's log: ContainerStatus.logPath, under the pod's log directory when relative. */
export function containerLogPath(labels: Record<string, string>, logPath: string): string {
  if (isAbsolute(logPath)) return logPath;
  return join(`/var/log/pods/${labels[LABEL_POD_NAMESPACE]}_${labels[LABEL_POD_NAME]}_${labels[LABEL_POD_UID]}`, logPath);
}

export class ContainerLogManager {
  private timer?: NodeJS.Timeout;
  private busy = false;
  private readonly policy: RotationPolicy;

  constructor(
    private readonly runtime: RuntimeService,
    policy: Partial<RotationPolicy> = {},
    private readonly onError: (message: string) => void = () => {},
  ) {
    this.policy = { maxSize: policy.maxSize ?? DEFAULT_CONTAINER_LOG_MAX_SIZE, maxFiles: policy.maxFiles ?? DEFAULT_CONTAINER_LOG_MAX_FILES };
  }

  start(periodMs = LOG_MONITOR_PERIOD_MS): void {
    if (this.runtime.streamLogs) return;
    this.timer = setInterval(() => void this.tick(), periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.rotateAll();
    } catch (err) {
      // The runtime is restarting: the next period tries again.
      this.onError(`listing containers for log rotation: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  /** One pass over the running containers. */
  async rotateAll(): Promise<void> {
    for (const c of await this.runtime.listContainers({ state: 'CONTAINER_RUNNING' })) {
      try {
        const status = await this.runtime.containerStatus(c.id);
        if (!status.logPath) continue;
        const reopen = async () => {
          await this.runtime.reopenContainerLog?.(c.id);
        };
        await rotateIfNeeded(containerLogPath(c.labels, status.logPath), this.policy, reopen);
      } catch (err) {
        this.onError(`rotating the log of container ${c.id}: ${(err as Error).message}`);
      }
    }
  }
}
