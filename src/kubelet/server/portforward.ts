// /portForward/{ns}/{pod}: the portforward.k8s.io protocol over SPDY/3.1 —
// directly (Upgrade: SPDY/3.1) or tunnelled in WebSocket binary messages
// (subprotocol SPDY/3.1+portforward.k8s.io, what kubectl 1.33 dials first).
// Each forwarded connection is a pair of streams with one requestid: "error"
// (the kubelet's failure text) and "data" (the bytes), both naming the port.
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { CHANNEL_BUFFER, negotiateChannelProtocol } from '../../apiserver/streaming/channel.js';
import { SpdyServerSession, type SpdyStream } from '../../apiserver/streaming/spdy.js';
import { acceptWebSocket, isWebSocketUpgrade, offeredProtocols, type WebSocket } from '../../apiserver/streaming/websocket.js';
import { LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID, type RuntimeService } from '../runtime/types.js';
import { HttpError } from './http.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
export const TUNNELED_PORT_FORWARD_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;
/**
 * k8ts' own upgrade (not upstream's): one plain TCP stream to `?port=`, which the API server's
 * pod and service proxies use to reach pods it cannot dial itself (a hollow node's).
 */
export const RAW_TCP_UPGRADE = 'k8ts-tcp';

/** Port-forward sessions open now (tests check that none outlive their client). */
export const openPortForwards = new Set<SpdyServerSession>();

/** The bytes of a WebSocket's binary messages as one stream (the SPDY tunnel). */
export function webSocketStream(ws: WebSocket): Duplex {
  const stream = new Duplex({
    readableHighWaterMark: CHANNEL_BUFFER,
    writableHighWaterMark: CHANNEL_BUFFER,
    read: () => ws.resume(),
    write(chunk: Buffer, _enc, done) {
      if (ws.send(chunk)) done();
      else ws.once('drain', () => done());
    },
    // What was written while corked (a SPDY frame's header and body) goes as one message.
    writev(chunks, done) {
      if (ws.sendParts(chunks.map((c) => c.chunk as Buffer))) done();
      else ws.once('drain', () => done());
    },
    final(done) {
      ws.close(1000);
      done();
    },
    destroy(err, done) {
      ws.destroy();
      done(err);
    },
  });
  ws.on('message', (data) => {
    if (!stream.push(data)) ws.pause();
  });
  ws.on('close', () => stream.destroy());
  return stream;
}

async function podSandbox(runtime: RuntimeService, parts: string[]): Promise<string> {
  const [namespace, pod, uid] = parts;
  if (!namespace || !pod) throw new HttpError(404, 'not found');
  const labelSelector: Record<string, string> = { [LABEL_POD_NAMESPACE]: namespace, [LABEL_POD_NAME]: pod };
  if (uid) labelSelector[LABEL_POD_UID] = uid;
  const [sandbox] = await runtime.listPodSandbox({ labelSelector, state: 'SANDBOX_READY' });
  if (!sandbox) throw new HttpError(404, `pod not found ("${pod}_${namespace}")`);
  return sandbox.id;
}

export async function servePortForward(runtime: RuntimeService, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, parts: string[]): Promise<void> {
  const sandboxId = await podSandbox(runtime, parts);
  let transport: Duplex;
  if (isWebSocketUpgrade(req)) {
    if (!offeredProtocols(req).includes(TUNNELED_PORT_FORWARD_PROTOCOL)) return channelPortForward(runtime, sandboxId, req, socket, head, url);
    transport = webSocketStream(acceptWebSocket(req, socket, head, TUNNELED_PORT_FORWARD_PROTOCOL));
  } else if ((req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1') {
    const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(PORT_FORWARD_PROTOCOL)) throw new HttpError(403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${PORT_FORWARD_PROTOCOL}]`);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`);
    if (head.length > 0) socket.unshift(head);
    transport = socket;
  } else if ((req.headers.upgrade ?? '').toLowerCase() === RAW_TCP_UPGRADE) {
    return rawTunnel(runtime, sandboxId, Number(url.searchParams.get('port')), socket, head);
  } else {
    throw new HttpError(400, 'Upgrade request required');
  }
  const session = new SpdyServerSession(transport);
  openPortForwards.add(session);
  const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream }>();
  const abort = new AbortController();
  session.on('close', () => {
    openPortForwards.delete(session);
    abort.abort();
  });
  session.on('stream', (stream) => {
    stream.reply();
    const id = stream.headers.requestid ?? '';
    const pair = pairs.get(id) ?? {};
    pairs.set(id, pair);
    if (stream.headers.streamtype === 'error') pair.error = stream;
    else if (stream.headers.streamtype === 'data') pair.data = stream;
    else {
      stream.destroy();
      return;
    }
    // The client only reads the error stream.
    if (stream.headers.streamtype === 'error') stream.resume();
    if (pair.error && pair.data) {
      pairs.delete(id);
      void forward(runtime, sandboxId, Number(stream.headers.port), pair.error, pair.data, abort.signal);
    }
  });
}

