import { X509Certificate } from 'node:crypto';
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  createRolesAnywhereCredfile,
  CredprovError,
  ERROR_CODES,
  ISSUE_CODES,
  ValidationError,
  type ValidationIssue,
  requireString,
  requireObject,
} from '@eksa-credprov/core';
import { readCaBundle } from './ca-bundle.ts';
import { pemBlocks } from './certificates.ts';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from './from-roles-anywhere.ts';
import {
  createEcrReadPolicy,
  createRolesAnywhereTrustPolicy,
  type PolicyDocument,
} from './policies.ts';
import { createRolesAnywhereClient, type RolesAnywhereClient } from './rolesanywhere-client.ts';
import {
  deleteOurRole,
  iamClientFor,
  ensureProfile,
  ensureRole,
  ensureTrustAnchor,
  findOurs,
  type SetupAction,
} from './setup-steps.ts';

export { ECR_READ_POLICY_NAME, OWNER_TAG, type SetupAction } from './setup-steps.ts';

/**
 * The account of the EKS Anywhere curated packages' ECR registries: what the role may read by
 * default.
 *
 * @public
 */
export const CURATED_PACKAGES_ACCOUNT_ID = '783794618700';

/**
 * The default name of a cluster's trust anchor and profile: `eksa-<clusterName>`.
 *
 * @public
 */
export function defaultRolesAnywhereName(clusterName: string): string {
  return `eksa-${clusterName}`;
}

/**
 * The role name the examples and the Pulumi and AWS CDK forms use by default:
 * `eksa-<clusterName>-ecr-pull`.
 *
 * @public
 */
export function defaultRoleName(clusterName: string): string {
  return `eksa-${clusterName}-ecr-pull`;
}

/**
 * The description the set-up gives the role it creates.
 *
 * @public
 */
export function rolesAnywhereRoleDescription(clusterName: string): string {
  return `EKS Anywhere credential provider for ${clusterName}`;
}

/**
 * The default role session lifetime of the profile, in seconds (IAM Roles Anywhere's own).
 *
 * @public
 */
export const DEFAULT_SESSION_DURATION_SECONDS = 3600;

/**
 * Input for {@link ensureRolesAnywhereSetup}.
 *
 * @public
 */
export interface RolesAnywhereSetupInit {
  /** The EKS Anywhere cluster whose nodes pull from ECR (its name goes into names and the owner tag). */
  readonly clusterName: string;
  /** The cluster CA (`eksa-system/<cluster>-ca`, `tls.crt`): the trust anchor. */
  readonly caCertificatePem: string;
  readonly region: string;
  readonly roleName: string;
  /** The role's permissions. @default the docs' ECR read policy for the curated-packages account 783794618700 */
  readonly policy?: PolicyDocument;
  /** @default `eksa-<clusterName>` */
  readonly trustAnchorName?: string;
  /** @default `eksa-<clusterName>` */
  readonly profileName?: string;
  /** @default 3600 */
  readonly sessionDurationSeconds?: number;
  /** Conditions on node certificate subjects in the role trust policy, such as `{ O: 'system:nodes' }`. */
  readonly subject?: Readonly<Record<string, string>>;
  /** Added to the owner tag (`eksa-credprov:cluster=<clusterName>`) on every resource. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Injected clients and endpoints; by default the AWS SDK's standard credential chain. */
  readonly clients?: {
    readonly iam?: IAMClient;
    readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
    readonly rolesAnywhereEndpoint?: string;
  };
}

/**
 * The result of {@link ensureRolesAnywhereSetup}: the ARNs and the credfile for the Secret.
 *
 * @public
 */
export interface RolesAnywhereSetup {
  readonly roleArn: string;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  /** The AWS config text for `createRolesAnywhereSecret` / the credential package. */
  readonly credfile: string;
  readonly actions: {
    readonly trustAnchor: SetupAction;
    readonly role: SetupAction;
    readonly policy: SetupAction;
    readonly profile: SetupAction;
  };
}

