// Pod startup timings, on when K8TS_POD_STARTUP_TRACE=1: each step of a pod's
// first start, in ms from the previous one, counted from the moment the kubelet
// saw the pod, logged once as the pod first reports Running. What the
// containers benchmark reads to tell a slow pod's steps from a fast one's.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from '../cli/log.js';

export const startupTracing = process.env.K8TS_POD_STARTUP_TRACE === '1';

export class StartupTrace {
  private readonly seenAt = Date.now();
  private last = performance.now();
  private readonly steps: string[] = [];
  private finished = !startupTracing;

  mark(step: string): void {
    if (this.finished) return;
    const now = performance.now();
    this.steps.push(`${step}=${Math.round(now - this.last)}`);
    this.last = now;
  }

  /** Logs the steps once. */
  finish(log: Logger, pod: string): void {
    if (this.finished) return;
    this.finished = true;
    log.info('startup-trace', `pod ${pod} seen=${this.seenAt} total=${Date.now() - this.seenAt} ${this.steps.join(' ')}`);
  }
}

/** Logs the event loop's worst delay of each second it exceeded 50 ms (tracing only). */
export function traceEventLoopDelay(log: Logger): () => void {
  if (!startupTracing) return () => undefined;
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const timer = setInterval(() => {
    const maxMs = h.max / 1e6;
    if (maxMs > 50) log.info('startup-trace', `event loop delay max=${Math.round(maxMs)} at=${Date.now()}`);
    h.reset();
  }, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    h.disable();
  };
}
