// The kubelet's streaming endpoints over WebSocket (channel.k8s.io v1-v5):
// /exec/{ns}/{pod}/{container}?command=..&stdin=..&stdout=..&stderr=..&tty=..
// and /attach/{ns}/{pod}/{container}; the runtime moves the bytes.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ChannelConnection, errorStatus, exitStatus, negotiateChannelProtocol } from '../../apiserver/streaming/channel.js';
import { acceptWebSocket, isWebSocketUpgrade, offeredProtocols } from '../../apiserver/streaming/websocket.js';
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
  if (!isWebSocketUpgrade(req)) throw new HttpError(400, `${kind} needs a WebSocket upgrade (channel.k8s.io); SPDY is not served`);
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
