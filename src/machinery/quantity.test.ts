import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERR_FORMAT_WRONG, ERR_SUFFIX, Quantity, QuantityError, parseQuantity } from './quantity.js';

test('canonical forms match upstream', () => {
  const cases: [string, string][] = [
    ['0', '0'],
    ['0n', '0'],
    ['0Ki', '0'],
    ['-0', '0'],
    ['000', '0'],
    ['1', '1'],
    ['1n', '1n'],
    ['1u', '1u'],
    ['1m', '1m'],
    ['1k', '1k'],
    ['1M', '1M'],
    ['1G', '1G'],
    ['1T', '1T'],
    ['1P', '1P'],
    ['1E', '1E'],
    ['1Ki', '1Ki'],
    ['1Mi', '1Mi'],
    ['1Gi', '1Gi'],
    ['1Ti', '1Ti'],
    ['1Pi', '1Pi'],
    ['1Ei', '1Ei'],
    ['100m', '100m'],
    ['1500m', '1500m'],
    ['1000m', '1'],
    ['1000', '1k'],
    ['1500000', '1500k'],
    ['1234567', '1234567'],
    ['1024', '1024'],
    ['0.1', '100m'],
    ['0.5', '500m'],
    ['0.01', '10m'],
    ['0.0001', '100u'],
    ['1.5', '1500m'],
    ['1.5k', '1500'],
    ['2.5M', '2500k'],
    ['8Ki', '8Ki'],
    ['1024Ki', '1Mi'],
    ['1025Ki', '1025Ki'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['0.5Ki', '512'],
    ['0.1Ki', '102400m'],
    ['1e3', '1e3'],
    ['1E3', '1E3'],
    ['10e2', '1e3'],
    ['1.5e3', '1500'],
    ['1e-3', '1e-3'],
    ['-1', '-1'],
    ['-100m', '-100m'],
    ['-0.5', '-500m'],
    ['-8Gi', '-8Gi'],
    ['+1', '+1'],
    ['0.0000000001', '1n'],
    ['-0.0000000001', '-1n'],
    ['1e-20', '1e-9'],
    ['1000E', '1e21'],
    ['8Ei', '9223372036854775807'],
    ['9999999999999999999999', '9999999999999999999999'],
    ['123456789012345678901234567890m', '123456789012345678901234567890m'],
  ];
  for (const [input, output] of cases) assert.equal(parseQuantity(input).toString(), output, input);
});

test('invalid quantities carry upstream messages', () => {
  assert.equal(ERR_FORMAT_WRONG, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  for (const s of ['', '1.1.1', 'abc', '1 ', ' 1', '1i1b', 'x1']) assert.throws(() => parseQuantity(s), { message: ERR_FORMAT_WRONG }, s);
  for (const s of ['1ki', '1K', '1Gi1', '1e', '1m3', '1iE']) assert.throws(() => parseQuantity(s), { message: ERR_SUFFIX }, s);
});

test('comparison, arithmetic and scaled values', () => {
  const q = parseQuantity;
  assert.equal(q('1').cmp(q('1000m')), 0);
  assert.equal(q('1Ki').cmp(q('1k')), 1);
  assert.equal(q('-1').cmp(q('1m')), -1);
  assert.equal(q('1e21').cmp(q('999E')), 1);
  assert.ok(q('2Gi').equals(q('2048Mi')));
  assert.equal(q('1').add(q('500m')).toString(), '1500m');
  assert.equal(q('1Gi').add(q('1Gi')).toString(), '2Gi');
  assert.equal(q('0').add(q('1Gi')).format, 'BinarySI');
  assert.equal(q('1').sub(q('1500m')).toString(), '-500m');
  assert.equal(q('1Gi').neg().toString(), '-1Gi');
  assert.equal(q('1.5').milliValue(), 1500);
  assert.equal(q('1.5').value(), 2);
  assert.equal(q('100m').value(), 1);
  assert.equal(q('1n').milliValue(), 1);
  assert.equal(q('1Gi').value(), 1073741824);
  assert.equal(q('-1.5').value(), -2);
  assert.equal(q('250m').asApproximateFloat64(), 0.25);
});

test('constructors and JSON', () => {
  assert.equal(Quantity.milli(1500).toString(), '1500m');
  assert.equal(Quantity.of(5 * 1024 * 1024, 'BinarySI').toString(), '5Mi');
  assert.equal(Quantity.of(3, 'DecimalSI', 3).toString(), '3k');
  assert.equal(Quantity.fromJSON(' 100m ').toString(), '100m');
  assert.equal(Quantity.fromJSON(2).toString(), '2');
  assert.equal(Quantity.fromJSON(0.5).toString(), '500m');
  assert.equal(JSON.stringify({ cpu: parseQuantity('0.5') }), '{"cpu":"500m"}');
  assert.throws(() => Quantity.fromJSON(true), { message: ERR_FORMAT_WRONG });
});

test('parsed values and formats agree with the upstream parse table', () => {
  const table: [string, bigint, number, string][] = [
    ['0Ki', 0n, 0, 'BinarySI'],
    ['7Mi', 7n * 1024n ** 2n, 0, 'BinarySI'],
    ['3Ei', 3n * 1024n ** 6n, 0, 'BinarySI'],
    ['100Ti', 100n * 1024n ** 4n, 0, 'BinarySI'],
    ['5n', 5n, -9, 'DecimalSI'],
    ['50k', 5n, 4, 'DecimalSI'],
    ['300T', 3n, 14, 'DecimalSI'],
    ['1E-3', 1n, -3, 'DecimalExponent'],
    ['1E18', 1n, 18, 'DecimalExponent'],
    ['100.035k', 100035n, 0, 'DecimalSI'],
    ['0.0005k', 5n, -1, 'DecimalSI'],
    ['0.00500', 5n, -3, 'DecimalSI'],
    ['0.5e-2', 5n, -3, 'DecimalExponent'],
    ['1.3E+6', 13n, 5, 'DecimalExponent'],
    ['6.987654321G', 6987654321n, 0, 'DecimalSI'],
    ['1.01E', 101n, 16, 'DecimalSI'],
    ['3.001n', 4n, -9, 'DecimalSI'],
    ['1.1E-9', 2n, -9, 'DecimalExponent'],
    ['0.00000000050', 1n, -9, 'DecimalSI'],
    ['0.00000012354', 124n, -9, 'DecimalSI'],
    ['9Ei', 2n ** 63n - 1n, 0, 'BinarySI'],
    ['9223372036854775807Ki', 2n ** 63n - 1n, 0, 'BinarySI'],
    ['12E', 12n, 18, 'DecimalSI'],
    ['100.035Ki', 10243584n, -2, 'BinarySI'],
    ['0.5Mi', 524288n, 0, 'BinarySI'],
    ['0.025Ti', 274877906944n, -1, 'BinarySI'],
    ['0.000000000001Ki', 2n, -9, 'DecimalSI'],
    ['.001', 1n, -3, 'DecimalSI'],
    ['.0001k', 100n, -3, 'DecimalSI'],
    ['1.', 1n, 0, 'DecimalSI'],
    ['1.G', 1n, 9, 'DecimalSI'],
  ];
  for (const [input, unscaled, exp, format] of table) {
    for (const [prefix, sign] of [['', 1n], ['+', 1n], ['-', -1n]] as const) {
      const got = parseQuantity(prefix + input);
      assert.equal(got.cmp(new Quantity({ unscaled: sign * unscaled, exp }, 'DecimalSI')), 0, prefix + input);
      assert.equal(got.format, format, prefix + input);
    }
  }
  for (const bad of ['1.1.M', '1+1.0M', '0.1mi', '0.1am', 'aoeu', '.5i', '1i', '-3.01i', '-3.01e-', ' 1', '1 ']) {
    assert.throws(() => parseQuantity(bad), QuantityError, bad);
  }
});
