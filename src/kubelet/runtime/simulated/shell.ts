// What runs when someone execs into (or attaches to a shell in) a simulated
// container: a small shell over the container's in-memory filesystem. It knows
// echo, printf, cat, env, ls, pwd, hostname, id, uname, date, sleep, true,
// false, exit N, touch, mkdir, rm, wc -c, tar cf/xf (for kubectl cp),
// `sh -c '...'` with ; && || and > >> redirects, and an interactive `sh`
// (a prompt and line editing when it has a terminal). Anything else is
// "not found", exit 127, as a shell says it.
import { Writable, type Readable } from 'node:stream';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { parseDuration, statements, words } from './script.js';
import type { SimulatedFs } from './fs.js';
import { createTar, extractTar } from './tar.js';

export interface ShellIO {
  env: Record<string, string>;
  fs: SimulatedFs;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  tty: boolean;
  signal: AbortSignal;
  /** The terminal's size as the client last reported it (tty only). */
  terminal?: { width: number; height: number };
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Writes and waits for the stream to take it (backpressure). */
function write(out: Writable | undefined, data: string | Buffer, tty = false): Promise<void> {
  if (!out || out.destroyed || out.writableEnded) return Promise.resolve();
  const bytes = tty && typeof data === 'string' ? data.replace(/\r?\n/g, '\r\n') : data;
  return new Promise((resolve) => {
    if (out.write(bytes)) resolve();
    else {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.once('drain', done);
      out.once('close', done);
    }
  });
}

async function readAll(stream: Readable | undefined, signal: AbortSignal): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    if (signal.aborted) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Runs one command line (argv as exec gives it); resolves with the exit code. */
export async function runCommand(argv: string[], io: ShellIO): Promise<number> {
  try {
    return await command(argv, io);
  } catch (err) {
    if (err instanceof Exit) return err.code;
    throw err;
  }
}

/** A shell script (`sh -c`): statements in order, with while/until/for/if blocks; && and || are taken as ; (enough for simulation). */
async function script(text: string, io: ShellIO): Promise<number> {
  return block(statements(text), io);
}

const OPENERS = new Set(['while', 'until', 'for', 'if']);
/** Loop iterations take at least this long: a busy loop in a simulated container must not spin a CPU. */
const MIN_ITERATION_MS = 100;

function firstWord(statement: string): string {
  return statement.split(/\s+/, 1)[0] ?? '';
}

/** Index of the `done`/`fi` closing the block opened at `start`. */
function blockEnd(list: string[], start: number): number {
  let depth = 0;
  for (let i = start; i < list.length; i++) {
    const w = firstWord(list[i]);
    const rest = list[i].split(/\s+/);
    if (OPENERS.has(w) || (rest[0] === 'do' && OPENERS.has(rest[1] ?? '')) || (rest[0] === 'then' && OPENERS.has(rest[1] ?? ''))) depth++;
    if (w === 'done' || w === 'fi') depth--;
    if (depth === 0) return i;
  }
  return list.length - 1;
}

/** Drops a leading keyword (`do echo x` is `echo x`); a statement that is only the keyword goes. */
function strip(list: string[], keyword: string): string[] {
  if (list.length === 0) return list;
  const [first, ...rest] = list;
  if (first === keyword) return rest;
  if (first.startsWith(`${keyword} `)) return [first.slice(keyword.length + 1).trim(), ...rest];
  return list;
}

async function block(list: string[], io: ShellIO): Promise<number> {
  let code = 0;
  for (let i = 0; i < list.length; i++) {
    if (io.signal.aborted) return 130;
    if (OPENERS.has(firstWord(list[i]))) {
      const end = blockEnd(list, i);
      code = await compound(list.slice(i, end + 1), io);
      i = end;
      continue;
    }
    const argv = words(arithmetic(list[i], io.env), { ...io.env, '?': String(code) });
    const assignments = argv.length > 0 && argv.every((w) => /^[A-Za-z_]\w*=/.test(w));
    if (assignments) {
      for (const w of argv) io.env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
      code = 0;
      continue;
    }
    code = await statementOf(argv, io);
  }
  return code;
}

/** `$((a + b))` with one operator over integers and variables. */
function arithmetic(statement: string, env: Record<string, string>): string {
  return statement.replace(/\$\(\(([^()]*)\)\)/g, (_m, expr: string) => {
    const value = (t: string) => Number(/^\d+$/.test(t) ? t : (env[t.replace(/^\$/, '')] ?? 0)) || 0;
    const m = /^\s*(\$?\w+)\s*(?:([-+*/%])\s*(\$?\w+))?\s*$/.exec(expr);
    if (!m) return '0';
    const a = value(m[1]);
    if (!m[2]) return String(a);
    const b = value(m[3]);
    const r = { '+': a + b, '-': a - b, '*': a * b, '/': b === 0 ? 0 : Math.trunc(a / b), '%': b === 0 ? 0 : a % b }[m[2]] ?? 0;
    return String(r);
  });
}

async function compound(list: string[], io: ShellIO): Promise<number> {
  const head = list[0];
  const keyword = firstWord(head);
  const inner = list.slice(1, -1);
  if (keyword === 'if') {
    const thenAt = inner.findIndex((s) => firstWord(s) === 'then');
    const elseAt = inner.findIndex((s) => firstWord(s) === 'else');
    const condition = [head.slice(3), ...inner.slice(0, Math.max(0, thenAt))];
    const thenPart = strip(inner.slice(thenAt, elseAt < 0 ? undefined : elseAt), 'then');
    const elsePart = elseAt < 0 ? [] : strip(inner.slice(elseAt), 'else');
    return (await block(condition, io)) === 0 ? block(thenPart, io) : block(elsePart, io);
  }
  const body = strip(inner, 'do');
  let code = 0;
  const iteration = async (env: Record<string, string>) => {
    const started = Date.now();
    code = await block(body, { ...io, env });
    const rest = MIN_ITERATION_MS - (Date.now() - started);
    if (rest > 0) await sleepMs(rest, undefined, { signal: io.signal }).catch(() => undefined);
  };
  if (keyword === 'for') {
    const w = words(head, io.env);
    for (const value of w.slice(3)) {
      if (io.signal.aborted) return 130;
      await iteration({ ...io.env, [w[1]]: value });
    }
    return code;
  }
  const condition = head.slice(keyword.length + 1);
  while (!io.signal.aborted) {
    const ok = (await block([condition], io)) === 0;
    if (ok !== (keyword === 'while')) break;
    await iteration(io.env);
  }
  return io.signal.aborted ? 130 : code;
}

/** One statement with its redirects (`> file`, `>> file`). */
async function statementOf(argv: string[], io: ShellIO): Promise<number> {
  const args: string[] = [];
  let target: { path: string; append: boolean } | undefined;
  for (let i = 0; i < argv.length; i++) {
    const m = /^(>>?)(.*)$/.exec(argv[i]);
    if (!m) {
      args.push(argv[i]);
      continue;
    }
    const path = m[2] || argv[++i] || '';
    target = { path, append: m[1] === '>>' };
  }
  if (!target) return command(args, io);
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      chunks.push(chunk);
      done();
    },
  });
  const code = await command(args, { ...io, stdout: sink, tty: false });
  const data = Buffer.concat(chunks);
  const path = io.fs.resolve(target.path);
  io.fs.writeFile(path, target.append ? Buffer.concat([io.fs.readFile(path) ?? Buffer.alloc(0), data]) : data);
  return code;
}

