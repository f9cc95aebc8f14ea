import { requireString } from './input.ts';
import { ISSUE_CODES, ValidationError, type ValidationIssue } from './errors.ts';
import { BadPatternError, goFilepathMatch } from './go-glob.ts';
import { fromByteString, goSplitHostPort, goUrlParse, toByteString } from './go-url.ts';
import { quote } from './issues.ts';

/**
 * A `matchImages` pattern as the kubelet sees it after parsing.
 *
 * @public
 */
export interface ImagePattern {
  /** The pattern as written. */
  readonly pattern: string;
  /** The host without port, percent-decoded (IPv6 literals without brackets). */
  readonly host: string;
  /** The port, or `''` when the pattern has none (then images with a port never match). */
  readonly port: string;
  /** `host` split on `.`: each label is globbed separately, and the counts must be equal. */
  readonly labels: readonly string[];
  /** The path, percent-decoded; an image's path must start with it (plain string prefix). */
  readonly path: string;
}

interface CompiledUrl {
  readonly labels: readonly string[];
  readonly port: string;
  readonly path: string;
}

type Compiled =
  { readonly ok: true; readonly url: CompiledUrl } | { readonly ok: false; readonly error: string };

// The kubelet parses the same few patterns for every image; keep the parses (bounded).
const CACHE_LIMIT = 2048;
const cache = new Map<string, Compiled>();

/** The kubelet's `ParseSchemelessURL` + `SplitURL`, on byte strings. */
function compile(text: string): Compiled {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const parsed = goUrlParse(`https://${toByteString(text)}`);
  let result: Compiled;
  if (parsed.ok) {
    const { host, port } = goSplitHostPort(parsed.url.host);
    result = { ok: true, url: { labels: host.split('.'), port, path: parsed.url.path } };
  } else {
    result = { ok: false, error: parsed.error };
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, result);
  return result;
}

/** The kubelet's `URLsMatch`; a malformed label glob counts as no match, as in the kubelet. */
function urlsMatch(glob: CompiledUrl, target: CompiledUrl): boolean {
  if (glob.port !== target.port) return false;
  if (glob.labels.length !== target.labels.length) return false;
  if (!target.path.startsWith(glob.path)) return false;
  for (let i = 0; i < glob.labels.length; i++) {
    try {
      if (!goFilepathMatch(glob.labels[i] ?? '', target.labels[i] ?? '')) return false;
    } catch (e) {
      if (e instanceof BadPatternError) return false;
      throw e;
    }
  }
  return true;
}

/**
 * Reports whether a kubelet `matchImages` pattern matches an image, with exactly the kubelet's
 * semantics (`URLsMatchStr` in `k8s.io/kubernetes/pkg/credentialprovider`, kubelet v1.37 built
 * with Go 1.26):
 *
 * - both strings are parsed as `https://` + string with Go's `net/url`; either failing to parse
 *   means no match;
 * - the ports must be equal (a pattern without a port never matches an image with one);
 * - the hosts must have the same number of `.`-separated labels, and each pattern label is a
 *   glob (`*` matches any run within one label) for the image label in the same place;
 * - the image path must start with the pattern path (a plain string prefix: `/foo` matches
 *   `/foobar`);
 * - everything is case-sensitive, and a scheme in the pattern is not stripped (so it never
 *   matches).
 *
 * `image` is what the kubelet passes: the repository without tag or digest, with Docker Hub
 * names already expanded (`docker.io/library/nginx`, not `nginx:1.27`).
 *
 * @example
 * ```ts
 * matchImage('*.dkr.ecr.*.amazonaws.com', '123456789012.dkr.ecr.us-west-2.amazonaws.com/app'); // true
 * matchImage('*.dkr.ecr.*.amazonaws.com', 'public.ecr.aws/eks-anywhere/x'); // false
 * ```
 * @see https://kubernetes.io/docs/tasks/administer-cluster/kubelet-credential-provider/#configure-image-matching
 * @public
 */
export function matchImage(pattern: string, image: string): boolean {
  requireString(pattern, 'matchImage');
  requireString(image, 'matchImage');
  const glob = compile(pattern);
  if (!glob.ok) return false;
  const target = compile(image);
  if (!target.ok) return false;
  return urlsMatch(glob.url, target.url);
}

