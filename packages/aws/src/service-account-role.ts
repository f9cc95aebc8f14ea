/**
 * The IAM side of per-workload ECR access (KEP-4412): an IAM OIDC identity provider for the
 * cluster's service-account issuer, and a role that service accounts of that issuer may assume
 * with `sts:AssumeRoleWithWebIdentity`, with the ECR read policy.
 */
import { connect, type DetailedPeerCertificate } from 'node:tls';
import type { IAMClient, OpenIDConnectProviderListEntry } from '@aws-sdk/client-iam';
import {
  checkDns1123Label,
  checkDns1123Subdomain,
  createEcrServiceAccount,
  createTokenAudienceRbac,
  CredprovError,
  DEFAULT_ECR_TOKEN_AUDIENCE,
  ecrTokenAttributes,
  ERROR_CODES,
  ISSUE_CODES,
  ValidationError,
  requireObject,
  requireString,
  type ClusterRbacObject,
  type ServiceAccountObject,
  type ServiceAccountTokenAttributes,
  type ValidationIssue,
} from '@eksa-credprov/core';
import { fromSdkError } from './aws-api-error.ts';
import { readCaBundle } from './ca-bundle.ts';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from './from-roles-anywhere.ts';
import { sendWithRetries } from './http.ts';
import { createEcrReadPolicy, type PolicyDocument } from './policies.ts';
import {
  deleteOurRole,
  ensureRole,
  iamCall,
  iamClientFor,
  isNoSuchEntity,
  OWNER_TAG,
  type SetupAction,
} from './setup-steps.ts';
import { CURATED_PACKAGES_ACCOUNT_ID } from './setup.ts';

/** A service account, by namespace and name (`*` in either matches any, with `StringLike`). @public */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * Input for {@link createWebIdentityTrustPolicy}.
 *
 * @public
 */
export interface WebIdentityTrustPolicyInit {
  /** The IAM OIDC identity provider of the cluster's issuer. */
  readonly oidcProviderArn: string;
  /** The cluster's service-account issuer URL (`https://…`, as in the tokens' `iss`). */
  readonly issuerUrl: string;
  /** @default {@link DEFAULT_ECR_TOKEN_AUDIENCE} */
  readonly audience?: string;
  /** The service accounts that may assume the role: at least one. */
  readonly serviceAccounts: readonly ServiceAccountRef[];
}

/** The issuer as IAM keys its conditions and names its provider: without `https://`. */
function issuerKey(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, '').replace(/\/$/, '');
}

/** The subject of a service account's tokens. */
function subjectOf(sa: ServiceAccountRef): string {
  return `system:serviceaccount:${sa.namespace}:${sa.name}`;
}

function checkServiceAccounts(list: unknown, issues: ValidationIssue[]): void {
  if (!Array.isArray(list) || list.length === 0) {
    issues.push({
      path: 'serviceAccounts',
      code: ISSUE_CODES.REQUIRED,
      message: 'needs at least one { namespace, name }',
    });
    return;
  }
  // Kubernetes' own name rules, or `*` for any.
  const ok = (value: unknown, check: (v: string) => string | undefined): boolean =>
    typeof value === 'string' && (value === '*' || check(value) === undefined);
  for (const [i, sa] of (list as unknown[]).entries()) {
    const ref = sa as Partial<ServiceAccountRef> | null;
    if (!ok(ref?.namespace, checkDns1123Label))
      issues.push({
        path: `serviceAccounts[${i}].namespace`,
        code: ISSUE_CODES.INVALID_NAME,
        message: 'must be a namespace name (DNS-1123 label) or "*"',
      });
    if (!ok(ref?.name, checkDns1123Subdomain))
      issues.push({
        path: `serviceAccounts[${i}].name`,
        code: ISSUE_CODES.INVALID_NAME,
        message: 'must be a service account name (DNS-1123 subdomain) or "*"',
      });
  }
}

function checkIssuer(issuerUrl: unknown, issues: ValidationIssue[]): void {
  if (
    typeof issuerUrl !== 'string' ||
    !URL.canParse(issuerUrl) ||
    new URL(issuerUrl).protocol !== 'https:' ||
    new URL(issuerUrl).search !== '' ||
    new URL(issuerUrl).hash !== ''
  )
    issues.push({
      path: 'issuerUrl',
      code: ISSUE_CODES.INVALID_VALUE,
      message:
        "must be the cluster's service-account issuer, an https URL without query or fragment (kube-apiserver --service-account-issuer)",
    });
}

