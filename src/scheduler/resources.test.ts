import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MEMORY_REQUEST, podRequests } from './resources.js';
import { makePod } from './testing.js';

test('podRequests: containers add up, the largest init container wins if larger, overhead adds', () => {
  const pod = makePod('p', {
    containers: [
      { name: 'a', resources: { requests: { cpu: '100m', memory: '1Gi' } } },
      { name: 'b', resources: { requests: { cpu: '200m', 'example.com/gpu': '1' } } },
    ],
    spec: {
      initContainers: [{ name: 'i', resources: { requests: { cpu: '500m', memory: '10Mi' } } }],
      overhead: { cpu: '10m' },
    },
  });
  const r = podRequests(pod);
  assert.equal(r.milliCPU, 510);
  assert.equal(r.memory, 1024 ** 3);
  assert.equal(r.scalar.get('example.com/gpu'), 1);
});

test('podRequests: sidecar init containers run for the pod life and beside later init containers', () => {
  const pod = makePod('p', {
    containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }],
    spec: {
      initContainers: [
        { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } },
        { name: 'init', resources: { requests: { cpu: '250m' } } },
      ],
    },
  });
  // running: 100 + 200 = 300; init phase: 250 + 200 = 450
  assert.equal(podRequests(pod).milliCPU, 450);
});

test('podRequests: non-zero view counts unset cpu and memory as 100m / 200Mi', () => {
  const pod = makePod('p', {});
  const r = podRequests(pod, true);
  assert.equal(r.milliCPU, 100);
  assert.equal(r.memory, DEFAULT_MEMORY_REQUEST);
  assert.equal(podRequests(pod).milliCPU, 0);
});
