// The gRPC prober against real grpc-js servers on loopback: the standard
// grpc.health.v1.Health service answering per service name, a server without
// it, one that never answers, and a port nobody listens on.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { Server, ServerCredentials, status as GrpcStatus, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, HEALTH_SERVICE, probeGrpc, type HealthCheckRequest, type HealthCheckResponse } from './grpc-probe.js';
import { CriProbeHandler } from './runtime/cri/probe.js';
import type { RuntimeService } from './runtime/types.js';

const statuses: Record<string, number> = { '': 1, ready: 1, draining: 2 };
let health: Server;
let healthPort = 0;
let bare: Server;
let barePort = 0;
let userAgent = '';

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
}

before(async () => {
  health = new Server();
  health.addService(HEALTH_SERVICE, {
    check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, cb: sendUnaryData<HealthCheckResponse>) => {
      userAgent = String(call.metadata.get('user-agent')[0] ?? '');
      if (call.request.service === 'slow') return; // never answers
      const s = statuses[call.request.service];
      if (s === undefined) cb({ code: GrpcStatus.NOT_FOUND, details: 'unknown service' });
      else cb(null, { status: s });
    },
  });
  healthPort = await listen(health);
  bare = new Server();
  barePort = await listen(bare);
});

after(() => {
  health.forceShutdown();
  bare.forceShutdown();
});

test('the health messages encode as protobuf', () => {
  assert.deepEqual(encodeHealthCheckRequest('ab'), Buffer.from([0x0a, 2, 0x61, 0x62]));
  assert.equal(encodeHealthCheckRequest('').length, 0);
  assert.equal(decodeHealthCheckResponse(Buffer.from([0x08, 2])), 2);
  assert.equal(decodeHealthCheckResponse(Buffer.alloc(0)), 0);
});

test('SERVING passes; the probe says it is kube-probe', async () => {
  assert.deepEqual(await probeGrpc('127.0.0.1', healthPort, '', 1), { success: true, output: 'service healthy' });
  assert.deepEqual(await probeGrpc('127.0.0.1', healthPort, 'ready', 1), { success: true, output: 'service healthy' });
  assert.match(userAgent, /^kube-probe\/1\.33/);
});

test('NOT_SERVING, an unknown service, a server without the health service, silence and a closed port fail with upstream\'s messages', async () => {
  assert.deepEqual(await probeGrpc('127.0.0.1', healthPort, 'draining', 1), { success: false, output: 'service unhealthy (responded with "NOT_SERVING")' });
  assert.deepEqual(await probeGrpc('127.0.0.1', healthPort, 'nope', 1), { success: false, output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' });
  const unimplemented = await probeGrpc('127.0.0.1', barePort, '', 1);
  assert.equal(unimplemented.success, false);
  assert.match(unimplemented.output, /^error: this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): /);
  assert.deepEqual(await probeGrpc('127.0.0.1', healthPort, 'slow', 1), { success: false, output: 'timeout: health rpc did not complete within 1s' });
  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const closed = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  assert.deepEqual(await probeGrpc('127.0.0.1', closed, '', 1), { success: false, output: `timeout: failed to connect service "127.0.0.1:${closed}" within 1s: context deadline exceeded` });
});

test('the containerd node\'s prober sends grpc probes to the pod IP and port', async () => {
  const handler = new CriProbeHandler({} as RuntimeService);
  const target = { pod: { apiVersion: 'v1' as const, kind: 'Pod' as const, metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'c' }] } }, containerName: 'c', containerId: 'id', podIP: '127.0.0.1' };
  assert.equal((await handler.run('liveness', { grpc: { port: healthPort } }, target)).success, true);
  assert.deepEqual(await handler.run('readiness', { grpc: { port: healthPort, service: 'draining' }, timeoutSeconds: 2 }, target), { success: false, output: 'service unhealthy (responded with "NOT_SERVING")' });
});
