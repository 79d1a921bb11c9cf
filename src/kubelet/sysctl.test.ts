import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { normalizeSysctlName, sysctlAdmission } from './sysctl.js';

const pod = (sysctls: Record<string, string>, spec: object = {}): IPod =>
  ({ metadata: { name: 'p' }, spec: { containers: [], ...spec, securityContext: { sysctls: Object.entries(sysctls).map(([name, value]) => ({ name, value })) } } }) as unknown as IPod;

test('safe sysctls are admitted; unsafe ones only when the node allows them', () => {
  const admit = sysctlAdmission();
  assert.equal(admit(pod({})), undefined);
  assert.equal(admit(pod({ 'kernel.shm_rmid_forced': '1', 'net.ipv4.ip_local_port_range': '1024 65000' })), undefined);
  assert.equal(admit(pod({ 'kernel.shm_rmid_forced': '1', 'kernel.msgmax': '10000' })), 'forbidden sysctl: "kernel.msgmax" not allowlisted');
  const allowing = sysctlAdmission(['kernel.msg*', 'net.core.somaxconn']);
  assert.equal(allowing(pod({ 'kernel.msgmax': '10000', 'kernel.msgmnb': '1', 'net.core.somaxconn': '1024' })), undefined);
  assert.equal(allowing(pod({ 'net.core.rmem_max': '1' })), 'forbidden sysctl: "net.core.rmem_max" not allowlisted');
});

test('network and IPC sysctls are refused to pods sharing the host namespace', () => {
  const admit = sysctlAdmission();
  assert.equal(admit(pod({ 'net.ipv4.ip_local_port_range': '1024 65000' }, { hostNetwork: true })), 'forbidden sysctl: "net.ipv4.ip_local_port_range" not allowed with host net enabled');
  assert.equal(admit(pod({ 'kernel.shm_rmid_forced': '1' }, { hostIPC: true })), 'forbidden sysctl: "kernel.shm_rmid_forced" not allowed with host ipc enabled');
  assert.equal(admit(pod({ 'kernel.shm_rmid_forced': '1' }, { hostNetwork: true })), undefined);
});

test('slash-separated names are the same sysctls', () => {
  assert.equal(normalizeSysctlName('net/ipv4/ip_local_port_range'), 'net.ipv4.ip_local_port_range');
  assert.equal(normalizeSysctlName('net/ipv4/conf/eno2.100/rp_filter'), 'net.ipv4.conf.eno2/100.rp_filter');
  assert.equal(normalizeSysctlName('net.ipv4.conf.eno2/100.rp_filter'), 'net.ipv4.conf.eno2/100.rp_filter');
  assert.equal(sysctlAdmission()(pod({ 'kernel/shm_rmid_forced': '1' })), undefined);
});

test('an allowed unsafe sysctl that is not namespaced stops the kubelet from starting', () => {
  assert.throws(() => sysctlAdmission(['kernel.panic']), /not known to be namespaced/);
  assert.throws(() => sysctlAdmission(['vm.*']), /not known to be namespaced/);
});