async function command(argv: string[], io: ShellIO): Promise<number> {
  const [name = '', ...args] = argv;
  const cmd = basename(name);
  const out = (text: string | Buffer) => write(io.stdout, text, io.tty);
  const err = (text: string) => write(io.tty ? io.stdout : io.stderr, text, io.tty);
  switch (cmd) {
    case '':
      return 0;
    case 'true':
    case ':':
      return 0;
    case 'false':
      return 1;
    case 'exit':
      throw new Exit(Number(args[0] ?? 0) || 0);
    case 'echo': {
      const noNewline = args[0] === '-n';
      const text = (noNewline ? args.slice(1) : args).join(' ');
      await out(noNewline ? text : `${text}\n`);
      return 0;
    }
    case 'printf':
      await out((args[0] ?? '').replace(/\\n/g, '\n').replace(/%s/g, () => args[1] ?? ''));
      return 0;
    case 'env':
    case 'printenv':
      if (cmd === 'printenv' && args.length > 0) {
        const v = io.env[args[0]];
        if (v === undefined) return 1;
        await out(`${v}\n`);
        return 0;
      }
      await out(Object.entries(io.env).map(([k, v]) => `${k}=${v}\n`).join(''));
      return 0;
    case 'hostname':
      await out(`${io.env.HOSTNAME ?? ''}\n`);
      return 0;
    case 'pwd':
      await out(`${io.fs.cwd}\n`);
      return 0;
    case 'id':
      await out('uid=0(root) gid=0(root) groups=0(root),10(wheel)\n');
      return 0;
    case 'whoami':
      await out('root\n');
      return 0;
    case 'uname':
      await out(args.includes('-a') ? `Linux ${io.env.HOSTNAME ?? 'localhost'} 6.1.0 #1 SMP x86_64 GNU/Linux\n` : 'Linux\n');
      return 0;
    case 'date':
      await out(`${new Date().toUTCString()}\n`);
      return 0;
    case 'sleep': {
      if (args[0] === 'infinity') await new Promise<void>((r) => io.signal.addEventListener('abort', () => r(), { once: true }));
      else await sleepMs(parseDuration(args[0] ?? '0') ?? 0, undefined, { signal: io.signal }).catch(() => undefined);
      return io.signal.aborted ? 130 : 0;
    }
    case 'cd': {
      const dir = io.fs.resolve(args[0] ?? '/');
      if (!io.fs.isDir(dir)) {
        await err(`sh: cd: can't cd to ${args[0]}: No such file or directory\n`);
        return 2;
      }
      io.fs.cwd = dir;
      return 0;
    }
    case 'cat':
      return cat(args, io, out, err);
    case 'wc': {
      const data = args.filter((a) => !a.startsWith('-')).length > 0 ? (io.fs.readFile(io.fs.resolve(args[args.length - 1])) ?? Buffer.alloc(0)) : await readAll(io.stdin, io.signal);
      const lines = data.toString('utf8').split('\n').length - 1;
      await out(args.includes('-c') ? `${data.length}\n` : args.includes('-l') ? `${lines}\n` : `${lines} ${data.toString('utf8').split(/\s+/).filter(Boolean).length} ${data.length}\n`);
      return 0;
    }
    case 'ls': {
      const paths = args.filter((a) => !a.startsWith('-'));
      let code = 0;
      for (const p of paths.length > 0 ? paths : ['.']) {
        const path = io.fs.resolve(p);
        if (io.fs.isDir(path)) await out(io.fs.list(path).map((n) => `${n}\n`).join(''));
        else if (io.fs.readFile(path)) await out(`${p}\n`);
        else {
          await err(`ls: ${p}: No such file or directory\n`);
          code = 1;
        }
      }
      return code;
    }
    case 'touch':
      for (const p of args) if (!io.fs.readFile(io.fs.resolve(p))) io.fs.writeFile(io.fs.resolve(p), Buffer.alloc(0));
      return 0;
    case 'mkdir':
      for (const p of args.filter((a) => !a.startsWith('-'))) io.fs.mkdir(io.fs.resolve(p));
      return 0;
    case 'rm':
      for (const p of args.filter((a) => !a.startsWith('-'))) io.fs.remove(io.fs.resolve(p));
      return 0;
    case 'tar':
      return tar(args, io, out, err);
    case 'stty':
      if (args[0] !== 'size') return 0;
      if (!io.tty || !io.terminal) {
        await err("stty: standard input: Not a tty\n");
        return 1;
      }
      await out(`${io.terminal.height} ${io.terminal.width}\n`);
      return 0;
    case 'test':
    case '[':
      return testExpression(cmd === '[' ? args.slice(0, -1) : args, io) ? 0 : 1;
    default:
      if (SHELLS.has(cmd)) return shell(args, io);
      await err(`sh: ${name}: not found\n`);
      return 127;
  }
}