/**
 * The problems with a cluster CA given as a trust anchor, at path `caCertificatePem`: not PEM,
 * more than one certificate, not a CA (a leaf), a CA without keyCertSign in a keyUsage extension
 * (which IAM Roles Anywhere refuses), unparseable. Empty when it is one CA certificate.
 *
 * @public
 */
export function checkClusterCaCertificate(pem: string): ValidationIssue[] {
  requireString(pem, 'checkClusterCaCertificate');
  const blocks = pemBlocks(pem).filter((b) => b.label === 'CERTIFICATE');
  const at = (message: string): ValidationIssue[] => [
    { path: 'caCertificatePem', code: ISSUE_CODES.INVALID_VALUE, message },
  ];
  if (blocks.length === 0)
    return at('is not a PEM certificate: pass tls.crt of eksa-system/<cluster>-ca');
  if (blocks.length > 1)
    return at(`holds ${blocks.length} certificates; pass the cluster CA alone`);
  try {
    const cert = new X509Certificate(blocks[0]?.pem ?? '');
    const subject = cert.subject.replace(/\n/g, ', ');
    if (!cert.ca)
      return at(
        `is not a CA certificate (subject "${subject}"): pass the cluster CA, not a leaf (IAM Roles Anywhere takes a trust anchor only with basicConstraints CA:TRUE and keyCertSign in its keyUsage)`,
      );
    // OpenSSL (cert.ca) lets a CA without a keyUsage extension sign; IAM Roles Anywhere requires
    // the extension, with keyCertSign in it.
    if (!keyUsageAllowsCertSign(cert.raw))
      return at(
        `is a CA certificate without a keyUsage extension (subject "${subject}"): IAM Roles Anywhere requires keyUsage with keyCertSign in a trust anchor`,
      );
  } catch {
    return at('holds a certificate that does not parse');
  }
  return [];
}

/** The DER of the keyUsage extension's OID (2.5.29.15). */
const KEY_USAGE_OID = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0f]);

/**
 * Whether a certificate's DER has a keyUsage extension with keyCertSign (bit 5): the extension
 * is `SEQUENCE { OID 2.5.29.15, [BOOLEAN critical], OCTET STRING { BIT STRING } }`. Node's
 * X509Certificate does not expose key usage, hence this reading of the few bytes that hold it.
 */
function keyUsageAllowsCertSign(der: Buffer): boolean {
  let at = der.indexOf(KEY_USAGE_OID);
  while (at >= 0) {
    let i = at + KEY_USAGE_OID.length;
    if (der[i] === 0x01 && der[i + 1] === 0x01) i += 3; // critical
    // OCTET STRING (short length) holding BIT STRING: 03 len unused-bits first-byte ...
    if (der[i] === 0x04 && der[i + 2] === 0x03) {
      const length = der[i + 3] ?? 0;
      if (length >= 2) {
        const first = der[i + 5] ?? 0;
        return (first & 0x04) !== 0;
      }
    }
    at = der.indexOf(KEY_USAGE_OID, at + 1);
  }
  return false;
}

interface Clients {
  readonly iam: IAMClient;
  readonly ra: RolesAnywhereClient;
  readonly ownIam: boolean;
}

async function clientsFor(
  init: Pick<RolesAnywhereSetupInit, 'region' | 'clients'>,
): Promise<Clients> {
  const { iam, own } = await iamClientFor(init);
  // The IAM client resolves the standard credential chain and Roles Anywhere signs with the same.
  // The Roles Anywhere calls also trust AWS_CA_BUNDLE and go through HTTP(S)_PROXY, as the
  // provider's do; the AWS SDK for JavaScript reads neither, so an IAM client that needs them is
  // passed in as clients.iam.
  const credentials = init.clients?.credentials ?? (() => iam.config.credentials());
  return {
    iam,
    ra: createRolesAnywhereClient({
      region: init.region,
      credentials,
      endpoint: init.clients?.rolesAnywhereEndpoint,
      ca: await readCaBundle(process.env['AWS_CA_BUNDLE'], 'AWS_CA_BUNDLE'),
    }),
    ownIam: own,
  };
}

