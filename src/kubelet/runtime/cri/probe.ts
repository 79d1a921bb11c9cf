// Probes of real containers (upstream pkg/kubelet/prober): exec through CRI
// ExecSync, httpGet and tcpSocket from the node to the pod IP (or the given host).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ProbeHandler, ProbeOutcome, ProbeTarget, ProbeType } from '../../prober.js';
import type { RuntimeService } from '../types.js';

/** A port by number, or by the name of one of the container's ports. */
export function resolvePort(port: unknown, container: IContainer | undefined): number {
  if (typeof port === 'number') return port;
  const n = Number(port);
  if (String(port) !== '' && Number.isInteger(n)) return n;
  const named = container?.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`couldn't find port: ${String(port)} in ${JSON.stringify(container?.ports ?? [])}`);
  return named.containerPort;
}

function containerOf(target: ProbeTarget): IContainer | undefined {
  return [...(target.pod.spec?.containers ?? []), ...(target.pod.spec?.initContainers ?? [])].find((c) => c.name === target.containerName);
}

export class CriProbeHandler implements ProbeHandler {
  constructor(private readonly runtime: RuntimeService) {}

  async run(_type: ProbeType, probe: IProbe, target: ProbeTarget): Promise<ProbeOutcome> {
    const timeoutS = probe.timeoutSeconds ?? 1;
    if (probe.exec) {
      const r = await this.runtime.execSync(target.containerId, probe.exec.command ?? [], timeoutS);
      const output = r.stdout + r.stderr;
      return { success: r.exitCode === 0, output: r.exitCode === 0 ? output : output || `command ${JSON.stringify((probe.exec.command ?? []).join(' '))} exited with ${r.exitCode}` };
    }
    if (probe.httpGet) return this.http(probe, target, timeoutS);
    if (probe.tcpSocket) {
      const host = probe.tcpSocket.host || target.podIP;
      const port = resolvePort(probe.tcpSocket.port, containerOf(target));
      return new Promise((resolve) => {
        const s = connect({ host, port, timeout: timeoutS * 1000 });
        s.once('connect', () => {
          s.destroy();
          resolve({ success: true, output: '' });
        });
        s.once('timeout', () => {
          s.destroy();
          resolve({ success: false, output: `dial tcp ${host}:${port}: i/o timeout` });
        });
        s.once('error', (err: NodeJS.ErrnoException) => resolve({ success: false, output: `dial tcp ${host}:${port}: connect: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}` }));
      });
    }
    return { success: false, output: 'grpc probes are not supported by k8ts yet' };
  }

  private http(probe: IProbe, target: ProbeTarget, timeoutS: number): Promise<ProbeOutcome> {
    const get = probe.httpGet!;
    const host = get.host || target.podIP;
    const port = resolvePort(get.port, containerOf(target));
    const scheme = (get.scheme ?? 'HTTP').toLowerCase();
    const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
    const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.33', Accept: '*/*' };
    for (const h of get.httpHeaders ?? []) headers[h.name] = h.value;
    const request = scheme === 'https' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = request(url, { method: 'GET', headers, timeout: timeoutS * 1000, rejectUnauthorized: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 400) resolve({ success: true, output: '' });
          else resolve({ success: false, output: `HTTP probe failed with statuscode: ${code}` });
        });
      });
      req.on('timeout', () => {
        req.destroy();
        resolve({ success: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve({ success: false, output: `Get "${url}": dial tcp ${host}:${port}: connect: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}` }));
      req.end();
    });
  }
}
