import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStrictJson, syntaxErrorAt } from './strict-json.ts';

/** V8's verdict: undefined for valid JSON, else the position its message names (or -1). */
function v8(text: string): number | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    return at === undefined ? -1 : Number(at);
  }
}

describe('syntaxErrorAt: where JSON stops, the same on every JavaScript engine', () => {
  it.each([
    ['{"a":1,}', 7],
    ['{"a" 1}', 5],
    ['[1,2', 4],
    ['tru', 3],
    ['"\\x"', 2],
    ['"\\u12G4"', 5],
    ['01', 1],
    ['{} x', 3],
    ['-x', 1],
    ['"a\nb"', 2],
  ])('%j fails at %i', (text, at) => {
    expect(syntaxErrorAt(text)).toBe(at);
  });

  it('agrees with V8 on validity, and on the position wherever V8 names one (5,000 mutated texts)', () => {
    const mutated = fc
      .tuple(
        fc.jsonValue({ maxDepth: 4 }),
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'replace'),
        fc.constantFrom(
          ',',
          ':',
          '{',
          '}',
          '[',
          ']',
          '"',
          '\\',
          ' ',
          '0',
          '-',
          'e',
          '.',
          't',
          'f',
          'n',
        ),
      )
      .map(([value, at, how, c]) => {
        const text = JSON.stringify(value);
        const i = at % (text.length + 1);
        return how === 'insert'
          ? text.slice(0, i) + c + text.slice(i)
          : how === 'delete'
            ? text.slice(0, i) + text.slice(i + 1)
            : text.slice(0, i) + c + text.slice(i + 1);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        const theirs = v8(text);
        const ours = syntaxErrorAt(text);
        if (theirs === undefined) return ours === text.length;
        // Invalid: ours names a place inside the text, or its end when the text ends early.
        return theirs === -1 ? ours <= text.length : ours === theirs;
      }),
      { numRuns: 5000 },
    );
  });

  it('parseStrictJson says where, never what', () => {
    expect(parseStrictJson('{"token":"s3cret",}')).toEqual({
      ok: false,
      error: 'a syntax error at position 18',
    });
    expect(parseStrictJson('{"token":"s3cret"')).toEqual({
      ok: false,
      error: 'a syntax error (the text ends early)',
    });
  });
});
