import { describe, expect, it } from 'vitest';
import { cacheDurationFor } from './cache-duration.ts';

// The Go provider's getCacheDuration (cmd/ecr-credential-provider/main.go, v1.37.1):
// nil expiresAt → 0s; else time.Second * ((expiresAt.Unix() - time.Now().Unix()) / 2) when > 0,
// else no cacheDuration at all.
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0, 700);
describe('cacheDurationFor is the Go provider’s getCacheDuration', () => {
  it.each([
    ['no expiresAt: do not cache', undefined, '0s'],
    ['12 hours ahead: 6h', new Date(NOW + 12 * 3_600_000), '6h0m0s'],
    [
      'whole seconds as Go’s Unix(): 11 s ahead by the clock, 10 by the second',
      new Date(NOW - 700 + 10_999),
      '5s',
    ],
    ['an odd number of seconds truncates', new Date(NOW - 700 + 3_000), '1s'],
    ['one second ahead: half is 0, so none', new Date(NOW - 700 + 1_000), undefined],
    ['now: none', new Date(NOW), undefined],
    ['in the past (moto answers 2015): none', new Date(Date.UTC(2015, 0, 1)), undefined],
    [
      'the longest Go duration still holds',
      new Date(NOW + 2 * 9_223_372_036_000),
      '2562047h47m16s',
    ],
  ])('%s', (_, expiresAt, expected) => {
    expect(cacheDurationFor(expiresAt, NOW)).toBe(expected);
  });

  it.each([
    ['centuries ahead', new Date(NOW + 2 * 9_223_372_037_000 + 2000)],
    ['not a time', new Date(Number.NaN)],
  ])('refuses an expiresAt %s with its own error', (_, expiresAt) => {
    expect(() => cacheDurationFor(expiresAt, NOW)).toThrow(/no ECR token lives that long/);
  });
});
