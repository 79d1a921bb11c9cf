import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldPath } from './field.js';
import {
  everything,
  formatLabels,
  labelSelectorAsSelector,
  newRequirement,
  nothing,
  parseSelector,
  selectorFromSet,
  validateLabelSelector,
} from './labels.js';

const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

test('parses the full grammar and prints it back sorted by key', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['x in (b,a)', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x', 'x'],
    ['!x', '!x'],
    ['x>1', 'x>1'],
    ['x<5', 'x<5'],
    ['z=1, a in (x), !b', 'a in (x),!b,z=1'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['x=', 'x='],
    ['x=,y=a', 'x=,y=a'],
    ['in in (in)', 'in in (in)'],
    ['example.com/app = web', 'example.com/app=web'],
    ['  x  ', 'x'],
  ];
  for (const [input, output] of cases) assert.equal(parseSelector(input).toString(), output, input);
});

test('parse errors read like upstream', () => {
  const cases: [string, string][] = [
    ['x=a,', "found '', expected: identifier after ','"],
    [',', "found ',', expected: !, identifier, or 'end of string'"],
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['x (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a b=c', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['x>a', "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"],
    ['x$=a', 'unable to parse requirement: <nil>: Invalid value: "x$": ' + NAME_PART_MSG],
    ['x=a$', `unable to parse requirement: values[0][x]: Invalid value: "a$": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`],
  ];
  for (const [input, message] of cases) assert.throws(() => parseSelector(input), { message }, input);
});

test('matches labels', () => {
  const labels = { app: 'web', tier: 'frontend', rank: '10' };
  const yes = ['', 'app=web', 'app==web', 'app!=db', 'missing!=x', 'tier in (frontend,backend)', 'tier notin (db)', 'missing notin (x)', 'app', '!missing', 'rank>9', 'rank<11', 'app=web,tier'];
  const no = ['app=db', 'app!=web', 'tier in (db)', 'tier notin (frontend)', 'missing', '!app', 'rank>10', 'rank<10', 'app>1', 'missing in (x)', 'missing=x', 'app=web,missing'];
  for (const s of yes) assert.equal(parseSelector(s).matches(labels), true, s);
  for (const s of no) assert.equal(parseSelector(s).matches(labels), false, s);
  assert.equal(parseSelector('x=').matches({ x: '' }), true);
  assert.equal(parseSelector('x=').matches({}), false);
});

test('everything, nothing, sets and exact matches', () => {
  assert.equal(everything().matches({}), true);
  assert.equal(everything().empty(), true);
  assert.equal(nothing().matches({}), false);
  assert.equal(nothing().empty(), false);
  assert.equal(nothing().requirements(), null);
  const s = selectorFromSet({ b: '2', a: '1' });
  assert.equal(s.toString(), 'a=1,b=2');
  assert.equal(s.requiresExactMatch('a'), '1');
  assert.equal(parseSelector('a in (x)').requiresExactMatch('a'), 'x');
  assert.equal(parseSelector('a in (x,y)').requiresExactMatch('a'), undefined);
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
});

test('newRequirement validates', () => {
  assert.throws(() => newRequirement('x', 'in', []), {
    message: "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
  });
  assert.throws(() => newRequirement('x', '=', ['a', 'b']), {
    message: 'values: Invalid value: ["a","b"]: exact-match compatibility requires one single value',
  });
  assert.throws(() => newRequirement('x', 'exists', ['a']), {
    message: 'values: Invalid value: ["a"]: values set must be empty for exists and does not exist',
  });
  assert.throws(() => newRequirement('a b', '=', ['-']), (err: Error) => err.message.startsWith('[key: Invalid value: "a b": name part'));
});

test('LabelSelector conversion', () => {
  assert.equal(labelSelectorAsSelector(undefined).matches({}), false);
  assert.equal(labelSelectorAsSelector({}).matches({ a: 'b' }), true);
  const s = labelSelectorAsSelector({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['frontend', 'cache'] },
      { key: 'canary', operator: 'DoesNotExist' },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'track', operator: 'Exists' },
    ],
  });
  assert.equal(s.toString(), 'app=web,!canary,env notin (dev),tier in (cache,frontend),track');
  assert.equal(s.matches({ app: 'web', tier: 'cache', env: 'prod', track: 'x' }), true);
  assert.equal(s.matches({ app: 'web', tier: 'cache', env: 'prod', track: 'x', canary: 'y' }), false);
  assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Is' }] }), {
    message: '"Is" is not a valid label selector operator',
  });
  assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), {
    message: "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
  });
});

test('validateLabelSelector', () => {
  const path = FieldPath.of('spec', 'selector');
  assert.deepEqual(validateLabelSelector({ matchLabels: { app: 'web' } }, path), []);
  const errs = validateLabelSelector(
    {
      matchLabels: { 'a b': 'x' },
      matchExpressions: [
        { key: 'k', operator: 'In' },
        { key: 'k', operator: 'Exists', values: ['x'] },
        { key: 'k', operator: 'Like' },
        { key: 'k', operator: 'In', values: ['-x'] },
      ],
    },
    path,
  ).map(String);
  assert.equal(errs[0], 'spec.selector.matchLabels: Invalid value: "a b": ' + NAME_PART_MSG);
  assert.equal(errs[1], "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
  assert.equal(errs[2], "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
  assert.equal(errs[3], 'spec.selector.matchExpressions[2].operator: Invalid value: "Like": not a valid selector operator');
  assert.match(errs[4], /^spec\.selector\.matchExpressions\[3\]\.values\[0\]: Invalid value: "-x": a valid label/);
  assert.deepEqual(validateLabelSelector({ matchExpressions: [{ key: 'k', operator: 'In', values: ['-x'] }] }, path, { allowInvalidLabelValueInSelector: true }), []);
});
