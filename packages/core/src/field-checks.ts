/**
 * Checks of the fields the Package, the kubelet config and the Secrets share: `matchImages`,
 * AWS profile names and cache durations.
 */
import { DURATION_HINT, parseGoDurationNanos } from './duration.ts';
import { ISSUE_CODES } from './errors.ts';
import { validateImagePattern } from './image-pattern.ts';
import { describeType, type IssueCollector, quote } from './issues.ts';
import { DEFAULT_MATCH_IMAGES } from './package-types.ts';

// ECR authorization tokens last 12 hours; caching longer serves expired passwords.
const ECR_TOKEN_LIFETIME_NS = 12n * 3_600_000_000_000n;

/** @internal Validates a kubelet `matchImages` list (also used by the kubelet-config builder). */
export function checkMatchImages(value: unknown, at: IssueCollector, emptyIsError = false): void {
  if (!Array.isArray(value)) {
    at.error(
      ISSUE_CODES.INVALID_TYPE,
      `must be a list of image patterns, found ${describeType(value)}`,
    );
    return;
  }
  if (value.length === 0) {
    if (emptyIsError)
      at.error(
        ISSUE_CODES.REQUIRED,
        'needs at least one pattern: the kubelet refuses a provider with an empty matchImages',
      );
    else {
      at.warn(
        ISSUE_CODES.EMPTY_MATCH_IMAGES,
        `is empty: the chart then passes no patterns and the provider image falls back to its built-in default "${DEFAULT_MATCH_IMAGES[0] ?? ''}"; list the registries explicitly so the config says what it does`,
      );
    }
  }
  value.forEach((pattern: unknown, i) => {
    const item = at.at(i);
    if (typeof pattern !== 'string') {
      item.error(ISSUE_CODES.INVALID_TYPE, `must be a string, found ${describeType(pattern)}`);
      return;
    }
    for (const issue of validateImagePattern(pattern)) item.error(issue.code, issue.message);
  });
}

/** @internal */
export function checkProfileName(profile: string, at: IssueCollector): void {
  if (profile === '') at.error(ISSUE_CODES.REQUIRED, 'must not be empty; use "default"');
  else if (!/^[A-Za-z0-9_.+=,@-]+$/.test(profile)) {
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(profile)} is not a usable AWS profile name: use letters, digits and "_ . + = , @ -" only`,
    );
  }
}

/**
 * @internal {@link checkProfileName} for a profile this SDK writes into an AWS config file: the
 * Go provider reads `[profile a=b]`, the AWS SDK for JavaScript ignores that section.
 */
export function checkWritableProfileName(profile: string, at: IssueCollector): void {
  checkProfileName(profile, at);
  if (/[=,]/.test(profile))
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(profile)} cannot be written to an AWS config file that every AWS SDK reads: the AWS SDK for JavaScript ignores a [profile] section whose name has "=" or ","; use letters, digits and "_ . + @ -" only`,
    );
}

/** @internal Validates a kubelet `defaultCacheDuration` (also used by the kubelet-config builder). */
export function checkCacheDuration(value: string, at: IssueCollector): void {
  const parsed = parseGoDurationNanos(value);
  if (!parsed.ok) {
    at.error(
      ISSUE_CODES.INVALID_DURATION,
      `${quote(value)} is not a Go duration (${parsed.error}); ${DURATION_HINT}`,
    );
  } else if (parsed.ns < 0n) {
    at.error(
      ISSUE_CODES.NEGATIVE_DURATION,
      `${quote(value)} is negative; the kubelet requires a duration >= 0`,
    );
  } else if (parsed.ns >= ECR_TOKEN_LIFETIME_NS) {
    at.warn(
      ISSUE_CODES.CACHE_DURATION_EXCEEDS_TOKEN_LIFETIME,
      `${quote(value)} is 12h or more, but ECR tokens expire after 12h: when the provider returns no cacheDuration, the kubelet would keep using an expired password; use less than 12h (the chart default is "5h")`,
    );
  } else if (parsed.ns === 0n) {
    at.warn(
      ISSUE_CODES.INVALID_VALUE,
      '"0" turns caching off when the provider sends no cacheDuration: the kubelet then runs the provider on every pull',
    );
  }
}
