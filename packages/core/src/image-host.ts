import { requireString } from './input.ts';
import { ISSUE_CODES, ValidationError } from './errors.ts';
import { fromByteString, goUrlParse, toByteString } from './go-url.ts';

/** Go's `validOptionalPort`: empty, or a colon followed by digits only. */
const isOptionalPort = (port: string): boolean => /^(?::[0-9]*)?$/.test(port);

/**
 * The registry host of an image exactly as the kubelet's credential providers take it: the Go
 * `ecr-credential-provider` prefixes `https://` when the image has no scheme, parses it with Go's
 * `net/url` and keeps `Hostname()` (no port, no brackets, case as written). The provider answers
 * with this host as its `auth` key.
 *
 * @throws {@link ValidationError} with Go's own parse error when the image is not a URL to Go.
 * @example
 * ```ts
 * imageRegistryHost('123456789012.dkr.ecr.us-west-2.amazonaws.com:443/app@sha256:…');
 * // '123456789012.dkr.ecr.us-west-2.amazonaws.com'
 * ```
 * @public
 */
export function imageRegistryHost(image: string): string {
  requireString(image, 'imageRegistryHost');
  const raw = toByteString(image.includes('://') ? image : `https://${image}`);
  const colon = raw.indexOf(':');
  const parsed = /^[A-Za-z][A-Za-z0-9+.-]*$/.test(raw.slice(0, colon))
    ? goUrlParse(raw)
    : ({ ok: false, error: `parse ${JSON.stringify(image)}: missing protocol scheme` } as const);
  if (!parsed.ok)
    throw new ValidationError('invalid image reference', [
      { path: 'image', code: ISSUE_CODES.INVALID_VALUE, message: parsed.error },
    ]);
  let host = parsed.url.host;
  const last = host.lastIndexOf(':');
  if (last >= 0 && isOptionalPort(host.slice(last))) host = host.slice(0, last);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return fromByteString(host);
}