async function cat(args: string[], io: ShellIO, out: (t: string | Buffer) => Promise<void>, err: (t: string) => Promise<void>): Promise<number> {
  const files = args.filter((a) => a !== '-' && !/^-\w+$/.test(a));
  if (files.length === 0) {
    // Copies stdin to stdout as it comes, with backpressure both ways.
    if (!io.stdin) return 0;
    for await (const chunk of io.stdin) {
      if (io.signal.aborted) return 130;
      await out(chunk as Buffer);
    }
    return 0;
  }
  let code = 0;
  for (const f of files) {
    const data = io.fs.readFile(io.fs.resolve(f));
    if (data) await out(data);
    else {
      await err(`cat: can't open '${f}': No such file or directory\n`);
      code = 1;
    }
  }
  return code;
}

/** The `test` forms scripts use most: -f -d -e -z -n, = != and the integer comparisons. */
function testExpression(args: string[], io: ShellIO): boolean {
  if (args[0] === '!') return !testExpression(args.slice(1), io);
  if (args.length === 1) return args[0] !== '';
  if (args.length === 2) {
    const path = io.fs.resolve(args[1]);
    switch (args[0]) {
      case '-f':
        return io.fs.readFile(path) !== undefined && !io.fs.isDir(path);
      case '-d':
        return io.fs.isDir(path);
      case '-e':
        return io.fs.isDir(path) || io.fs.readFile(path) !== undefined;
      case '-z':
        return args[1] === '';
      case '-n':
        return args[1] !== '';
    }
  }
  const [a, op, b] = args;
  const x = Number(a);
  const y = Number(b);
  const ops: Record<string, boolean> = { '=': a === b, '==': a === b, '!=': a !== b, '-eq': x === y, '-ne': x !== y, '-lt': x < y, '-le': x <= y, '-gt': x > y, '-ge': x >= y };
  return ops[op] ?? false;
}

