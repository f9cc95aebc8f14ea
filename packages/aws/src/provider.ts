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
  createCredentialProviderResponse,
  formatGoDuration,
  isCredprovError,
  isValidationError,
  parseCredentialProviderRequest,
  parseRolesAnywhereCredfile,
  type CredentialProviderResponse,
} from '@eksa-credprov/core';
import { parseEcrHost } from './ecr-host.ts';
import { getEcrAuthorizationToken } from './ecr-token.ts';
import { fromRolesAnywhere, type AwsCredentialIdentityProvider } from './from-roles-anywhere.ts';

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
   * Where `AWS_CONFIG_FILE`, `AWS_PROFILE` and `AWS_REGION` are read. The AWS SDK's standard chain
   * (for profiles that are not Roles Anywhere) always reads the process environment.
   * @default `process.env`
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Overall deadline, well under the kubelet's 60 s exec timeout. @default 45000 */
  readonly timeoutMs?: number;
}

/** The registry host of an image, as the Go provider takes it (`url.Parse`, `Hostname()`). */
export function imageHost(image: string): string {
  const url = new URL(image.includes('://') ? image : `https://${image}`);
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** The credentials for `AWS_PROFILE` in `AWS_CONFIG_FILE`: native Roles Anywhere, or the SDK's chain. */
async function credentialsFor(
  env: Readonly<Record<string, string | undefined>>,
  notes: string[],
): Promise<{ provider?: AwsCredentialIdentityProvider; region?: string }> {
  const file = env['AWS_CONFIG_FILE'];
  const profile = env['AWS_PROFILE'] ?? 'default';
  if (file === undefined || file === '') return {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(
      `cannot read AWS_CONFIG_FILE ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}; check the Secret the credential package mounts`,
      { cause: e },
    );
  }
  if (!/credential_process\s*=\s*\S*aws_signing_helper\s+credential-process/.test(text)) return {};
  let credfile;
  try {
    credfile = parseRolesAnywhereCredfile(text, { profile });
  } catch (e) {
    if (isValidationError(e) && e.issues.some((i) => i.message.includes('has no profile'))) {
      throw new Error(
        `AWS_CONFIG_FILE ${file} has no profile "${profile}" (AWS_PROFILE); named profiles are written [profile NAME]`,
        { cause: e },
      );
    }
    return {};
  }
  if (credfile.otherArguments.length > 0) {
    notes.push(
      `credential_process uses flags this provider does not read natively (${credfile.otherArguments.join(' ')}); running the command instead`,
    );
    return {};
  }
  return {
    provider: fromRolesAnywhere({
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
    }),
    ...(credfile.region === undefined ? {} : { region: credfile.region }),
  };
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
  const signal = AbortSignal.timeout(init.timeoutMs ?? 45_000);
  try {
    const request = parseCredentialProviderRequest(init.stdin);
    const host = imageHost(request.image);
    let region: string | undefined;
    try {
      region = parseEcrHost(host).region;
    } catch {
      // Not an ECR host (a pull-through or custom name): as upstream, the SDK's default region.
    }
    const creds = await credentialsFor(env, notes);
    region ??= creds.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
    if (region === undefined)
      throw new Error(
        `${host} is not an ECR host and no region is configured: set AWS_REGION or region in the profile`,
      );
    const credentials: AwsCredentialIdentityProvider = creds.provider ?? (await defaultChain());
    const token = await Promise.race([
      getEcrAuthorizationToken({ region, credentials, registry: host, signal }),
      new Promise<never>((_, reject) => {
        signal.addEventListener(
          'abort',
          () => {
            reject(new Error(`no ECR token within ${init.timeoutMs ?? 45_000} ms`));
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

/** The AWS SDK's standard chain, from the process environment (profiles, credential_process, ...). */
async function defaultChain(): Promise<AwsCredentialIdentityProvider> {
  const { ECRClient } = await import('@aws-sdk/client-ecr');
  const client = new ECRClient({});
  return () => client.config.credentials();
}
