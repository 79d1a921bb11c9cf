import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchedulerCache } from '../cache.js';
import { Code, CycleState } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import { PodInfo } from '../podinfo.js';
import { makeNode, makePod } from '../testing.js';
import type { Pod, PodAffinityTerm } from '../types.js';
import { InterPodAffinity } from './interpodaffinity.js';

function cluster(): SchedulerCache {
  const cache = new SchedulerCache();
  cache.addOrUpdateNode(makeNode('a', { labels: { zone: 'z1' } }));
  cache.addOrUpdateNode(makeNode('b', { labels: { zone: 'z1' } }));
  cache.addOrUpdateNode(makeNode('c', { labels: { zone: 'z2' } }));
  cache.setNamespace('default', {});
  cache.setNamespace('other', { team: 'x' });
  return cache;
}

const term = (app: string, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey, ...extra });

function run(cache: SchedulerCache, pod: Pod): Map<string, string | undefined> {
  const plugin = new InterPodAffinity();
  const state = new CycleState(cache);
  const info = new PodInfo(pod);
  assert.equal(plugin.preFilter(state, info), undefined);
  const out = new Map<string, string | undefined>();
  for (const n of cache.nodeInfos()) {
    const s = plugin.filter(state, info, n);
    out.set(n.name, s ? `${s.code}: ${s.message}` : undefined);
  }
  return out;
}

test('InterPodAffinity: required affinity puts the pod in the topology of matching pods', () => {
  const cache = cluster();
  cache.addOrUpdatePod(makePod('db', { labels: { app: 'db' }, nodeName: 'a' }));
  const pod = makePod('web', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'zone')] } } } });
  const r = run(cache, pod);
  assert.equal(r.get('a'), undefined);
  assert.equal(r.get('b'), undefined);
  assert.equal(r.get('c'), `${Code.UnschedulableAndUnresolvable}: node(s) didn't match pod affinity rules`);
});

test('InterPodAffinity: the first pod of a self-affine group may go anywhere with the topology key', () => {
  const cache = cluster();
  const pod = makePod('first', { labels: { app: 'web' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone')] } } } });
  assert.deepEqual([...run(cache, pod).values()], [undefined, undefined, undefined]);
  const other = makePod('lonely', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone')] } } } });
  assert.equal(run(cache, other).get('a'), `${Code.UnschedulableAndUnresolvable}: node(s) didn't match pod affinity rules`);
});

test('InterPodAffinity: required anti-affinity keeps the pod out of the topology of matching pods', () => {
  const cache = cluster();
  cache.addOrUpdatePod(makePod('web-1', { labels: { app: 'web' }, nodeName: 'a' }));
  const pod = makePod('web-2', { labels: { app: 'web' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'kubernetes.io/hostname')] } } } });
  const r = run(cache, pod);
  assert.equal(r.get('a'), `${Code.Unschedulable}: node(s) didn't match pod anti-affinity rules`);
  assert.equal(r.get('b'), undefined);
});

test("InterPodAffinity: existing pods' anti-affinity rejects the incoming pod", () => {
  const cache = cluster();
  cache.addOrUpdatePod(makePod('loner', { nodeName: 'a', spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone')] } } } }));
  const r = run(cache, makePod('web', { labels: { app: 'web' } }));
  assert.equal(r.get('a'), `${Code.Unschedulable}: node(s) didn't satisfy existing pods anti-affinity rules`);
  assert.equal(r.get('b'), `${Code.Unschedulable}: node(s) didn't satisfy existing pods anti-affinity rules`);
  assert.equal(r.get('c'), undefined);
});

test('InterPodAffinity: namespaces and namespaceSelector choose whose pods count', () => {
  const cache = cluster();
  cache.addOrUpdatePod(makePod('db', { namespace: 'other', labels: { app: 'db' }, nodeName: 'c' }));
  const sameNs = makePod('web', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'zone')] } } } });
  assert.equal(run(cache, sameNs).get('c'), `${Code.UnschedulableAndUnresolvable}: node(s) didn't match pod affinity rules`);
  const named = makePod('web2', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'zone', { namespaces: ['other'] })] } } } });
  assert.equal(run(cache, named).get('c'), undefined);
  const selected = makePod('web3', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'zone', { namespaceSelector: { matchLabels: { team: 'x' } } })] } } } });
  assert.equal(run(cache, selected).get('c'), undefined);
  assert.equal(run(cache, selected).get('a'), `${Code.UnschedulableAndUnresolvable}: node(s) didn't match pod affinity rules`);
});

test('InterPodAffinity score: preferred affinity favours the topology of matching pods, anti-affinity avoids it', () => {
  const cache = cluster();
  cache.addOrUpdatePod(makePod('cache', { labels: { app: 'cache' }, nodeName: 'c' }));
  const plugin = new InterPodAffinity();
  const score = (pod: Pod): number[] => {
    const state = new CycleState(cache);
    const info = new PodInfo(pod);
    const nodes = cache.nodeInfos() as NodeInfo[];
    assert.equal(plugin.preScore(state, info, nodes), undefined);
    const s = nodes.map((n) => plugin.score(state, info, n));
    plugin.normalize(state, info, nodes, s);
    return s;
  };
  const near = makePod('near', { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('cache', 'zone') }] } } } });
  assert.deepEqual(score(near), [0, 0, 100]);
  const far = makePod('far', { spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('cache', 'zone') }] } } } });
  assert.deepEqual(score(far), [100, 100, 0]);
});
