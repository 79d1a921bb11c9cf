import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeFieldValue, everythingFields, fieldSelectorFromSet, parseFieldSelector, unescapeFieldValue } from './fields.js';

test('parses and prints field selectors in sorted term order', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['metadata.name=web', 'metadata.name=web'],
    ['metadata.name==web', 'metadata.name=web'],
    ['status.phase!=Running', 'status.phase!=Running'],
    ['spec.nodeName=n1,metadata.namespace=default', 'metadata.namespace=default,spec.nodeName=n1'],
    ['a=,b=x', 'a=,b=x'],
    ['a=x\\,y\\=z\\\\', 'a=x\\,y\\=z\\\\'],
    [',a=b,', 'a=b'],
  ];
  for (const [input, output] of cases) assert.equal(parseFieldSelector(input).toString(), output, input);
  assert.deepEqual(parseFieldSelector('a=x\\,y').requirements(), [{ field: 'a', operator: '=', value: 'x,y' }]);
});

test('parse errors read like upstream', () => {
  assert.throws(() => parseFieldSelector('foo'), { message: "invalid selector: 'foo'; can't understand 'foo'" });
  assert.throws(() => parseFieldSelector('a=b,c'), { message: "invalid selector: 'a=b,c'; can't understand 'c'" });
  assert.throws(() => parseFieldSelector('a=b=c'), { message: 'invalid field selector: unescaped character in value: 61' });
  assert.throws(() => parseFieldSelector('a=\\x'), { message: 'invalid field selector: invalid escape sequence: \\x' });
  assert.throws(() => parseFieldSelector('a=x\\'), { message: 'invalid field selector: invalid escape sequence: \\' });
});

test('matches field values; missing fields read as empty', () => {
  const fields = { 'metadata.name': 'web', 'status.phase': 'Running' };
  assert.equal(parseFieldSelector('metadata.name=web').matches(fields), true);
  assert.equal(parseFieldSelector('metadata.name=db').matches(fields), false);
  assert.equal(parseFieldSelector('status.phase!=Pending,metadata.name=web').matches(fields), true);
  assert.equal(parseFieldSelector('spec.nodeName=').matches(fields), true);
  assert.equal(parseFieldSelector('spec.nodeName!=').matches(fields), false);
  assert.equal(everythingFields().matches(fields), true);
  assert.equal(everythingFields().empty(), true);
});

test('exact matches, sets, transforms and escaping', () => {
  const s = parseFieldSelector('spec.nodeName=n1,status.phase!=Failed');
  assert.equal(s.requiresExactMatch('spec.nodeName'), 'n1');
  assert.equal(s.requiresExactMatch('status.phase'), undefined);
  assert.equal(fieldSelectorFromSet({ b: '1', a: 'x,y' }).toString(), 'a=x\\,y,b=1');
  assert.equal(s.transform((f, v) => [f === 'spec.nodeName' ? 'spec.host' : f, v]).toString(), 'spec.host=n1,status.phase!=Failed');
  assert.equal(escapeFieldValue('a\\b,c=d'), 'a\\\\b\\,c\\=d');
  assert.equal(unescapeFieldValue('a\\\\b\\,c\\=d'), 'a\\b,c=d');
});
