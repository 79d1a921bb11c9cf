// SPDY/3.1, as much as Kubernetes' stream protocols use: clients open streams
// with SYN_STREAM (headers name the stream's role), the server accepts them
// with SYN_REPLY, and DATA frames carry the bytes with FIN for half-close.
// PING is answered, GOAWAY ends the session. kubectl 1.33 speaks it to the API
// server for port-forward, tunnelled in WebSocket binary messages; the kubelet
// speaks it as a client to the runtime's streaming server, whose WebSocket
// protocols cannot half-close stdin.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { constants as zc, createInflate, type Inflate } from 'node:zlib';
import { ByteQueue } from './byte-queue.js';

const CONTROL = 0x8000;
const VERSION = 3;
const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const HEADERS = 8;
const PING = 6;
const GOAWAY = 7;
const FLAG_FIN = 0x01;
/** DATA frames are cut to this size. */
const MAX_DATA = 32 * 1024;
/**
 * What a stream buffers each way before it pushes back: several frames, so that the transport is not
 * paused and resumed for every frame read (a stream's default 16 KiB is less than one frame).
 */
const STREAM_BUFFER = 256 * 1024;

/** The SPDY/3 header compression dictionary (draft 3, section 2.6.10.1): length-prefixed names, then a tail. */
const DICTIONARY_WORDS = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges',
  'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding', 'content-language', 'content-length',
  'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host', 'if-match',
  'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'pragma',
  'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'user-agent', 'vary', 'via', 'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public',
  'set-cookie', 'keep-alive', 'origin',
];
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not Found' +
  '500 Internal Server Error501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 ' +
  'Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,' +
  'text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

export const SPDY_DICTIONARY = Buffer.concat([
  ...DICTIONARY_WORDS.map((w) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    return Buffer.concat([len, Buffer.from(w, 'latin1')]);
  }),
  Buffer.from(DICTIONARY_TAIL, 'latin1'),
]);

function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [k, v] of entries) {
    const kb = Buffer.from(k.toLowerCase());
    const vb = Buffer.from(v);
    parts.push(u32(kb.length), kb, u32(vb.length), vb);
  }
  return Buffer.concat(parts);
}

function decodeHeaders(block: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  const count = block.readUInt32BE(off);
  off += 4;
  for (let i = 0; i < count; i++) {
    const kl = block.readUInt32BE(off);
    const k = block.subarray(off + 4, off + 4 + kl).toString('utf8');
    off += 4 + kl;
    const vl = block.readUInt32BE(off);
    const v = block.subarray(off + 4, off + 4 + vl).toString('utf8');
    off += 4 + vl;
    out[k] = v.split('\0')[0];
  }
  return out;
}

/**
 * The header compressor of one direction: a zlib stream of stored (uncompressed) blocks, each
 * header block followed by a sync flush's empty block. Valid for any zlib reader, dictionary or not.
 */
class StoredDeflate {
  private started = false;

  block(data: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      parts.push(Buffer.from([0x78, 0x01]));
      this.started = true;
    }
    for (let i = 0; i < data.length || i === 0; i += 65535) {
      const chunk = data.subarray(i, i + 65535);
      const head = Buffer.alloc(5);
      head[0] = 0x00;
      head.writeUInt16LE(chunk.length, 1);
      head.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(head, chunk);
      if (data.length === 0) break;
    }
    // The empty stored block of a sync flush: readers hand out what came before it.
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/** The peer's header decompressor: one zlib stream (with the dictionary) for the whole session. */
class HeaderInflater {
  private readonly inflate: Inflate = createInflate({ dictionary: SPDY_DICTIONARY });
  private pending: Buffer[] = [];

  constructor() {
    this.inflate.on('data', (c: Buffer) => this.pending.push(c));
    this.inflate.on('error', () => {});
  }

