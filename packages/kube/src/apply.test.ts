/** `holds`, the comparison behind `skipUnchanged`: a table of live objects against wanted fields. */
import { describe, expect, it } from 'vitest';
import { holds } from './apply.ts';

describe('holds', () => {
  it.each([
    ['equal scalars', 'a', 'a', true],
    ['different scalars', 'a', 'b', false],
    ['number and string', 1, '1', false],
    ['extra live keys', { a: 1, b: 2 }, { a: 1 }, true],
    ['missing live key', { a: 1 }, { a: 1, b: 2 }, false],
    [
      'nested extra keys',
      { m: { l: { x: '1', y: '2' }, rv: '9' } },
      { m: { l: { x: '1' } } },
      true,
    ],
    ['nested difference', { m: { l: { x: '1' } } }, { m: { l: { x: '2' } } }, false],
    ['equal lists', { l: ['a', 'b'] }, { l: ['a', 'b'] }, true],
    ['list order', { l: ['b', 'a'] }, { l: ['a', 'b'] }, false],
    ['longer live list', { l: ['a', 'b', 'c'] }, { l: ['a', 'b'] }, false],
    ['list items compared whole', { l: [{ a: 1, b: 2 }] }, { l: [{ a: 1 }] }, false],
    ['undefined wanted field ignored', { a: 1 }, { a: 1, b: undefined }, true],
    ['object against null', null, { a: 1 }, false],
    ['object against list', [1], { 0: 1 }, false],
    ['empty wanted object', { a: 1 }, {}, true],
    ['null wanted', { a: null }, { a: null }, true],
  ])('%s', (_name, live, wanted, expected) => {
    expect(holds(live, wanted)).toBe(expected);
  });
});
