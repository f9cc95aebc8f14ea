/**
 * Differential test: the TypeScript ports of Go's net/url, path/filepath.Match and
 * time.ParseDuration/Duration.String against the real Go code, through the `goref` tool
 * (testenv/goref, built by scripts/build-go-tools). Thousands of generated inputs, fixed seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatGoDuration } from './duration.ts';
import { parseGoDurationNanos, formatGoDurationNanos } from './duration.ts';
import { PATTERNS_ACCEPTED, PATTERNS_REJECTED, URLS_MATCH } from './image-pattern.fixture.ts';
import { matchImage, validateImagePattern } from './image-pattern.ts';
import { askGo } from './test-support.ts';

// Pieces that exercise every branch of the parsers: globs, classes, escapes, ports, IPv6,
// userinfo, query/fragment, white space, control and non-ASCII characters.
const hostChar = fc.constantFrom(
  ...'abcxyz019-._*'.split(''),
  '*',
  '?',
  '[',
  ']',
  '^',
  '\\',
  '%',
  '%41',
  '%c3%a9',
  '%25',
  '%zz',
  ':',
  '::',
  '@',
  '#',
  ' ',
  '\t',
  '!',
  '$',
  '&',
  "'",
  '(',
  ')',
  '+',
  ',',
  ';',
  '=',
  '<',
  '>',
  '"',
  '{',
  '|',
  '~',
  'é',
  '\u0001',
  '\u007f',
);
const label = fc.array(hostChar, { minLength: 0, maxLength: 5 }).map((c) => c.join(''));
const plainLabel = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/);
const ipv6 = fc.constantFrom(
  '[::1]',
  '[fe80::1%25en0]',
  '[2001:db8::68]',
  '[::ffff:1.2.3.4]',
  '[1.2.3.4]',
  '[::1',
  '[:::1]',
  '[1:2:3:4:5:6:7:8:9]',
  '[fe80::1%25]',
  '[v1.fe]',
);
const port = fc.constantFrom('', '', ':5000', ':', ':abc', ':1:2', ':443');
const goodPort = fc.constantFrom('', '', '', ':5000', ':');
const pathPart = fc
  .array(
    fc.constantFrom('/', 'a', 'team', '*', '%2F', '%zz', '?', '#', ' ', 'é', 'v1', 'v2', ':1111'),
    { maxLength: 4 },
  )
  .map((p) => p.join(''));
const messyHost = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')),
  ipv6,
  fc
    .tuple(
      fc.constantFrom('user@', 'u:p@', 'bad user@', ''),
      fc.array(plainLabel, { minLength: 1, maxLength: 3 }),
    )
    .map(([u, l]) => u + l.join('.')),
);
const messy = fc
  .tuple(fc.constantFrom('', '', '', 'https://', 'http://'), messyHost, port, pathPart)
  .map((p) => p.join(''));
const clean = fc
  .tuple(fc.array(plainLabel, { minLength: 1, maxLength: 4 }), goodPort, pathPart)
  .map(([l, p, r]) => `${l.join('.')}${p}${r}`);
// A pattern derived from an image (globbed labels, path cut), so many pairs match.
const derivedPair = fc
  .tuple(clean, fc.array(fc.nat(), { maxLength: 3 }), fc.nat())
  .map(([img, stars, cut]) => {
    const slash = img.indexOf('/');
    const hostPart = slash < 0 ? img : img.slice(0, slash);
    const rest = slash < 0 ? '' : img.slice(slash);
    const labels = hostPart.split('.');
    for (const s of stars)
      labels[s % labels.length] =
        s % 3 === 0 ? '*' : `${labels[s % labels.length]?.slice(0, 1) ?? ''}*`;
    return [labels.join('.') + rest.slice(0, cut % (rest.length + 1)), img] as const;
  });

const isPrintableAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);

describe('TypeScript ports agree with Go 1.26 (goref)', () => {
  it('matchImage agrees with the kubelet URLsMatchStr on 20,000 generated pairs and every table row', async () => {
    const pairs: (readonly [string, string])[] = [
      ...URLS_MATCH.map(([p, i]) => [p, i] as const),
      ...fc.sample(fc.tuple(messy, messy), { numRuns: 6000, seed: 42 }),
      ...fc.sample(fc.tuple(messy, clean), { numRuns: 4000, seed: 43 }),
      ...fc.sample(derivedPair, { numRuns: 10000, seed: 44 }),
    ];
    const answers = await askGo(pairs.map(([pattern, image]) => ({ op: 'match', pattern, image })));
    const mismatches = pairs.filter(([p, i], n) => matchImage(p, i) !== answers[n]?.match);
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The generators must actually produce matches, or this test proves little.
    expect(answers.filter((a) => a.match === true).length).toBeGreaterThan(5000);
  });

  it('pattern acceptance and Go error text agree on 10,000 generated patterns', async () => {
    const patterns = [
      ...PATTERNS_ACCEPTED,
      ...PATTERNS_REJECTED.map(([p]) => p),
      ...fc.sample(messy, { numRuns: 10000, seed: 7 }),
    ];
    const answers = await askGo(patterns.map((pattern) => ({ op: 'parse', pattern })));
    const disagreements = patterns.flatMap((pattern, n) => {
      const go = answers[n];
      const rejection = validateImagePattern(pattern).find(
        (i) => i.code === 'invalid_image_pattern',
      );
      if ((rejection === undefined) !== (go?.ok === true))
        return [{ pattern, go: go?.error, ts: rejection?.message }];
      if (
        rejection !== undefined &&
        isPrintableAscii(pattern) &&
        !rejection.message.includes(go?.error ?? '\u0000')
      ) {
        return [{ pattern, go: go?.error, ts: rejection.message }];
      }
      return [];
    });
    expect(disagreements.slice(0, 10)).toEqual([]);
    expect(answers.filter((a) => a.ok === false).length).toBeGreaterThan(1000);
  });

  it('parseGoDuration and formatGoDuration agree with time.ParseDuration and Duration.String', async () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '',
        '-',
        '+',
        '.',
        '0',
        '00',
        '1',
        '5',
        '9223372036854775807',
        '9223372036854775808',
        '18446744073709551616',
      ),
      fc.nat({ max: 100000 }).map(String),
      fc
        .tuple(fc.nat({ max: 999 }), fc.stringMatching(/^[0-9]{0,25}$/))
        .map(([a, b]) => `${a}.${b}`),
    );
    const unit = fc.constantFrom(
      'ns',
      'us',
      'µs',
      'μs',
      'ms',
      's',
      'm',
      'h',
      '',
      'd',
      ' ',
      'H',
      'hours',
      ' h',
    );
    const durations = [
      '5 hours',
      '-1h',
      '',
      '5h',
      '1h30m',
      '0',
      '-0',
      '.5s',
      '1.s',
      '.s',
      '2562047h47m16.854775807s',
      '-2562047h47m16.854775808s',
      '2562047h47m16.854775808s',
      ...fc.sample(
        fc
          .array(
            fc.tuple(piece, unit).map(([n, u]) => n + u),
            { minLength: 1, maxLength: 3 },
          )
          .map((a) => a.join('')),
        { numRuns: 5000, seed: 9 },
      ),
    ];
    const answers = await askGo(durations.map((text) => ({ op: 'duration', text })));
    const bad = durations.flatMap((text, n) => {
      const ts = parseGoDurationNanos(text);
      const go = answers[n];
      const same = ts.ok
        ? go?.ok === true &&
          go.ns === ts.ns.toString() &&
          go.string === formatGoDurationNanos(ts.ns)
        : go?.ok === false && go.error === ts.error;
      return same ? [] : [{ text, ts: ts.ok ? ts.ns.toString() : ts.error, go }];
    });
    expect(bad.slice(0, 10)).toEqual([]);

    const nanos = fc.sample(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), {
      numRuns: 3000,
      seed: 11,
    });
    const small = fc.sample(fc.bigInt({ min: -10_000_000_000n, max: 10_000_000_000n }), {
      numRuns: 2000,
      seed: 12,
    });
    const all = [...nanos, ...small, 0n, 1n, 999n, 1000n, 1_000_000n, 21_600_000_000_000n];
    const formatted = await askGo(all.map((ns) => ({ op: 'format', ns: ns.toString() })));
    expect(
      all.filter((ns, n) => formatGoDurationNanos(ns) !== formatted[n]?.string).slice(0, 10),
    ).toEqual([]);
    expect(formatGoDuration(6 * 3_600_000)).toBe('6h0m0s');
  });
});
