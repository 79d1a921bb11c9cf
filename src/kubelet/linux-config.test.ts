import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { ContainerConfigError } from './env.js';
import { containerLinuxConfig, containerResources, containerSecurityContext, podCgroupParent, podPortMappings } from './linux-config.js';

const pod = (spec: Partial<NonNullable<IPod['spec']>>): IPod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { containers: [{ name: 'c' }], ...spec } }) as IPod;

test('resources: cpu shares from requests, CFS quota from limits, memory limit in bytes', () => {
  const p = pod({ containers: [{ name: 'c', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } }] });
  const r = containerResources(p, p.spec!.containers[0]);
  assert.equal(r.cpuShares, 256);
  assert.equal(r.cpuPeriod, 100000);
  assert.equal(r.cpuQuota, 50000);
  assert.equal(r.memoryLimitInBytes, 128 * 1024 * 1024);
  const best = pod({});
  assert.equal(containerResources(best, best.spec!.containers[0]).cpuShares, 2);
  assert.equal(containerResources(best, best.spec!.containers[0]).oomScoreAdj, 1000);
});

test('security context: the container overrides the pod; runAsNonRoot without a user is refused', () => {
  const p = pod({ securityContext: { runAsUser: 1000, runAsGroup: 2000, fsGroup: 3000, supplementalGroups: [4000] }, containers: [{ name: 'c', securityContext: { runAsUser: 1001, allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } }] });
  const sc = containerSecurityContext(p, p.spec!.containers[0]);
  assert.equal(sc.runAsUser, 1001);
  assert.equal(sc.runAsGroup, 2000);
  assert.deepEqual(sc.supplementalGroups, [4000, 3000]);
  assert.equal(sc.noNewPrivs, true);
  assert.deepEqual(sc.capabilities, { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] });
  assert.ok(sc.maskedPaths?.includes('/proc/kcore'));
  const nonRoot = pod({ securityContext: { runAsNonRoot: true } });
  assert.throws(() => containerSecurityContext(nonRoot, nonRoot.spec!.containers[0]), ContainerConfigError);
});

test('sandbox: cgroup parent by QoS, host ports', () => {
  assert.equal(podCgroupParent(pod({})), '/kubepods/besteffort/podu1');
  assert.deepEqual(podPortMappings(pod({ containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] }] })), [{ protocol: 'TCP', containerPort: 80, hostPort: 8080 }]);
});

test('an ephemeral container with a target joins its PID namespace unless the pod shares one', () => {
  const p = pod({});
  const c = p.spec!.containers[0];
  assert.deepEqual(containerLinuxConfig(p, c, 'target-id').securityContext?.namespaceOptions, { network: 'POD', pid: 'TARGET', ipc: 'POD', targetId: 'target-id' });
  assert.equal(containerLinuxConfig(p, c).securityContext?.namespaceOptions?.pid, 'CONTAINER');
  const shared = pod({ shareProcessNamespace: true });
  assert.equal(containerLinuxConfig(shared, shared.spec!.containers[0], 'target-id').securityContext?.namespaceOptions?.pid, 'POD');
});
