// The committed tables are exactly what the bundled kubectl 1.33 binary says about the wire format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { kubectlPath } from '../../../../test/helpers/kubectl.js';
import { packages } from '../schema/index.js';
import { extractTables } from './extract-tables.js';

test('the schema tables match the descriptors and struct tags in kubectl', () => {
  const tables = extractTables(readFileSync(kubectlPath()));
  for (const pkg of packages) {
    const committed = Object.entries(pkg.messages).map(([name, spec]) => [name, spec.split(/\s+/).filter(Boolean)]);
    const extracted = [...tables.get(pkg.name)!];
    assert.deepEqual(Object.fromEntries(committed), Object.fromEntries(extracted), pkg.name);
  }
});
