// Probes of simulated containers: they pass unless the pod's
// k8ts.io/simulate-probe-fail annotation names their kind; exec probes also
// fail when the simulated command exits non-zero (`false`, `exit 1`).
import type { IHTTPGetAction } from 'kubernetes-models/v1/HTTPGetAction';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ProbeHandler, ProbeOutcome, ProbeTarget, ProbeType } from '../../prober.js';
import type { SimulatedRuntime } from './runtime.js';

function portOf(port: unknown): string {
  return typeof port === 'number' || typeof port === 'string' ? String(port) : '';
}

export class SimulatedProbeHandler implements ProbeHandler {
  constructor(private readonly runtime: SimulatedRuntime) {}

  async run(type: ProbeType, probe: IProbe, target: ProbeTarget): Promise<ProbeOutcome> {
    const passes = this.runtime.probeSucceeds(target.containerId, type);
    if (probe.exec) {
      if (!passes) return { success: false, output: `simulated ${type} probe failure` };
      const r = await this.runtime.execSync(target.containerId, probe.exec.command ?? []);
      return { success: r.exitCode === 0, output: r.stdout + r.stderr };
    }
    if (passes) return { success: true, output: '' };
    if (probe.httpGet) return { success: false, output: 'HTTP probe failed with statuscode: 500' };
    if (probe.tcpSocket) return { success: false, output: `dial tcp ${target.podIP}:${portOf(probe.tcpSocket.port)}: connect: connection refused` };
    return { success: false, output: 'service unhealthy (responded with "NOT_SERVING")' };
  }

  /** Simulated pods answer every request. */
  async hookHttpGet(_action: IHTTPGetAction, _target: ProbeTarget, _timeoutSeconds: number): Promise<string | undefined> {
    return undefined;
  }
}
