import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatGoDuration,
  formatGoDurationNanos,
  parseGoDuration,
  parseGoDurationNanos,
} from './duration.ts';
import { isValidationError, ValidationError } from './errors.ts';

const S = 1_000_000_000n;
const M = 60n * S;
const H = 60n * M;
const MAX = (1n << 63n) - 1n;
const MIN = -(1n << 63n);

// Go's time.parseDurationTests (format_test.go).
const VALID: readonly (readonly [string, bigint])[] = [
  ['0', 0n],
  ['5s', 5n * S],
  ['30s', 30n * S],
  ['1478s', 1478n * S],
  ['-5s', -5n * S],
  ['+5s', 5n * S],
  ['-0', 0n],
  ['+0', 0n],
  ['5.0s', 5n * S],
  ['5.6s', 5n * S + 600_000_000n],
  ['5.s', 5n * S],
  ['.5s', 500_000_000n],
  ['1.0s', S],
  ['1.00s', S],
  ['1.004s', S + 4_000_000n],
  ['1.0040s', S + 4_000_000n],
  ['100.00100s', 100n * S + 1_000_000n],
  ['10ns', 10n],
  ['11us', 11_000n],
  ['12µs', 12_000n],
  ['12μs', 12_000n],
  ['13ms', 13_000_000n],
  ['14s', 14n * S],
  ['15m', 15n * M],
  ['16h', 16n * H],
  ['3h30m', 3n * H + 30n * M],
  ['10.5s4m', 4n * M + 10n * S + 500_000_000n],
  ['-2m3.4s', -(2n * M + 3n * S + 400_000_000n)],
  ['1h2m3s4ms5us6ns', H + 2n * M + 3n * S + 4_000_000n + 5_000n + 6n],
  ['39h9m14.425s', 39n * H + 9n * M + 14n * S + 425_000_000n],
  ['52763797000ns', 52_763_797_000n],
  ['0.3333333333333333333h', 20n * M],
  ['9007199254740993ns', (1n << 53n) + 1n],
  ['9223372036854775807ns', MAX],
  ['9223372036854775.807us', MAX],
  ['9223372036s854ms775us807ns', MAX],
  ['-9223372036854775808ns', MIN],
  ['-9223372036854775.808us', MIN],
  ['-9223372036s854ms775us808ns', MIN],
  ['-2562047h47m16.854775808s', MIN],
  ['0.100000000000000000000h', 6n * M],
  ['0.830103483285477580700h', 49n * M + 48n * S + 372_539_827n],
];

const INVALID: readonly (readonly [string, string])[] = [
  ['', 'time: invalid duration ""'],
  ['3', 'time: missing unit in duration "3"'],
  ['-', 'time: invalid duration "-"'],
  ['s', 'time: invalid duration "s"'],
  ['.', 'time: invalid duration "."'],
  ['-.', 'time: invalid duration "-."'],
  ['.s', 'time: invalid duration ".s"'],
  ['+.s', 'time: invalid duration "+.s"'],
  ['1d', 'time: unknown unit "d" in duration "1d"'],
  ['5 hours', 'time: unknown unit " hours" in duration "5 hours"'],
  ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
  ['9223372036854775.808us', 'time: invalid duration "9223372036854775.808us"'],
  ['9223372036854ms775us808ns', 'time: invalid duration "9223372036854ms775us808ns"'],
  ['-9223372036854775809ns', 'time: invalid duration "-9223372036854775809ns"'],
  ['9223372036854775810ns', 'time: invalid duration "9223372036854775810ns"'],
  ['9223372036854776us', 'time: invalid duration "9223372036854776us"'],
  ['3000000h', 'time: invalid duration "3000000h"'],
  ['\uFFFD', 'time: invalid duration "\\xef\\xbf\\xbd"'],
  [
    '\uFFFD hello \uFFFD world',
    'time: invalid duration "\\xef\\xbf\\xbd hello \\xef\\xbf\\xbd world"',
  ],
];

// Go's time.durationTests (time_test.go).
const FORMAT: readonly (readonly [bigint, string])[] = [
  [0n, '0s'],
  [1n, '1ns'],
  [1100n, '1.1µs'],
  [2_200_000n, '2.2ms'],
  [3_300_000_000n, '3.3s'],
  [4n * M + 5n * S, '4m5s'],
  [4n * M + 5_001_000_000n, '4m5.001s'],
  [5n * H + 6n * M + 7_001_000_000n, '5h6m7.001s'],
  [8n * M + 1n, '8m0.000000001s'],
  [MAX, '2562047h47m16.854775807s'],
  [MIN, '-2562047h47m16.854775808s'],
];

describe('Go durations', () => {
  it.each(VALID)('parses %j', (text, ns) => {
    expect(parseGoDurationNanos(text)).toEqual({ ok: true, ns });
  });

  it.each(INVALID)("rejects %j with Go's message", (text, message) => {
    expect(parseGoDurationNanos(text)).toEqual({ ok: false, error: message });
  });

  it.each(FORMAT)('formats %s ns as %j', (ns, text) => {
    expect(formatGoDurationNanos(ns)).toBe(text);
  });

  it('parseGoDuration returns milliseconds and throws a ValidationError naming the format', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('300ms')).toBe(300);
    expect(parseGoDuration('1.5us')).toBe(0.0015);
    let thrown: unknown;
    try {
      parseGoDuration('5 hours');
    } catch (e) {
      thrown = e;
    }
    expect(isValidationError(thrown)).toBe(true);
    expect(String(thrown)).toMatch(/unknown unit " hours".*Go duration such as "30m"/s);
  });

  it('formatGoDuration formats milliseconds as Go does', () => {
    expect(formatGoDuration(21_600_000)).toBe('6h0m0s');
    expect(formatGoDuration(0.5)).toBe('500µs');
    expect(() => formatGoDuration(Number.NaN)).toThrow(ValidationError);
  });

  it('round-trips: parse(format(d)) === d', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: MIN, max: MAX }), (ns) => {
        const parsed = parseGoDurationNanos(formatGoDurationNanos(ns));
        return parsed.ok && parsed.ns === ns;
      }),
    );
  });
});
