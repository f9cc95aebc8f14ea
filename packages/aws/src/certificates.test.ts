import { describe, expect, it } from 'vitest';
import { pemBlocks } from './certificates.ts';

const block = (label: string, body = 'AAAA'): string =>
  `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;

describe('pemBlocks', () => {
  it.each([
    ['one block', block('CERTIFICATE'), [['CERTIFICATE', block('CERTIFICATE')]]],
    [
      'a certificate and a key, with text around them',
      `subject=x\n${block('CERTIFICATE')}\nnoise\n${block('RSA PRIVATE KEY')}\n`,
      [
        ['CERTIFICATE', block('CERTIFICATE')],
        ['RSA PRIVATE KEY', block('RSA PRIVATE KEY')],
      ],
    ],
    [
      'CRLF line ends',
      block('CERTIFICATE').replace(/\n/g, '\r\n'),
      [['CERTIFICATE', block('CERTIFICATE').replace(/\n/g, '\r\n')]],
    ],
    [
      'an END of another label does not close a block',
      block('CERTIFICATE').replace('END CERTIFICATE', 'END KEY'),
      [],
    ],
    [
      'a BEGIN inside an open block starts it again',
      `-----BEGIN CERTIFICATE-----\nx\n${block('CERTIFICATE')}`,
      [['CERTIFICATE', block('CERTIFICATE')]],
    ],
    ['no END at all', '-----BEGIN CERTIFICATE-----\nAAAA\n', []],
    ['nothing', '', []],
  ] as const)('%s', (_, text, expected) => {
    expect(pemBlocks(text).map((b) => [b.label, b.pem])).toEqual(expected);
  });

  it('reads 200,000 BEGIN lines without an END in one pass (a regular expression was quadratic)', () => {
    expect(pemBlocks('-----BEGIN CERTIFICATE-----\n'.repeat(200_000))).toEqual([]);
    const many = `${'-----BEGIN CERTIFICATE-----\n'.repeat(100_000)}${block('CERTIFICATE')}`;
    expect(pemBlocks(many)).toHaveLength(1);
  });
});
