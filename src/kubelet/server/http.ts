// Small HTTP helpers of the kubelet's API: plain answers, and answers written
// straight to a socket whose upgrade was refused.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export class HttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  sendText(res, code, JSON.stringify(body), 'application/json');
}

/** An HTTP answer on a raw (not yet upgraded) socket, which then closes. */
export function rejectUpgrade(socket: Duplex, code: number, text: string): void {
  const body = Buffer.from(text);
  socket.end(`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${text}`);
}