/**
 * The role trust policy for service-account tokens: the cluster's OIDC provider may
 * `sts:AssumeRoleWithWebIdentity` for tokens of this audience whose subject is one of the service
 * accounts (`StringLike` when a namespace or name is `*`).
 *
 * @example
 * ```ts
 * createWebIdentityTrustPolicy({
 *   oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/cluster',
 *   issuerUrl: 'https://oidc.example.com/cluster',
 *   serviceAccounts: [{ namespace: 'team-a', name: 'builder' }],
 * });
 * ```
 * @throws ValidationError naming the field.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
 * @public
 */
export function createWebIdentityTrustPolicy(init: WebIdentityTrustPolicyInit): PolicyDocument {
  requireObject(init, 'createWebIdentityTrustPolicy');
  const issues: ValidationIssue[] = [];
  checkIssuer(init.issuerUrl, issues);
  checkServiceAccounts(init.serviceAccounts, issues);
  if (
    typeof init.oidcProviderArn !== 'string' ||
    !/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/.test(init.oidcProviderArn)
  )
    issues.push({
      path: 'oidcProviderArn',
      code: ISSUE_CODES.INVALID_VALUE,
      message: 'must be an IAM OIDC provider ARN (arn:aws:iam::ACCOUNT:oidc-provider/ISSUER)',
    });
  const audience = init.audience ?? DEFAULT_ECR_TOKEN_AUDIENCE;
  if (typeof audience !== 'string' || audience === '')
    issues.push({ path: 'audience', code: ISSUE_CODES.REQUIRED, message: 'must not be empty' });
  if (issues.length > 0) throw new ValidationError('invalid web identity trust policy', issues);
  const key = issuerKey(init.issuerUrl);
  const subjects = init.serviceAccounts.map(subjectOf);
  const exact = subjects.filter((s) => !s.includes('*'));
  const patterns = subjects.filter((s) => s.includes('*'));
  const one = (list: string[]): string | string[] => (list.length === 1 ? (list[0] ?? '') : list);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ServiceAccountTokens',
        Effect: 'Allow',
        Principal: { Federated: init.oidcProviderArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${key}:aud`]: audience,
            ...(exact.length > 0 ? { [`${key}:sub`]: one(exact) } : {}),
          },
          ...(patterns.length > 0 ? { StringLike: { [`${key}:sub`]: one(patterns) } } : {}),
        },
      },
    ],
  };
}

/**
 * The SHA-1 thumbprint IAM keeps for an OIDC provider: of the last certificate in the chain the
 * host of the issuer's `jwks_uri` presents (found through its discovery document), lower-case
 * hex.
 *
 * @throws CredprovError `AWS_API_ERROR` when the discovery document or the host cannot be reached.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html
 * @public
 */
export async function oidcThumbprint(
  issuerUrl: string,
  options: { readonly ca?: string | undefined; readonly timeoutMs?: number } = {},
): Promise<string> {
  requireString(issuerUrl, 'oidcThumbprint');
  requireObject(options, 'oidcThumbprint');
  const discoveryUrl = `${issuerUrl.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const res = await sendWithRetries({
    operation: 'OIDC discovery',
    build: () => ({ method: 'GET', url: discoveryUrl, headers: {}, body: '' }),
    ca: options.ca,
    signal,
    exhaustedHint: `IAM must reach ${discoveryUrl} too`,
  });
  let jwksUri: unknown;
  try {
    jwksUri = (JSON.parse(res.text) as { jwks_uri?: unknown }).jwks_uri;
  } catch {
    jwksUri = undefined;
  }
  if (res.status !== 200 || typeof jwksUri !== 'string' || !URL.canParse(jwksUri))
    throw new CredprovError({
      code: ERROR_CODES.AWS_API_ERROR,
      message: `${discoveryUrl} answered ${res.status} without a jwks_uri: the issuer must serve its OIDC discovery document to anonymous clients (bind system:service-account-issuer-discovery to system:unauthenticated)`,
    });
  const jwks = new URL(jwksUri);
  const chain = await new Promise<DetailedPeerCertificate>((resolve, reject) => {
    const socket = connect({
      host: jwks.hostname,
      port: Number(jwks.port === '' ? 443 : jwks.port),
      servername: /^[\d.]+$|:/.test(jwks.hostname) ? undefined : jwks.hostname,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    const timer = setTimeout(() => {
      socket.destroy(new Error('no TLS handshake in time'));
    }, options.timeoutMs ?? 15_000);
    socket.once('close', () => {
      clearTimeout(timer);
    });
    socket.once('secureConnect', () => {
      resolve(socket.getPeerCertificate(true));
      socket.end();
    });
    socket.once('error', reject);
  }).catch((e: unknown) => {
    throw new CredprovError({
      code: ERROR_CODES.AWS_API_ERROR,
      message: `cannot read the certificate chain of ${jwks.host}: ${e instanceof Error ? e.message : String(e)}`,
      cause: e,
    });
  });
  // The chain as Node verified it, from the leaf up; a self-signed root is its own issuer.
  let last: DetailedPeerCertificate = chain;
  for (let i = 0; i < 10; i++) {
    const issuer = last.issuerCertificate as DetailedPeerCertificate | undefined;
    if (issuer === undefined || issuer === last || issuer.fingerprint === last.fingerprint) break;
    last = issuer;
  }
  return last.fingerprint.replace(/:/g, '').toLowerCase();
}

/**
 * Input for {@link ensureServiceAccountRole}.
 *
 * @public
 */
export interface ServiceAccountRoleInit {
  /** The cluster (its name goes into the owner tag). */
  readonly clusterName: string;
  /** The cluster's service-account issuer URL, reachable by IAM. */
  readonly issuerUrl: string;
  readonly region: string;
  readonly roleName: string;
  /** The service accounts that may assume the role. */
  readonly serviceAccounts: readonly ServiceAccountRef[];
  /** @default {@link DEFAULT_ECR_TOKEN_AUDIENCE} */
  readonly audience?: string;
  /** The role's permissions. @default ECR read for the curated-packages account */
  readonly policy?: PolicyDocument;
  /** The OIDC provider's thumbprint. @default {@link oidcThumbprint} of the issuer */
  readonly thumbprint?: string;
  /** PEM roots for reaching the issuer. @default `AWS_CA_BUNDLE`'s, else the system's */
  readonly issuerCa?: string;
  /** Added to the owner tag on the role and on an OIDC provider the set-up creates. */
  readonly tags?: Readonly<Record<string, string>>;
  readonly clients?: {
    readonly iam?: IAMClient;
    readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  };
}

/** The result of {@link ensureServiceAccountRole}. @public */
export interface ServiceAccountRole {
  readonly roleArn: string;
  readonly oidcProviderArn: string;
  /** The annotation to put on each service account: `eks.amazonaws.com/ecr-role-arn`. */
  readonly annotation: { readonly 'eks.amazonaws.com/ecr-role-arn': string };
  /**
   * What the cluster needs, as plain objects to apply (`@eksa-credprov/kube`'s `applyObjects`,
   * Pulumi, cdk8s, GitOps): the nodes' RBAC for the audience, and each named service account
   * annotated with the role (a `*` namespace or name is left to you).
   */
  readonly kubernetesObjects: readonly (ClusterRbacObject | ServiceAccountObject)[];
  /** The kubelet config's `tokenAttributes` for the provider (`provider config --token-audience`). */
  readonly tokenAttributes: ServiceAccountTokenAttributes;
  readonly actions: {
    readonly oidcProvider: SetupAction;
    readonly role: SetupAction;
    readonly policy: SetupAction;
  };
}

/** The issues of the fields every call needs, as non-empty strings. */
function requiredStrings(
  init: Partial<Record<'clusterName' | 'region' | 'roleName', unknown>>,
): ValidationIssue[] {
  return (['clusterName', 'region', 'roleName'] as const)
    .filter((field) => typeof init[field] !== 'string' || init[field] === '')
    .map((field) => ({
      path: field,
      code: ISSUE_CODES.REQUIRED,
      message: 'is required, as a non-empty string',
    }));
}

function checkInit(init: ServiceAccountRoleInit): void {
  const issues = requiredStrings(init);
  if (typeof init.roleName === 'string' && !/^[\w+=,.@-]{1,64}$/.test(init.roleName))
    issues.push({
      path: 'roleName',
      code: ISSUE_CODES.INVALID_NAME,
      message: `${JSON.stringify(init.roleName)} is not an IAM role name (1-64 of letters, digits and +=,.@_-)`,
    });
  checkIssuer(init.issuerUrl, issues);
  checkServiceAccounts(init.serviceAccounts, issues);
  if (init.thumbprint !== undefined && !/^[0-9a-fA-F]{40}$/.test(init.thumbprint))
    issues.push({
      path: 'thumbprint',
      code: ISSUE_CODES.INVALID_VALUE,
      message: 'must be 40 hex digits (a SHA-1 fingerprint)',
    });
  if (issues.length > 0) throw new ValidationError('invalid service-account role set-up', issues);
}

/** The account's OIDC provider for `key` (issuer without scheme), or undefined. */
async function findProvider(iam: IAMClient, key: string): Promise<string | undefined> {
  const { ListOpenIDConnectProvidersCommand } = await import('@aws-sdk/client-iam');
  const list = await iamCall('ListOpenIDConnectProviders', () =>
    iam.send(new ListOpenIDConnectProvidersCommand({})),
  );
  return (list.OpenIDConnectProviderList ?? [])
    .map((p: OpenIDConnectProviderListEntry) => p.Arn ?? '')
    .find((arn) => arn.endsWith(`:oidc-provider/${key}`));
}

/**
 * Sets up a role that pods' service accounts assume with their tokens, in one idempotent call:
 * the IAM OIDC provider of the cluster's issuer (created when missing, with the audience added to
 * its client IDs and its thumbprint updated when they differ; shared by every role of the
 * cluster), then the role (trust policy for those service accounts, ECR read policy), created or
 * updated and tagged `eksa-credprov:cluster`. A role of that name that is not ours is never
 * touched.
 *
 * @returns the ARNs, the annotation for the service accounts, and what happened to each.
 * @throws ValidationError naming the field; CredprovError `RESOURCE_NOT_OWNED` for a role that is
 * not ours; AwsApiError for IAM's refusals.
 * @public
 */
export async function ensureServiceAccountRole(
  init: ServiceAccountRoleInit,
): Promise<ServiceAccountRole> {
  requireObject(init, 'ensureServiceAccountRole');
  checkInit(init);
  const audience = init.audience ?? DEFAULT_ECR_TOKEN_AUDIENCE;
  const key = issuerKey(init.issuerUrl);
  const {
    AddClientIDToOpenIDConnectProviderCommand,
    CreateOpenIDConnectProviderCommand,
    GetOpenIDConnectProviderCommand,
    UpdateOpenIDConnectProviderThumbprintCommand,
  } = await import('@aws-sdk/client-iam');
  const { iam, own } = await iamClientFor(init);
  try {
    const thumbprint =
      init.thumbprint?.toLowerCase() ??
      (await oidcThumbprint(init.issuerUrl, {
        ca: init.issuerCa ?? (await readCaBundle(process.env['AWS_CA_BUNDLE'], 'AWS_CA_BUNDLE')),
      }));
    let oidcProviderArn = await findProvider(iam, key);
    let oidcAction: SetupAction = 'unchanged';
    if (oidcProviderArn === undefined) {
      const created = await iamCall('CreateOpenIDConnectProvider', () =>
        iam.send(
          new CreateOpenIDConnectProviderCommand({
            Url: `https://${key}`,
            ClientIDList: [audience],
            ThumbprintList: [thumbprint],
            Tags: Object.entries({ ...init.tags, [OWNER_TAG]: init.clusterName }).map(
              ([Key, Value]) => ({ Key, Value }),
            ),
          }),
        ),
      );
      oidcProviderArn = created.OpenIDConnectProviderArn ?? '';
      oidcAction = 'created';
    } else {
      const arn = oidcProviderArn;
      const current = await iamCall('GetOpenIDConnectProvider', () =>
        iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
      );
      if (!(current.ClientIDList ?? []).includes(audience)) {
        await iamCall('AddClientIDToOpenIDConnectProvider', () =>
          iam.send(
            new AddClientIDToOpenIDConnectProviderCommand({
              OpenIDConnectProviderArn: arn,
              ClientID: audience,
            }),
          ),
        );
        oidcAction = 'updated';
      }
      const thumbprints = (current.ThumbprintList ?? []).map((t) => t.toLowerCase());
      if (!thumbprints.includes(thumbprint)) {
        await iamCall('UpdateOpenIDConnectProviderThumbprint', () =>
          iam.send(
            new UpdateOpenIDConnectProviderThumbprintCommand({
              OpenIDConnectProviderArn: arn,
              ThumbprintList: [thumbprint, ...thumbprints].slice(0, 5),
            }),
          ),
        );
        oidcAction = 'updated';
      }
    }
    const role = await ensureRole(iam, {
      roleName: init.roleName,
      owner: init.clusterName,
      description: `EKS Anywhere per-workload ECR access for ${init.clusterName}`,
      trustPolicy: createWebIdentityTrustPolicy({
        oidcProviderArn,
        issuerUrl: init.issuerUrl,
        audience,
        serviceAccounts: init.serviceAccounts,
      }),
      policy:
        init.policy ?? createEcrReadPolicy({ registryAccountIds: [CURATED_PACKAGES_ACCOUNT_ID] }),
      tags: init.tags,
    });
    return {
      roleArn: role.roleArn,
      oidcProviderArn,
      annotation: { 'eks.amazonaws.com/ecr-role-arn': role.roleArn },
      kubernetesObjects: [
        ...createTokenAudienceRbac({ audience }),
        ...init.serviceAccounts
          .filter((sa) => sa.namespace !== '*' && sa.name !== '*')
          .map((sa) => createEcrServiceAccount({ ...sa, roleArn: role.roleArn })),
      ],
      tokenAttributes: ecrTokenAttributes({ audience }),
      actions: { oidcProvider: oidcAction, role: role.role, policy: role.policy },
    };
  } finally {
    if (own) iam.destroy();
  }
}

/**
 * Removes the role {@link ensureServiceAccountRole} created (when it carries our tag), and, when
 * `deleteOidcProvider` is true, the cluster's OIDC provider if the set-up created it (other roles
 * of the cluster may still use it: keep it until the last one goes). Safe to run again.
 *
 * @returns what was deleted.
 * @public
 */
export async function teardownServiceAccountRole(
  init: Pick<ServiceAccountRoleInit, 'clusterName' | 'region' | 'roleName' | 'clients'> & {
    readonly issuerUrl?: string;
    readonly deleteOidcProvider?: boolean;
  },
): Promise<{ readonly role: boolean; readonly oidcProvider: boolean }> {
  requireObject(init, 'teardownServiceAccountRole');
  const issues = requiredStrings(init);
  if (init.deleteOidcProvider === true) checkIssuer(init.issuerUrl, issues);
  if (issues.length > 0) throw new ValidationError('invalid service-account role teardown', issues);
  const { iam, own } = await iamClientFor(init);
  try {
    const role = await deleteOurRole(iam, init.roleName, init.clusterName);
    let oidcProvider = false;
    if (init.deleteOidcProvider === true && init.issuerUrl !== undefined) {
      const { DeleteOpenIDConnectProviderCommand, ListOpenIDConnectProviderTagsCommand } =
        await import('@aws-sdk/client-iam');
      const arn = await findProvider(iam, issuerKey(init.issuerUrl));
      if (arn !== undefined) {
        const tags = await iamCall('ListOpenIDConnectProviderTags', () =>
          iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn })),
        );
        if ((tags.Tags ?? []).some((t) => t.Key === OWNER_TAG && t.Value === init.clusterName)) {
          try {
            await iam.send(
              new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }),
            );
            oidcProvider = true;
          } catch (e) {
            if (!isNoSuchEntity(e)) throw fromSdkError(e, 'IAM DeleteOpenIDConnectProvider');
          }
        }
        // A provider the set-up did not create is left alone, as the teardowns leave others.
      }
    }
    return { role, oidcProvider };
  } finally {
    if (own) iam.destroy();
  }
}
