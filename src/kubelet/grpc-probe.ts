// gRPC probes (upstream pkg/probe/grpc): one grpc.health.v1.Health/Check call to
// the pod IP and port, within the probe's timeout, answered SERVING or not.
// The two tiny messages are encoded here rather than loaded from a .proto.
import { credentials, makeGenericClientConstructor, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { ProbeOutcome } from './prober.js';
import { CriError } from './runtime/cri/client.js';

/** grpc.health.v1.HealthCheckResponse.ServingStatus, by number. */
export const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;

/** HealthCheckRequest { string service = 1; } (an empty service is an empty message, as proto3 encodes it). */
export function encodeHealthCheckRequest(service: string): Buffer {
  const s = Buffer.from(service);
  return s.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a]), varint(s.length), s]);
}

/** HealthCheckRequest's service, as a server reads it. */
export function decodeHealthCheckRequest(buf: Buffer): string {
  let service = '';
  forEachField(buf, (field, wire, value) => {
    if (field === 1 && wire === 2) service = (value as Buffer).toString();
  });
  return service;
}

/** HealthCheckResponse { ServingStatus status = 1; } */
export function encodeHealthCheckResponse(status: number): Buffer {
  return status === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x08]), varint(status)]);
}

export function decodeHealthCheckResponse(buf: Buffer): number {
  let status = 0;
  forEachField(buf, (field, wire, value) => {
    if (field === 1 && wire === 0) status = value as number;
  });
  return status;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function readVarint(buf: Buffer, at: number): [number, number] {
  let n = 0;
  let mul = 1;
  for (;;) {
    if (at >= buf.length) throw new Error('truncated varint');
    const b = buf[at++];
    n += (b & 0x7f) * mul;
    if (b < 0x80) return [n, at];
    mul *= 128;
  }
}

/** Walks a protobuf message's varint and length-delimited fields (the only wire types these messages use). */
function forEachField(buf: Buffer, visit: (field: number, wire: number, value: number | Buffer) => void): void {
  let at = 0;
  while (at < buf.length) {
    const [key, next] = readVarint(buf, at);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      const [v, after] = readVarint(buf, next);
      visit(field, wire, v);
      at = after;
    } else if (wire === 2) {
      const [len, start] = readVarint(buf, next);
      visit(field, wire, buf.subarray(start, start + len));
      at = start + len;
    } else {
      throw new Error(`unexpected wire type ${wire}`);
    }
  }
}

export interface HealthCheckRequest {
  service: string;
}
export interface HealthCheckResponse {
  status: number;
}

/** The Health service definition for grpc-js (client and test servers); messages are objects, as grpc-js expects a truthy request. */
export const HEALTH_SERVICE = {
  check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: (req: HealthCheckRequest) => encodeHealthCheckRequest(req.service),
    requestDeserialize: (buf: Buffer): HealthCheckRequest => ({ service: decodeHealthCheckRequest(buf) }),
    responseSerialize: (res: HealthCheckResponse) => encodeHealthCheckResponse(res.status),
    responseDeserialize: (buf: Buffer): HealthCheckResponse => ({ status: decodeHealthCheckResponse(buf) }),
  },
};

const HealthClient = makeGenericClientConstructor(HEALTH_SERVICE, 'grpc.health.v1.Health');

type CheckMethod = (req: HealthCheckRequest, meta: Metadata, opts: { deadline: Date }, cb: (err: ServiceError | null, res: HealthCheckResponse) => void) => void;

/** Go's time.Duration String for a probe timeout in whole seconds. */
function seconds(s: number): string {
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

/** One probe: connect within the timeout, Check, SERVING passes; failures worded as upstream's prober. */
export async function probeGrpc(host: string, port: number, service: string, timeoutSeconds: number): Promise<ProbeOutcome> {
  const addr = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const deadline = new Date(Date.now() + timeoutSeconds * 1000);
  const client = new HealthClient(addr, credentials.createInsecure(), { 'grpc.primary_user_agent': 'kube-probe/1.33', 'grpc.max_reconnect_backoff_ms': 1000 });
  try {
    const connected = await new Promise<boolean>((resolve) => client.waitForReady(deadline, (err) => resolve(!err)));
    if (!connected) return { success: false, output: `timeout: failed to connect service "${addr}" within ${seconds(timeoutSeconds)}: context deadline exceeded` };
    const check = (client as unknown as { check: CheckMethod }).check.bind(client);
    const result = await new Promise<{ err: ServiceError | null; status: number }>((resolve) => check({ service }, new Metadata(), { deadline }, (err, res) => resolve({ err, status: res?.status ?? 0 })));
    if (result.err) {
      const code = result.err.code ?? GrpcStatus.UNKNOWN;
      if (code === GrpcStatus.UNIMPLEMENTED) return { success: false, output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${result.err.details}` };
      if (code === GrpcStatus.DEADLINE_EXCEEDED) return { success: false, output: `timeout: health rpc did not complete within ${seconds(timeoutSeconds)}` };
      return { success: false, output: `error: health rpc probe failed: ${new CriError(code, result.err.details).message}` };
    }
    if (result.status !== 1) return { success: false, output: `service unhealthy (responded with "${SERVING_STATUS[result.status] ?? result.status}")` };
    return { success: true, output: 'service healthy' };
  } finally {
    client.close();
  }
}