/** `tar cf - paths` and `tar xf - [-C dir]`, the two forms kubectl cp runs. */
async function tar(args: string[], io: ShellIO, out: (t: string | Buffer) => Promise<void>, err: (t: string) => Promise<void>): Promise<number> {
  // `tar cf - path` and `tar --no-same-owner -xmf - -C dir`: short flags may come bundled, with or without a dash.
  let flags = '';
  let dir = io.fs.cwd;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-C') dir = io.fs.resolve(args[++i] ?? '/');
    else if (a.startsWith('--') || a === '-') continue;
    else if (a.startsWith('-') || (i === 0 && /^[a-zA-Z]+$/.test(a))) flags += a.replace(/^-/, '');
    else operands.push(a);
  }
  if (flags.includes('x')) {
    const archive = await readAll(io.stdin, io.signal);
    for (const entry of extractTar(archive)) {
      const path = io.fs.resolve(entry.name, dir);
      if (entry.type === 'dir') io.fs.mkdir(path);
      else io.fs.writeFile(path, entry.data);
    }
    return 0;
  }
  if (flags.includes('c')) {
    const entries = [];
    for (const operand of operands) {
      const found = io.fs.walk(io.fs.resolve(operand, dir));
      if (found.length === 0) {
        await err(`tar: ${operand}: No such file or directory\n`);
        return 1;
      }
      for (const f of found) entries.push({ ...f, name: f.path.replace(/^\//, '') });
    }
    await out(createTar(entries));
    return 0;
  }
  await err('tar: need exactly one of -c, -x\n');
  return 1;
}

/** `sh -c script`, `sh` reading commands from stdin (interactive with a terminal). */
async function shell(args: string[], io: ShellIO): Promise<number> {
  if (args[0] === '-c') return script(args[1] ?? '', io);
  if (!io.stdin) return 0;
  return io.tty ? interactive(io) : readCommands(io);
}

async function readCommands(io: ShellIO): Promise<number> {
  let code = 0;
  let pending = '';
  for await (const chunk of io.stdin!) {
    pending += (chunk as Buffer).toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        code = await script(line, io);
      } catch (err) {
        if (err instanceof Exit) return err.code;
        throw err;
      }
    }
  }
  return pending.trim() ? script(pending, io) : code;
}

/** A terminal session: the line discipline echoes, edits and turns Enter into a command. */
async function interactive(io: ShellIO): Promise<number> {
  const prompt = () => write(io.stdout, `${io.fs.cwd === '/' ? '/' : io.fs.cwd} # `);
  let line = '';
  let code = 0;
  await prompt();
  for await (const chunk of io.stdin!) {
    for (const ch of (chunk as Buffer).toString('utf8')) {
      if (ch === '\r' || ch === '\n') {
        await write(io.stdout, '\r\n');
        try {
          code = await script(line, io);
        } catch (err) {
          if (err instanceof Exit) return err.code;
          throw err;
        }
        line = '';
        await prompt();
      } else if (ch === '\x7f' || ch === '\b') {
        if (line.length > 0) {
          line = line.slice(0, -1);
          await write(io.stdout, '\b \b');
        }
      } else if (ch === '\x03') {
        line = '';
        await write(io.stdout, '^C\r\n');
        await prompt();
      } else if (ch === '\x04') {
        if (line === '') return code;
      } else {
        line += ch;
        await write(io.stdout, ch);
      }
    }
  }
  return code;
}
