// What a simulated container "serves" on every port, for port-forward and the
// pod proxy: an HTTP request gets a small HTTP/1.1 answer naming the pod and
// port; any other bytes are echoed back. No socket is opened.
import { Duplex } from 'node:stream';

const HTTP_METHODS = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\S+) HTTP\/1\.[01]\r?\n/;

/** The body the responder sends for an HTTP request. */
export function responderBody(podName: string, port: number, method: string, path: string): string {
  return `simulated pod ${podName} port ${port}: ${method} ${path}\n`;
}

export function simulatedResponder(podName: string, port: number, signal: AbortSignal): Duplex {
  let mode: 'unknown' | 'http' | 'echo' = 'unknown';
  let pending = Buffer.alloc(0);
  const stream: Duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      if (mode === 'echo') {
        stream.push(chunk);
        return done();
      }
      pending = Buffer.concat([pending, chunk]);
      if (mode === 'unknown') {
        const text = pending.toString('latin1');
        if (HTTP_METHODS.test(text)) mode = 'http';
        else if (pending.length >= 8 || !/^[A-Z]*$/.test(text)) {
          mode = 'echo';
          stream.push(pending);
          pending = Buffer.alloc(0);
          return done();
        }
      }
      if (mode === 'http') answerRequests();
      done();
    },
    final(done) {
      stream.push(null);
      done();
    },
  });
  function answerRequests(): void {
    for (;;) {
      const text = pending.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = text.slice(0, end);
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (pending.length < end + 4 + length) return;
      pending = pending.subarray(end + 4 + length);
      const m = HTTP_METHODS.exec(`${head}\r\n`);
      const body = responderBody(podName, port, m?.[1] ?? 'GET', m?.[2] ?? '/');
      const close = /\r\nconnection:\s*close/i.test(head);
      stream.push(
        `HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${close ? 'Connection: close\r\n' : ''}\r\n${m?.[1] === 'HEAD' ? '' : body}`,
      );
      if (close) {
        stream.push(null);
        return;
      }
    }
  }
  const onAbort = () => stream.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  stream.on('close', () => signal.removeEventListener('abort', onAbort));
  return stream;
}
