/**
 * Where the node-side provider's credentials, region, endpoint and CA bundle come from, read the
 * way the AWS SDK's default chain reads them, so that the provider can skip loading the SDK when
 * the answer is simple: keys in the environment, keys in the profile, or an
 * `aws_signing_helper credential-process` profile served natively. Everything else (assume-role
 * chains, SSO, web identity, other `credential_process` commands, FIPS or dual-stack endpoints,
 * per-service endpoint sections) is left to the SDK.
 *
 * @internal
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  isValidationError,
  parseAwsSharedConfig,
  parseRolesAnywhereProfile,
  type AwsSharedConfig,
} from '@eksa-credprov/core';
import { BoundedFileError, MAX_CONFIG_FILE_BYTES, readBoundedFile } from './bounded-file.ts';
import type { AwsCredentialIdentity, RolesAnywhereInit } from './from-roles-anywhere.ts';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The reason given when no profile is configured or the profile holds no credentials: the rest of
 * the SDK's default chain applies (container credentials, then EC2 instance metadata).
 */
export const NO_PROFILE = 'no profile is configured';
export const NO_CREDENTIALS_IN_PROFILE = 'the profile holds no credentials';
/** The reason given when AWS_WEB_IDENTITY_TOKEN_FILE is set (the Go SDK's next source after keys). */
export const WEB_IDENTITY_FROM_ENV = 'AWS_WEB_IDENTITY_TOKEN_FILE is set';

/** How the provider gets its credentials and talks to ECR. */
export type ProviderConfig =
  | (Common & { readonly kind: 'keys'; readonly credentials: AwsCredentialIdentity })
  | (Common & {
      readonly kind: 'roles-anywhere';
      readonly rolesAnywhere: Omit<RolesAnywhereInit, 'caBundle' | 'proxyEnv'>;
    })
  /**
   * The SDK's default chain, with why; `fallback` when an aws_signing_helper line could not be
   * served natively (the provider says so on stderr, then the SDK runs the command).
   */
  | (Common & {
      readonly kind: 'sdk';
      readonly reason: string;
      readonly fallback?: true;
      /** AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME, when the first is set. */
      readonly webIdentity?: {
        readonly tokenFile: string;
        readonly roleArn: string | undefined;
        readonly roleSessionName: string | undefined;
      };
    });

interface Common {
  /** Where the credentials came from, for messages: `environment`, `profile west in FILE`. */
  readonly source: string;
  readonly profile: string;
  /** The config and shared credentials files read (for the SDK when it takes over). */
  readonly configFile: string;
  readonly credentialsFile: string;
  readonly region?: string | undefined;
  /** ECR endpoint from AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL or the profile's endpoint_url. */
  readonly endpoint?: string | undefined;
  /** Path of the CA bundle (AWS_CA_BUNDLE or the profile's ca_bundle). */
  readonly caBundleFile?: string | undefined;
  /** Settings only the SDK implements (FIPS, dual-stack, a services section). */
  readonly needsSdk?: string | undefined;
  /** Both files as read, for the SDK when it takes over (it is given this reading, not its own). */
  readonly shared: AwsSharedConfig;
  /** Every credential source looked at, in order, with what was found: for the final error. */
  readonly tried: readonly string[];
  /**
   * Values that must never be printed, found in the environment and the profile: keys, tokens,
   * passwords and every word of a credential_process command (its flags may carry a PIN).
   */
  readonly secrets: readonly string[];
}

/** Settings whose values are secret, or may hold one. */
const SECRET_SETTING = /secret|token|password|passphrase|pin/i;

/** aws_signing_helper flags whose values are names, paths, ARNs or numbers, never secrets. */
const PUBLIC_FLAGS = new Set([
  '--certificate',
  '--private-key',
  '--intermediates',
  '--profile-arn',
  '--role-arn',
  '--trust-anchor-arn',
  '--endpoint',
  '--region',
  '--session-duration',
  '--role-session-name',
  '--cert-selector',
]);

/**
 * The secret values of a credential_process command line: the value of every flag not known to
 * be public, and any PKCS#11 PIN (`pin-value=…`), wherever it is.
 */
