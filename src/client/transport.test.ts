// The client's HTTP behaviour that a healthy API server rarely shows — Retry-After
// answers and keep-alive connections the server has closed — against a bare
// HTTPS listener that answers with exactly those conditions.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ensureClusterPki } from '../pki/cluster.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { eventually } from '../../test/helpers/eventually.js';
import { isTooManyRequests } from './errors.js';
import { Client } from './rest.js';
import { configmaps } from './resources.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('client transport', () => {
  let server: Server;
  let client: Client;
  const handlers: Handler[] = [];
  let requests = 0;

  before(async () => {
    const pki = await ensureClusterPki(tempDir('client-transport'));
    server = createServer({ cert: pki.servingCertPem, key: pki.servingKeyPem }, (req, res) => {
      requests++;
      const handler = handlers.shift();
      if (handler) handler(req, res);
      else res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new Client({ server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caPem: pki.caCertPem });
  });

  after(() => {
    client.close();
    server.closeAllConnections();
    server.close();
  });

  const ok: Handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'x' } }));
  const tooMany = (retryAfter?: string): Handler => (_req, res) =>
    res
      .writeHead(429, { 'Content-Type': 'application/json', ...(retryAfter ? { 'Retry-After': retryAfter } : {}) })
      .end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', code: 429 }));

  it('retries a 429 that carries Retry-After', async () => {
    requests = 0;
    handlers.push(tooMany('0'), tooMany('0'), ok);
    const cm = await client.resource(configmaps).get('default', 'x');
    assert.equal(cm.metadata?.name, 'x');
    assert.equal(requests, 3);
  });

  it('gives up on a 429 without Retry-After, and after maxRetries', async () => {
    requests = 0;
    handlers.push(tooMany());
    await assert.rejects(client.resource(configmaps).get('default', 'x'), (err) => isTooManyRequests(err));
    assert.equal(requests, 1);
    const impatient = new Client({ ...client.config, maxRetries: 1 });
    requests = 0;
    handlers.push(tooMany('0'), tooMany('0'), ok);
    await assert.rejects(impatient.resource(configmaps).get('default', 'x'), (err) => isTooManyRequests(err));
    assert.equal(requests, 2);
    handlers.length = 0;
    impatient.close();
  });

  it('resends a request whose reused keep-alive connection the server had closed', async () => {
    handlers.push(ok);
    await client.resource(configmaps).get('default', 'x'); // leaves a pooled connection
    requests = 0;
    handlers.push((req) => req.socket.destroy(), ok);
    const cm = await client.resource(configmaps).get('default', 'x');
    assert.equal(cm.metadata?.name, 'x');
    assert.equal(requests, 2);
  });

  it('keeps at most maxConcurrentRequests requests in flight, on as many connections, and watches outside that count', async () => {
    const limited = new Client({ ...client.config, maxConcurrentRequests: 4 });
    // A watch that never ends holds a connection but not a request's turn.
    handlers.push((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
    });
    const watch = limited.resource(configmaps).watch('default');
    await eventually('the watch to reach the server', async () => handlers.length === 0, 10_000);
    let open = 0;
    let mostOpen = 0;
    const connections = new Set<unknown>();
    const onConnection = (socket: unknown) => connections.add(socket);
    server.on('secureConnection', onConnection);
    const held: Handler = (req, res) => {
      mostOpen = Math.max(mostOpen, ++open);
      setTimeout(() => {
        open--;
        ok(req, res);
      }, 20);
    };
    handlers.push(...Array.from({ length: 20 }, () => held));
    const gets = await Promise.all(Array.from({ length: 20 }, () => limited.resource(configmaps).get('default', 'x')));
    server.off('secureConnection', onConnection);
    assert.equal(gets.length, 20);
    assert.ok(mostOpen <= 4, `${mostOpen} requests were in flight at once`);
    assert.ok(connections.size <= 4, `${connections.size} connections were opened for 20 requests`);
    watch.stop();
    limited.close();
  });
});
