// One timer for many periodic tasks (a thousand hollow nodes' leases and
// status checks): each task runs every period, first at a random offset so
// the load spreads evenly; a task still running when it is due again is skipped.

interface Task {
  periodMs: number;
  nextAt: number;
  running: boolean;
  fn: () => Promise<void> | void;
}

export class Ticker {
  private readonly tasks = new Set<Task>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly resolutionMs = 100) {}

  /** Runs `fn` every `periodMs`, the first time within `firstWithinMs` (default: a random point in one period). */
  every(periodMs: number, fn: () => Promise<void> | void, firstWithinMs = periodMs): () => void {
    const task: Task = { periodMs, nextAt: Date.now() + Math.random() * firstWithinMs, running: false, fn };
    this.tasks.add(task);
    this.ensureTimer();
    return () => {
      this.tasks.delete(task);
      if (this.tasks.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.resolutionMs);
    this.timer.unref();
  }

  private tick(): void {
    const now = Date.now();
    for (const task of this.tasks) {
      if (task.nextAt > now) continue;
      task.nextAt = Math.max(task.nextAt + task.periodMs, now);
      if (task.running) continue;
      task.running = true;
      void (async () => {
        try {
          await task.fn();
        } catch {
          // The task logs its own failures; the next period tries again.
        } finally {
          task.running = false;
        }
      })();
    }
  }
}
