// A CRI v1 gRPC client over a unix socket: the RuntimeService and ImageService
// of api.proto (loaded with @grpc/proto-loader), unary calls as promises with a
// deadline, errors worded as Go's gRPC status errors ("rpc error: code = NotFound
// desc = ...") because the kubelet puts them into pod statuses and events.
import { credentials, loadPackageDefinition, Metadata, status as GrpcStatus, type Client as GrpcClient, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Messages as proto-loader gives them: camelCase fields, enums as names, 64-bit integers as strings. */
export type Message = Record<string, unknown>;

/** api.proto sits beside this module in src/ (tsc does not copy it to dist/). */
function protoPath(): string {
  const candidates = ['./api.proto', '../../../../../src/kubelet/runtime/cri/api.proto'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`CRI api.proto not found (looked in ${candidates.join(', ')})`);
  return found;
}

type ServiceCtor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options?: Record<string, unknown>) => GrpcClient;

let services: { runtime: ServiceCtor; image: ServiceCtor } | undefined;

function loadServices(): { runtime: ServiceCtor; image: ServiceCtor } {
  if (services) return services;
  const def = loadSync(protoPath(), { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
  const pkg = loadPackageDefinition(def) as unknown as { runtime: { v1: { RuntimeService: ServiceCtor; ImageService: ServiceCtor } } };
  services = { runtime: pkg.runtime.v1.RuntimeService, image: pkg.runtime.v1.ImageService };
  return services;
}

const codeNames: Record<number, string> = Object.fromEntries(
  Object.entries(GrpcStatus)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k.split('_').map((w) => w[0] + w.slice(1).toLowerCase()).join('')]),
);
codeNames[GrpcStatus.OK] = 'OK';

/** A failed CRI call: the gRPC code and Go's wording of it. */
export class CriError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`rpc error: code = ${codeNames[code] ?? code} desc = ${details}`);
  }
}

export function isNotFoundError(err: unknown): boolean {
  return err instanceof CriError && err.code === GrpcStatus.NOT_FOUND;
}

export function isUnimplemented(err: unknown): boolean {
  return err instanceof CriError && err.code === GrpcStatus.UNIMPLEMENTED;
}

type UnaryMethod = (req: Message, meta: Metadata, opts: { deadline: Date }, cb: (err: ServiceError | null, res: Message) => void) => void;

export class CriClient {
  private readonly runtime: GrpcClient;
  private readonly image: GrpcClient;

  constructor(readonly socket: string) {
    const { runtime, image } = loadServices();
    // Reconnect quickly after containerd restarts.
    const options = { 'grpc.max_receive_message_length': 64 << 20, 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 2000 };
    this.runtime = new runtime(`unix://${socket}`, credentials.createInsecure(), options);
    this.image = new image(`unix://${socket}`, credentials.createInsecure(), options);
  }

  private call(client: GrpcClient, method: string, request: Message, timeoutMs: number): Promise<Message> {
    const fn = (client as unknown as Record<string, UnaryMethod>)[method];
    return new Promise((resolve, reject) => {
      fn.call(client, request, new Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => {
        if (err) reject(new CriError(err.code ?? GrpcStatus.UNKNOWN, err.details || err.message));
        else resolve(res);
      });
    });
  }

  runtimeCall(method: string, request: Message = {}, timeoutMs = 120_000): Promise<Message> {
    return this.call(this.runtime, method, request, timeoutMs);
  }

  imageCall(method: string, request: Message = {}, timeoutMs = 600_000): Promise<Message> {
    return this.call(this.image, method, request, timeoutMs);
  }

  /** GetContainerEvents: a server stream of ContainerEventResponse. */
  containerEvents(): ClientReadableStream<Message> {
    const fn = (this.runtime as unknown as Record<string, (req: Message) => ClientReadableStream<Message>>).getContainerEvents;
    return fn.call(this.runtime, {});
  }

  close(): void {
    this.runtime.close();
    this.image.close();
  }
}