/**
 * Sets up IAM Roles Anywhere for a cluster in one idempotent call, in the order the service
 * needs: the trust anchor from the cluster CA, the IAM role (trust policy bound to that anchor)
 * with its ECR read policy, then the profile naming the role. Each is found by name and the
 * `eksa-credprov:cluster` tag, created only when missing, updated when different (a changed CA
 * updates the trust anchor), and enabled explicitly. A run cut short can be repeated; it never
 * touches a resource of the same name that it did not create.
 *
 * @returns the ARNs, what happened to each resource, and the credfile.
 * @throws `ValidationError` (from `@eksa-credprov/core`) for a CA PEM that is not one CA certificate, or bad names.
 * @see https://anywhere.eks.amazonaws.com/docs/packages/credential-provider-package/iam_roles_anywhere/
 * @public
 */
export async function ensureRolesAnywhereSetup(
  init: RolesAnywhereSetupInit,
): Promise<RolesAnywhereSetup> {
  requireObject(init, 'ensureRolesAnywhereSetup');
  try {
    return await ensure(init);
  } catch (e) {
    throw explainCredentials(e);
  }
}

/** The AWS SDK's "Could not load credentials from any providers", said with what was tried. */
function explainCredentials(e: unknown): unknown {
  if ((e as { name?: string }).name !== 'CredentialsProviderError') return e;
  return new CredprovError({
    code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
    message:
      'no AWS credentials for the set-up: tried, in order, the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), ' +
      `the shared config and credentials files (profile ${process.env['AWS_PROFILE'] ?? 'default'}, including credential_process and SSO), ` +
      'web identity (AWS_WEB_IDENTITY_TOKEN_FILE), container credentials and EC2 instance metadata; configure one of them, or pass clients.credentials',
    cause: e,
  });
}

type RequiredField = 'clusterName' | 'caCertificatePem' | 'region' | 'roleName';

/** The fields the set-up or the teardown cannot do without, as non-empty strings. */
function checkRequiredStrings(
  init: Partial<Record<RequiredField, unknown>>,
  fields: readonly RequiredField[],
  subject: string,
): void {
  const issues: ValidationIssue[] = fields
    .filter((field) => typeof init[field] !== 'string' || init[field] === '')
    .map((field) => ({
      path: field,
      code: ISSUE_CODES.REQUIRED,
      message: 'is required, as a non-empty string',
    }));
  if (issues.length > 0) throw new ValidationError(subject, issues);
}

function checkSetupInit(
  init: RolesAnywhereSetupInit,
  anchorName: string,
  profileName: string,
): void {
  checkRequiredStrings(
    init,
    ['clusterName', 'caCertificatePem', 'region', 'roleName'],
    'invalid IAM Roles Anywhere set-up',
  );
  const issues = checkClusterCaCertificate(init.caCertificatePem);
  for (const [path, name] of [
    ['trustAnchorName', anchorName],
    ['profileName', profileName],
  ] as const) {
    if (!/^[ a-zA-Z0-9-_]{1,255}$/.test(name))
      issues.push({
        path,
        code: ISSUE_CODES.INVALID_NAME,
        message: `${JSON.stringify(name)} must be 1-255 letters, digits, spaces, "-" or "_" (IAM Roles Anywhere's name rule)`,
      });
  }
  if (!/^[\w+=,.@-]{1,64}$/.test(init.roleName))
    issues.push({
      path: 'roleName',
      code: ISSUE_CODES.INVALID_NAME,
      message: `${JSON.stringify(init.roleName)} is not an IAM role name (1-64 of letters, digits and +=,.@_-)`,
    });
  if (issues.length > 0) throw new ValidationError('invalid IAM Roles Anywhere set-up', issues);
}

