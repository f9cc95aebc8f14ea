/**
 * The node-side kubelet image credential provider, `eksa-ecr-credential-provider`: reads one
 * `CredentialProviderRequest` on stdin and answers one `CredentialProviderResponse` on stdout, in
 * the request's apiVersion, with ECR credentials for the image's registry. Credentials come from
 * `AWS_CONFIG_FILE`/`AWS_PROFILE` as the credential-provider-package sets them; a profile whose
 * `credential_process` is `aws_signing_helper credential-process …` is served natively (no helper
 * binary, no shell).
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import {
  CredprovError,
  ERROR_CODES,
  createCredentialProviderResponse,
  formatGoDuration,
  parseGoDuration,
  isCredprovError,
  isValidationError,
  matchImage,
  parseCredentialProviderRequest,
  validateImagePattern,
  type CredentialProviderResponse,
} from '@eksa-credprov/core';
import { getEcrTokenDirect } from './ecr-direct.ts';
import { parseEcrHost } from './ecr-host.ts';
import {
  getEcrAuthorizationToken,
  sdkRequestHandler,
  type EcrAuthorizationToken,
} from './ecr-token.ts';
import {
  fromRolesAnywhere,
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
} from './from-roles-anywhere.ts';
import { NO_PROFILE, resolveProviderConfig, type ProviderConfig } from './provider-config.ts';

/** What one run of the provider printed and how it ended. @public */
export interface ProviderResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Inputs of one run; the process's own by default. @public */
export interface ProviderRunInit {
  /** The request text (what the kubelet writes to stdin). */
  readonly stdin: string;
  /**
   * The command-line arguments after the program name (the `args` of the kubelet's
   * `CredentialProviderConfig`): `get-credentials` (accepted for compatibility with the Go
   * provider), `--profile-for=PATTERN=PROFILE`, repeatable: the first rule whose `matchImages`
   * pattern matches the image chooses the AWS profile, instead of `AWS_PROFILE`; and
   * `--timeout=DURATION` (a Go duration under 60s), the overall deadline.
   * @default []
   */
  readonly args?: readonly string[];
  /**
   * Where `AWS_CONFIG_FILE`, `AWS_PROFILE`, `AWS_REGION`, the endpoint, CA bundle and proxy
   * variables are read. When the SDK's chain is needed (assume-role, SSO, web identity, other
   * `credential_process` commands), the SDK reads the process environment.
   * @default `process.env`
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Overall deadline, well under the kubelet's 60 s exec timeout; `--timeout` in `args` wins.
   * @default 45000
   */
  readonly timeoutMs?: number;
}

/** A `--profile-for` rule: images matching `pattern` use `profile`. @public */
export interface ProfileRule {
  readonly pattern: string;
  readonly profile: string;
}

/**
 * Parses the provider's arguments.
 *
 * @throws Error naming the argument and what is expected.
 * @public
 */
export function parseProviderArgs(args: readonly string[]): {
  rules: readonly ProfileRule[];
  timeoutMs?: number;
} {
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
        throw new Error(
          `--timeout needs a duration above 0 and under the kubelet's 60s, such as 30s; got "${text ?? ''}"`,
        );
      timeoutMs = ms;
      continue;
    }
    let value: string | undefined;
    if (arg === '--profile-for') value = args[++i];
    else if (arg.startsWith('--profile-for=')) value = arg.slice('--profile-for='.length);
    else
      throw new Error(
        `unknown argument "${arg}": this provider takes get-credentials, --profile-for=PATTERN=PROFILE and --timeout=DURATION`,
      );
    const eq = value?.lastIndexOf('=') ?? -1;
    if (value === undefined || eq <= 0 || eq === value.length - 1)
      throw new Error(
        `--profile-for needs PATTERN=PROFILE, such as *.dkr.ecr.us-west-2.amazonaws.com=west; got "${value ?? ''}"`,
      );
    const pattern = value.slice(0, eq);
    const problems = validateImagePattern(pattern);
    if (problems.length > 0)
      throw new Error(
        `--profile-for pattern "${pattern}": ${problems.map((p) => p.message).join('; ')}`,
      );
    rules.push({ pattern, profile: value.slice(eq + 1) });
  }
  return { rules, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}

/** The registry host of an image, as the Go provider takes it (`url.Parse`, `Hostname()`). */
export function imageHost(image: string): string {
  const url = new URL(image.includes('://') ? image : `https://${image}`);
  return url.hostname.replace(/^\[|\]$/g, '');
}

