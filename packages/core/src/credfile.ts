import { requireObject, requireString } from './input.ts';
import { formatAwsConfigFile } from './aws-config-write.ts';
import { type AwsConfigProfile } from './aws-config.ts';
import { checkArn, checkRegion } from './aws-names.ts';
import { checkRolesAnywhereArns, checkSessionDuration } from './roles-anywhere-checks.ts';
import { ISSUE_CODES, type ValidationIssue } from './errors.ts';
import { createIssueCollector, quote, type IssueCollector } from './issues.ts';
import { checkWritableProfileName } from './field-checks.ts';
import { base64, checkSecretMetadata, renderSecret, type Secret } from './kube-secret.ts';
import { readAwsConfig } from './aws-config.ts';

/** The kubelet's client certificate and key (one file, rotated by the kubelet). @public */
export const KUBELET_CLIENT_CERTIFICATE_PATH = '/var/lib/kubelet/pki/kubelet-client-current.pem';

/** Default name of the Roles Anywhere credfile Secret, as in the EKS Anywhere docs. @public */
export const DEFAULT_ROLES_ANYWHERE_SECRET_NAME = 'aws-config';

/** The signing helper command, resolved through the provider's PATH (which has `/eksa-packages`). @public */
export const SIGNING_HELPER_COMMAND = 'aws_signing_helper';

/**
 * Input for {@link createRolesAnywhereCredfile}.
 *
 * @public
 */
export interface RolesAnywhereCredfileInit {
  /** Region written to the profile (for the ECR client), such as `us-west-2`. */
  readonly region: string;
  /** `arn:aws:rolesanywhere:<region>:<account>:profile/<id>` */
  readonly profileArn: string;
  /** `arn:aws:iam::<account>:role/<name>` */
  readonly roleArn: string;
  /** `arn:aws:rolesanywhere:<region>:<account>:trust-anchor/<id>`, in the profile's region. */
  readonly trustAnchorArn: string;
  /** @default `"/var/lib/kubelet/pki/kubelet-client-current.pem"` */
  readonly certificatePath?: string;
  /** @default the certificate path (the kubelet keeps certificate and key in one file) */
  readonly privateKeyPath?: string;
  /** Session lifetime in seconds, 900 to 43200 (`--session-duration`). @default the helper's 3600 */
  readonly sessionDurationSeconds?: number;
  /** Profile section to write. @default `"default"` */
  readonly profile?: string;
}

/**
 * Builds the AWS config file ("credfile") that makes the provider get IAM Roles Anywhere
 * credentials through `aws_signing_helper credential-process`, signed with the kubelet's client
 * certificate (the cluster CA being the trust anchor).
 *
 * @returns the config text: one `[default]` (or `[profile NAME]`) section with `region` and a
 * single-line `credential_process`.
 * @throws {@link ValidationError} for ARNs of the wrong kind, ARNs in different regions (the
 * helper refuses those), a bad region, or paths the `credential_process` shell would split.
 * @see https://anywhere.eks.amazonaws.com/docs/packages/credential-provider-package/iam_roles_anywhere/
 * @public
 */
export function createRolesAnywhereCredfile(init: RolesAnywhereCredfileInit): string {
  requireObject(init, 'createRolesAnywhereCredfile');
  const issues = createIssueCollector();
  checkCredfileInit(init, issues);
  issues.throwIfErrors('invalid IAM Roles Anywhere credfile');
  return renderCredfile(init);
}

function renderCredfile(init: RolesAnywhereCredfileInit): string {
  const certificate = init.certificatePath ?? KUBELET_CLIENT_CERTIFICATE_PATH;
  const args = [
    SIGNING_HELPER_COMMAND,
    'credential-process',
    '--certificate',
    certificate,
    '--private-key',
    init.privateKeyPath ?? certificate,
    '--profile-arn',
    init.profileArn,
    '--role-arn',
    init.roleArn,
    '--trust-anchor-arn',
    init.trustAnchorArn,
    ...(init.sessionDurationSeconds === undefined
      ? []
      : ['--session-duration', String(init.sessionDurationSeconds)]),
  ];
  return formatAwsConfigFile({
    profiles: {
      [init.profile ?? 'default']: { region: init.region, credential_process: args.join(' ') },
    },
  });
}

