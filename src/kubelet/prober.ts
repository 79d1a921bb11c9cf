// Liveness, readiness and startup probes (upstream pkg/kubelet/prober): one
// worker per running container and probe kind, on its own timer, turning raw
// probe outcomes into results with successThreshold / failureThreshold.
import type { IHTTPGetAction } from 'kubernetes-models/v1/HTTPGetAction';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IProbe } from 'kubernetes-models/v1/Probe';

export type ProbeType = 'liveness' | 'readiness' | 'startup';

export interface ProbeOutcome {
  success: boolean;
  /** What a failure says (the Unhealthy event's text after "<Kind> probe failed: "). */
  output: string;
}

export interface ProbeTarget {
  pod: IPod;
  containerName: string;
  containerId: string;
  podIP: string;
}

/** Runs one probe attempt: exec through the runtime, httpGet/tcpSocket/grpc over the pod network (or as the runtime simulates them). */
export interface ProbeHandler {
  run(type: ProbeType, probe: IProbe, target: ProbeTarget): Promise<ProbeOutcome>;
  /** A lifecycle hook's httpGet: resolves with the request's error, undefined once any response came (its status does not matter). */
  hookHttpGet(action: IHTTPGetAction, target: ProbeTarget, timeoutSeconds: number): Promise<string | undefined>;
}

export interface ProbeListener {
  /** The result changed (readiness became true/false, liveness or startup failed or succeeded). */
  resultChanged(target: ProbeTarget, type: ProbeType, success: boolean): void;
  /** One failed attempt (for the Unhealthy event). */
  failed(target: ProbeTarget, type: ProbeType, output: string): void;
}

export const PROBE_KIND: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

/** Probe timing with upstream's defaults. */
export function probeTiming(probe: IProbe): { initialDelayMs: number; periodMs: number; timeoutMs: number; successThreshold: number; failureThreshold: number } {
  return {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: (probe.periodSeconds ?? 10) * 1000,
    timeoutMs: (probe.timeoutSeconds ?? 1) * 1000,
    successThreshold: probe.successThreshold ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}

/** Probes one container for one kind until stopped. */
export class ProbeWorker {
  private timer: NodeJS.Timeout | undefined;
  private result: boolean | undefined;
  private successes = 0;
  private failures = 0;
  private stopped = false;
  /** After liveness/startup failed the container is being restarted: stop probing it. */
  private onHold = false;

  constructor(
    readonly type: ProbeType,
    private readonly probe: IProbe,
    private readonly target: ProbeTarget,
    private readonly startedAtMs: number,
    private readonly handler: ProbeHandler,
    private readonly listener: ProbeListener,
    /** Whether the container's startup probe has succeeded (liveness/readiness wait for it). */
    private readonly startupDone: () => boolean,
  ) {}

  start(): void {
    const { initialDelayMs } = probeTiming(this.probe);
    // Upstream probes a fresh container right away and honours initialDelaySeconds by reporting the initial result until it passed.
    this.schedule(Math.max(0, this.startedAtMs + initialDelayMs - Date.now()));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  get current(): boolean | undefined {
    return this.result;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { periodMs, timeoutMs, successThreshold, failureThreshold } = probeTiming(this.probe);
    if (this.stopped) return;
    if (this.onHold || (this.type !== 'startup' && !this.startupDone()) || (this.type === 'startup' && this.result === true)) {
      this.schedule(periodMs);
      return;
    }
    let outcome: ProbeOutcome;
    try {
      outcome = await Promise.race([
        this.handler.run(this.type, this.probe, this.target),
        // httpGet, tcpSocket and grpc handlers time out themselves with their own wording: this guard only backs them up.
        new Promise<ProbeOutcome>((resolve) => setTimeout(() => resolve({ success: false, output: `command timed out after ${timeoutMs / 1000}s` }), timeoutMs + (this.probe.exec ? 0 : 1000)).unref()),
      ]);
    } catch (err) {
      outcome = { success: false, output: (err as Error).message };
    }
    if (this.stopped) return;
    if (outcome.success) {
      this.failures = 0;
      this.successes++;
      if (this.result !== true && this.successes >= successThreshold) this.set(true);
    } else {
      this.successes = 0;
      this.failures++;
      this.listener.failed(this.target, this.type, outcome.output);
      if (this.result !== false && this.failures >= failureThreshold) {
        this.set(false);
        if (this.type !== 'readiness') this.onHold = true;
      } else if (this.result === undefined && this.type === 'readiness') {
        this.result = false;
      }
    }
    this.schedule(periodMs);
  }

  private set(success: boolean): void {
    this.result = success;
    this.listener.resultChanged(this.target, this.type, success);
  }
}
