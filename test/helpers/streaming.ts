// Helpers for streaming tests: a WebSocket to the API server with the admin
// credentials, kubectl through a pseudo-terminal, polling.
import { spawn } from 'node:child_process';
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { clientHandshake, WebSocket } from '../../src/apiserver/streaming/websocket.js';
import { loadKubeconfig } from '../../src/pki/kubeconfig.js';
import { kubectlPath } from './kubectl.js';
import { eventually as poll } from './eventually.js';

export interface OpenedWebSocket {
  ws: WebSocket;
  protocol: string;
}

/** Opens a WebSocket to an API path; rejects with the status and body if the server refuses the upgrade. */
export async function openWebSocket(kubeconfigPath: string, path: string, protocols: string[]): Promise<OpenedWebSocket> {
  const kc = await loadKubeconfig(kubeconfigPath);
  const base = new URL(kc.server);
  const handshake = clientHandshake(protocols);
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path, method: 'GET', headers: handshake.headers, ca: kc.caCertPem, cert: kc.clientCertPem, key: kc.clientKeyPem });
    req.on('upgrade', (res, socket, head) => {
      if (!handshake.verify(res)) reject(new Error('bad Sec-WebSocket-Accept'));
      resolve({ ws: new WebSocket(socket, true, head), protocol: String(res.headers['sec-websocket-protocol'] ?? '') });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(new Error(`upgrade refused: ${res.statusCode} ${Buffer.concat(chunks).toString('utf8')}`)));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every message until the server closes the connection. */
export function collectMessages(ws: WebSocket, timeoutMs = 30_000): Promise<Buffer[]> {
  const messages: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no close within ${timeoutMs} ms; got ${messages.length} messages`)), timeoutMs);
    ws.on('message', (data) => messages.push(data));
    ws.on('close', () => {
      clearTimeout(timer);
      resolve(messages);
    });
  });
}

export interface PtyResult {
  code: number;
  output: string;
}

/** The VT100 cursor position query (DSR 6) busybox's line editor sends at each prompt. */
const CURSOR_POSITION_QUERY = '\x1b[6n';

/**
 * Runs kubectl in a pseudo-terminal (util-linux `script`), typing `keys` one step at a time once
 * `waitFor` (a regexp over the output so far) matches before each step. Like a real terminal it
 * answers each cursor position query (row 1, column 1): a shell waiting for the answer reads no
 * command before it.
 */
export function kubectlInTerminal(kubeconfig: string, args: string[], steps: { waitFor: RegExp; type: string }[], timeoutMs = 60_000): Promise<PtyResult> {
  const quoted = [kubectlPath(), '--kubeconfig', kubeconfig, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qefc', quoted, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let answered = 0;
  // A write racing the terminal's close (an answer, a step) has nowhere to go.
  child.stdin.on('error', () => undefined);
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString('utf8');
    // Counted over the whole output: a query split between two chunks is answered once it is whole.
    const queries = output.split(CURSOR_POSITION_QUERY).length - 1;
    for (; answered < queries; answered++) child.stdin.write('\x1b[1;1R');
  });
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const done = new Promise<PtyResult>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, output })));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  void (async () => {
    for (const step of steps) {
      while (!step.waitFor.test(output) && child.exitCode === null) await sleep(100);
      if (child.exitCode !== null) return;
      child.stdin.write(step.type);
    }
  })();
  return done.finally(() => clearTimeout(timer));
}

/** Polls `check` until it returns a value (not undefined) or the timeout passes. */
export const eventually = <T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'condition'): Promise<T> => poll(what, check, timeoutMs);
