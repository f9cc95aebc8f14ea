/**
 * The steps of the IAM Roles Anywhere set-up, one resource each: find it by name and the owner
 * tag, create it when missing, update it when different, enable it. Each is idempotent on its
 * own, so a set-up cut short anywhere can be run again.
 *
 * @internal
 */
import type { IAMClient, Role } from '@aws-sdk/client-iam';
import { CredprovError, ERROR_CODES } from '@eksa-credprov/core';
import { AwsApiError, fromSdkError } from './aws-api-error.ts';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from './from-roles-anywhere.ts';
import type { PolicyDocument } from './policies.ts';
import type {
  ProfileDetail,
  RolesAnywhereClient,
  RolesAnywhereTag,
  TrustAnchorDetail,
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

/** What a step did. @public */
export type SetupAction = 'created' | 'updated' | 'unchanged';

/** A resource of the wanted name that is not ours: never touched. */
export function notOurs(kind: string, name: string): CredprovError {
  return new CredprovError({
    code: ERROR_CODES.RESOURCE_NOT_OWNED,
    message: `${kind} "${name}" exists but was not created by eksa-credprov (no ${OWNER_TAG} tag for this cluster): choose another name, or tag it ${OWNER_TAG}=<cluster> to adopt it`,
  });
}

/**
 * The resource of that name that carries our tag. One of that name without it is an error, or,
 * for teardown (`skipOthers`), left alone.
 */
export async function findOurs<T extends { name: string }>(
  ra: RolesAnywhereClient,
  list: readonly T[],
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
    if ((await ra.tagsOf(want.arnOf(item)))[OWNER_TAG] === want.owner) return item;
    other = true;
  }
  if (other && want.skipOthers !== true) throw notOurs(want.kind, want.name);
  return undefined;
}

/** True when an IAM role carries our owner tag for `owner`. */
export function isOurRole(role: Role | undefined, owner: string): boolean {
  return (role?.Tags ?? []).some((t) => t.Key === OWNER_TAG && t.Value === owner);
}

/** True for IAM's "no such role/policy". */
export function isNoSuchEntity(e: unknown): boolean {
  const name = (e as { name?: string }).name;
  return name === 'NoSuchEntityException' || name === 'NoSuchEntity';
}

/** Runs an IAM call; a service error becomes an AwsApiError naming the operation. */
export async function iamCall<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw fromSdkError(e, `IAM ${operation}`);
  }
}

function tagList(owner: string, extra: Readonly<Record<string, string>> = {}): RolesAnywhereTag[] {
  return Object.entries({ ...extra, [OWNER_TAG]: owner }).map(([key, value]) => ({ key, value }));
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Step 1: the trust anchor holding the cluster CA. */
export async function ensureTrustAnchor(
  ra: RolesAnywhereClient,
  want: {
    readonly name: string;
    readonly owner: string;
    readonly caCertificatePem: string;
    readonly tags?: Readonly<Record<string, string>> | undefined;
  },
): Promise<{ readonly anchor: TrustAnchorDetail; readonly action: SetupAction }> {
  const source = {
    sourceType: 'CERTIFICATE_BUNDLE',
    sourceData: { x509CertificateData: want.caCertificatePem },
  } as const;
  let anchor = await findOurs(ra, await ra.listTrustAnchors(), {
    name: want.name,
    arnOf: (a) => a.trustAnchorArn,
    owner: want.owner,
    kind: 'Trust anchor',
  });
  if (anchor === undefined) {
    const created = await ra.createTrustAnchor({
      name: want.name,
      source,
      enabled: true,
      tags: tagList(want.owner, want.tags),
    });
    return { anchor: created, action: 'created' };
  }
  let action: SetupAction = 'unchanged';
  if (
    (anchor.source.sourceData.x509CertificateData ?? '').trim() !== want.caCertificatePem.trim()
  ) {
    anchor = await ra.updateTrustAnchor(anchor.trustAnchorId, { source });
    action = 'updated';
  }
  if (!anchor.enabled) {
    anchor = await ra.enableTrustAnchor(anchor.trustAnchorId);
    action = 'updated';
  }
  return { anchor, action };
}

/** Step 2: the IAM role with its trust policy, and its inline ECR read policy. */
export async function ensureRole(
  iam: IAMClient,
  want: {
    readonly roleName: string;
    readonly owner: string;
    readonly description: string;
    readonly trustPolicy: PolicyDocument;
    readonly policy: PolicyDocument;
    readonly tags?: Readonly<Record<string, string>> | undefined;
  },
): Promise<{ readonly roleArn: string; readonly role: SetupAction; readonly policy: SetupAction }> {
  // Loaded on use: `@eksa-credprov/aws` stays cheap to import for what needs no IAM.
  const {
    CreateRoleCommand,
    GetRoleCommand,
    GetRolePolicyCommand,
    PutRolePolicyCommand,
    UpdateAssumeRolePolicyCommand,
  } = await import('@aws-sdk/client-iam');
  let role: Role | undefined;
  try {
    role = (await iam.send(new GetRoleCommand({ RoleName: want.roleName }))).Role;
  } catch (e) {
    if (!isNoSuchEntity(e)) throw fromSdkError(e, 'IAM GetRole');
  }
  let roleAction: SetupAction = 'unchanged';
  if (role === undefined) {
    role = (
      await iamCall('CreateRole', () =>
        iam.send(
          new CreateRoleCommand({
            RoleName: want.roleName,
            AssumeRolePolicyDocument: JSON.stringify(want.trustPolicy),
            Tags: Object.entries({ ...want.tags, [OWNER_TAG]: want.owner }).map(([Key, Value]) => ({
              Key,
              Value,
            })),
            Description: want.description,
          }),
        ),
      )
    ).Role;
    roleAction = 'created';
  } else {
    if (!isOurRole(role, want.owner)) throw notOurs('IAM role', want.roleName);
    const current: unknown = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument ?? '{}'));
    if (!sameJson(current, want.trustPolicy)) {
      await iamCall('UpdateAssumeRolePolicy', () =>
        iam.send(
          new UpdateAssumeRolePolicyCommand({
            RoleName: want.roleName,
            PolicyDocument: JSON.stringify(want.trustPolicy),
          }),
        ),
      );
      roleAction = 'updated';
    }
  }
  const roleArn = role?.Arn;
  if (roleArn === undefined)
    throw new AwsApiError({
      operation: 'IAM CreateRole',
      message: `IAM returned no ARN for role ${want.roleName}`,
    });
  let policyAction: SetupAction = 'created';
  try {
    const existing = await iam.send(
      new GetRolePolicyCommand({ RoleName: want.roleName, PolicyName: ECR_READ_POLICY_NAME }),
    );
    policyAction = sameJson(
      JSON.parse(decodeURIComponent(existing.PolicyDocument ?? '{}')),
      want.policy,
    )
      ? 'unchanged'
      : 'updated';
  } catch (e) {
    if (!isNoSuchEntity(e)) throw fromSdkError(e, 'IAM GetRolePolicy');
  }
  if (policyAction !== 'unchanged')
    await iamCall('PutRolePolicy', () =>
      iam.send(
        new PutRolePolicyCommand({
          RoleName: want.roleName,
          PolicyName: ECR_READ_POLICY_NAME,
          PolicyDocument: JSON.stringify(want.policy),
        }),
      ),
    );
  return { roleArn, role: roleAction, policy: policyAction };
}

