// What a simulated container does: read from its command line and from the
// pod's k8ts.io/simulate-* annotations. No process ever runs.

export type ProbeType = 'liveness' | 'readiness' | 'startup';

export interface ContainerScript {
  /** Milliseconds after start when the container exits; undefined runs until stopped. */
  exitAfterMs?: number;
  exitCode: number;
  /** What the container writes to stdout. */
  output: string[];
  /** Probe kinds that always fail for this container. */
  failingProbes: Set<ProbeType>;
}

export const ANNOTATION_EXIT_AFTER = 'k8ts.io/simulate-exit-after';
export const ANNOTATION_EXIT_CODE = 'k8ts.io/simulate-exit-code';
export const ANNOTATION_PROBE_FAIL = 'k8ts.io/simulate-probe-fail';

export interface ScriptInput {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: Record<string, string>;
  /** The pod's annotations. */
  annotations: Record<string, string>;
  stdin?: boolean;
}

/** Go-style durations ("3s", "500ms", "1m30s"); a bare number is seconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = t;
  if (!rest) return undefined;
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** The annotation for this container: `<key>.<container>` wins over `<key>`. */
function annotation(input: ScriptInput, key: string): string | undefined {
  return input.annotations[`${key}.${input.name}`] ?? input.annotations[key];
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
/** Commands that finish on their own; anything else is taken to run until stopped. */
const FINITE = new Set(['true', ':', 'false', 'exit', 'sleep', 'echo', 'printf', 'env', 'printenv', 'date', 'hostname', 'ls', 'pwd', 'id', 'whoami', 'uname', 'touch', 'mkdir', 'rm', 'test', '[', 'cp', 'mv', 'ln', 'chmod', 'wc', 'grep', 'head', 'nslookup', 'cat']);
/** Images whose default command is a shell, which exits at once without a terminal. */
const SHELL_IMAGES = new Set(['busybox', 'alpine', 'ubuntu', 'debian', 'bash', 'hello-world', 'fedora', 'centos']);

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function imageBase(image: string): string {
  const noDigest = image.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const nameTag = noDigest.slice(lastSlash + 1);
  return nameTag.split(':')[0];
}

/** Splits a shell line into statements at ; && || and newlines (quotes respected, nothing else). */
export function statements(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = '';
      cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
    } else if (ch === ';' || ch === '\n' || (ch === '&' && line[i + 1] === '&') || (ch === '|' && line[i + 1] === '|')) {
      if (ch !== ';' && ch !== '\n') i++;
      out.push(cur.trim());
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur.trim());
  return out.filter((s) => s.length > 0);
}

/** Words of a statement with quotes removed and $VAR / ${VAR} expanded from env. */
export function words(statement: string, env: Record<string, string>): string[] {
  const expanded = statement.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => env[a ?? b ?? ''] ?? '');
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(expanded)) !== null) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

interface Run {
  ms: number;
  exitCode: number;
  output: string[];
  forever: boolean;
}

/** Interprets one statement; returns false when the script stops here. */
function step(argv: string[], run: Run, env: Record<string, string>): boolean {
  const cmd = basename(argv[0] ?? '');
  if (['while', 'until', 'for', 'trap', 'tail'].includes(cmd) && (cmd !== 'tail' || argv.includes('-f'))) {
    run.forever = true;
    return false;
  }
  if (!FINITE.has(cmd) || (cmd === 'cat' && argv.length === 1)) {
    run.forever = true;
    return false;
  }
  run.exitCode = 0;
  switch (cmd) {
    case 'exit':
      run.exitCode = Number(argv[1] ?? 0) || 0;
      return false;
    case 'false':
      run.exitCode = 1;
      return true;
    case 'sleep': {
      if (argv[1] === 'infinity') {
        run.forever = true;
        return false;
      }
      run.ms += parseDuration(argv[1] ?? '0') ?? 0;
      return true;
    }
    case 'echo':
    case 'printf': {
      const text = argv.slice(1).filter((w) => !/^-[neE]+$/.test(w)).join(' ');
      const redirect = text.indexOf('>');
      run.output.push(...(redirect >= 0 ? text.slice(0, redirect).trimEnd() : text).replace(/\\n$/, '').split('\\n'));
      return true;
    }
    case 'env':
    case 'printenv':
      run.output.push(...Object.entries(env).map(([k, v]) => `${k}=${v}`));
      return true;
    case 'hostname':
      run.output.push(env.HOSTNAME ?? '');
      return true;
    default:
      return true;
  }
}

/** The script of one simulated container. */
export function scriptFor(input: ScriptInput): ContainerScript {
  const argv = [...input.command, ...input.args];
  const run: Run = { ms: 0, exitCode: 0, output: [], forever: false };
  if (argv.length === 0) {
    if (!SHELL_IMAGES.has(imageBase(input.image)) || input.stdin) run.forever = true;
  } else {
    const lines = SHELLS.has(basename(argv[0])) && argv[1] === '-c' ? statements(argv.slice(2, 3).join(' ')) : [argv.join(' ')];
    const single = !(SHELLS.has(basename(argv[0])) && argv[1] === '-c');
    for (const line of lines) {
      const w = single ? argv : words(line, input.env);
      if (!step(w, run, input.env)) break;
    }
  }
  const failingProbes = new Set<ProbeType>();
  for (const p of (annotation(input, ANNOTATION_PROBE_FAIL) ?? '').split(',')) {
    const t = p.trim();
    if (t === 'liveness' || t === 'readiness' || t === 'startup') failingProbes.add(t);
  }
  const exitAfter = annotation(input, ANNOTATION_EXIT_AFTER);
  const exitCode = annotation(input, ANNOTATION_EXIT_CODE);
  let exitAfterMs = run.forever ? undefined : run.ms;
  if (exitAfter !== undefined) exitAfterMs = parseDuration(exitAfter) ?? exitAfterMs;
  else if (exitCode !== undefined && exitAfterMs === undefined) exitAfterMs = 0;
  return {
    exitAfterMs,
    exitCode: exitCode !== undefined ? Number(exitCode) || 0 : run.exitCode,
    output: run.output,
    failingProbes,
  };
}

/** The exit code of a simulated ExecSync of `cmd` (probes and hooks). */
export function execExitCode(cmd: string[], env: Record<string, string>): { exitCode: number; output: string[] } {
  const run: Run = { ms: 0, exitCode: 0, output: [], forever: false };
  const lines = SHELLS.has(basename(cmd[0] ?? '')) && cmd[1] === '-c' ? statements(cmd.slice(2, 3).join(' ')) : [cmd.join(' ')];
  for (const line of lines) {
    const w = words(line, env);
    if (!step(w, run, env)) break;
  }
  return { exitCode: run.exitCode, output: run.output };
}
