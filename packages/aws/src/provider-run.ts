/**
 * One run of the node-side kubelet image credential provider, `eksa-ecr-credential-provider`: reads one
 * `CredentialProviderRequest` on stdin and answers one `CredentialProviderResponse` on stdout, in
 * the request's apiVersion, with ECR credentials for the image's registry. Credentials come from
 * `AWS_CONFIG_FILE`/`AWS_PROFILE` as the credential-provider-package sets them; a profile whose
 * `credential_process` is `aws_signing_helper credential-process …` is served natively (no helper
 * binary, no shell).
 *
 * @internal
 */
import {
  CredprovError,
  ERROR_CODES,
  createCredentialProviderResponse,
  formatAwsConfigFile,
  ISSUE_CODES,
  ValidationError,
  isValidationError,
  safeText,
  matchImage,
  parseCredentialProviderRequest,
  type AwsSharedConfig,
  type CredentialProviderResponse,
  dropUndefined,
} from '@eksa-credprov/core';
import { readCaBundle } from './ca-bundle.ts';
import { getEcrTokenDirect } from './ecr-direct.ts';
import { imageHost, parseProviderArgs } from './provider-args.ts';
import { MAX_REQUEST_BYTES } from './bounded-file.ts';
import { cacheDurationFor } from './cache-duration.ts';
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
import {
  assumeRoleWithWebIdentity,
  webIdentityRole,
  type WebIdentityRole,
} from './web-identity.ts';
import {
  NO_CREDENTIALS_IN_PROFILE,
  NO_PROFILE,
  printableCommand,
  resolveProviderConfig,
  type ProviderConfig,
} from './provider-config.ts';

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
   * Overall deadline, well under the kubelet's 60 s exec timeout; `--timeout` in `args` can only
   * shorten it.
   * @default 45000
   */
  readonly timeoutMs?: number;
}

/**
 * The AWS SDK for JavaScript, given this provider's reading of the shared files instead of its own:
 * the files are handed to it as text written by core's one writer, under paths of no real file
 * (its `externalDataInterceptor`), so that the SDK and the provider never disagree on a profile.
 */
async function withOurReading<T>(
  shared: AwsSharedConfig,
  use: (files: { filepath: string; configFilepath: string }) => Promise<T>,
): Promise<T> {
  const { externalDataInterceptor } = await import('@smithy/core/config');
  const base = `/nonexistent/eksa-ecr-credential-provider/${crypto.randomUUID()}`;
  const files = { filepath: `${base}/credentials`, configFilepath: `${base}/config` };
  externalDataInterceptor.interceptFile(
    files.configFilepath,
    formatAwsConfigFile(shared, { skipUnwritable: true }),
  );
  externalDataInterceptor.interceptFile(files.filepath, '');
  try {
    return await use(files);
  } finally {
    const record = externalDataInterceptor.getFileRecord();
    Reflect.deleteProperty(record, files.configFilepath);
    Reflect.deleteProperty(record, files.filepath);
  }
}