async function forward(runtime: RuntimeService, sandboxId: string, port: number, error: SpdyStream, data: SpdyStream, signal: AbortSignal): Promise<void> {
  let target: Duplex;
  try {
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid port ${port}`);
    target = await runtime.portForward(sandboxId, port, signal);
  } catch (err) {
    error.end(`error forwarding port ${port} to pod ${sandboxId}, uid : ${(err as Error).message}`);
    data.end();
    return;
  }
  target.on('error', (err) => {
    if (!error.writableEnded) error.end(`error forwarding port ${port} to pod ${sandboxId}, uid : ${err.message}`);
    data.destroy();
  });
  data.on('error', () => target.destroy());
  data.pipe(target);
  target.pipe(data);
  const finish = () => {
    if (!error.writableEnded) error.end();
  };
  data.on('close', () => {
    target.destroy();
    finish();
  });
  target.on('close', finish);
}

async function rawTunnel(runtime: RuntimeService, sandboxId: string, port: number, socket: Duplex, head: Buffer): Promise<void> {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new HttpError(400, `invalid port ${port}`);
  const abort = new AbortController();
  const target = await runtime.portForward(sandboxId, port, abort.signal).catch((err: Error) => {
    throw new HttpError(502, `error forwarding port ${port} to pod ${sandboxId}, uid : ${err.message}`);
  });
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${RAW_TCP_UPGRADE}\r\n\r\n`);
  if (head.length > 0) target.write(head);
  socket.pipe(target);
  target.pipe(socket);
  const close = () => {
    abort.abort();
    socket.destroy();
    target.destroy();
  };
  socket.on('close', close);
  target.on('close', close);
  target.on('error', close);
}

/**
 * The older WebSocket port-forward (client libraries such as @kubernetes/client-node): `?ports=`
 * names the ports; port i's bytes travel on channel 2i and its errors on 2i+1, and each channel
 * first carries the port number (2 bytes, little-endian). One connection per port per WebSocket.
 */
async function channelPortForward(runtime: RuntimeService, sandboxId: string, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
  const ports = [...url.searchParams.getAll('ports'), ...url.searchParams.getAll('port')].flatMap((p) => p.split(',')).map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) throw new HttpError(400, 'query parameter "port" is required');
  const offered = offeredProtocols(req);
  const protocol = negotiateChannelProtocol(offered) ?? (offered.includes(PORT_FORWARD_PROTOCOL) ? PORT_FORWARD_PROTOCOL : undefined);
  const ws = acceptWebSocket(req, socket, head, offered.length > 0 ? (protocol ?? offered[0]) : undefined);
  const abort = new AbortController();
  ws.on('close', () => abort.abort());
  const send = (channel: number, data: Buffer) => ws.sendParts([Buffer.from([channel]), data]);
  const targets: (Duplex | undefined)[] = [];
  let open = ports.length;
  ports.forEach((port, i) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    send(2 * i, portBytes);
    send(2 * i + 1, portBytes);
    runtime.portForward(sandboxId, port, abort.signal).then(
      (target) => {
        targets[i] = target;
        target.on('data', (chunk: Buffer) => {
          if (!send(2 * i, chunk)) {
            target.pause();
            ws.once('drain', () => target.resume());
          }
        });
        const done = () => {
          if (--open === 0) ws.close(1000);
        };
        target.on('end', done);
        target.on('error', done);
      },
      (err: Error) => {
        send(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${sandboxId}, uid : ${err.message}`));
        if (--open === 0) ws.close(1000);
      },
    );
  });
  ws.on('message', (data) => {
    const channel = data[0];
    if (channel % 2 !== 0 || data.length <= 1) return;
    targets[channel / 2]?.write(data.subarray(1));
  });
  ws.on('close', () => {
    for (const t of targets) t?.destroy();
  });
}
