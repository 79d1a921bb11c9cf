// CRI Exec, Attach and PortForward: the runtime answers with a URL on its own
// streaming server; k8ts connects to it — exec and attach over SPDY/3.1 with
// the `v4.channel.k8s.io` protocol (a stream per role; WebSocket's v4 cannot
// half-close stdin and containerd 1.6 knows no v5), port forwarding over its
// WebSocket protocol (channel 0 data, 1 errors, possibly opening with the
// port) — and pumps the session's streams through it.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Duplex } from 'node:stream';
import { SpdyClientSession, type SpdyStream } from '../../../apiserver/streaming/spdy.js';
import { RuntimeError, type StreamSession } from '../types.js';
import type { CriClient, Message } from './client.js';

interface WsLike {
  on(event: 'open', cb: () => void): void;
  on(event: 'message', cb: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close', cb: (code: number, reason: Buffer) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  send(data: Buffer, cb?: (err?: Error) => void): void;
  pause(): void;
  resume(): void;
  readonly bufferedAmount: number;
  close(): void;
  terminate(): void;
  readonly readyState: number;
}

type WsCtor = new (url: string, protocols: string[], options: { perMessageDeflate: boolean }) => WsLike;

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

/** The protocol spoken to the runtime's streaming server: v4 carries the exit code in a Status. */
const STREAM_PROTOCOL = 'v4.channel.k8s.io';

/** Upgrades a request to the runtime's streaming URL to SPDY/3.1; resolves with the raw connection. */
function upgradeToSpdy(url: string): Promise<Duplex> {
  const target = new URL(url);
  const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
    method: 'POST',
    headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': STREAM_PROTOCOL },
    // The runtime's own self-signed certificate, on the node's loopback (TLS streaming is off by default).
    ...(target.protocol === 'https:' ? { rejectUnauthorized: false } : {}),
  });
  return new Promise((resolve, reject) => {
    request.on('upgrade', (_res, socket: Duplex, head: Buffer) => {
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    request.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(new RuntimeError('RunContainerError', `unable to upgrade streaming connection: ${res.statusCode} ${body.trim()}`)));
    });
    request.on('error', (err) => reject(new RuntimeError('RunContainerError', err.message)));
    request.end();
  });
}

/** Resolves when a stream the runtime writes has ended (or was reset). */
function drained(stream: Duplex): Promise<void> {
  return new Promise((resolve) => {
    if (stream.readableEnded) return resolve();
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}

/**
 * Exec and attach over SPDY/3.1, as upstream's kubelet proxies them: one stream per role, stdin
 * half-closed when the client's stdin ends (so `cat` sees end-of-file), the exit Status on the
 * error stream.
 */
async function stream(url: string, session: StreamSession): Promise<{ exitCode: number }> {
  const spdy = new SpdyClientSession(await upgradeToSpdy(url));
  const open = (streamtype: string) => {
    const s = spdy.openStream({ streamtype });
    s.on('error', () => {});
    return s;
  };
  const error = open('error');
  const stdin = session.stdin ? open('stdin') : undefined;
  const stdout = session.stdout ? open('stdout') : undefined;
  const stderr = session.stderr && !session.tty ? open('stderr') : undefined;
  const resize = session.tty ? open('resize') : undefined;
  const onAbort = () => spdy.close();
  session.signal.addEventListener('abort', onAbort, { once: true });
  if (stdin) session.stdin!.pipe(stdin);
  if (resize) session.onResize?.((size) => resize.write(JSON.stringify({ Width: size.width, Height: size.height })));
  if (stdout) stdout.pipe(session.stdout!, { end: false });
  if (stderr) stderr.pipe(session.stderr!, { end: false });
  let status = '';
  error.on('data', (c: Buffer) => (status += c.toString()));
  try {
    await Promise.all([error, stdout, stderr].filter((s): s is SpdyStream => s !== undefined).map(drained));
  } finally {
    session.signal.removeEventListener('abort', onAbort);
    if (stdin) session.stdin!.unpipe(stdin);
    spdy.close();
  }
  if (session.signal.aborted) return { exitCode: 0 };
  return { exitCode: status ? exitCodeOf(status) : 0 };
}

export async function criExec(client: CriClient, containerId: string, cmd: string[], session: StreamSession): Promise<{ exitCode: number }> {
  const r = await client.runtimeCall('exec', { containerId, cmd, tty: session.tty, stdin: !!session.stdin, stdout: !!session.stdout, stderr: !session.tty && !!session.stderr });
  return stream(String((r as Message).url), session);
}

export async function criAttach(client: CriClient, containerId: string, session: StreamSession): Promise<void> {
  const r = await client.runtimeCall('attach', { containerId, tty: session.tty, stdin: !!session.stdin, stdout: !!session.stdout, stderr: !session.tty && !!session.stderr });
  await stream(String((r as Message).url), session);
}

/** Bytes sent to the runtime and not yet written to its socket before a write waits for them. */
const PORT_FORWARD_BUFFER = 256 * 1024;
const DATA_CHANNEL = Buffer.from([0]);

/** A byte stream to `port` in the sandbox's network namespace, through the runtime's port-forward websocket. */
export async function criPortForward(client: CriClient, podSandboxId: string, port: number, signal: AbortSignal): Promise<Duplex> {
  const r = await client.runtimeCall('portForward', { podSandboxId, port: [port] });
  const Ws = await webSocket();
  const ws = new Ws(`${wsUrl(String((r as Message).url))}?port=${port}`, ['v4.channel.k8s.io'], { perMessageDeflate: false });
  // Each channel's first frame carries the port (2 bytes, little endian) before any data.
  const seenPrefix = new Set<number>();
  let errors = '';
  const duplex = new Duplex({
    readableHighWaterMark: PORT_FORWARD_BUFFER,
    writableHighWaterMark: PORT_FORWARD_BUFFER,
    // Waiting for each message to reach the socket before taking the next leaves the connection idle
    // between them: wait only when the socket's buffer is full.
    write(chunk: Buffer, _enc, cb) {
      const message = Buffer.concat([DATA_CHANNEL, chunk]);
      if (ws.bufferedAmount < PORT_FORWARD_BUFFER) {
        ws.send(message);
        cb();
      } else ws.send(message, cb);
    },
    read() {
      ws.resume();
    },
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
    if (channel === 0) {
      if (!duplex.push(payload)) ws.pause();
    } else errors += payload.toString();
  });
  ws.on('close', () => {
    if (errors) duplex.destroy(new Error(errors));
    else duplex.push(null);
  });
  signal.addEventListener('abort', () => duplex.destroy(), { once: true });
  return duplex;
}
