/**
 * The provider's command-line arguments, and the image host it answers for.
 */
import {
  imageRegistryHost,
  ISSUE_CODES,
  isValidationError,
  parseGoDuration,
  validateImagePattern,
  ValidationError,
} from '@eksa-credprov/core';

/** A `--profile-for` rule: images matching `pattern` use `profile`. @public */
export interface ProfileRule {
  readonly pattern: string;
  readonly profile: string;
}

/** What {@link parseProviderArgs} read. @public */
export interface ProviderArgs {
  /** The `--profile-for` rules, in order: the first that matches the image wins. */
  readonly rules: readonly ProfileRule[];
  /** `--timeout`, in milliseconds. */
  readonly timeoutMs?: number;
}

function refuse(message: string): never {
  throw new ValidationError('invalid provider arguments', [
    { path: '', code: ISSUE_CODES.INVALID_VALUE, message },
  ]);
}

/**
 * Parses the provider's arguments (the `args` of the kubelet's `CredentialProviderConfig`).
 *
 * @throws `ValidationError` (from `@eksa-credprov/core`) naming the argument and what is expected.
 * @public
 */
export function parseProviderArgs(args: readonly string[]): ProviderArgs {
  const given: unknown = args;
  if (!Array.isArray(given) || given.some((arg) => typeof arg !== 'string'))
    refuse('parseProviderArgs takes a list of strings');
  const rules: ProfileRule[] = [];
  let timeoutMs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === 'get-credentials') continue;
    if (arg === '--timeout' || arg.startsWith('--timeout=')) {
      const text = arg === '--timeout' ? args[++i] : arg.slice('--timeout='.length);
      let ms: number | undefined;
      try {
        ms = text === undefined ? undefined : parseGoDuration(text);
      } catch {
        ms = undefined;
      }
      if (ms === undefined || ms <= 0 || ms >= 60_000)
        refuse(
          `--timeout needs a duration above 0 and under the kubelet's 60s, such as 30s; got "${text ?? ''}"`,
        );
      timeoutMs = ms;
      continue;
    }
    let value: string | undefined;
    if (arg === '--profile-for') value = args[++i];
    else if (arg.startsWith('--profile-for=')) value = arg.slice('--profile-for='.length);
    else
      refuse(
        `unknown argument "${arg}": this provider takes get-credentials, --profile-for=PATTERN=PROFILE and --timeout=DURATION`,
      );
    const eq = value?.lastIndexOf('=') ?? -1;
    if (value === undefined || eq <= 0 || eq === value.length - 1)
      refuse(
        `--profile-for needs PATTERN=PROFILE, such as *.dkr.ecr.us-west-2.amazonaws.com=west; got "${value ?? ''}"`,
      );
    const pattern = value.slice(0, eq);
    const problems = validateImagePattern(pattern);
    if (problems.length > 0)
      refuse(`--profile-for pattern "${pattern}": ${problems.map((p) => p.message).join('; ')}`);
    rules.push({ pattern, profile: value.slice(eq + 1) });
  }
  return { rules, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}

/**
 * The registry host of an image, as the Go provider takes it (`url.Parse`, `Hostname()`): core's
 * `imageRegistryHost`, with an error that says the request's image is at fault.
 *
 * @throws `ValidationError` (from `@eksa-credprov/core`) for an image the Go provider cannot parse.
 * @public
 */
export function imageHost(image: string): string {
  try {
    return imageRegistryHost(image);
  } catch (e) {
    const detail = isValidationError(e) ? (e.issues[0]?.message ?? '') : String(e);
    throw new ValidationError('invalid CredentialProviderRequest', [
      {
        path: '',
        code: ISSUE_CODES.INVALID_VALUE,
        message: `the request's image is not a valid image reference: ${detail}`,
      },
    ]);
  }
}
