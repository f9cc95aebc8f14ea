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
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isValidationError, parseRolesAnywhereCredfile } from '@eksa-credprov/core';
import { parse as parseIni } from 'ini';
import type { AwsCredentialIdentity, RolesAnywhereInit } from './from-roles-anywhere.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The reason given when no profile is configured: the SDK's whole default chain applies. */
export const NO_PROFILE = 'no profile is configured';

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
  | (Common & { readonly kind: 'sdk'; readonly reason: string; readonly fallback?: true });

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
}

const truthy = (v: string | undefined): boolean => v !== undefined && /^true$/i.test(v.trim());

async function readOptional(
  file: string,
  variable: string | undefined,
): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (variable === undefined && code === 'ENOENT') return undefined;
    throw new Error(
      `cannot read ${variable ?? 'the AWS config file'} ${file}: ${code ?? String(e)}; check the Secret the credential package mounts and its file mode`,
      { cause: e },
    );
  }
}

/** The sections of an AWS config or credentials file (empty when there is no file). */
function sections(text: string | undefined): Record<string, unknown> {
  return text === undefined ? {} : parseIni(text);
}

function section(
  parsed: Record<string, unknown>,
  name: string,
): Record<string, string> | undefined {
  const value = parsed[name];
  if (value === null || typeof value !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    // ini reads `true`/`false` as booleans; the SDK compares their text.
    if (typeof v === 'string' || typeof v === 'boolean') out[k.toLowerCase()] = String(v);
  return out;
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
 * Reads the provider's AWS configuration for `profile` (`AWS_PROFILE` unless a rule chose one),
 * in the AWS SDK's order: keys in the environment, then the profile (the shared credentials file
 * over the config file).
 */
export async function resolveProviderConfig(
  env: Env,
  profileOverride?: string,
): Promise<ProviderConfig> {
  const home = env['HOME'] ?? homedir();
  const configFile = env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config');
  const credentialsFile = env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials');
  const profile = profileOverride ?? env['AWS_PROFILE'] ?? 'default';
  const configText = await readOptional(
    configFile,
    env['AWS_CONFIG_FILE'] === undefined ? undefined : 'AWS_CONFIG_FILE',
  );
  const credentialsText = await readOptional(
    credentialsFile,
    env['AWS_SHARED_CREDENTIALS_FILE'] === undefined ? undefined : 'AWS_SHARED_CREDENTIALS_FILE',
  );
  const configSections = sections(configText);
  const fromConfig =
    section(configSections, `profile ${profile}`) ??
    (profile === 'default' ? section(configSections, 'default') : undefined);
  const fromCredentials = section(sections(credentialsText), profile);
  const settings = { ...fromConfig, ...fromCredentials };

  const ignoreEndpoints =
    truthy(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']) ||
    truthy(settings['ignore_configured_endpoint_urls']);
  const needsSdk =
    truthy(env['AWS_USE_FIPS_ENDPOINT']) || truthy(settings['use_fips_endpoint'])
      ? 'a FIPS endpoint is asked for'
      : truthy(env['AWS_USE_DUALSTACK_ENDPOINT']) || truthy(settings['use_dualstack_endpoint'])
        ? 'a dual-stack endpoint is asked for'
        : settings['services'] !== undefined && !ignoreEndpoints
          ? 'the profile has a services section'
          : undefined;
  const common: Common = {
    source: `profile ${profile} in ${configFile}`,
    profile,
    configFile,
    credentialsFile,
    region: env['AWS_REGION'] ?? settings['region'],
    endpoint: ignoreEndpoints
      ? undefined
      : (env['AWS_ENDPOINT_URL_ECR'] ?? env['AWS_ENDPOINT_URL'] ?? settings['endpoint_url']),
    caBundleFile: env['AWS_CA_BUNDLE'] ?? settings['ca_bundle'],
    needsSdk,
  };

  const fromEnv = keys(
    env['AWS_ACCESS_KEY_ID'],
    env['AWS_SECRET_ACCESS_KEY'],
    env['AWS_SESSION_TOKEN'],
  );
  if (fromEnv !== undefined)
    return {
      ...common,
      kind: 'keys',
      source: 'the environment (AWS_ACCESS_KEY_ID)',
      credentials: fromEnv,
    };
  if (fromConfig === undefined && fromCredentials === undefined) {
    if (
      env['AWS_CONFIG_FILE'] !== undefined ||
      env['AWS_PROFILE'] !== undefined ||
      profileOverride !== undefined
    )
      throw new Error(
        `AWS config file ${configFile} has no profile "${profile}"${profileOverride === undefined ? ' (AWS_PROFILE)' : ''}; named profiles are written [profile NAME]`,
      );
    return { ...common, kind: 'sdk', reason: NO_PROFILE };
  }
  const chained = [
    'role_arn',
    'source_profile',
    'sso_session',
    'sso_start_url',
    'web_identity_token_file',
  ].find((k) => settings[k] !== undefined);
  if (chained !== undefined)
    return { ...common, kind: 'sdk', reason: `the profile sets ${chained}` };
  const fromProfile = keys(
    settings['aws_access_key_id'],
    settings['aws_secret_access_key'],
    settings['aws_session_token'],
  );
  if (fromProfile !== undefined) return { ...common, kind: 'keys', credentials: fromProfile };
  const process_ = settings['credential_process'];
  if (process_ === undefined)
    return {
      ...common,
      kind: 'sdk',
      reason: 'the profile has neither keys nor credential_process',
    };
  if (
    !/^\s*\S*aws_signing_helper\s+credential-process\b/.test(process_) ||
    configText === undefined
  )
    return { ...common, kind: 'sdk', reason: 'its credential_process is not aws_signing_helper' };
  let credfile;
  try {
    credfile = parseRolesAnywhereCredfile(configText, { profile });
  } catch (e) {
    const detail = isValidationError(e) ? e.issues.map((i) => i.message).join('; ') : String(e);
    return {
      ...common,
      kind: 'sdk',
      reason: `its aws_signing_helper line is not one this provider reads (${detail})`,
      fallback: true,
    };
  }
  if (credfile.otherArguments.length > 0)
    return {
      ...common,
      kind: 'sdk',
      reason: `credential_process uses flags this provider does not read natively (${credfile.otherArguments.join(' ')})`,
      fallback: true,
    };
  return {
    ...common,
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
