/**
 * The provider's `cacheDuration`, computed as the Go ecr-credential-provider computes it.
 *
 * @internal
 */
import { CredprovError, ERROR_CODES, formatGoDuration } from '@eksa-credprov/core';

/** The longest Go duration, in whole seconds (time.Duration is int64 nanoseconds). */
const MAX_GO_DURATION_SECONDS = 9_223_372_036;

/**
 * The `cacheDuration` the Go provider answers (its getCacheDuration): `0s` (do not cache) when ECR
 * gave no expiry; half the remaining whole seconds when positive; nothing (the kubelet's default)
 * when the expiry has passed.
 *
 * @throws CredprovError for an expiry so far ahead that no Go duration holds half of it (the Go
 * provider's arithmetic overflows there; no ECR token lives that long).
 */
export function cacheDurationFor(expiresAt: Date | undefined, now: number): string | undefined {
  if (expiresAt === undefined) return '0s';
  const expires = expiresAt.getTime();
  const half = Math.trunc((Math.floor(expires / 1000) - Math.floor(now / 1000)) / 2);
  if (!Number.isFinite(expires) || half > MAX_GO_DURATION_SECONDS)
    throw new CredprovError({
      code: ERROR_CODES.AWS_API_ERROR,
      message: `ECR answered with a token expiring ${Number.isFinite(expires) ? `at ${String(expires / 1000)} s after 1970, centuries from now` : 'at no valid time'}; no ECR token lives that long: check that AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL or endpoint_url points at ECR`,
    });
  return half > 0 ? formatGoDuration(half * 1000) : undefined;
}