function checkCredfileInit(init: RolesAnywhereCredfileInit, issues: IssueCollector): void {
  const regionProblem =
    typeof init.region === 'string' ? checkRegion(init.region) : 'is required, such as "us-west-2"';
  if (regionProblem !== undefined)
    issues.at('region').error(ISSUE_CODES.INVALID_REGION, regionProblem);
  checkRolesAnywhereArns(init, issues);
  for (const field of ['certificatePath', 'privateKeyPath'] as const) {
    const path = init[field];
    if (path === undefined) continue;
    // credential_process runs through `sh -c`: a space or shell character would split or change it.
    if (typeof path !== 'string' || !/^\/[A-Za-z0-9._\-/]+$/.test(path)) {
      issues
        .at(field)
        .error(
          ISSUE_CODES.INVALID_VALUE,
          `${quote(path)} must be an absolute path of letters, digits and "._-/" only (credential_process is run by a shell)`,
        );
    }
  }
  if (init.sessionDurationSeconds !== undefined)
    checkSessionDuration(init.sessionDurationSeconds, issues.at('sessionDurationSeconds'));
  if (init.profile !== undefined) checkWritableProfileName(init.profile, issues.at('profile'));
}

/**
 * Input for {@link createRolesAnywhereSecret}: the credfile fields plus Secret metadata.
 *
 * @public
 */
