// Structured logs: one JSON line per message, tagged with the component.
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(component: string, msg: string): void;
  info(component: string, msg: string): void;
  warn(component: string, msg: string): void;
  error(component: string, msg: string): void;
  /** False when debug lines are dropped (a caller can skip building them, or sending them across threads). */
  debugEnabled?: boolean;
}

export function createLogger(verbosity: number, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const emit = (level: Level, component: string, msg: string) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, component, msg }) + '\n');
  return {
    debug: (c, m) => verbosity >= 2 && emit('debug', c, m),
    info: (c, m) => emit('info', c, m),
    warn: (c, m) => emit('warn', c, m),
    error: (c, m) => emit('error', c, m),
    debugEnabled: verbosity >= 2,
  };
}
