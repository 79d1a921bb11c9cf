import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { downwardAPIPlugin, formatMap, goQuote } from './downward-api.js';
import { hostContext, memorySources, mountedFsType, podWith, removeRoot, tempRoot } from './testing.js';

const root = tempRoot('k8ts-downward');
after(() => removeRoot(root));

test('labels and annotations are sorted key="value" lines, Go-quoted', () => {
  assert.equal(formatMap({ b: '2', a: 'x"y', c: 'line\nbreak' }), 'a="x\\"y"\nb="2"\nc="line\\nbreak"');
  assert.equal(goQuote('tab\there\\'), '"tab\\there\\\\"');
  assert.equal(formatMap({}), '');
});

test('pod fields and resources become files on a tmpfs', async () => {
  const pod = podWith(
    [
      {
        name: 'podinfo',
        downwardAPI: {
          defaultMode: 0o400,
          items: [
            { path: 'podname', fieldRef: { fieldPath: 'metadata.name' } },
            { path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } },
            { path: 'uid', fieldRef: { fieldPath: 'metadata.uid' } },
            { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
            { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' }, mode: 0o644 },
            { path: 'app', fieldRef: { fieldPath: "metadata.labels['app']" } },
            { path: 'cpu_limit', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu' } },
            { path: 'cpu_request_m', resourceFieldRef: { containerName: 'c', resource: 'requests.cpu', divisor: '1m' } },
            { path: 'mem_limit_mi', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
          ],
        },
      },
    ],
    {},
    { labels: { app: 'web', tier: 'front' } },
  );
  pod.spec!.containers[0].resources = { limits: { cpu: '1250m' }, requests: { cpu: '250m' } };
  const ctx = hostContext(pod, memorySources(), join(root, 'podinfo'));
  assert.deepEqual(await downwardAPIPlugin.setUp(ctx), { path: ctx.dir, readOnly: true });
  const read = (f: string) => readFileSync(join(ctx.dir, f), 'utf8');
  assert.equal(mountedFsType(ctx.dir), 'tmpfs');
  assert.equal(read('podname'), 'web');
  assert.equal(read('namespace'), 'default');
  assert.equal(read('uid'), 'uid-1');
  assert.equal(read('labels'), 'app="web"\ntier="front"');
  assert.equal(read('annotations'), 'note="hi"');
  assert.equal(read('app'), 'web');
  assert.equal(read('cpu_limit'), '2');
  assert.equal(read('cpu_request_m'), '250');
  // No memory limit: the node's allocatable (8Gi) in MiB.
  assert.equal(read('mem_limit_mi'), '8192');
  assert.equal(statSync(join(ctx.dir, 'podname')).mode & 0o777, 0o400);
  assert.equal(statSync(join(ctx.dir, 'annotations')).mode & 0o777, 0o644);
});