async function ensure(init: RolesAnywhereSetupInit): Promise<RolesAnywhereSetup> {
  const anchorName = init.trustAnchorName ?? defaultRolesAnywhereName(init.clusterName);
  const profileName = init.profileName ?? defaultRolesAnywhereName(init.clusterName);
  checkSetupInit(init, anchorName, profileName);
  const { iam, ra, ownIam } = await clientsFor(init);
  const owner = init.clusterName;
  try {
    const { anchor, action: anchorAction } = await ensureTrustAnchor(ra, {
      name: anchorName,
      owner,
      caCertificatePem: init.caCertificatePem,
      tags: init.tags,
    });
    const role = await ensureRole(iam, {
      roleName: init.roleName,
      owner,
      description: rolesAnywhereRoleDescription(owner),
      trustPolicy: createRolesAnywhereTrustPolicy({
        trustAnchorArn: anchor.trustAnchorArn,
        ...(init.subject === undefined ? {} : { subject: init.subject }),
      }),
      policy:
        init.policy ?? createEcrReadPolicy({ registryAccountIds: [CURATED_PACKAGES_ACCOUNT_ID] }),
      tags: init.tags,
    });
    const { profile, action: profileAction } = await ensureProfile(ra, {
      name: profileName,
      owner,
      roleArn: role.roleArn,
      durationSeconds: init.sessionDurationSeconds ?? DEFAULT_SESSION_DURATION_SECONDS,
      tags: init.tags,
    });
    return {
      roleArn: role.roleArn,
      trustAnchorArn: anchor.trustAnchorArn,
      profileArn: profile.profileArn,
      credfile: createRolesAnywhereCredfile({
        region: init.region,
        roleArn: role.roleArn,
        trustAnchorArn: anchor.trustAnchorArn,
        profileArn: profile.profileArn,
      }),
      actions: {
        trustAnchor: anchorAction,
        role: role.role,
        policy: role.policy,
        profile: profileAction,
      },
    };
  } finally {
    if (ownIam) iam.destroy();
  }
}

/**
 * Removes what {@link ensureRolesAnywhereSetup} created for a cluster (the profile, the role's
 * policy and the role, the trust anchor), found by name and the `eksa-credprov:cluster` tag, and
 * nothing else. Safe to run again.
 *
 * @returns what was deleted.
 * @public
 */
export async function teardownRolesAnywhereSetup(
  init: Pick<
    RolesAnywhereSetupInit,
    'clusterName' | 'region' | 'roleName' | 'trustAnchorName' | 'profileName' | 'clients'
  >,
): Promise<{ readonly trustAnchor: boolean; readonly role: boolean; readonly profile: boolean }> {
  requireObject(init, 'teardownRolesAnywhereSetup');
  checkRequiredStrings(
    init,
    ['clusterName', 'region', 'roleName'],
    'invalid IAM Roles Anywhere teardown',
  );
  const { iam, ra, ownIam } = await clientsFor(init);
  const owner = init.clusterName;
  try {
    const profile = await findOurs(ra, await ra.listProfiles(), {
      name: init.profileName ?? defaultRolesAnywhereName(owner),
      arnOf: (p) => p.profileArn,
      owner,
      kind: 'Profile',
      skipOthers: true,
    });
    if (profile !== undefined) await ra.deleteProfile(profile.profileId);
    const roleDeleted = await deleteOurRole(iam, init.roleName, owner);
    const anchor = await findOurs(ra, await ra.listTrustAnchors(), {
      name: init.trustAnchorName ?? defaultRolesAnywhereName(owner),
      arnOf: (a) => a.trustAnchorArn,
      owner,
      kind: 'Trust anchor',
      skipOthers: true,
    });
    if (anchor !== undefined) await ra.deleteTrustAnchor(anchor.trustAnchorId);
    return { trustAnchor: anchor !== undefined, role: roleDeleted, profile: profile !== undefined };
  } finally {
    if (ownIam) iam.destroy();
  }
}
