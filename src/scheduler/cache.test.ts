import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchedulerCache } from './cache.js';
import { makeNode, makePod } from './testing.js';

test('SchedulerCache: assumed pods count on their node at once and are forgotten on failure', () => {
  const cache = new SchedulerCache();
  cache.addOrUpdateNode(makeNode('n1', { cpu: '2' }));
  const pod = makePod('p', { cpu: '1500m', nodeName: 'n1' });
  cache.assumePod(pod);
  assert.equal(cache.get('n1')?.requested.milliCPU, 1500);
  assert.equal(cache.isAssumed(pod.metadata.uid ?? ''), true);
  cache.forgetPod(pod.metadata.uid ?? '');
  assert.equal(cache.get('n1')?.requested.milliCPU, 0);
});

test('SchedulerCache: the informer confirms an assumed pod without counting it twice', () => {
  const cache = new SchedulerCache();
  cache.addOrUpdateNode(makeNode('n1'));
  const pod = makePod('p', { cpu: '1', nodeName: 'n1' });
  cache.assumePod(pod);
  cache.addOrUpdatePod(pod);
  assert.equal(cache.get('n1')?.pods.length, 1);
  assert.equal(cache.isAssumed(pod.metadata.uid ?? ''), false);
  cache.removePod(pod.metadata.uid ?? '');
  assert.equal(cache.get('n1')?.pods.length, 0);
});

test('SchedulerCache: pods on a node seen before the node are kept; deleted nodes leave the list', () => {
  const cache = new SchedulerCache();
  cache.addOrUpdatePod(makePod('p', { cpu: '1', nodeName: 'late' }));
  assert.equal(cache.nodeInfos().length, 0);
  cache.addOrUpdateNode(makeNode('late'));
  assert.equal(cache.nodeInfos().length, 1);
  assert.equal(cache.get('late')?.requested.milliCPU, 1000);
  cache.removeNode('late');
  assert.equal(cache.nodeInfos().length, 0);
});

test('SchedulerCache: image counts across nodes for ImageLocality', () => {
  const cache = new SchedulerCache();
  cache.addOrUpdateNode(makeNode('a', { images: [{ names: ['nginx:1.0'], sizeBytes: 100 }] }));
  cache.addOrUpdateNode(makeNode('b', { images: [{ names: ['nginx:1.0', 'redis'], sizeBytes: 200 }] }));
  assert.equal(cache.imageNumNodes('nginx:1.0'), 2);
  assert.equal(cache.imageNumNodes('redis:latest'), 1);
  assert.equal(cache.imageSize('b', 'redis:latest'), 200);
});
