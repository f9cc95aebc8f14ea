import { describe, expect, it } from 'vitest';
import { safeText } from './safe-text.ts';

describe('safeText', () => {
  it.each([
    ['plain text is kept', 'denied', {}, 'denied'],
    [
      'a secret is replaced wherever it is',
      'a SECRET1 b SECRET1',
      { secrets: ['SECRET1'] },
      'a <redacted> b <redacted>',
    ],
    [
      'the longer of two overlapping secrets is replaced whole',
      'xABCDEFx',
      { secrets: ['ABCD', 'ABCDEF'] },
      'x<redacted>x',
    ],
    ['very short values are not treated as secrets', 'a b c', { secrets: ['b', ''] }, 'a b c'],
    [
      'terminal escapes and line breaks are escaped',
      '\u001b[31mred\nnext\u0007',
      {},
      '\\x1b[31mred\\x0anext\\x07',
    ],
    ['C1 controls and line separators too', 'a\u009bb\u2028c', {}, 'a\\x9bb\\u2028c'],
    [
      'long text is cut and says how much',
      'x'.repeat(310),
      {},
      `${'x'.repeat(300)}…(10 more characters)`,
    ],
    [
      'the cut applies after redaction',
      `${'y'.repeat(5)}SECRET12`,
      { max: 8, secrets: ['SECRET12'] },
      'yyyyy<re…(7 more characters)',
    ],
  ] as const)('%s', (_, text, options, expected) => {
    expect(safeText(text, options)).toBe(expected);
  });
});