/** Step 3: the profile naming the role, with the session duration. */
export async function ensureProfile(
  ra: RolesAnywhereClient,
  want: {
    readonly name: string;
    readonly owner: string;
    readonly roleArn: string;
    readonly durationSeconds: number;
    readonly tags?: Readonly<Record<string, string>> | undefined;
  },
): Promise<{ readonly profile: ProfileDetail; readonly action: SetupAction }> {
  let profile = await findOurs(ra, await ra.listProfiles(), {
    name: want.name,
    arnOf: (p) => p.profileArn,
    owner: want.owner,
    kind: 'Profile',
  });
  if (profile === undefined) {
    const created = await ra.createProfile({
      name: want.name,
      roleArns: [want.roleArn],
      durationSeconds: want.durationSeconds,
      enabled: true,
      tags: tagList(want.owner, want.tags),
    });
    return { profile: created, action: 'created' };
  }
  let action: SetupAction = 'unchanged';
  if (
    !sameJson(profile.roleArns, [want.roleArn]) ||
    profile.durationSeconds !== want.durationSeconds
  ) {
    profile = await ra.updateProfile(profile.profileId, {
      roleArns: [want.roleArn],
      durationSeconds: want.durationSeconds,
    });
    action = 'updated';
  }
  if (!profile.enabled) {
    profile = await ra.enableProfile(profile.profileId);
    action = 'updated';
  }
  return { profile, action };
}

/** Deletes the role and its policy when the role carries our tag; one that is not ours is left alone. */
export async function deleteOurRole(
  iam: IAMClient,
  roleName: string,
  owner: string,
): Promise<boolean> {
  const { DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand } =
    await import('@aws-sdk/client-iam');
  let role;
  try {
    role = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
  } catch (e) {
    if (isNoSuchEntity(e)) return false;
    throw fromSdkError(e, 'IAM GetRole');
  }
  if (!isOurRole(role, owner)) return false;
  try {
    await iam.send(
      new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: ECR_READ_POLICY_NAME }),
    );
  } catch (e) {
    if (!isNoSuchEntity(e)) throw fromSdkError(e, 'IAM DeleteRolePolicy');
  }
  await iamCall('DeleteRole', () => iam.send(new DeleteRoleCommand({ RoleName: roleName })));
  return true;
}

/**
 * The IAM client of a set-up: the one passed in `clients.iam`, else one for `region` with
 * `clients.credentials` or the SDK's standard chain (`own`: the caller destroys it).
 */
export async function iamClientFor(init: {
  readonly region: string;
  readonly clients?:
    | {
        readonly iam?: IAMClient | undefined;
        readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
      }
    | undefined;
}): Promise<{ readonly iam: IAMClient; readonly own: boolean }> {
  if (init.clients?.iam !== undefined) return { iam: init.clients.iam, own: false };
  // Loaded on use: `@eksa-credprov/aws` stays cheap to import for what needs no IAM.
  const { IAMClient } = await import('@aws-sdk/client-iam');
  return {
    iam: new IAMClient({
      region: init.region,
      ...(init.clients?.credentials === undefined ? {} : { credentials: init.clients.credentials }),
    }),
    own: true,
  };
}
