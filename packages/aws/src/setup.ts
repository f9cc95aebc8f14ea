import { X509Certificate } from 'node:crypto';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type Role,
} from '@aws-sdk/client-iam';
import {
  createRolesAnywhereCredfile,
  CredprovError,
  ERROR_CODES,
  ISSUE_CODES,
  ValidationError,
  type ValidationIssue,
} from '@eksa-credprov/core';
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
import {
  createRolesAnywhereClient,
  type ProfileDetail,
  type RolesAnywhereClient,
  type TrustAnchorDetail,
} from './rolesanywhere-client.ts';

/** Tag that marks what the set-up created, so a re-run finds it and teardown removes only it. @public */
export const OWNER_TAG = 'eksa-credprov:cluster';
/**
 * The name of the role's inline ECR read policy, in every form of the set-up (this SDK's, the
 * Pulumi component's, the AWS CDK construct's).
 *
 * @public
 */
export const ECR_READ_POLICY_NAME = 'eksa-credprov-ecr-read';

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

/** What a step did. @public */
export type SetupAction = 'created' | 'updated' | 'unchanged';

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
 * more than one certificate, not a CA (a leaf), unparseable. Empty when it is one CA certificate.
 *
 * @public
 */
export function checkClusterCaCertificate(pem: string): ValidationIssue[] {
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
    if (!cert.ca)
      return at(
        `is not a CA certificate (subject "${cert.subject.replace(/\n/g, ', ')}"): pass the cluster CA, not a leaf`,
      );
  } catch {
    return at('holds a certificate that does not parse');
  }
  return [];
}

interface Clients {
  readonly iam: IAMClient;
  readonly ra: RolesAnywhereClient;
  readonly ownIam: boolean;
}

function clientsFor(init: Pick<RolesAnywhereSetupInit, 'region' | 'clients'>): Clients {
  const iam =
    init.clients?.iam ??
    new IAMClient({
      region: init.region,
      ...(init.clients?.credentials === undefined ? {} : { credentials: init.clients.credentials }),
    });
  // The IAM client resolves the standard credential chain; Roles Anywhere signs with the same.
  const credentials = init.clients?.credentials ?? (() => iam.config.credentials());
  return {
    iam,
    ra: createRolesAnywhereClient({
      region: init.region,
      credentials,
      endpoint: init.clients?.rolesAnywhereEndpoint,
    }),
    ownIam: init.clients?.iam === undefined,
  };
}

async function tagsOf(ra: RolesAnywhereClient, arn: string): Promise<Record<string, string>> {
  const { tags } = await ra.call<{ tags?: { key: string; value: string }[] }>(
    'ListTagsForResource',
    { method: 'GET', path: '/ListTagsForResource', query: { resourceArn: arn } },
  );
  return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value]));
}

function notOurs(kind: string, name: string): CredprovError {
  return new CredprovError({
    code: ERROR_CODES.AWS_API_ERROR,
    message: `${kind} "${name}" exists but was not created by eksa-credprov (no ${OWNER_TAG} tag for this cluster): choose another name, or tag it ${OWNER_TAG}=<cluster> to adopt it`,
  });
}

/** The resource of that name carrying our tag; one of that name without it is an error, or skipped for teardown. */
async function findOurs<T extends { name: string }>(
  ra: RolesAnywhereClient,
  list: T[],
  want: {
    readonly name: string;
    readonly arnOf: (t: T) => string;
    readonly owner: string;
    readonly kind: string;
    readonly skipOthers?: boolean;
  },
): Promise<T | undefined> {
  let other = false;
  for (const item of list.filter((x) => x.name === want.name)) {
    if ((await tagsOf(ra, want.arnOf(item)))[OWNER_TAG] === want.owner) return item;
    other = true;
  }
  if (other && want.skipOthers !== true) throw notOurs(want.kind, want.name);
  return undefined;
}

function isNoSuchEntity(e: unknown): boolean {
  const name = (e as { name?: string }).name;
  return name === 'NoSuchEntityException' || name === 'NoSuchEntity';
}

const tagList = (
  owner: string,
  extra: Readonly<Record<string, string>> = {},
): { key: string; value: string }[] =>
  Object.entries({ ...extra, [OWNER_TAG]: owner }).map(([key, value]) => ({ key, value }));

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

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

