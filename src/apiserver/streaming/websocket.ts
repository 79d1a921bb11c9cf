// RFC 6455 WebSocket, the little of it the streaming endpoints need: the
// server handshake, a client handshake (tests, the API server's own dials),
// and a duplex of binary messages with backpressure, ping/pong and close.
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { applyMask, ByteQueue } from './byte-queue.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
/** Messages larger than this close the connection (1009): nothing legitimate sends them. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** The subprotocols a client offers, in its order of preference. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** Completes the server side of the handshake on an upgraded socket; the caller chose the protocol. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string | undefined): WebSocket {
  const key = req.headers['sec-websocket-key'] ?? '';
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptKey(String(key))}`];
  if (protocol) lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  return new WebSocket(socket, false, head);
}

/** The client side of a handshake: the request headers to send, and the check of the answer. */
export function clientHandshake(protocols: string[]): { headers: Record<string, string>; verify(res: IncomingMessage): boolean } {
  const key = randomBytes(16).toString('base64');
  return {
    headers: {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': key,
      ...(protocols.length > 0 ? { 'Sec-WebSocket-Protocol': protocols.join(', ') } : {}),
    },
    verify: (res) => res.headers['sec-websocket-accept'] === acceptKey(key),
  };
}

export interface WebSocketEvents {
  message: [data: Buffer, binary: boolean];
  close: [code: number, reason: string];
  drain: [];
}

/** One WebSocket connection over an upgraded socket. Emits message, drain and (once) close. */
export class WebSocket extends EventEmitter<WebSocketEvents> {
  private readonly buffer = new ByteQueue();
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  private closed = false;
  private closeSent = false;

  constructor(
    readonly socket: Duplex,
    /** Clients mask what they send (RFC 6455 5.3). */
    private readonly isClient: boolean,
    head: Buffer = Buffer.alloc(0),
  ) {
    super();
    socket.setMaxListeners?.(0);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.emit('drain'));
    socket.on('close', () => this.finish(1006, ''));
    socket.on('error', () => socket.destroy());
    if (head.length > 0) queueMicrotask(() => this.receive(head));
  }

  get isOpen(): boolean {
    return !this.closed && !this.closeSent;
  }

  /** Sends one binary message; false when the socket's buffer is full (wait for drain). */
  send(data: Buffer | string, binary = true): boolean {
    return this.sendParts([typeof data === 'string' ? Buffer.from(data) : data], binary);
  }

  /** Sends the parts as one message without joining them (one write of the header and the parts). */
  sendParts(parts: Buffer[], binary = true): boolean {
    if (!this.isOpen) return false;
    return this.writeFrame(binary ? OP_BINARY : OP_TEXT, parts);
  }

  /** Stops reading from the peer until resume() (backpressure toward the sender). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Sends a close frame; the socket ends once the peer answers (or at once if it is gone). */
  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    if (!this.closeSent) {
      this.closeSent = true;
      const body = Buffer.alloc(2 + Buffer.byteLength(reason));
      body.writeUInt16BE(code, 0);
      body.write(reason, 2);
      this.socket.write(this.frame(OP_CLOSE, body));
    }
    const timer = setTimeout(() => this.socket.destroy(), 2000);
    timer.unref();
    this.socket.end();
  }

  /** Tears the connection down without a close handshake. */
  destroy(): void {
    this.socket.destroy();
    this.finish(1006, '');
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', code, reason);
  }

  private frame(opcode: number, payload: Buffer): Buffer {
    return Buffer.concat(this.frameParts(opcode, [payload]));
  }

  private writeFrame(opcode: number, parts: Buffer[]): boolean {
    const buffers = this.frameParts(opcode, parts);
    if (buffers.length === 1) return this.socket.write(buffers[0]);
    this.socket.cork();
    let ok = true;
    for (const b of buffers) ok = this.socket.write(b);
    this.socket.uncork();
    return ok;
  }

  /** The header and payload of one frame; a client's payload is masked into one new buffer. */
  private frameParts(opcode: number, parts: Buffer[]): Buffer[] {
    let len = 0;
    for (const p of parts) len += p.length;
    const lenBytes = len < 126 ? 0 : len < 65536 ? 2 : 8;
    const maskBytes = this.isClient ? 4 : 0;
    const header = Buffer.allocUnsafe(2 + lenBytes + maskBytes);
    header[0] = 0x80 | opcode;
    header[1] = (this.isClient ? 0x80 : 0) | (len < 126 ? len : len < 65536 ? 126 : 127);
    if (lenBytes === 2) header.writeUInt16BE(len, 2);
    else if (lenBytes === 8) header.writeBigUInt64BE(BigInt(len), 2);
    if (!this.isClient) return [header, ...parts.filter((p) => p.length > 0)];
    const mask = randomBytes(4);
    mask.copy(header, 2 + lenBytes);
    const masked = parts.length === 1 ? Buffer.from(parts[0]) : Buffer.concat(parts, len);
    applyMask(masked, mask);
    return [header, masked];
  }

  private receive(chunk: Buffer): void {
    this.buffer.push(chunk);
    while (!this.closed) {
      const frame = this.parseFrame();
      if (!frame) return;
      this.handleFrame(frame.fin, frame.opcode, frame.payload);
    }
  }

  private parseFrame(): { fin: boolean; opcode: number; payload: Buffer } | undefined {
    const q = this.buffer;
    if (q.length < 2) return undefined;
    let b = q.peek(2);
    const masked = (b[1] & 0x80) !== 0;
    let len = b[1] & 0x7f;
    const headerBytes = 2 + (len === 126 ? 2 : len === 127 ? 8 : 0) + (masked ? 4 : 0);
    if (q.length < headerBytes) return undefined;
    b = q.peek(headerBytes);
    const fin = (b[0] & 0x80) !== 0;
    const opcode = b[0] & 0x0f;
    if (len === 126) len = b.readUInt16BE(2);
    else if (len === 127) {
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(MAX_MESSAGE_BYTES)) {
        this.close(1009, 'message too big');
        return undefined;
      }
      len = Number(big);
    }
    if (q.length < headerBytes + len) return undefined;
    const mask = masked ? Buffer.from(b.subarray(headerBytes - 4, headerBytes)) : undefined;
    q.take(headerBytes);
    const payload = q.take(len);
    if (mask) applyMask(payload, mask);
    return { fin, opcode, payload };
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_PING:
        if (this.isOpen) this.socket.write(this.frame(OP_PONG, payload));
        return;
      case OP_PONG:
        return;
      case OP_CLOSE: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        const reason = payload.subarray(2).toString('utf8');
        if (!this.closeSent) {
          this.closeSent = true;
          this.socket.write(this.frame(OP_CLOSE, payload.subarray(0, 2)));
        }
        this.socket.end();
        this.finish(code, reason);
        return;
      }
      case OP_CONTINUATION:
      case OP_TEXT:
      case OP_BINARY: {
        if (opcode !== OP_CONTINUATION) this.fragmentOpcode = opcode;
        this.fragments.push(payload);
        if (!fin) return;
        const data = this.fragments.length === 1 ? this.fragments[0] : Buffer.concat(this.fragments);
        this.fragments = [];
        this.emit('message', data, this.fragmentOpcode === OP_BINARY);
        return;
      }
      default:
        this.close(1002, 'unknown opcode');
    }
  }
}