/** The AWS SDK's credentials for a profile it serves, or the rest of its default chain. */
async function sdkCredentials(
  config: Extract<ProviderConfig, { kind: 'sdk' }>,
  http: { env: Readonly<Record<string, string | undefined>>; ca: string | undefined },
): Promise<AwsCredentialIdentityProvider> {
  const requestHandler = sdkRequestHandler({ proxyEnv: http.env, ca: http.ca });
  const clientConfig = requestHandler === undefined ? {} : { requestHandler };
  if (config.reason === NO_PROFILE || config.reason === NO_CREDENTIALS_IN_PROFILE) {
    // Nothing in the environment or the profile: what is left of the default chain (web identity
    // from the environment, container credentials, EC2 instance metadata), as in the Go SDK.
    const { ECRClient } = await import('@aws-sdk/client-ecr');
    const client = new ECRClient(clientConfig);
    return async () => {
      try {
        return await client.config.credentials();
      } catch (e) {
        const tried = [
          ...config.tried,
          'web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)',
          'container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI)',
          `EC2 instance metadata (${http.env['AWS_EC2_METADATA_DISABLED']?.toLowerCase() === 'true' ? 'AWS_EC2_METADATA_DISABLED' : 'no answer'})`,
        ];
        throw new CredprovError({
          code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
          message: `no AWS credentials found; tried, in order: ${tried.map((t, i) => `${i + 1}. ${t}`).join('; ')}`,
          cause: e,
        });
      }
    };
  }
  const web = config.webIdentity;
  if (web !== undefined) {
    const { fromTokenFile } = await import('@aws-sdk/credential-provider-web-identity');
    const { roleArn } = web;
    const fromFile = fromTokenFile({
      webIdentityTokenFile: web.tokenFile,
      ...dropUndefined({ roleArn, roleSessionName: web.roleSessionName }),
      clientConfig,
    });
    return async () => {
      if (roleArn === undefined)
        throw new CredprovError({
          code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
          message:
            'AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set the role to assume with the token, or unset AWS_WEB_IDENTITY_TOKEN_FILE',
        });
      try {
        return await fromFile();
      } catch (e) {
        throw new CredprovError({
          code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
          message: `cannot assume ${roleArn} with the web identity token in AWS_WEB_IDENTITY_TOKEN_FILE: ${(e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim()}`,
          cause: e,
        });
      }
    };
  }
  const { fromIni } = await import('@aws-sdk/credential-provider-ini');
  return async () => {
    try {
      return await withOurReading(config.shared, (files) =>
        fromIni({
          profile: config.profile,
          ...files,
          // STS (assume-role chains) and SSO go through the same proxy, trusting the same CA.
          clientConfig,
        })(),
      );
    } catch (e) {
      // The SDK's "Command failed: <command line>" repeats credential_process whole.
      const command = config.shared.profiles[config.profile]?.['credential_process'];
      let detail = e instanceof Error ? e.message : String(e);
      if (command !== undefined) detail = detail.split(command).join(printableCommand(command));
      detail = detail.replace(/\s+/g, ' ').trim();
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
    /** Where the credentials obtained are noted, so that no message can print them. */
    secrets: Set<string>;
    /** The pod's service-account token and the role to assume with it (KEP-4412). */
    webIdentity?: { role: WebIdentityRole; token: string } | undefined;
  },
): Promise<EcrAuthorizationToken> {
  const noted = (c: AwsCredentialIdentity): AwsCredentialIdentity => {
    init.secrets.add(c.secretAccessKey);
    if (c.sessionToken !== undefined) init.secrets.add(c.sessionToken);
    return c;
  };
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
      ...dropUndefined({ caBundle: ca, endpoint }),
    });
  // The fast path: one signed request to ECR.
  const direct = (credentials: AwsCredentialIdentity): Promise<EcrAuthorizationToken> =>
    getEcrTokenDirect({
      region: init.region,
      credentials,
      endpoint: config.endpoint,
      ca,
      proxyEnv: init.env,
      signal: init.signal,
    });
  if (init.webIdentity !== undefined) {
    // The pod's role, whatever the node's profile holds (the Go provider sets these credentials
    // on its ECR client the same way); the profile still gives the endpoint, CA bundle and proxy.
    const credentials = noted(
      await assumeRoleWithWebIdentity({
        ...init.webIdentity,
        region: init.region,
        env: init.env,
        ca,
        signal: init.signal,
      }),
    );
    if (isPublic || config.needsSdk !== undefined)
      return viaSdk(credentials, isPublic ? undefined : config.endpoint);
    return direct(credentials);
  }
  // For profiles it serves, the SDK resolves the endpoint from the same settings itself.
  if (config.kind === 'sdk') {
    const fromSdk = await sdkCredentials(config, { env: init.env, ca });
    return viaSdk(async () => noted(await fromSdk()));
  }
  const credentials = noted(
    config.kind === 'keys'
      ? config.credentials
      : await fromRolesAnywhere({
          ...config.rolesAnywhere,
          ...(ca === undefined ? {} : { caBundle: ca }),
          proxyEnv: init.env,
          timeoutMs: 20_000,
        })(),
  );
  if (isPublic) return viaSdk(credentials);
  if (config.needsSdk !== undefined) return viaSdk(credentials, config.endpoint);
  return direct(credentials);
}

/**
 * One run of the provider: never throws, never writes partial JSON to stdout, and on failure
 * writes one line to stderr saying what failed and what to check (exit code 1).
 *
 * @public
 */
