import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchedulerCache } from '../cache.js';
import { Code, CycleState } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import { PodInfo } from '../podinfo.js';
import { makeNode, makePod } from '../testing.js';
import type { Pod, TopologySpreadConstraint } from '../types.js';
import { PodTopologySpread } from './podtopologyspread.js';

function cluster(): SchedulerCache {
  const cache = new SchedulerCache();
  cache.addOrUpdateNode(makeNode('a', { labels: { zone: 'z1' } }));
  cache.addOrUpdateNode(makeNode('b', { labels: { zone: 'z1' } }));
  cache.addOrUpdateNode(makeNode('c', { labels: { zone: 'z2' } }));
  return cache;
}

const spread = (c: Partial<TopologySpreadConstraint>): Pod =>
  makePod('new', { labels: { app: 'web' }, spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...c }] } });

function filter(cache: SchedulerCache, pod: Pod): (string | undefined)[] {
  const plugin = new PodTopologySpread();
  const state = new CycleState(cache);
  const info = new PodInfo(pod);
  plugin.preFilter(state, info);
  return cache.nodeInfos().map((n) => {
    const s = plugin.filter(state, info, n);
    return s ? `${s.code}: ${s.message}` : undefined;
  });
}

const SKEW = `${Code.Unschedulable}: node(s) didn't match pod topology spread constraints`;

test('PodTopologySpread filter: DoNotSchedule keeps the skew between zones within maxSkew', () => {
  const cache = cluster();
  cache.addOrUpdatePod(makePod('w1', { labels: { app: 'web' }, nodeName: 'a' }));
  assert.deepEqual(filter(cache, spread({})), [SKEW, SKEW, undefined]);
  assert.deepEqual(filter(cache, spread({ maxSkew: 2 })), [undefined, undefined, undefined]);
});

test('PodTopologySpread filter: a node without the topology key is unresolvable', () => {
  const cache = cluster();
  cache.addOrUpdateNode(makeNode('d'));
  assert.equal(filter(cache, spread({}))[3], `${Code.UnschedulableAndUnresolvable}: node(s) didn't match pod topology spread constraints (missing required label)`);
});

test('PodTopologySpread filter: minDomains counts missing domains as zero', () => {
  const cache = cluster();
  cache.addOrUpdatePod(makePod('w1', { labels: { app: 'web' }, nodeName: 'a' }));
  cache.addOrUpdatePod(makePod('w2', { labels: { app: 'web' }, nodeName: 'c' }));
  // two domains with one each: fine with default minDomains, too skewed when 3 domains are required
  assert.deepEqual(filter(cache, spread({})), [undefined, undefined, undefined]);
  assert.deepEqual(filter(cache, spread({ minDomains: 3 })), [SKEW, SKEW, SKEW]);
});

test('PodTopologySpread filter: nodeAffinityPolicy Honor ignores domains the pod cannot use; Ignore counts them', () => {
  const cache = cluster();
  cache.addOrUpdatePod(makePod('w1', { labels: { app: 'web' }, nodeName: 'a' }));
  const onlyZ1 = (policy: 'Honor' | 'Ignore'): Pod => ({ ...spread({ nodeAffinityPolicy: policy }), spec: { ...spread({ nodeAffinityPolicy: policy }).spec, nodeSelector: { zone: 'z1' } } });
  // Honor: only z1 counts, so its min is 1 and a second pod there is skew 1
  assert.deepEqual(filter(cache, onlyZ1('Honor')).slice(0, 2), [undefined, undefined]);
  // Ignore: z2 (0 pods) counts, so z1 would be skew 2
  assert.deepEqual(filter(cache, onlyZ1('Ignore')).slice(0, 2), [SKEW, SKEW]);
});

test('PodTopologySpread filter: nodeTaintsPolicy Honor leaves out tainted nodes the pod does not tolerate', () => {
  const cache = cluster();
  cache.addOrUpdateNode(makeNode('c', { labels: { zone: 'z2' }, taints: [{ key: 'x', effect: 'NoSchedule' }] }));
  cache.addOrUpdatePod(makePod('w1', { labels: { app: 'web' }, nodeName: 'a' }));
  assert.deepEqual(filter(cache, spread({ nodeTaintsPolicy: 'Honor' })).slice(0, 2), [undefined, undefined]);
  assert.deepEqual(filter(cache, spread({ nodeTaintsPolicy: 'Ignore' })).slice(0, 2), [SKEW, SKEW]);
});

test('PodTopologySpread score: ScheduleAnyway prefers the emptier domain', () => {
  const cache = cluster();
  cache.addOrUpdatePod(makePod('w1', { labels: { app: 'web' }, nodeName: 'a' }));
  cache.addOrUpdatePod(makePod('w2', { labels: { app: 'web' }, nodeName: 'b' }));
  const plugin = new PodTopologySpread();
  const state = new CycleState(cache);
  const info = new PodInfo(spread({ whenUnsatisfiable: 'ScheduleAnyway' }));
  const nodes = cache.nodeInfos() as NodeInfo[];
  assert.equal(plugin.preScore(state, info, nodes), undefined);
  const scores = nodes.map((n) => plugin.score(state, info, n));
  plugin.normalize(state, info, nodes, scores);
  assert.ok(scores[2] > scores[0], `${scores.join(',')}`);
  assert.equal(scores[2], 100);
});