/**
 * Parses a `matchImages` pattern the way the kubelet does when it loads its
 * `CredentialProviderConfig`.
 *
 * @returns the parsed pattern.
 * @throws {@link ValidationError} (issue code `invalid_image_pattern`) when the kubelet would
 * reject the pattern, with Go's parse error and what to write instead. Patterns the kubelet
 * accepts but that cannot work (a scheme, a path glob, `?` or `#`) parse fine here; use
 * {@link validateImagePattern} to catch those too.
 * @public
 */
export function parseImagePattern(pattern: string): ImagePattern {
  requireString(pattern, 'parseImagePattern');
  const compiled = compile(pattern);
  if (!compiled.ok) {
    throw new ValidationError(`invalid image pattern ${quote(pattern)}`, [
      rejection(pattern, compiled.error),
    ]);
  }
  const hostText = fromByteString(compiled.url.labels.join('.'));
  return {
    pattern,
    host: hostText,
    port: compiled.url.port,
    labels: hostText.split('.'),
    path: fromByteString(compiled.url.path),
  };
}

function rejection(pattern: string, goError: string): ValidationIssue {
  let hint =
    'write a registry host with optional port and path, such as "*.dkr.ecr.*.amazonaws.com" or "registry.example.com:5000/team"';
  if (/[[\]]/.test(pattern))
    hint =
      'the kubelet (Go 1.26 net/url) rejects "[" and "]" in a host except around an IPv6 address; character classes are not supported, use "*" for a whole run within a label';
  else if (/\s/.test(pattern)) hint = 'remove the white space';
  else if (pattern.includes('%'))
    hint =
      'percent-escapes are only valid for non-ASCII bytes in a host; write the character itself';
  return {
    path: '',
    code: ISSUE_CODES.INVALID_IMAGE_PATTERN,
    message: `${quote(pattern)} is rejected by the kubelet (${fromByteString(goError)}): ${hint}`,
  };
}

/**
 * Checks a `matchImages` pattern: the kubelet rejects it, or it can never do what it appears to
 * (a scheme such as `https://`, a glob in the path, `?` or `#`, white space, an empty host).
 *
 * @returns every problem found (empty when the pattern is fine). Paths are relative (`''`).
 * @public
 */
export function validateImagePattern(pattern: string): readonly ValidationIssue[] {
  requireString(pattern, 'validateImagePattern');
  const compiled = compile(pattern);
  if (!compiled.ok) return [rejection(pattern, compiled.error)];
  const never = (why: string): ValidationIssue => ({
    path: '',
    code: ISSUE_CODES.IMAGE_PATTERN_NEVER_MATCHES,
    message: `${quote(pattern)} ${why}`,
  });
  const issues: ValidationIssue[] = [];
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(pattern);
  if (scheme !== null) {
    issues.push(
      never(
        `never matches: the kubelet does not strip a scheme from matchImages, so the host becomes "${scheme[1] ?? ''}:"; write ${quote(pattern.slice(scheme[0].length))}`,
      ),
    );
  } else if (compiled.url.labels.join('.') === '') {
    issues.push(
      never(
        'never matches: it has no registry host; start with a host such as "registry.example.com"',
      ),
    );
  }
  if (pattern.includes('?') || pattern.includes('#')) {
    const c =
      pattern.includes('?') &&
      (!pattern.includes('#') || pattern.indexOf('?') < pattern.indexOf('#'))
        ? '?'
        : '#';
    issues.push(
      never(
        `does not mean what it says: "${c}" starts a URL ${c === '?' ? 'query' : 'fragment'} for the kubelet, which ignores it and everything after it; only "*" is a wildcard, and only within a host label`,
      ),
    );
  }
  if (/\s/.test(pattern))
    issues.push(never('never matches: image names cannot contain white space; remove it'));
  const path = fromByteString(compiled.url.path);
  if (path.includes('*')) {
    issues.push(
      never(
        `never matches: "*" in the path is literal for the kubelet (a path is a plain prefix); drop the glob, e.g. ${quote(pattern.replace(/\/?\*.*$/, ''))}`,
      ),
    );
  }
  return issues;
}
