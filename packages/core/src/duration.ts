import { requireString } from './input.ts';
import { ISSUE_CODES, ValidationError } from './errors.ts';
import { describeType } from './issues.ts';

const NS = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
} as const satisfies Record<string, bigint>;

const MAX = 1n << 63n;

/** The `time` package's own `quote`: non-ASCII and control bytes become `\xNN`. */
function goQuoteAscii(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x80 || c < 0x20) {
      for (const b of new TextEncoder().encode(ch)) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
    }
  }
  return `${out}"`;
}

/**
 * Go's `time.ParseDuration`, exactly: returns nanoseconds, or Go's error text.
 *
 * @internal
 */
export function parseGoDurationNanos(
  text: string,
): { ok: true; ns: bigint } | { ok: false; error: string } {
  const fail = (msg: string): { ok: false; error: string } => ({
    ok: false,
    error: `time: ${msg} ${goQuoteAscii(text)}`,
  });
  let s = text;
  let neg = false;
  if (s !== '' && (s.startsWith('-') || s.startsWith('+'))) {
    neg = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ns: 0n };
  if (s === '') return fail('invalid duration');
  let d = 0n;
  while (s !== '') {
    if (!/^[.0-9]/.test(s)) return fail('invalid duration');
    const intMatch = /^[0-9]*/.exec(s)?.[0] ?? '';
    let v = intMatch === '' ? 0n : BigInt(intMatch);
    if (v > MAX) return fail('invalid duration');
    s = s.slice(intMatch.length);
    const pre = intMatch.length > 0;
    let post = false;
    let fracDigits = '';
    if (s !== '' && s.startsWith('.')) {
      s = s.slice(1);
      fracDigits = /^[0-9]*/.exec(s)?.[0] ?? '';
      s = s.slice(fracDigits.length);
      post = fracDigits.length > 0;
    }
    if (!pre && !post) return fail('invalid duration');
    let i = 0;
    while (i < s.length && !/[.0-9]/.test(s.charAt(i))) i++;
    if (i === 0) return fail('missing unit in duration');
    const unitText = s.slice(0, i);
    s = s.slice(i);
    const unit = (NS as Record<string, bigint | undefined>)[unitText];
    if (unit === undefined) return fail(`unknown unit ${goQuoteAscii(unitText)} in duration`);
    if (v > MAX / unit) return fail('invalid duration');
    v *= unit;
    const { f, scale } = leadingFraction(fracDigits);
    if (f > 0n) {
      // Go computes this part in float64; mirror it so rounding matches.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > MAX) return fail('invalid duration');
    }
    d += v;
    if (d > MAX) return fail('invalid duration');
  }
  if (neg) return { ok: true, ns: -d };
  if (d > MAX - 1n) return fail('invalid duration');
  return { ok: true, ns: d };
}

function leadingFraction(digits: string): { f: bigint; scale: number } {
  let x = 0n;
  let scale = 1;
  let overflow = false;
  for (const c of digits) {
    if (overflow) continue;
    if (x > (MAX - 1n) / 10n) {
      overflow = true;
      continue;
    }
    const y = x * 10n + BigInt(c);
    if (y > MAX) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  return { f: x, scale };
}

/**
 * Parses a Go duration string (`time.ParseDuration`): a possibly signed sequence of decimal
 * numbers with a unit each, such as `"300ms"`, `"1.5h"`, `"2h45m"` or `"0"`. This is the format of
 * `defaultCacheDuration` in the kubelet config and of `cacheDuration` in provider responses.
 *
 * @returns the duration in milliseconds (fractional below a millisecond; negative when signed).
 * @throws {@link ValidationError} (issue code `invalid_duration`) with Go's own message, such as
 * `time: unknown unit " hours" in duration "5 hours"`.
 * @see https://pkg.go.dev/time#ParseDuration
 * @public
 */
export function parseGoDuration(text: string): number {
  requireString(text, 'parseGoDuration');
  const parsed = parseGoDurationNanos(text);
  if (!parsed.ok) {
    throw new ValidationError('invalid duration', [
      {
        path: '',
        code: ISSUE_CODES.INVALID_DURATION,
        message: `${parsed.error}: ${DURATION_HINT}`,
      },
    ]);
  }
  return Number(parsed.ns) / 1e6;
}

/** @internal */
export const DURATION_HINT =
  'write a Go duration such as "30m", "5h" or "1h30m" (units ns, us, ms, s, m, h; no spaces)';

/**
 * Formats a duration the way Go's `time.Duration.String` does (`"6h0m0s"`, `"1.5s"`, `"300ms"`,
 * `"0s"`), which is what the kubelet and the Go `ecr-credential-provider` write.
 *
 * @param milliseconds - The duration; fractions are kept to the nanosecond.
 * @public
 */
export function formatGoDuration(milliseconds: number): string {
  if (typeof milliseconds !== 'number' || !Number.isFinite(milliseconds))
    throw new ValidationError('invalid formatGoDuration argument', [
      {
        path: '',
        code: ISSUE_CODES.INVALID_VALUE,
        message: `formatGoDuration takes a finite number of milliseconds, found ${describeType(milliseconds)}${typeof milliseconds === 'number' ? ` ${milliseconds}` : ''}`,
      },
    ]);
  return formatGoDurationNanos(BigInt(Math.round(milliseconds * 1e6)));
}

/** @internal */
export function formatGoDurationNanos(d: bigint): string {
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < NS.s) {
    if (u === 0n) return '0s';
    let unit: string;
    let prec: number;
    if (u < NS.us) [unit, prec] = ['ns', 0];
    else if (u < NS.ms) [unit, prec] = ['µs', 3];
    else [unit, prec] = ['ms', 6];
    const frac = fmtFrac(u, prec);
    out = `${frac.int}${frac.text}${unit}`;
  } else {
    const frac = fmtFrac(u, 9);
    u = frac.int;
    out = `${u % 60n}${frac.text}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

function fmtFrac(v: bigint, prec: number): { int: bigint; text: string } {
  let digits = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print ||= digit !== 0n;
    if (print) digits = `${digit}${digits}`;
    v /= 10n;
  }
  return { int: v, text: print ? `.${digits}` : '' };
}
