import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, isApiError, requestEntityTooLarge, type ApiError } from '../machinery/status.js';
import type { Status } from '../machinery/meta.js';

/** Request bodies larger than this are refused with 413, as upstream (3 MiB). */
export const maxRequestBodyBytes = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxRequestBodyBytes) throw tooLarge(declared);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxRequestBodyBytes) throw tooLarge(size);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(size: number): ApiError {
  return requestEntityTooLarge(`limit is ${maxRequestBodyBytes}, request body is ${size} bytes`);
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendStatus(res: ServerResponse, status: Status): void {
  sendJson(res, status.code ?? 500, status);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (isApiError(err)) {
    sendStatus(res, err.status);
    return;
  }
  throw err;
}

/** Parses a JSON body; malformed input is a 400 with the parser's reason. */
/** Adds `Warning: 299 - "<text>"` headers, which kubectl prints as `Warning: <text>`. */
export function addWarnings(res: ServerResponse, texts: string[]): void {
  const existing = res.getHeader('Warning');
  const before = Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
  res.setHeader('Warning', [...before, ...texts.map((t) => `299 - ${JSON.stringify(t)}`)]);
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`the server could not read the request body: ${(err as Error).message}`);
  }
}
