// CRI Exec, Attach and PortForward: the runtime answers with a URL on its own
// streaming server; k8ts connects to it over WebSocket (the `v4.channel.k8s.io`
// subprotocol for exec/attach: one leading byte names the stream — 0 stdin,
// 1 stdout, 2 stderr, 3 the final Status, 4 terminal resizes; port forwarding's
// websocket protocol: channel 0 data, 1 errors, possibly opening with the port) and
// pumps the session's streams through it.
import { Duplex } from 'node:stream';
import { RuntimeError, type StreamSession } from '../types.js';
import type { CriClient, Message } from './client.js';

interface WsLike {
  on(event: 'open', cb: () => void): void;
  on(event: 'message', cb: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close', cb: (code: number, reason: Buffer) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  send(data: Buffer, cb?: (err?: Error) => void): void;
  close(): void;
  terminate(): void;
  readonly readyState: number;
}

type WsCtor = new (url: string, protocols: string[]) => WsLike;

let wsCtor: WsCtor | undefined;

/** The `ws` package, loaded on first use (only streaming needs it). */
async function webSocket(): Promise<WsCtor> {
  if (!wsCtor) {
    const specifier = 'ws';
    const mod = (await import(specifier)) as { WebSocket: WsCtor };
    wsCtor = mod.WebSocket;
  }
  return wsCtor;
}

function wsUrl(url: string): string {
  return url.replace(/^http/, 'ws');
}

/** The exit code in the error channel's Status (0 on Success; NonZeroExitCode carries it as a cause). */
export function exitCodeOf(status: string): number {
  let s: { status?: string; reason?: string; message?: string; details?: { causes?: { reason?: string; message?: string }[] } };
  try {
    s = JSON.parse(status) as typeof s;
  } catch {
    return 1;
  }
  if (s.status === 'Success') return 0;
  const cause = s.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (cause) return Number(cause.message);
  throw new RuntimeError('RunContainerError', s.message ?? 'stream error');
}

async function stream(url: string, session: StreamSession): Promise<{ exitCode: number }> {
  const Ws = await webSocket();
  const ws = new Ws(wsUrl(url), ['v4.channel.k8s.io']);
  return new Promise((resolve, reject) => {
    let status = '';
    const onAbort = () => ws.close();
    session.signal.addEventListener('abort', onAbort, { once: true });
    ws.on('open', () => {
      session.stdin?.on('data', (chunk: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), chunk])));
      session.onResize?.((size) => ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: size.width, Height: size.height }))])));
    });
    ws.on('message', (data) => {
      if (data.length < 1) return;
      const payload = data.subarray(1);
      if (payload.length === 0) return;
      if (data[0] === 1) session.stdout?.write(payload);
      else if (data[0] === 2) (session.stderr ?? session.stdout)?.write(payload);
      else if (data[0] === 3) status += payload.toString();
    });
    ws.on('error', (err) => reject(new RuntimeError('RunContainerError', err.message)));
    ws.on('close', () => {
      session.signal.removeEventListener('abort', onAbort);
      try {
        resolve({ exitCode: status ? exitCodeOf(status) : 0 });
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

export async function criExec(client: CriClient, containerId: string, cmd: string[], session: StreamSession): Promise<{ exitCode: number }> {
  const r = await client.runtimeCall('exec', { containerId, cmd, tty: session.tty, stdin: !!session.stdin, stdout: !!session.stdout, stderr: !session.tty && !!session.stderr });
  return stream(String((r as Message).url), session);
}

export async function criAttach(client: CriClient, containerId: string, session: StreamSession): Promise<void> {
  const r = await client.runtimeCall('attach', { containerId, tty: session.tty, stdin: !!session.stdin, stdout: !!session.stdout, stderr: !session.tty && !!session.stderr });
  await stream(String((r as Message).url), session);
}

/** A byte stream to `port` in the sandbox's network namespace, through the runtime's port-forward websocket. */
export async function criPortForward(client: CriClient, podSandboxId: string, port: number, signal: AbortSignal): Promise<Duplex> {
  const r = await client.runtimeCall('portForward', { podSandboxId, port: [port] });
  const Ws = await webSocket();
  const ws = new Ws(`${wsUrl(String((r as Message).url))}?port=${port}`, ['v4.channel.k8s.io']);
  // Each channel's first frame carries the port (2 bytes, little endian) before any data.
  const seenPrefix = new Set<number>();
  let errors = '';
  const duplex = new Duplex({
    write(chunk: Buffer, _enc, cb) {
      ws.send(Buffer.concat([Buffer.from([0]), chunk]), cb);
    },
    read() {},
    final(cb) {
      cb();
    },
    destroy(err, cb) {
      ws.close();
      cb(err);
    },
  });
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', (err) => {
      reject(err);
      duplex.destroy(err);
    });
  });
  ws.on('message', (data) => {
    if (data.length < 1) return;
    const channel = data[0];
    let payload = data.subarray(1);
    if (!seenPrefix.has(channel)) {
      seenPrefix.add(channel);
      // The port prefix, where the server sends one (little-endian); containerd 1.6 sends none on the data channel.
      if (payload.length >= 2 && payload.readUInt16LE(0) === port) payload = payload.subarray(2);
    }
    if (payload.length === 0) return;
    if (channel === 0) duplex.push(payload);
    else errors += payload.toString();
  });
  ws.on('close', () => {
    if (errors) duplex.destroy(new Error(errors));
    else duplex.push(null);
  });
  signal.addEventListener('abort', () => duplex.destroy(), { once: true });
  return duplex;
}