  block(compressed: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.inflate.once('error', reject);
      this.inflate.write(compressed);
      this.inflate.flush(zc.Z_SYNC_FLUSH, () => {
        this.inflate.off('error', reject);
        const out = Buffer.concat(this.pending);
        this.pending = [];
        resolve(out);
      });
    });
  }

  close(): void {
    this.inflate.destroy();
  }
}

/** One stream of a session. Write to send DATA, end() sends FIN; reading yields what the peer sends. */
export class SpdyStream extends Duplex {
  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: Record<string, string>,
    /** Streams this end opened need no reply. */
    private replied = false,
  ) {
    super({ readableHighWaterMark: STREAM_BUFFER, writableHighWaterMark: STREAM_BUFFER });
  }

  /** Accepts the stream (SYN_REPLY). */
  reply(headers: Record<string, string> = {}): void {
    if (this.replied) return;
    this.replied = true;
    this.session.sendReply(this.id, headers);
  }

  override _read(): void {
    this.session.resumeTransport();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.reply();
    this.session.sendData(this.id, chunk, false, done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.reply();
    this.session.sendData(this.id, Buffer.alloc(0), true, done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.session.forget(this.id);
    done(err);
  }

  /** Data from the peer. */
  receive(data: Buffer, fin: boolean): void {
    if (this.readableEnded || this.destroyed) return;
    if (data.length > 0 && !this.push(data)) this.session.pauseTransport();
    if (fin) this.push(null);
  }
}

export interface SpdySessionEvents {
  stream: [stream: SpdyStream];
  close: [];
}

/**
 * One end of a SPDY/3.1 session over any byte stream. The server end accepts the streams the
 * client opens; when the transport goes, a server destroys its streams (the client left), a client
 * ends them (what the server sent before closing is still read).
 */
export class SpdySession extends EventEmitter<SpdySessionEvents> {
  private readonly buffer = new ByteQueue();
  /** Frames waiting behind a header block's decompression; until they are handled, DATA waits too. */
  private queued = 0;
  private readonly streams = new Map<number, SpdyStream>();
  private readonly inflater = new HeaderInflater();
  private readonly deflater = new StoredDeflate();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  /** Clients open odd stream IDs, servers even ones. */
  private nextStreamId: number;

  constructor(
    private readonly transport: Duplex,
    private readonly role: 'server' | 'client',
  ) {
    super();
    this.nextStreamId = role === 'client' ? 1 : 2;
    transport.on('data', (chunk: Buffer) => this.receive(chunk));
    // Frames already read are still queued for handling: close only after them (the last data of an
    // exec arrives just before the peer closes the connection).
    const closeAfterQueued = () => {
      this.queue = this.queue.then(() => this.close());
    };
    transport.on('close', closeAfterQueued);
    transport.on('end', closeAfterQueued);
    transport.on('error', closeAfterQueued);
  }

  get openStreams(): number {
    return this.streams.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) {
      if (this.role === 'server') s.destroy();
      else s.receive(Buffer.alloc(0), true);
    }
    this.streams.clear();
    this.inflater.close();
    this.transport.destroy();
    this.emit('close');
  }

  /** Ends the session after what was written is sent (the peer sees the connection close). */
  end(): void {
    if (this.closed) return;
    this.transport.end();
    setTimeout(() => this.close(), 5000).unref();
  }

  pauseTransport(): void {
    this.transport.pause();
  }

  resumeTransport(): void {
    this.transport.resume();
  }

  forget(id: number): void {
    this.streams.delete(id);
  }

  /** Opens a stream (SYN_STREAM) with these headers. */
  openStream(headers: Record<string, string>): SpdyStream {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new SpdyStream(this, id, headers, true);
    this.streams.set(id, stream);
    const block = this.deflater.block(encodeHeaders(headers));
    // Stream ID, associated-to stream ID (none), priority 0 and slot 0.
    const body = Buffer.alloc(10);
    body.writeUInt32BE(id & 0x7fffffff, 0);
    this.writeControl(SYN_STREAM, 0, Buffer.concat([body, block]));
    return stream;
  }

  sendReply(id: number, headers: Record<string, string>): void {
    const block = this.deflater.block(encodeHeaders(headers));
    const body = Buffer.alloc(4);
    body.writeUInt32BE(id & 0x7fffffff);
    this.writeControl(SYN_REPLY, 0, Buffer.concat([body, block]));
  }

  sendData(id: number, data: Buffer, fin: boolean, done: (err?: Error | null) => void): void {
    if (this.closed) return done(new Error('session closed'));
    let ok = true;
    this.transport.cork();
    for (let i = 0; i < data.length || (i === 0 && fin); i += MAX_DATA) {
      const chunk = data.subarray(i, i + MAX_DATA);
      const last = i + MAX_DATA >= data.length;
      const head = Buffer.allocUnsafe(8);
      head.writeUInt32BE(id & 0x7fffffff, 0);
      head.writeUInt32BE((((fin && last ? FLAG_FIN : 0) << 24) | chunk.length) >>> 0, 4);
      this.transport.write(head);
      if (chunk.length > 0) ok = this.transport.write(chunk);
      if (data.length === 0) break;
    }
    this.transport.uncork();
    if (ok && !this.transport.writableNeedDrain) done();
    else this.transport.once('drain', () => done());
  }

  private writeControl(type: number, flags: number, body: Buffer): void {
    if (this.closed) return;
    const head = Buffer.alloc(8);
    head.writeUInt16BE(CONTROL | VERSION, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt32BE(((flags << 24) | body.length) >>> 0, 4);
    this.transport.write(Buffer.concat([head, body]));
  }

  private receive(chunk: Buffer): void {
    const q = this.buffer;
    q.push(chunk);
    while (q.length >= 8) {
      const length = q.peek(8).readUInt32BE(4) & 0xffffff;
      if (q.length < 8 + length) return;
      const frame = q.take(8 + length);
      if (this.queued === 0 && (frame[0] & 0x80) === 0) {
        this.handleData(frame);
        continue;
      }
      // Frames are handled in order; header blocks decompress asynchronously.
      this.queued++;
      this.queue = this.queue
        .then(() => this.handle(frame))
        .catch(() => this.close())
        .finally(() => this.queued--);
    }
  }

  private handleData(frame: Buffer): void {
    if (this.closed) return;
    const id = frame.readUInt32BE(0) & 0x7fffffff;
    this.streams.get(id)?.receive(frame.subarray(8), (frame[4] & FLAG_FIN) !== 0);
  }

  private async handle(frame: Buffer): Promise<void> {
    if (this.closed) return;
    const flags = frame[4];
    const body = frame.subarray(8);
    if ((frame[0] & 0x80) === 0) return this.handleData(frame);
    const type = frame.readUInt16BE(2);
    switch (type) {
      case SYN_STREAM: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const headers = decodeHeaders(await this.inflater.block(body.subarray(10)));
        const stream = new SpdyStream(this, id, headers);
        this.streams.set(id, stream);
        if (flags & FLAG_FIN) stream.receive(Buffer.alloc(0), true);
        this.emit('stream', stream);
        return;
      }
      case SYN_REPLY:
      case HEADERS:
        // Nothing in them matters here, but every header block goes through the one decompressor.
        await this.inflater.block(body.subarray(4));
        if (flags & FLAG_FIN) this.streams.get(body.readUInt32BE(0) & 0x7fffffff)?.receive(Buffer.alloc(0), true);
        return;
      case RST_STREAM: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        this.streams.get(id)?.destroy();
        return;
      }
      case PING:
        this.writeControl(PING, 0, Buffer.from(body));
        return;
      case GOAWAY:
        this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE: nothing to do for these streams.
        return;
    }
  }
}

/** The server end: accepts the streams a client opens. */
export class SpdyServerSession extends SpdySession {
  constructor(transport: Duplex) {
    super(transport, 'server');
  }
}

/** The client end: opens streams with openStream(). */
export class SpdyClientSession extends SpdySession {
  constructor(transport: Duplex) {
    super(transport, 'client');
  }
}