export function commandSecrets(command: string): string[] {
  const words = command.split(/\s+/).filter((w) => w !== '');
  const out: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? '';
    for (const m of word.matchAll(/pin-value=([^;&?'"]+)/g)) if (m[1] !== undefined) out.push(m[1]);
    if (!word.startsWith('-')) continue;
    const eq = word.indexOf('=');
    const flag = eq < 0 ? word : word.slice(0, eq);
    if (PUBLIC_FLAGS.has(flag)) continue;
    const value = eq < 0 ? words[i + 1] : word.slice(eq + 1);
    if (value !== undefined && value !== '' && !value.startsWith('-')) out.push(value);
  }
  return out;
}

/**
 * The command line with every flag value of {@link commandSecrets} replaced: what may be printed
 * of it (the AWS SDK's "Command failed: …" repeats it whole).
 */
export function printableCommand(command: string): string {
  let out = command;
  for (const secret of commandSecrets(command)) out = out.split(secret).join('<redacted>');
  return out;
}

/** The values of `env` and `settings` that must never be printed. */
function secretsOf(env: Env, settings: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const name of ['AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY', 'AWS_SESSION_TOKEN']) {
    const v = env[name];
    if (v !== undefined && v !== '') out.push(v);
  }
  for (const [key, value] of Object.entries(settings)) {
    if (value === '') continue;
    if (key === 'credential_process') out.push(...commandSecrets(value));
    else if (SECRET_SETTING.test(key)) out.push(value);
  }
  return out;
}

const truthy = (v: string | undefined): boolean => v !== undefined && /^true$/i.test(v.trim());

/** The first variable that is set and not empty, as the AWS SDK for Go reads the environment. */
function fromEnv(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/**
 * One shared file: its text, or undefined when there is none. A missing file is no file, even when
 * a variable names it (as in every AWS SDK); a file that exists but is not a regular file or cannot
 * be read is an error naming it (the SDKs would silently use other credentials).
 */
async function readSharedFile(file: string, variable: string): Promise<string | undefined> {
  try {
    return await readBoundedFile(file, MAX_CONFIG_FILE_BYTES);
  } catch (e) {
    if (e instanceof BoundedFileError && e.reason === 'missing') return undefined;
    throw new Error(
      `cannot read the AWS ${variable === 'AWS_CONFIG_FILE' ? 'config' : 'shared credentials'} file ${file} (${variable}): ${e instanceof Error ? e.message : String(e)}; check the Secret the credential package mounts and its file mode`,
      { cause: e },
    );
  }
}

/**
 * The ECR endpoint from AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL or the profile's endpoint_url, in
 * that order; an error naming the setting when it is not an http(s) URL.
 */
function checkedEndpoint(env: Env, fromProfile: string | undefined): string | undefined {
  const [source, value] =
    [
      ['AWS_ENDPOINT_URL_ECR', fromEnv(env, 'AWS_ENDPOINT_URL_ECR')] as const,
      ['AWS_ENDPOINT_URL', fromEnv(env, 'AWS_ENDPOINT_URL')] as const,
      ["the profile's endpoint_url", fromProfile] as const,
    ].find(([, v]) => v !== undefined) ?? [];
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
    throw new Error(
      `the ECR endpoint "${value.slice(0, 200)}" (${source ?? ''}) is not an http or https URL; fix the setting or unset it to use ECR's own endpoint`,
    );
  return value;
}

/** An access key when both parts are set (an empty session token is no token, as in the SDK). */
function keys(
  accessKeyId: string | undefined,
  secretAccessKey: string | undefined,
  sessionToken: string | undefined,
): AwsCredentialIdentity | undefined {
  if (accessKeyId === undefined || accessKeyId === '') return undefined;
  if (secretAccessKey === undefined || secretAccessKey === '') return undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken === undefined || sessionToken === '' ? {} : { sessionToken }),
  };
}

/**
 * Reads the provider's AWS configuration for `profile` (`AWS_PROFILE` unless a rule chose one) as
 * the AWS SDK for Go reads it for the Go provider: keys in the environment, then the profile of the
 * config and shared credentials files read together (core's parseAwsSharedConfig).
 */
export async function resolveProviderConfig(
  env: Env,
  profileOverride?: string,
): Promise<ProviderConfig> {
  const home = fromEnv(env, 'HOME') ?? homedir();
  const configFile = fromEnv(env, 'AWS_CONFIG_FILE') ?? join(home, '.aws', 'config');
  const credentialsFile =
    fromEnv(env, 'AWS_SHARED_CREDENTIALS_FILE') ?? join(home, '.aws', 'credentials');
  const explicitProfile = profileOverride ?? fromEnv(env, 'AWS_PROFILE');
  const profile = explicitProfile ?? fromEnv(env, 'AWS_DEFAULT_PROFILE') ?? 'default';
  const configText = await readSharedFile(configFile, 'AWS_CONFIG_FILE');
  const credentialsText = await readSharedFile(credentialsFile, 'AWS_SHARED_CREDENTIALS_FILE');
  const shared = parseAwsSharedConfig({ config: configText, credentials: credentialsText });
  const found = Object.hasOwn(shared.profiles, profile) ? shared.profiles[profile] : undefined;
  const files = `${configFile}${configText === undefined ? ' (missing)' : ''} and ${credentialsFile}${credentialsText === undefined ? ' (missing)' : ''}`;
  if (found === undefined && explicitProfile !== undefined) {
    // As the Go SDK: a profile asked for by name must exist, whatever else is configured.
    const near = shared.ignored.find(
      (i) => i.section === profile || i.section === `profile ${profile}`,
    );
    throw new Error(
      `AWS profile "${profile}"${profileOverride === undefined ? ' (AWS_PROFILE)' : ''} is in neither ${files}${
        near === undefined
          ? '; in the config file a named profile is written [profile NAME], in the credentials file [NAME]'
          : `: the ${near.file} file has [${near.section}], which is ignored (${near.reason})`
      }`,
    );
  }
  const refused = Object.hasOwn(shared.refused, profile) ? shared.refused[profile] : undefined;
  if (found !== undefined && refused !== undefined)
    throw new Error(`AWS profile "${profile}" in ${files} cannot be used: ${refused}`);
  const settings: Readonly<Record<string, string>> = found ?? {};
  const setting = (key: string): string | undefined =>
    settings[key] === '' ? undefined : settings[key];

  const ignoreEndpoints =
    truthy(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']) ||
    truthy(settings['ignore_configured_endpoint_urls']);
  const needsSdk =
    truthy(env['AWS_USE_FIPS_ENDPOINT']) || truthy(settings['use_fips_endpoint'])
      ? 'a FIPS endpoint is asked for'
      : truthy(env['AWS_USE_DUALSTACK_ENDPOINT']) || truthy(settings['use_dualstack_endpoint'])
        ? 'a dual-stack endpoint is asked for'
        : setting('services') !== undefined && !ignoreEndpoints
          ? 'the profile has a services section'
          : undefined;
  const profileSource = `profile "${profile}" in ${files}`;
  const envKeysTried =
    'the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ACCESS_KEY and AWS_SECRET_KEY): not set';
  const common: Omit<Common, 'tried'> = {
    source: profileSource,
    profile,
    configFile,
    credentialsFile,
    region: fromEnv(env, 'AWS_REGION', 'AWS_DEFAULT_REGION') ?? setting('region'),
    endpoint: ignoreEndpoints ? undefined : checkedEndpoint(env, setting('endpoint_url')),
    caBundleFile: fromEnv(env, 'AWS_CA_BUNDLE') ?? setting('ca_bundle'),
    needsSdk,
    shared,
    secrets: secretsOf(env, settings),
  };

  const fromEnvironment = keys(
    fromEnv(env, 'AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY'),
    fromEnv(env, 'AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY'),
    fromEnv(env, 'AWS_SESSION_TOKEN'),
  );
  if (fromEnvironment !== undefined)
    return {
      ...common,
      kind: 'keys',
      source: 'the environment (AWS_ACCESS_KEY_ID)',
      credentials: fromEnvironment,
      tried: [],
    };
  // As the Go SDK (resolveCredentialChain): web identity from the environment before the profile.
  const tokenFile = fromEnv(env, 'AWS_WEB_IDENTITY_TOKEN_FILE');
  if (tokenFile !== undefined)
    return {
      ...common,
      kind: 'sdk',
      reason: WEB_IDENTITY_FROM_ENV,
      tried: [],
      webIdentity: {
        tokenFile,
        roleArn: fromEnv(env, 'AWS_ROLE_ARN'),
        roleSessionName: fromEnv(env, 'AWS_ROLE_SESSION_NAME'),
      },
    };
  if (found === undefined)
    return {
      ...common,
      kind: 'sdk',
      reason: NO_PROFILE,
      tried: [envKeysTried, `${profileSource}: no such profile`],
    };
  const tried = [envKeysTried];
  // The Go SDK's order (resolveCredsFromProfile): an assume-role chain, static keys, web
  // identity and SSO, then credential_process.
  const chained = ['role_arn', 'source_profile', 'credential_source'].find(
    (k) => setting(k) !== undefined,
  );
  if (chained !== undefined)
    return { ...common, kind: 'sdk', reason: `the profile sets ${chained}`, tried };
  const fromProfile = keys(
    settings['aws_access_key_id'],
    settings['aws_secret_access_key'],
    settings['aws_session_token'],
  );
  if (fromProfile !== undefined)
    return { ...common, kind: 'keys', credentials: fromProfile, tried };
  const other = ['web_identity_token_file', 'sso_session', 'sso_start_url'].find(
    (k) => setting(k) !== undefined,
  );
  if (other !== undefined)
    return { ...common, kind: 'sdk', reason: `the profile sets ${other}`, tried };
  const process_ = setting('credential_process');
  if (process_ === undefined)
    return {
      ...common,
      kind: 'sdk',
      reason: NO_CREDENTIALS_IN_PROFILE,
      tried: [
        ...tried,
        `${profileSource}: no aws_access_key_id and aws_secret_access_key, role_arn, SSO, web identity or credential_process`,
      ],
    };
  if (!/^\s*\S*aws_signing_helper\s+credential-process\b/.test(process_))
    return {
      ...common,
      kind: 'sdk',
      reason: 'its credential_process is not aws_signing_helper',
      tried,
    };
  let credfile;
  try {
    credfile = parseRolesAnywhereProfile(settings, { profile });
  } catch (e) {
    const detail = isValidationError(e) ? e.issues.map((i) => i.message).join('; ') : String(e);
    return {
      ...common,
      kind: 'sdk',
      reason: `its aws_signing_helper line is not one this provider reads (${detail})`,
      fallback: true,
      tried,
    };
  }
  if (credfile.otherArguments.length > 0)
    return {
      ...common,
      kind: 'sdk',
      // The flags' names only: a value may be a PIN or a key password.
      reason: `credential_process uses flags this provider does not read natively (${credfile.otherArguments
        .filter((a) => a.startsWith('-'))
        .map((a) => a.split('=')[0] ?? a)
        .join(' ')})`,
      fallback: true,
      tried,
    };
  return {
    ...common,
    tried,
    kind: 'roles-anywhere',
    region: common.region ?? credfile.region,
    rolesAnywhere: {
      certificateFile: credfile.certificatePath,
      privateKeyFile: credfile.privateKeyPath,
      ...(credfile.intermediatesPath === undefined
        ? {}
        : { chainFile: credfile.intermediatesPath }),
      trustAnchorArn: credfile.trustAnchorArn,
      profileArn: credfile.profileArn,
      roleArn: credfile.roleArn,
      ...(credfile.signingRegion === undefined ? {} : { region: credfile.signingRegion }),
      ...(credfile.sessionDurationSeconds === undefined
        ? {}
        : { durationSeconds: credfile.sessionDurationSeconds }),
      ...(credfile.roleSessionName === undefined
        ? {}
        : { roleSessionName: credfile.roleSessionName }),
      ...(credfile.endpoint === undefined ? {} : { endpoint: credfile.endpoint }),
    },
  };
}
