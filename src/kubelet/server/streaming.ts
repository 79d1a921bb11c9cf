// The kubelet's streaming endpoints over WebSocket (channel.k8s.io v1-v5):
// /exec/{ns}/{pod}/{container}?command=..&stdin=..&stdout=..&stderr=..&tty=..
// and /attach/{ns}/{pod}/{container}; the runtime moves the bytes.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ChannelConnection, errorStatus, exitStatus, negotiateChannelProtocol } from '../../apiserver/streaming/channel.js';
import { acceptWebSocket, isWebSocketUpgrade, offeredProtocols } from '../../apiserver/streaming/websocket.js';
import { SpdyServerSession, type SpdyStream } from '../../apiserver/streaming/spdy.js';
import type { RuntimeService, StreamSession } from '../runtime/types.js';
import { currentContainer, parseContainerRef } from './containers.js';
import { HttpError } from './http.js';

function flag(url: URL, name: string): boolean {
  const v = url.searchParams.get(name);
  return v === 'true' || v === '1';
}

/** Sessions open now (tests check that a client leaving leaves none behind). */
export const openSessions = new Set<ChannelConnection>();

export async function serveStream(kind: 'exec' | 'attach', runtime: RuntimeService, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, parts: string[]): Promise<void> {
  const ref = parseContainerRef(parts);
  const command = url.searchParams.getAll('command');
  if (kind === 'exec' && command.length === 0) throw new HttpError(400, 'you must specify at least 1 command');
  const options = { stdin: flag(url, 'stdin'), stdout: flag(url, 'stdout'), stderr: flag(url, 'stderr'), tty: flag(url, 'tty') };
  if (!options.stdin && !options.stdout && !options.stderr) throw new HttpError(400, 'you must specify at least 1 of stdin, stdout, stderr');
  const container = await currentContainer(runtime, ref);
  if (container.state !== 'CONTAINER_RUNNING') throw new HttpError(404, `container not found ("${ref.container}")`);
  if ((req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1') return serveSpdy(kind, runtime, req, socket, head, container.id, command, options);
  if (!isWebSocketUpgrade(req)) throw new HttpError(400, 'Upgrade request required');
  const protocol = negotiateChannelProtocol(offeredProtocols(req)) ?? 'channel.k8s.io';
  const ws = acceptWebSocket(req, socket, head, offeredProtocols(req).length > 0 ? protocol : undefined);
  const conn = new ChannelConnection(ws, protocol, options);
  openSessions.add(conn);
  ws.on('close', () => openSessions.delete(conn));
  const session: StreamSession = {
    stdin: conn.stdin,
    stdout: conn.stdout,
    stderr: conn.stderr,
    tty: options.tty,
    onResize: (l) => conn.onResize(l),
    signal: conn.signal,
  };
  try {
    if (kind === 'exec') {
      const { exitCode } = await runtime.exec(container.id, command, session);
      await conn.finish(exitStatus(protocol, exitCode, command));
    } else {
      await runtime.attach(container.id, session);
      await conn.finish(exitStatus(protocol, 0, []));
    }
  } catch (err) {
    await conn.finish(errorStatus(protocol, (err as Error).message));
  }
}

/** SPDY's stream protocols, newest first (v5 exists only over WebSocket). */
const SPDY_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
/** How long the client has to open its streams. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

/** Sessions over SPDY open now. */
export const openSpdySessions = new Set<SpdyServerSession>();

/**
 * exec and attach over SPDY/3.1 (what clients without WebSocket support use): the client opens one
 * stream per role (`streamtype` error, stdin, stdout, stderr, resize); the exit status is written
 * on the error stream.
 */
async function serveSpdy(
  kind: 'exec' | 'attach',
  runtime: RuntimeService,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  containerId: string,
  command: string[],
  options: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean },
): Promise<void> {
  const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const protocol = offered.find((p) => SPDY_PROTOCOLS.includes(p));
  if (!protocol) throw new HttpError(403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${SPDY_PROTOCOLS.join(' ')}]`);
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  if (head.length > 0) socket.unshift(head);
  const session = new SpdyServerSession(socket);
  openSpdySessions.add(session);
  const abort = new AbortController();
  session.on('close', () => {
    openSpdySessions.delete(session);
    abort.abort();
  });
  const expected = new Set(['error', ...(options.stdin ? ['stdin'] : []), ...(options.stdout ? ['stdout'] : []), ...(options.stderr && !options.tty ? ['stderr'] : [])]);
  const streams = new Map<string, SpdyStream>();
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for client to create streams')), STREAM_CREATION_TIMEOUT_MS);
    session.on('stream', (stream) => {
      stream.reply();
      streams.set(stream.headers.streamtype ?? '', stream);
      if ([...expected].every((t) => streams.has(t))) {
        clearTimeout(timer);
        resolve();
      }
    });
    session.on('close', () => reject(new Error('connection closed')));
  });
  try {
    await ready;
  } catch {
    session.close();
    return;
  }
  const resizeListeners: ((size: { width: number; height: number }) => void)[] = [];
  const resize = streams.get('resize');
  if (resize) {
    let pending = '';
    resize.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let end: number;
      while ((end = pending.indexOf('}')) >= 0) {
        try {
          const size = JSON.parse(pending.slice(0, end + 1)) as { Width?: number; Height?: number };
          for (const l of resizeListeners) l({ width: size.Width ?? 0, height: size.Height ?? 0 });
        } catch {
          // A malformed size is dropped.
        }
        pending = pending.slice(end + 1);
      }
    });
  }
  const error = streams.get('error')!;
  error.resume();
  const session_: StreamSession = {
    stdin: streams.get('stdin'),
    stdout: streams.get('stdout'),
    stderr: streams.get('stderr'),
    tty: options.tty,
    onResize: (l) => resizeListeners.push(l),
    signal: abort.signal,
  };
  let status: string;
  try {
    if (kind === 'exec') status = exitStatus(protocol, (await runtime.exec(containerId, command, session_)).exitCode, command);
    else {
      await runtime.attach(containerId, session_);
      status = exitStatus(protocol, 0, []);
    }
  } catch (err) {
    status = errorStatus(protocol, (err as Error).message);
  }
  const finish = (s: SpdyStream | undefined, data?: string) => (s && !s.writableEnded ? new Promise<void>((r) => s.end(data ?? '', () => r())) : Promise.resolve());
  await Promise.all([finish(streams.get('stdout')), finish(streams.get('stderr'))]);
  await finish(error, status);
  session.end();
}
