// The channel.k8s.io WebSocket protocols of exec and attach: every binary
// message starts with a channel byte (0 stdin, 1 stdout, 2 stderr, 3 error,
// 4 resize); v4 writes a metav1.Status on the error channel, v5 adds 255
// ("close channel N", how a client says its stdin ended).
import { PassThrough, Writable } from 'node:stream';
import type { WebSocket } from './websocket.js';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** Server preference, newest first (kubectl 1.33 offers v5 then v4). */
export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

export function negotiateChannelProtocol(offered: string[]): string | undefined {
  return CHANNEL_PROTOCOLS.find((p) => offered.includes(p));
}

/** The exit of a command as the error channel carries it (v4 and later: a metav1.Status). */
export function exitStatus(protocol: string, exitCode: number, cmd: string[]): string {
  const structured = protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io';
  if (exitCode === 0) return structured ? JSON.stringify({ metadata: {}, status: 'Success' }) : '';
  const message = `command terminated with non-zero exit code: error executing command [${cmd.join(' ')}], exit code ${exitCode}`;
  if (!structured) return message;
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  });
}

/** A failure (not an exit code) on the error channel. */
export function errorStatus(protocol: string, message: string): string {
  const structured = protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io';
  return structured ? JSON.stringify({ metadata: {}, status: 'Failure', message }) : message;
}

/** Messages are cut to this size so one large write does not become one huge frame. */
const MAX_CHUNK = 32 * 1024;
/** What a channel buffers before it pushes back (a stream's default 16 KiB is half a message). */
export const CHANNEL_BUFFER = 256 * 1024;

/** A Writable that sends what is written as messages on one channel, with the socket's backpressure. */
function channelWriter(ws: WebSocket, channel: number): Writable {
  const prefix = Buffer.from([channel]);
  return new Writable({
    highWaterMark: CHANNEL_BUFFER,
    write(chunk: Buffer, _enc, done) {
      let ok = true;
      for (let i = 0; i < chunk.length; i += MAX_CHUNK) ok = ws.sendParts([prefix, chunk.subarray(i, i + MAX_CHUNK)]);
      if (!ws.isOpen) done(new Error('connection closed'));
      else if (ok) done();
      else ws.once('drain', () => done());
    },
  });
}

export interface ChannelOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The server end of one exec or attach connection. */
export class ChannelConnection {
  readonly stdin?: PassThrough;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  private readonly resizeListeners: ((size: { width: number; height: number }) => void)[] = [];
  private readonly abort = new AbortController();

  constructor(
    readonly ws: WebSocket,
    readonly protocol: string,
    options: ChannelOptions,
  ) {
    if (options.stdin) this.stdin = new PassThrough({ highWaterMark: CHANNEL_BUFFER });
    if (options.stdout) this.stdout = channelWriter(ws, STDOUT);
    // With a tty, stderr is merged into stdout (upstream refuses both at once).
    if (options.stderr && !options.tty) this.stderr = channelWriter(ws, STDERR);
    for (const s of [this.stdout, this.stderr]) s?.on('error', () => {});
    ws.on('message', (data) => this.receive(data));
    ws.on('close', () => {
      this.stdin?.end();
      this.abort.abort();
    });
  }

  /** Aborted when the client goes away. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  onResize(listener: (size: { width: number; height: number }) => void): void {
    this.resizeListeners.push(listener);
  }

  private receive(data: Buffer): void {
    if (data.length === 0) return;
    const channel = data[0];
    const body = data.subarray(1);
    if (channel === STDIN && this.stdin && !this.stdin.writableEnded) {
      if (body.length > 0 && !this.stdin.write(body)) {
        this.ws.pause();
        this.stdin.once('drain', () => this.ws.resume());
      }
    } else if (channel === RESIZE) {
      try {
        const size = JSON.parse(body.toString('utf8')) as { Width?: number; Height?: number };
        for (const l of this.resizeListeners) l({ width: size.Width ?? 0, height: size.Height ?? 0 });
      } catch {
        // A malformed resize is ignored, as upstream does.
      }
    } else if (channel === CLOSE && this.protocol === 'v5.channel.k8s.io' && body[0] === STDIN) {
      this.stdin?.end();
    }
  }

  /** Waits for stdout and stderr to flush, writes the error channel's status, and closes. */
  async finish(status: string): Promise<void> {
    const flush = (w?: Writable) => (w && !w.writableFinished && this.ws.isOpen ? new Promise<void>((r) => w.end(() => r())) : Promise.resolve());
    await Promise.all([flush(this.stdout), flush(this.stderr)]);
    if (status && this.ws.isOpen) this.ws.sendParts([Buffer.from([ERROR]), Buffer.from(status)]);
    this.ws.close(1000);
    this.stdin?.end();
  }
}
