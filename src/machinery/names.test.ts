import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateName } from './names.js';
import { isDNS1123Label } from './validation.js';

test('generated names keep the prefix and add five safe characters', () => {
  const name = generateName('web-');
  assert.match(name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(isDNS1123Label(name), []);
  assert.equal(generateName('web-', () => 0), 'web-bbbbb');
  assert.equal(generateName('x'.repeat(70), () => 0.999).length, 63);
});