export interface RolesAnywhereSecretInit extends RolesAnywhereCredfileInit {
  /** @default `"aws-config"` */
  readonly name?: string;
  /** Must be the Package's `targetNamespace`, on the target cluster. @default `"eksa-packages"` */
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Wraps {@link createRolesAnywhereCredfile} in the `config`-form Secret (key `config`) that the
 * Package's `credential[0].secretName` then names.
 *
 * Remember that only `eksa-packages/aws-secret` is copied to workload clusters by the controller:
 * this Secret must be created on the target cluster itself.
 *
 * @throws {@link ValidationError} as {@link createRolesAnywhereCredfile}, plus bad metadata.
 * @public
 */
export function createRolesAnywhereSecret(init: RolesAnywhereSecretInit): Secret {
  requireObject(init, 'createRolesAnywhereSecret');
  const issues = createIssueCollector();
  checkCredfileInit(init, issues);
  checkSecretMetadata(init, issues);
  issues.throwIfErrors('invalid IAM Roles Anywhere Secret');
  return renderSecret(init, {
    defaultName: DEFAULT_ROLES_ANYWHERE_SECRET_NAME,
    data: { config: base64(renderCredfile(init)) },
  });
}

/**
 * A Roles Anywhere credfile read back: the `aws_signing_helper credential-process` flags of one
 * profile.
 *
 * @public
 */
export interface ParsedRolesAnywhereCredfile {
  readonly profile: string;
  readonly region?: string;
  /** The command as written (`aws_signing_helper`, or a path to it). */
  readonly command: string;
  readonly certificatePath: string;
  readonly privateKeyPath: string;
  readonly profileArn: string;
  readonly roleArn: string;
  readonly trustAnchorArn: string;
  readonly intermediatesPath?: string;
  readonly sessionDurationSeconds?: number;
  readonly roleSessionName?: string;
  /** `--region` given to the helper (it otherwise uses the trust anchor's region). */
  readonly signingRegion?: string;
  readonly endpoint?: string;
  /** Flags the SDK does not interpret (such as `--pkcs11-lib`), in order, with their values. */
  readonly otherArguments: readonly string[];
  readonly warnings: readonly ValidationIssue[];
}

const VALUE_FLAGS: Record<string, keyof ParsedRolesAnywhereCredfile> = {
  '--certificate': 'certificatePath',
  '--private-key': 'privateKeyPath',
  '--profile-arn': 'profileArn',
  '--role-arn': 'roleArn',
  '--trust-anchor-arn': 'trustAnchorArn',
  '--intermediates': 'intermediatesPath',
  '--session-duration': 'sessionDurationSeconds',
  '--role-session-name': 'roleSessionName',
  '--region': 'signingRegion',
  '--endpoint': 'endpoint',
};

/** Splits a command line the way `sh` splits simple words with '…', "…" and \ quoting. */
function splitShellWords(line: string): string[] | undefined {
  const words: string[] = [];
  let current: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (/\s/.test(c)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      current = (current ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length) j++;
        text += line[j] ?? '';
        j++;
      }
      if (j >= line.length) return undefined;
      current = (current ?? '') + text;
      i = j;
    } else if (c === '\\' && i + 1 < line.length) {
      current = (current ?? '') + (line[i + 1] ?? '');
      i++;
    } else if (/[|&;<>()$`]/.test(c)) {
      return undefined;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== undefined) words.push(current);
  return words;
}

/**
 * Reads a Roles Anywhere credfile (an AWS config file whose profile runs
 * `aws_signing_helper credential-process …`) and returns the helper's flags.
 *
 * @param options.profile - Which profile to read. @default `"default"`
 * @throws {@link ValidationError} when the profile is missing, has no `credential_process`, or that
 * command is not a plain `aws_signing_helper credential-process` call with the three ARNs.
 * @public
 */
export function parseRolesAnywhereCredfile(
  text: string,
  options: { readonly profile?: string } = {},
): ParsedRolesAnywhereCredfile {
  requireString(text, 'parseRolesAnywhereCredfile');
  const issues = createIssueCollector();
  const profile = options.profile ?? 'default';
  const { settings } = readAwsConfig(text, issues);
  const section = settings[profile];
  if (section === undefined) {
    issues.error(
      ISSUE_CODES.INVALID_VALUE,
      `has no profile ${quote(profile)} (found ${
        Object.keys(settings)
          .map((p) => quote(p))
          .join(', ') || 'none'
      }); named profiles are written [profile NAME]`,
    );
  }
  issues.throwIfErrors('invalid IAM Roles Anywhere credfile');
  return parseRolesAnywhereProfile(section ?? {}, { profile });
}

/**
 * {@link parseRolesAnywhereCredfile} for one profile already read with
 * {@link parseAwsSharedConfig}: the node-side provider reads the config and credentials files
 * once, together, as the AWS SDKs do.
 *
 * @param options.profile - The profile's name, for messages. @default `"default"`
 * @throws {@link ValidationError} as {@link parseRolesAnywhereCredfile}.
 * @public
 */
export function parseRolesAnywhereProfile(
  section: AwsConfigProfile,
  options: { readonly profile?: string } = {},
): ParsedRolesAnywhereCredfile {
  requireObject(section, 'parseRolesAnywhereProfile');
  const profile = options.profile ?? 'default';
  const issues = createIssueCollector();
  const fail = (path: string, message: string): never => {
    issues.at(path).error(ISSUE_CODES.INVALID_VALUE, message);
    issues.throwIfErrors('invalid IAM Roles Anywhere credfile');
    throw new Error('unreachable');
  };
  const line = section['credential_process'];
  if (line === undefined)
    return fail('credential_process', `is missing from profile ${quote(profile)}`);
  const words = splitShellWords(line);
  if (words === undefined)
    return fail(
      'credential_process',
      'is not a plain command: it has unbalanced quotes or shell operators',
    );
  const [command = '', subcommand, ...rest] = words;
  if (!/(^|\/)aws_signing_helper$/.test(command) || subcommand !== 'credential-process') {
    return fail('credential_process', 'is not an "aws_signing_helper credential-process" command');
  }
  const out: Record<string, unknown> = { profile, command, otherArguments: [] as string[] };
  const other: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? '';
    const [flag = '', inline] =
      word.startsWith('--') && word.includes('=')
        ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]
        : [word, undefined];
    const key = VALUE_FLAGS[flag.replace(/^-(?=[^-])/, '--')];
    if (key === undefined) {
      other.push(word);
      continue;
    }
    const value = inline ?? rest[++i];
    if (value === undefined) return fail('credential_process', `flag ${flag} has no value`);
    out[key] = key === 'sessionDurationSeconds' ? Number(value) : value;
  }
  out['otherArguments'] = other;
  out['privateKeyPath'] ??= out['certificatePath'];
  for (const field of ['certificatePath', 'profileArn', 'roleArn', 'trustAnchorArn'] as const) {
    if (out[field] === undefined)
      issues
        .at('credential_process')
        .error(
          ISSUE_CODES.REQUIRED,
          `is missing --${field === 'certificatePath' ? 'certificate' : field.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`,
        );
  }
  if (section['region'] !== undefined) out['region'] = section['region'];
  for (const [field, kind] of [
    ['profileArn', 'rolesanywhere-profile'],
    ['roleArn', 'iam-role'],
    ['trustAnchorArn', 'rolesanywhere-trust-anchor'],
  ] as const) {
    const value = out[field];
    if (typeof value !== 'string') continue;
    const problem = checkArn(value, kind).problem;
    if (problem !== undefined)
      issues
        .at(`credential_process --${field.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`)
        .error(ISSUE_CODES.INVALID_ARN, problem);
  }
  issues.throwIfErrors('invalid IAM Roles Anywhere credfile');
  return {
    ...(out as unknown as Omit<ParsedRolesAnywhereCredfile, 'warnings'>),
    warnings: issues.warnings,
  };
}
