// /portForward/{ns}/{pod}: not served yet (kubectl 1.33 tunnels SPDY inside WebSocket for it).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RuntimeService } from '../runtime/types.js';
import { HttpError } from './http.js';

export async function servePortForward(_runtime: RuntimeService, _req: IncomingMessage, _socket: Duplex, _head: Buffer, _url: URL, _parts: string[]): Promise<void> {
  throw new HttpError(400, 'port-forward is not supported yet');
}
