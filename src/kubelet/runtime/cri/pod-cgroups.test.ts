// Pod cgroup removal over a directory tree laid out as cgroup v1 and v2 mounts.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../../../test/helpers/tmp.js';
import { removePodCgroups } from './pod-cgroups.js';

const UID = '5f0c1a2b-0000-4000-8000-000000000001';
const OTHER = '5f0c1a2b-0000-4000-8000-000000000002';

test('v1: pod<uid> goes from every controller and QoS class, with the containers\' leftovers; other pods stay', () => {
  const root = tempDir('cgroups-v1');
  for (const h of ['memory', 'pids', 'cpu']) {
    mkdirSync(join(root, h, 'kubepods', 'besteffort', `pod${UID}`, 'c0ffee'), { recursive: true });
    mkdirSync(join(root, h, 'kubepods', 'burstable', `pod${OTHER}`), { recursive: true });
  }
  mkdirSync(join(root, 'memory', 'kubepods', `pod${UID}`), { recursive: true });
  symlinkSync(join(root, 'cpu'), join(root, 'cpu,cpuacct'));
  assert.deepEqual(removePodCgroups(UID, root), []);
  for (const h of ['memory', 'pids', 'cpu']) {
    assert.equal(existsSync(join(root, h, 'kubepods', 'besteffort', `pod${UID}`)), false, h);
    assert.equal(existsSync(join(root, h, 'kubepods', 'burstable', `pod${OTHER}`)), true, h);
  }
  assert.equal(existsSync(join(root, 'memory', 'kubepods', `pod${UID}`)), false);
});

test('v2: the one unified hierarchy; a directory that cannot go is reported', () => {
  const root = tempDir('cgroups-v2');
  writeFileSync(join(root, 'cgroup.controllers'), 'cpu memory pids\n');
  mkdirSync(join(root, 'kubepods', 'burstable', `pod${UID}`, 'abc'), { recursive: true });
  // A plain file stands in for a process still in the cgroup: rmdir fails.
  writeFileSync(join(root, 'kubepods', 'burstable', `pod${UID}`, 'abc', 'busy'), '');
  const busy = removePodCgroups(UID, root);
  assert.equal(busy.length, 2);
  assert.match(busy[0], /abc: ENOTEMPTY$/);
  assert.deepEqual(removePodCgroups('../../etc', root), []);
});
