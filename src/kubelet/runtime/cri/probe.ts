// Probes of real containers (upstream pkg/kubelet/prober): exec through CRI
// ExecSync; httpGet, tcpSocket and grpc from the node to the pod IP (or the given host).
import { connect } from 'node:net';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IHTTPGetAction } from 'kubernetes-models/v1/HTTPGetAction';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { probeGrpc } from '../../grpc-probe.js';
import { dialError, httpGetRequest, resolvePort, sendHttpGet } from '../../http-get.js';
import type { ProbeHandler, ProbeOutcome, ProbeTarget, ProbeType } from '../../prober.js';
import type { RuntimeService } from '../types.js';

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
    if (probe.httpGet) return this.http(probe.httpGet, target, timeoutS);
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
        s.once('error', (err: NodeJS.ErrnoException) => resolve({ success: false, output: dialError(host, port, err) }));
      });
    }
    if (probe.grpc) return probeGrpc(target.podIP, probe.grpc.port, probe.grpc.service ?? '', timeoutS);
    return { success: false, output: 'missing probe handler' };
  }

  async hookHttpGet(action: IHTTPGetAction, target: ProbeTarget, timeoutSeconds: number): Promise<string | undefined> {
    const r = await sendHttpGet(httpGetRequest(action, containerOf(target), target.podIP, 'lifecycle'), timeoutSeconds * 1000);
    return 'error' in r ? r.error : undefined;
  }

  private async http(get: IHTTPGetAction, target: ProbeTarget, timeoutS: number): Promise<ProbeOutcome> {
    const r = await sendHttpGet(httpGetRequest(get, containerOf(target), target.podIP, 'probe'), timeoutS * 1000);
    if ('error' in r) return { success: false, output: r.error };
    if (r.statusCode >= 200 && r.statusCode < 400) return { success: true, output: '' };
    return { success: false, output: `HTTP probe failed with statuscode: ${r.statusCode}` };
  }
}