async function readCaBundle(file: string | undefined): Promise<string | undefined> {
  if (file === undefined || file === '') return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(
      `cannot read the CA bundle ${file} (AWS_CA_BUNDLE or ca_bundle): ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      { cause: e },
    );
  }
}

/** The AWS SDK's credentials for a profile it serves, or its whole default chain. */
async function sdkCredentials(
  config: Extract<ProviderConfig, { kind: 'sdk' }>,
  http: { env: Readonly<Record<string, string | undefined>>; ca: string | undefined },
): Promise<AwsCredentialIdentityProvider> {
  // A profile the provider does not serve itself: the SDK reads it (assume-role chains, SSO, web
  // identity, credential_process); no profile at all: the SDK's whole default chain.
  const requestHandler = sdkRequestHandler({ proxyEnv: http.env, ca: http.ca });
  const clientConfig = requestHandler === undefined ? {} : { requestHandler };
  if (config.reason === NO_PROFILE) {
    const { ECRClient } = await import('@aws-sdk/client-ecr');
    const client = new ECRClient(clientConfig);
    return () => client.config.credentials();
  }
  const { fromIni } = await import('@aws-sdk/credential-provider-ini');
  const fromProfile = fromIni({
    profile: config.profile,
    configFilepath: config.configFile,
    filepath: config.credentialsFile,
    // STS (assume-role chains) and SSO go through the same proxy, trusting the same CA.
    clientConfig,
  });
  return async () => {
    try {
      return await fromProfile();
    } catch (e) {
      const detail = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
      throw new CredprovError({
        code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
        message: `cannot get AWS credentials from profile "${config.profile}" (${config.reason}): ${detail}`,
        cause: e,
      });
    }
  };
}

/**
 * Gets the token for `host` with what `config` says: one signed request when the credentials are
 * an access key and nothing but a region, endpoint, CA bundle or proxy is configured; through the
 * SDK otherwise (profiles the SDK serves, FIPS or dual-stack, ECR Public).
 */
async function tokenFor(
  config: ProviderConfig,
  init: {
    host: string;
    region: string;
    env: Readonly<Record<string, string | undefined>>;
    signal: AbortSignal;
  },
): Promise<EcrAuthorizationToken> {
  const isPublic = init.host === 'public.ecr.aws' || init.host === 'ecr-public.aws.com';
  const ca = await readCaBundle(config.caBundleFile);
  const viaSdk = (
    credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
    endpoint?: string,
  ): Promise<EcrAuthorizationToken> =>
    getEcrAuthorizationToken({
      region: init.region,
      credentials,
      registry: init.host,
      signal: init.signal,
      proxyEnv: init.env,
      ...(ca === undefined ? {} : { caBundle: ca }),
      ...(endpoint === undefined ? {} : { endpoint }),
    });
  // For profiles it serves, the SDK resolves the endpoint from the same settings itself.
  if (config.kind === 'sdk') return viaSdk(await sdkCredentials(config, { env: init.env, ca }));
  const credentials =
    config.kind === 'keys'
      ? config.credentials
      : await fromRolesAnywhere({
          ...config.rolesAnywhere,
          ...(ca === undefined ? {} : { caBundle: ca }),
          proxyEnv: init.env,
          timeoutMs: 20_000,
        })();
  if (isPublic) return viaSdk(credentials);
  if (config.needsSdk !== undefined) return viaSdk(credentials, config.endpoint);
  return getEcrTokenDirect({
    region: init.region,
    credentials,
    endpoint: config.endpoint,
    ca,
    proxyEnv: init.env,
    signal: init.signal,
  });
}

/**
 * One run of the provider: never throws, never writes partial JSON to stdout, and on failure
 * writes one line to stderr saying what failed and what to check (exit code 1).
 *
 * @public
 */
export async function runProvider(init: ProviderRunInit): Promise<ProviderResult> {
  const env = init.env ?? process.env;
  const notes: string[] = [];
  let timeoutMs = init.timeoutMs ?? 45_000;
  try {
    const args = parseProviderArgs(init.args ?? []);
    timeoutMs = args.timeoutMs ?? timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const { rules } = args;
    const request = parseCredentialProviderRequest(init.stdin);
    const host = imageHost(request.image);
    let region: string | undefined;
    try {
      region = parseEcrHost(host).region;
    } catch {
      // Not an ECR host (a pull-through or custom name): as upstream, the SDK's default region.
    }
    const rule = rules.find((r) => matchImage(r.pattern, request.image));
    const config = await resolveProviderConfig(env, rule?.profile);
    if (config.kind === 'sdk' && config.fallback === true)
      notes.push(`${config.reason}; running the command instead`);
    region ??= config.region ?? env['AWS_DEFAULT_REGION'];
    if (region === undefined)
      throw new Error(
        `${host} is not an ECR host and no region is configured: set AWS_REGION or region in the profile`,
      );
    const token = await Promise.race([
      tokenFor(config, { host, region, env, signal }),
      new Promise<never>((_, reject) => {
        signal.addEventListener(
          'abort',
          () => {
            reject(
              new Error(
                `no ECR token within ${timeoutMs} ms; check the network path to ECR and IAM Roles Anywhere`,
              ),
            );
          },
          { once: true },
        );
      }),
    ]);
    const halfSeconds = Math.trunc(Math.trunc((token.expiresAt.getTime() - Date.now()) / 1000) / 2);
    const response: CredentialProviderResponse = createCredentialProviderResponse({
      apiVersion: request.apiVersion,
      cacheKeyType: 'Registry',
      // As the Go provider: half the token's remaining life; omitted when not positive.
      ...(halfSeconds > 0 ? { cacheDuration: formatGoDuration(halfSeconds * 1000) } : {}),
      auth: { [host]: { username: token.username, password: token.password } },
    });
    return {
      stdout: `${JSON.stringify(response)}\n`,
      stderr: notes.map((n) => `eksa-ecr-credential-provider: ${n}\n`).join(''),
      exitCode: 0,
    };
  } catch (e) {
    const message = isValidationError(e)
      ? `invalid CredentialProviderRequest: ${e.issues.map((i) => `${i.path === '' ? '' : `${i.path}: `}${i.message}`).join('; ')}`
      : isCredprovError(e) || e instanceof Error
        ? e.message
        : String(e);
    const line = `eksa-ecr-credential-provider: ${message.replace(/\s*\n\s*/g, ' ')}\n`;
    return {
      stdout: '',
      stderr: notes.map((n) => `eksa-ecr-credential-provider: ${n}\n`).join('') + line,
      exitCode: 1,
    };
  }
}
