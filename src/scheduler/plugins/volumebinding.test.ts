import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchedulerCache } from '../cache.js';
import { Code, CycleState } from '../framework.js';
import { PodInfo } from '../podinfo.js';
import { makePod } from '../testing.js';
import type { PersistentVolumeClaim } from '../types.js';
import { VolumeBinding } from './volumebinding.js';

test('VolumeBinding: pods wait for missing or unbound claims; bound claims pass', () => {
  const claims = new Map<string, PersistentVolumeClaim>([
    ['default/bound', { metadata: { name: 'bound' }, spec: { volumeName: 'pv-1' } }],
    ['default/unbound', { metadata: { name: 'unbound' }, spec: {} }],
  ]);
  const plugin = new VolumeBinding((ns, name) => claims.get(`${ns}/${name}`));
  const state = new CycleState(new SchedulerCache());
  const withClaim = (claimName: string) => new PodInfo(makePod('p', { spec: { volumes: [{ name: 'v', persistentVolumeClaim: { claimName } }] } }));
  assert.equal(plugin.preFilter(state, withClaim('bound')), undefined);
  const unbound = plugin.preFilter(state, withClaim('unbound'));
  assert.equal(unbound?.code, Code.UnschedulableAndUnresolvable);
  assert.equal(unbound?.message, 'pod has unbound immediate PersistentVolumeClaims');
  assert.equal(plugin.preFilter(state, withClaim('missing'))?.message, 'persistentvolumeclaim "missing" not found');
});
