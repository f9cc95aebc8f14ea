import {
  awsPartition,
  ISSUE_CODES,
  isAwsRegion,
  parseArn,
  ValidationError,
  type ValidationIssue,
  requireObject,
} from '@eksa-credprov/core';

/** An IAM policy document. @public */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** One statement of an IAM policy. @public */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Readonly<Record<string, string | readonly string[]>>;
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<
    Record<string, Readonly<Record<string, string | readonly string[]>>>
  >;
}

/** The read actions of the EKS Anywhere docs' sample policy. @public */
export const ECR_READ_ACTIONS: readonly string[] = [
  'ecr:DescribeImageScanFindings',
  'ecr:GetDownloadUrlForLayer',
  'ecr:DescribeRegistry',
  'ecr:DescribePullThroughCacheRules',
  'ecr:DescribeImageReplicationStatus',
  'ecr:ListTagsForResource',
  'ecr:ListImages',
  'ecr:BatchGetImage',
  'ecr:DescribeImages',
  'ecr:DescribeRepositories',
  'ecr:BatchCheckLayerAvailability',
];

/**
 * Input for {@link createEcrReadPolicy}.
 *
 * @public
 */
export interface EcrReadPolicyInit {
  /** 12-digit accounts whose registries the nodes pull from (the curated-packages account, your own). */
  readonly registryAccountIds: readonly string[];
  /** Limit to these regions. @default every region (`*`) */
  readonly regions?: readonly string[];
  /** @default `"aws"` */
  readonly partition?: string;
}

/**
 * The IAM policy the EKS Anywhere docs give the credential provider's role: ECR read actions on
 * the registries' repositories (`ECRRead`) and `ecr:GetAuthorizationToken` on `*` (`ECRLogin`).
 *
 * @example
 * ```ts
 * createEcrReadPolicy({ registryAccountIds: ['783794618700', '123456789012'] });
 * ```
 * @see https://anywhere.eks.amazonaws.com/docs/packages/credential-provider-package/iam_roles_anywhere/
 * @public
 */
export function createEcrReadPolicy(init: EcrReadPolicyInit): PolicyDocument {
  requireObject(init, 'createEcrReadPolicy');
  const issues: ValidationIssue[] = [];
  const ids: unknown = init.registryAccountIds;
  if (!Array.isArray(ids))
    throw new ValidationError('invalid ECR read policy', [
      {
        path: 'registryAccountIds',
        code: ISSUE_CODES.REQUIRED,
        message: 'is required: a list of 12-digit account IDs whose registries the role may read',
      },
    ]);
  if (init.registryAccountIds.length === 0) {
    issues.push({
      path: 'registryAccountIds',
      code: ISSUE_CODES.REQUIRED,
      message: 'needs at least one 12-digit account ID',
    });
  }
  init.registryAccountIds.forEach((id, i) => {
    if (!/^[0-9]{12}$/.test(id))
      issues.push({
        path: `registryAccountIds[${i}]`,
        code: ISSUE_CODES.INVALID_VALUE,
        message: `${JSON.stringify(id)} is not a 12-digit AWS account ID`,
      });
  });
  (init.regions ?? []).forEach((r, i) => {
    if (!isAwsRegion(r))
      issues.push({
        path: `regions[${i}]`,
        code: ISSUE_CODES.INVALID_REGION,
        message: `${JSON.stringify(r)} is not a region code such as "us-west-2"`,
      });
  });
  if (issues.length > 0) throw new ValidationError('invalid ECR read policy', issues);
  const partition = init.partition ?? 'aws';
  const regions = init.regions === undefined || init.regions.length === 0 ? ['*'] : init.regions;
  const resources = init.registryAccountIds.flatMap((account) =>
    regions.map((r) => `arn:${partition}:ecr:${r}:${account}:repository/*`),
  );
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ECRRead',
        Effect: 'Allow',
        Action: ECR_READ_ACTIONS,
        Resource: resources.length === 1 ? (resources[0] ?? '') : resources,
      },
      { Sid: 'ECRLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
    ],
  };
}

/**
 * Input for {@link createRolesAnywhereTrustPolicy}.
 *
 * @public
 */
export interface RolesAnywhereTrustPolicyInit {
  /** The trust anchor (the cluster CA) allowed to assume the role. */
  readonly trustAnchorArn: string;
  /**
   * Conditions on the certificate subject, as session tags: `{ O: 'system:nodes', CN: 'system:node:*' }`.
   * Values with `*` or `?` use `StringLike`, others `StringEquals`.
   */
  readonly subject?: Readonly<Record<string, string>>;
}

/**
 * The role trust policy for IAM Roles Anywhere: principal `rolesanywhere.amazonaws.com` may
 * `sts:AssumeRole`, `sts:TagSession` and `sts:SetSourceIdentity`, only through this trust anchor
 * (`aws:SourceArn`), and optionally only for certificates whose subject matches.
 *
 * @example
 * ```ts
 * createRolesAnywhereTrustPolicy({ trustAnchorArn, subject: { O: 'system:nodes', CN: 'system:node:*' } });
 * ```
 * @see https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html
 * @public
 */
export function createRolesAnywhereTrustPolicy(init: RolesAnywhereTrustPolicyInit): PolicyDocument {
  requireObject(init, 'createRolesAnywhereTrustPolicy');
  const anchor = parseArn(init.trustAnchorArn, 'rolesanywhere-trust-anchor');
  const equals: Record<string, string> = {};
  const like: Record<string, string> = {};
  for (const [field, value] of Object.entries(init.subject ?? {})) {
    if (!/^[A-Za-z]+$/.test(field)) {
      throw new ValidationError('invalid trust policy', [
        {
          path: `subject.${field}`,
          code: ISSUE_CODES.INVALID_VALUE,
          message: 'must be a subject attribute such as CN, O or OU',
        },
      ]);
    }
    (/[*?]/.test(value) ? like : equals)[`aws:PrincipalTag/x509Subject/${field}`] = value;
  }
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RolesAnywhere',
        Effect: 'Allow',
        Principal: {
          // China's service principals carry its DNS suffix; every other partition's are
          // `<service>.amazonaws.com`.
          Service: `rolesanywhere.${anchor.partition === 'aws-cn' ? awsPartition('aws-cn').dnsSuffix : 'amazonaws.com'}`,
        },
        Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
        Condition: {
          ArnEquals: { 'aws:SourceArn': init.trustAnchorArn },
          ...(Object.keys(equals).length > 0 ? { StringEquals: equals } : {}),
          ...(Object.keys(like).length > 0 ? { StringLike: like } : {}),
        },
      },
    ],
  };
}
