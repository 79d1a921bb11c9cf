import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchedulerCache } from '../cache.js';
import { Code, CycleState } from '../framework.js';
import { NodeInfo } from '../nodeinfo.js';
import { PodInfo } from '../podinfo.js';
import { makeNode, makePod } from '../testing.js';
import { ImageLocality } from './imagelocality.js';
import { NodeResourcesBalancedAllocation, NodeResourcesFit } from './noderesources.js';

const state = new CycleState(new SchedulerCache());

test('NodeResourcesFit filter: cpu, memory, extended resources and pod count against allocatable minus requested', () => {
  const plugin = new NodeResourcesFit();
  const node = new NodeInfo(makeNode('a', { cpu: '2', memory: '4Gi', pods: '2', extra: { 'example.com/gpu': '1' } }));
  node.addPod(makePod('x', { cpu: '1500m', memory: '1Gi', nodeName: 'a' }));
  assert.equal(plugin.filter(state, new PodInfo(makePod('fits', { cpu: '500m', memory: '3Gi' })), node), undefined);
  const s = plugin.filter(state, new PodInfo(makePod('big', { cpu: '1', memory: '4Gi' })), node);
  assert.equal(s?.code, Code.Unschedulable);
  assert.deepEqual(s?.reasons, ['Insufficient cpu', 'Insufficient memory']);
  const gpu = makePod('gpu', { containers: [{ name: 'c', resources: { requests: { 'example.com/gpu': '2' } } }] });
  assert.deepEqual(plugin.filter(state, new PodInfo(gpu), node)?.reasons, ['Insufficient example.com/gpu']);
  const other = makePod('fpga', { containers: [{ name: 'c', resources: { requests: { 'example.com/fpga': '1' } } }] });
  assert.deepEqual(plugin.filter(state, new PodInfo(other), node)?.reasons, ['Insufficient example.com/fpga']);
  node.addPod(makePod('y', { nodeName: 'a' }));
  assert.deepEqual(plugin.filter(state, new PodInfo(makePod('third')), node)?.reasons, ['Too many pods']);
});

test('NodeResourcesFit filter: init containers and overhead count', () => {
  const plugin = new NodeResourcesFit();
  const node = new NodeInfo(makeNode('a', { cpu: '1' }));
  const init = makePod('init', { cpu: '100m', spec: { initContainers: [{ name: 'i', resources: { requests: { cpu: '2' } } }] } });
  assert.deepEqual(plugin.filter(state, new PodInfo(init), node)?.reasons, ['Insufficient cpu']);
  const overhead = makePod('oh', { cpu: '900m', spec: { overhead: { cpu: '200m' } } });
  assert.deepEqual(plugin.filter(state, new PodInfo(overhead), node)?.reasons, ['Insufficient cpu']);
});

test('NodeResourcesFit score (LeastAllocated): emptier nodes score higher, unset requests count as defaults', () => {
  const plugin = new NodeResourcesFit();
  const empty = new NodeInfo(makeNode('a', { cpu: '4', memory: '8Gi' }));
  const busy = new NodeInfo(makeNode('b', { cpu: '4', memory: '8Gi' }));
  busy.addPod(makePod('x', { cpu: '2', memory: '4Gi', nodeName: 'b' }));
  const pod = new PodInfo(makePod('p', { cpu: '1', memory: '2Gi' }));
  assert.equal(plugin.score(state, pod, empty), 75);
  assert.equal(plugin.score(state, pod, busy), 25);
  // 100m of 4 cpu and 200Mi of 8Gi for a pod without requests
  assert.equal(plugin.score(state, new PodInfo(makePod('none')), empty), Math.trunc((97 + 97) / 2));
});

test('NodeResourcesBalancedAllocation: equal cpu and memory fractions score 100', () => {
  const plugin = new NodeResourcesBalancedAllocation();
  const node = new NodeInfo(makeNode('a', { cpu: '4', memory: '8Gi' }));
  assert.equal(plugin.score(state, new PodInfo(makePod('p', { cpu: '2', memory: '4Gi' })), node), 100);
  assert.equal(plugin.score(state, new PodInfo(makePod('q', { cpu: '4', memory: '0' })), node), 50);
});

test('ImageLocality: nodes that have the image score higher, scaled by spread', () => {
  const cache = new SchedulerCache();
  const big = 500 * 1024 * 1024;
  cache.addOrUpdateNode(makeNode('a', { images: [{ names: ['docker.io/app:1'], sizeBytes: big }] }));
  cache.addOrUpdateNode(makeNode('b'));
  const s = new CycleState(cache);
  const plugin = new ImageLocality();
  const pod = new PodInfo(makePod('p', { containers: [{ name: 'c', image: 'docker.io/app:1' }] }));
  assert.equal(plugin.preScore(s, pod), undefined);
  const a = plugin.score(s, pod, cache.get('a') as NodeInfo);
  const b = plugin.score(s, pod, cache.get('b') as NodeInfo);
  assert.ok(a > b, `${a} > ${b}`);
  assert.equal(b, 0);
  const other = new PodInfo(makePod('q', { containers: [{ name: 'c', image: 'nowhere:1' }] }));
  assert.equal(plugin.preScore(new CycleState(cache), other)?.code, 'Skip');
});