async function ensure(init: RolesAnywhereSetupInit): Promise<RolesAnywhereSetup> {
  const anchorName = init.trustAnchorName ?? defaultRolesAnywhereName(init.clusterName);
  const profileName = init.profileName ?? defaultRolesAnywhereName(init.clusterName);
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
  const { iam, ra, ownIam } = clientsFor(init);
  const owner = init.clusterName;
  try {
    // 1. Trust anchor.
    const source = {
      sourceType: 'CERTIFICATE_BUNDLE',
      sourceData: { x509CertificateData: init.caCertificatePem },
    };
    const { trustAnchors } = await ra.call<{ trustAnchors: TrustAnchorDetail[] }>(
      'ListTrustAnchors',
      { method: 'GET', path: '/trustanchors' },
    );
    let anchor = await findOurs(ra, trustAnchors, {
      name: anchorName,
      arnOf: (a) => a.trustAnchorArn,
      owner,
      kind: 'Trust anchor',
    });
    let anchorAction: SetupAction = 'unchanged';
    if (anchor === undefined) {
      anchor = (
        await ra.call<{ trustAnchor: TrustAnchorDetail }>('CreateTrustAnchor', {
          method: 'POST',
          path: '/trustanchors',
          body: { name: anchorName, source, enabled: true, tags: tagList(owner, init.tags) },
        })
      ).trustAnchor;
      anchorAction = 'created';
    } else {
      if (
        (anchor.source.sourceData.x509CertificateData ?? '').trim() !== init.caCertificatePem.trim()
      ) {
        anchor = (
          await ra.call<{ trustAnchor: TrustAnchorDetail }>('UpdateTrustAnchor', {
            method: 'PATCH',
            path: `/trustanchor/${anchor.trustAnchorId}`,
            body: { source },
          })
        ).trustAnchor;
        anchorAction = 'updated';
      }
      if (!anchor.enabled) {
        anchor = (
          await ra.call<{ trustAnchor: TrustAnchorDetail }>('EnableTrustAnchor', {
            method: 'POST',
            path: `/trustanchor/${anchor.trustAnchorId}/enable`,
          })
        ).trustAnchor;
        anchorAction = 'updated';
      }
    }

    // 2. Role, trust policy and permissions.
    const trust = createRolesAnywhereTrustPolicy({
      trustAnchorArn: anchor.trustAnchorArn,
      ...(init.subject === undefined ? {} : { subject: init.subject }),
    });
    let role: Role | undefined;
    try {
      role = (await iam.send(new GetRoleCommand({ RoleName: init.roleName }))).Role;
    } catch (e) {
      if (!isNoSuchEntity(e)) throw e;
    }
    let roleAction: SetupAction = 'unchanged';
    if (role === undefined) {
      role = (
        await iam.send(
          new CreateRoleCommand({
            RoleName: init.roleName,
            AssumeRolePolicyDocument: JSON.stringify(trust),
            Tags: Object.entries({ ...init.tags, [OWNER_TAG]: owner }).map(([Key, Value]) => ({
              Key,
              Value,
            })),
            Description: rolesAnywhereRoleDescription(owner),
          }),
        )
      ).Role;
      roleAction = 'created';
    } else {
      if (!(role.Tags ?? []).some((t) => t.Key === OWNER_TAG && t.Value === owner))
        throw notOurs('IAM role', init.roleName);
      const current: unknown = JSON.parse(
        decodeURIComponent(role.AssumeRolePolicyDocument ?? '{}'),
      );
      if (!sameJson(current, trust)) {
        await iam.send(
          new UpdateAssumeRolePolicyCommand({
            RoleName: init.roleName,
            PolicyDocument: JSON.stringify(trust),
          }),
        );
        roleAction = 'updated';
      }
    }
    const roleArn = role?.Arn;
    if (roleArn === undefined)
      throw new CredprovError({
        code: ERROR_CODES.AWS_API_ERROR,
        message: `IAM returned no ARN for role ${init.roleName}`,
      });
    const policy =
      init.policy ?? createEcrReadPolicy({ registryAccountIds: [CURATED_PACKAGES_ACCOUNT_ID] });
    let policyAction: SetupAction = 'created';
    try {
      const existing = await iam.send(
        new GetRolePolicyCommand({ RoleName: init.roleName, PolicyName: ECR_READ_POLICY_NAME }),
      );
      policyAction = sameJson(
        JSON.parse(decodeURIComponent(existing.PolicyDocument ?? '{}')),
        policy,
      )
        ? 'unchanged'
        : 'updated';
    } catch (e) {
      if (!isNoSuchEntity(e)) throw e;
    }
    if (policyAction !== 'unchanged')
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: init.roleName,
          PolicyName: ECR_READ_POLICY_NAME,
          PolicyDocument: JSON.stringify(policy),
        }),
      );

    // 3. Profile.
    const duration = init.sessionDurationSeconds ?? DEFAULT_SESSION_DURATION_SECONDS;
    const { profiles } = await ra.call<{ profiles: ProfileDetail[] }>('ListProfiles', {
      method: 'GET',
      path: '/profiles',
    });
    let profile = await findOurs(ra, profiles, {
      name: profileName,
      arnOf: (p) => p.profileArn,
      owner,
      kind: 'Profile',
    });
    let profileAction: SetupAction = 'unchanged';
    if (profile === undefined) {
      profile = (
        await ra.call<{ profile: ProfileDetail }>('CreateProfile', {
          method: 'POST',
          path: '/profiles',
          body: {
            name: profileName,
            roleArns: [roleArn],
            durationSeconds: duration,
            enabled: true,
            tags: tagList(owner, init.tags),
          },
        })
      ).profile;
      profileAction = 'created';
    } else {
      if (!sameJson(profile.roleArns, [roleArn]) || profile.durationSeconds !== duration) {
        profile = (
          await ra.call<{ profile: ProfileDetail }>('UpdateProfile', {
            method: 'PATCH',
            path: `/profile/${profile.profileId}`,
            body: { roleArns: [roleArn], durationSeconds: duration },
          })
        ).profile;
        profileAction = 'updated';
      }
      if (!profile.enabled) {
        profile = (
          await ra.call<{ profile: ProfileDetail }>('EnableProfile', {
            method: 'POST',
            path: `/profile/${profile.profileId}/enable`,
          })
        ).profile;
        profileAction = 'updated';
      }
    }
    return {
      roleArn,
      trustAnchorArn: anchor.trustAnchorArn,
      profileArn: profile.profileArn,
      credfile: createRolesAnywhereCredfile({
        region: init.region,
        roleArn,
        trustAnchorArn: anchor.trustAnchorArn,
        profileArn: profile.profileArn,
      }),
      actions: {
        trustAnchor: anchorAction,
        role: roleAction,
        policy: policyAction,
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
  const { iam, ra, ownIam } = clientsFor(init);
  const owner = init.clusterName;
  try {
    const { profiles } = await ra.call<{ profiles: ProfileDetail[] }>('ListProfiles', {
      method: 'GET',
      path: '/profiles',
    });
    const profile = await findOurs(ra, profiles, {
      name: init.profileName ?? defaultRolesAnywhereName(owner),
      arnOf: (p) => p.profileArn,
      owner,
      kind: 'Profile',
      skipOthers: true,
    });
    if (profile !== undefined)
      await ra.call('DeleteProfile', { method: 'DELETE', path: `/profile/${profile.profileId}` });
    let roleDeleted = false;
    try {
      const role = (await iam.send(new GetRoleCommand({ RoleName: init.roleName }))).Role;
      // A role of that name that is not ours is left alone.
      if ((role?.Tags ?? []).some((t) => t.Key === OWNER_TAG && t.Value === owner)) {
        await iam
          .send(
            new DeleteRolePolicyCommand({
              RoleName: init.roleName,
              PolicyName: ECR_READ_POLICY_NAME,
            }),
          )
          .catch((e: unknown) => {
            if (!isNoSuchEntity(e)) throw e;
          });
        await iam.send(new DeleteRoleCommand({ RoleName: init.roleName }));
        roleDeleted = true;
      }
    } catch (e) {
      if (!isNoSuchEntity(e)) throw e;
    }
    const { trustAnchors } = await ra.call<{ trustAnchors: TrustAnchorDetail[] }>(
      'ListTrustAnchors',
      { method: 'GET', path: '/trustanchors' },
    );
    const anchor = await findOurs(ra, trustAnchors, {
      name: init.trustAnchorName ?? defaultRolesAnywhereName(owner),
      arnOf: (a) => a.trustAnchorArn,
      owner,
      kind: 'Trust anchor',
      skipOthers: true,
    });
    if (anchor !== undefined)
      await ra.call('DeleteTrustAnchor', {
        method: 'DELETE',
        path: `/trustanchor/${anchor.trustAnchorId}`,
      });
    return { trustAnchor: anchor !== undefined, role: roleDeleted, profile: profile !== undefined };
  } finally {
    if (ownIam) iam.destroy();
  }
}