export async function runProvider(init: ProviderRunInit): Promise<ProviderResult> {
  if (typeof (init as Partial<ProviderRunInit> | undefined)?.stdin !== 'string')
    return {
      stdout: '',
      stderr:
        'eksa-ecr-credential-provider: runProvider takes { stdin: string, args?, env?, timeoutMs? }\n',
      exitCode: 1,
    };
  const env = init.env ?? process.env;
  const notes: string[] = [];
  // Every secret met on the way; the lines this run prints are scrubbed of them.
  const secrets = new Set<string>();
  let timeoutMs = init.timeoutMs ?? 45_000;
  try {
    const args = parseProviderArgs(init.args ?? []);
    // The smaller of the caller's deadline and --timeout.
    timeoutMs = Math.min(timeoutMs, args.timeoutMs ?? timeoutMs);
    const signal = AbortSignal.timeout(Math.max(1, Math.floor(timeoutMs)));
    const { rules } = args;
    const request = parseRequest(init.stdin);
    // The token is a bearer credential: never printed, whatever fails. Empty is none (Go's "").
    const saToken = request.serviceAccountToken === '' ? undefined : request.serviceAccountToken;
    if (saToken !== undefined) secrets.add(saToken);
    const host = imageHost(request.image);
    let region: string | undefined;
    try {
      region = parseEcrHost(host).region;
    } catch {
      // Not an ECR host (a pull-through or custom name): as upstream, the SDK's default region.
    }
    const rule = rules.find((r) => matchImage(r.pattern, request.image));
    const config = await resolveProviderConfig(env, rule?.profile);
    for (const secret of config.secrets) secrets.add(secret);
    if (config.kind === 'sdk' && config.fallback === true)
      notes.push(`${config.reason}; running the command instead`);
    region ??= config.region;
    if (region === undefined)
      throw new Error(
        `${safeText(host, { max: 100 })} is not an ECR host and no region is configured: set AWS_REGION or region in the profile`,
      );
    // With a service-account token, the pod's role when one is named; else, as the Go provider,
    // the node's own credentials.
    const role =
      saToken === undefined ? undefined : webIdentityRole(request.serviceAccountAnnotations, env);
    const webIdentity =
      role === undefined || saToken === undefined ? undefined : { role, token: saToken };
    const token = await Promise.race([
      tokenFor(config, { host, region, env, signal, secrets, webIdentity }),
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
    const cacheDuration = cacheDurationFor(token.expiresAt, Date.now());
    const response: CredentialProviderResponse = createCredentialProviderResponse({
      apiVersion: request.apiVersion,
      cacheKeyType: 'Registry',
      ...(cacheDuration === undefined ? {} : { cacheDuration }),
      auth: { [host]: { username: token.username, password: token.password } },
    });
    return { stdout: `${JSON.stringify(response)}\n`, stderr: lines(notes, secrets), exitCode: 0 };
  } catch (e) {
    const message = isValidationError(e)
      ? e.issues.map((i) => `${i.path === '' ? '' : `${i.path}: `}${i.message}`).join('; ')
      : e instanceof Error
        ? e.message
        : String(e);
    const subject = isValidationError(e) ? `${e.message.split(':')[0] ?? 'invalid input'}: ` : '';
    return { stdout: '', stderr: lines([...notes, `${subject}${message}`], secrets), exitCode: 1 };
  }
}

/** The request, or a ValidationError that says it is the request that is wrong. */
function parseRequest(stdin: string): ReturnType<typeof parseCredentialProviderRequest> {
  if (Buffer.byteLength(stdin) > MAX_REQUEST_BYTES)
    throw new ValidationError('invalid CredentialProviderRequest', [
      {
        path: '',
        code: ISSUE_CODES.TOO_LARGE,
        message: `is over ${MAX_REQUEST_BYTES} bytes; a kubelet request is a few KB`,
      },
    ]);
  return parseCredentialProviderRequest(stdin);
}

/**
 * stderr: one line per message, each scrubbed of every secret met, control characters escaped,
 * and cut to 2,000 characters (a server's or a file's text may be any size).
 */
function lines(messages: readonly string[], secrets: ReadonlySet<string>): string {
  return messages
    .map(
      (m) =>
        `eksa-ecr-credential-provider: ${safeText(m.replace(/\s*\n\s*/g, ' '), { max: 2000, secrets })}\n`,
    )
    .join('');
}
