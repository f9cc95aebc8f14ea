/**
 * parseYaml against hostile and broken input: each of these took seconds to minutes, gigabytes,
 * or escaped as a raw exception before parseYaml resolved aliases itself and found duplicate keys
 * with a set (issue 11). Behaviour is asserted, never a timing: a quadratic parser fails these by
 * running past the test timeout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidationError, ISSUE_CODES, type ValidationError } from './errors.ts';
import { parseCredentialProviderPackage } from './package-parse.ts';
import { MAX_YAML_BYTES, parseYaml } from './yaml.ts';

function refusal(text: string): ValidationError {
  try {
    parseYaml(text);
  } catch (e) {
    if (isValidationError(e)) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('parseYaml on hostile input', () => {
  it('reads 40,000 aliases of one anchor (280 KB) in one pass', () => {
    const text = `a: &x v\nb: [${Array.from({ length: 40_000 }, () => '*x').join(', ')}]\n`;
    const [doc] = parseYaml(text) as [{ b: string[] }];
    expect(doc.b).toHaveLength(40_000);
    expect(doc.b[39_999]).toBe('v');
  });

  it('refuses a billion-laughs document with excessive_aliases, a line and a column', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`);
    }
    const e = refusal(`${levels.join('\n')}\n`);
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ code: ISSUE_CODES.EXCESSIVE_ALIASES, line: 6 });
    expect(e.issues[0]?.message).toMatch(/^line 6, column \d+: aliases expand this document/);
  });

  it('refuses more than 50,000 lines and list items before parsing', () => {
    const e = refusal(`a: [${Array.from({ length: 50_002 }, () => '1').join(',')}]`);
    expect(e.issues).toEqual([
      {
        path: '',
        code: ISSUE_CODES.TOO_LARGE,
        message: 'has 50001 lines and list items; the limit is 50000, far beyond any manifest',
      },
    ]);
  });

  it('finds 40,000 duplicate keys in one pass, lists 100 and counts the rest', () => {
    const text = Array.from({ length: 40_001 }, () => 'k: v').join('\n');
    const e = refusal(text);
    expect(e.issues).toHaveLength(101);
    expect(e.issues[0]).toMatchObject({ code: ISSUE_CODES.DUPLICATE_FIELD, line: 2, column: 1 });
    expect(e.issues[100]).toEqual({
      path: '',
      code: ISSUE_CODES.MORE_ISSUES,
      message: 'and 39900 more problems',
    });
    expect(e.message).toMatch(/invalid YAML: 40000 problems\n/);
    expect(e.message).toMatch(/\n {2}- and 39950 more$/);
    expect(e.message.length).toBeLessThan(10_000);
  });

  it('reads a map of 49,000 distinct keys', () => {
    const text = Array.from({ length: 49_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const [doc] = parseYaml(text) as [Record<string, number>];
    expect(Object.keys(doc)).toHaveLength(49_000);
  });

  it('refuses more than 3 MiB before parsing', () => {
    const e = refusal(`a: "${'x'.repeat(MAX_YAML_BYTES)}"\n`);
    expect(e.issues).toEqual([
      {
        path: '',
        code: ISSUE_CODES.TOO_LARGE,
        message: `is ${MAX_YAML_BYTES + 6} bytes; the limit is ${MAX_YAML_BYTES} (3 MiB, the Kubernetes API server's request limit)`,
      },
    ]);
  });

  it.each([
    ['flow lists', '['.repeat(100_000)],
    ['flow maps', '{a: '.repeat(20_000)],
    ['block maps', Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')],
  ])('refuses 10,000s of nested %s with a ValidationError, not a stack overflow', (_, text) => {
    const e = refusal(text);
    expect(e.issues.length).toBeGreaterThan(0);
  });

  it('keeps "__proto__" a key, never the prototype', () => {
    const [doc] = parseYaml('__proto__:\n  polluted: true\n') as [Record<string, unknown>];
    expect(Object.keys(doc)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
  });

  it('resolves an alias to the last anchor of its name before it', () => {
    expect(parseYaml('a: &x 1\nb: *x\nc: &x 2\nd: *x\n')).toEqual([{ a: 1, b: 1, c: 2, d: 2 }]);
  });

  it.each([
    ['an unterminated quote', 'apiVersion: v1\ndata:\n  token: "AKIAPLANTEDSECRET0001\n'],
    ['a tab in indentation', 'data:\n\ttoken: AKIAPLANTEDSECRET0001\n'],
    ['a bad flow map', 'data: {token: AKIAPLANTEDSECRET0001, ]\n'],
    ['a stray character', 'data: [AKIAPLANTEDSECRET0001\n}'],
  ])('never quotes the text of %s in its message', (_, text) => {
    const e = refusal(text);
    expect(e.message).not.toContain('AKIAPLANTEDSECRET0001');
    expect(e.issues.every((i) => i.line !== undefined)).toBe(true);
  });
});

/** YAML documents from a grammar: anchors, aliases (resolved or not), merge keys, nesting, duplicates. */
const scalar = fc.oneof(
  fc.constantFrom('x', '1', 'true', 'null', '~', '"q"', "'s'", '"*.dkr.ecr.*"', '5h', '-1', '0x1f'),
  fc.constantFrom(
    '*a',
    '*b',
    '*zz',
    '&a v',
    '&b w',
    '? k',
    ': v',
    '- x',
    '#c',
    '|',
    '>',
    '!!str 1',
  ),
  fc.stringMatching(/^[a-z*&!%@`|>{}[\],#:'" -]{0,8}$/),
);
const key = fc.constantFrom(
  'a',
  'b',
  'a',
  '<<',
  'apiVersion',
  'kind',
  'spec',
  'config',
  '__proto__',
  '"k"',
);
const node: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc
      .tuple(
        fc.constantFrom('', '&a ', '&b ', '&c '),
        fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }),
      )
      .map(([anchor, pairs]) => `${anchor}{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    fc
      .tuple(fc.constantFrom('', '&a ', '&c '), fc.array(tie('node'), { maxLength: 4 }))
      .map(([anchor, items]) => `${anchor}[${items.join(', ')}]`),
    fc.constantFrom('*a', '*b', '*c', '*missing'),
  ),
})).node;
const blockDoc = fc
  .array(fc.tuple(key, node, fc.nat({ max: 3 })), { minLength: 1, maxLength: 8 })
  .map((pairs) => pairs.map(([k, v, indent]) => `${' '.repeat(indent)}${k}: ${v}`).join('\n'));
const packageDoc = fc
  .tuple(blockDoc, fc.constantFrom('', 'sourceRegistry: x\n', 'config: |\n  credential: []\n'))
  .map(
    ([extra, spec]) =>
      `apiVersion: packages.eks.amazonaws.com/v1alpha1\nkind: Package\nmetadata:\n  name: p\n  namespace: eksa-packages-c\nspec:\n  packageName: credential-provider-package\n  ${spec}${extra}\n`,
  );
const streams = fc
  .array(fc.oneof(blockDoc, packageDoc), { minLength: 1, maxLength: 3 })
  .map((docs) => docs.join('\n---\n'));

describe('parseYaml and parseCredentialProviderPackage on 10,000 generated documents', () => {
  it('each ends in a value or a ValidationError, never another exception', () => {
    fc.assert(
      fc.property(streams, (text) => {
        for (const parse of [parseYaml, (t: string) => parseCredentialProviderPackage(t)]) {
          try {
            parse(text);
          } catch (e) {
            if (!isValidationError(e)) throw e;
          }
        }
      }),
      { numRuns: 10_000, seed: 4412 },
    );
  }, 300_000);
});
