import { requireString } from './input.ts';
import { ISSUE_CODES, ValidationError, type ValidationIssue } from './errors.ts';
import { quote } from './issues.ts';

/**
 * AWS region codes across partitions: `us-west-2`, `us-gov-east-1`, `cn-north-1`,
 * `eusc-de-east-1`, `us-iso-east-1`, `us-isob-east-1`, `eu-isoe-west-1`, `us-isof-south-1`, ...
 */
const REGION = /^[a-z]{2,4}(-[a-z]+){1,3}-[0-9]{1,2}$/;

/**
 * One AWS partition: its ID (the second field of an ARN), which region codes belong to it, and
 * the DNS suffixes of its service endpoints.
 *
 * @public
 */
export interface AwsPartition {
  /** `aws`, `aws-cn`, `aws-us-gov`, ... */
  readonly id: string;
  /** The prefix of its region codes; `''` for `aws`, which takes every region no other claims. */
  readonly regionPrefix: string;
  /** Service endpoints are `<service>.<region>.<dnsSuffix>`. */
  readonly dnsSuffix: string;
  /** Dual-stack endpoints' suffix, where the partition has them. */
  readonly dualStackDnsSuffix?: string;
}

const AWS_COMMERCIAL: AwsPartition = {
  id: 'aws',
  regionPrefix: '',
  dnsSuffix: 'amazonaws.com',
  dualStackDnsSuffix: 'on.aws',
};

/**
 * Every AWS partition, as the AWS SDKs' endpoint rules (`partitions.json`) list them. The one
 * table of partitions, region prefixes and DNS suffixes in this SDK.
 *
 * @public
 */
export const AWS_PARTITIONS: readonly AwsPartition[] = [
  {
    id: 'aws-cn',
    regionPrefix: 'cn-',
    dnsSuffix: 'amazonaws.com.cn',
    dualStackDnsSuffix: 'on.amazonwebservices.com.cn',
  },
  {
    id: 'aws-us-gov',
    regionPrefix: 'us-gov-',
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'on.aws',
  },
  { id: 'aws-iso-b', regionPrefix: 'us-isob-', dnsSuffix: 'sc2s.sgov.gov' },
  { id: 'aws-iso-f', regionPrefix: 'us-isof-', dnsSuffix: 'csp.hci.ic.gov' },
  { id: 'aws-iso', regionPrefix: 'us-iso-', dnsSuffix: 'c2s.ic.gov' },
  { id: 'aws-iso-e', regionPrefix: 'eu-isoe-', dnsSuffix: 'cloud.adc-e.uk' },
  { id: 'aws-eusc', regionPrefix: 'eusc-', dnsSuffix: 'amazonaws.eu' },
  AWS_COMMERCIAL,
];

/**
 * The partition a region belongs to (`cn-north-1` → `aws-cn`); `aws` for any region no other
 * partition claims, as the SDKs' endpoint rules do.
 *
 * @public
 */
export function partitionOfRegion(region: string): AwsPartition {
  requireString(region, 'partitionOfRegion');
  return (
    AWS_PARTITIONS.find((p) => p.regionPrefix !== '' && region.startsWith(p.regionPrefix)) ??
    AWS_COMMERCIAL
  );
}

/**
 * The partition with this ID, or `aws` for an ID this SDK does not know.
 *
 * @public
 */
export function awsPartition(id: string): AwsPartition {
  requireString(id, 'awsPartition');
  return AWS_PARTITIONS.find((p) => p.id === id) ?? AWS_COMMERCIAL;
}

/**
 * True when `value` is an AWS region code such as `us-west-2`, `us-gov-east-1`, `cn-north-1` or
 * `eusc-de-east-1` (any partition).
 *
 * @public
 */
export function isAwsRegion(value: string): boolean {
  return REGION.test(value);
}

/** @internal */
export function checkRegion(value: string): string | undefined {
  if (isAwsRegion(value)) return undefined;
  return `${quote(value)} is not an AWS region code; write one such as "us-west-2" or "eu-central-1"`;
}

/**
 * The parts of an Amazon Resource Name.
 *
 * @public
 */
export interface Arn {
  /** `aws`, `aws-cn`, `aws-us-gov`, ... */
  readonly partition: string;
  /** Service namespace, such as `iam` or `rolesanywhere`. */
  readonly service: string;
  /** Region, or `''` for global services such as IAM. */
  readonly region: string;
  /** 12-digit account ID. */
  readonly accountId: string;
  /** Resource type, such as `role`, `trust-anchor` or `profile`. */
  readonly resourceType: string;
  /** What follows the resource type and `/` (for a role, its path and name). */
  readonly resourceId: string;
}

/** What kind of ARN a field must hold. */
export type ArnKind = 'iam-role' | 'rolesanywhere-trust-anchor' | 'rolesanywhere-profile';

const ARN_KINDS: Record<
  ArnKind,
  { service: string; type: string; example: string; regional: boolean }
> = {
  'iam-role': {
    service: 'iam',
    type: 'role',
    example: 'arn:aws:iam::123456789012:role/eksa-ecr-pull',
    regional: false,
  },
  'rolesanywhere-trust-anchor': {
    service: 'rolesanywhere',
    type: 'trust-anchor',
    example:
      'arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
    regional: true,
  },
  'rolesanywhere-profile': {
    service: 'rolesanywhere',
    type: 'profile',
    example:
      'arn:aws:rolesanywhere:us-west-2:123456789012:profile/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
    regional: true,
  },
};

function splitArn(value: string): Arn | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', accountId = ''] = parts;
  const resource = parts.slice(5).join(':');
  const slash = resource.indexOf('/');
  if (slash <= 0) return undefined;
  return {
    partition,
    service,
    region,
    accountId,
    resourceType: resource.slice(0, slash),
    resourceId: resource.slice(slash + 1),
  };
}

/** @internal */
export function checkArn(value: unknown, kind: ArnKind): { arn?: Arn; problem?: string } {
  const want = ARN_KINDS[kind];
  const expected = `an ${want.service === 'iam' ? 'IAM role' : `IAM Roles Anywhere ${want.type}`} ARN such as "${want.example}"`;
  if (typeof value !== 'string' || value === '') return { problem: `is required: ${expected}` };
  const arn = splitArn(value);
  if (arn === undefined) return { problem: `${quote(value)} is not an ARN; expected ${expected}` };
  const wrong = (what: string): { problem: string } => ({
    problem: `${quote(value)} ${what}; expected ${expected}`,
  });
  if (!AWS_PARTITIONS.some((p) => p.id === arn.partition))
    return wrong(`has unknown partition ${quote(arn.partition)}`);
  if (arn.service !== want.service || arn.resourceType !== want.type) {
    return wrong(`is a ${arn.service} ${arn.resourceType} ARN`);
  }
  if (!/^[0-9]{12}$/.test(arn.accountId))
    return wrong(`has account ID ${quote(arn.accountId)}, not 12 digits`);
  if (want.regional && !REGION.test(arn.region))
    return wrong(`has region ${quote(arn.region)}, not a region code`);
  if (!want.regional && arn.region !== '') return wrong('has a region, but IAM ARNs have none');
  const idOk =
    kind === 'iam-role'
      ? /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/.test(arn.resourceId)
      : /^[A-Za-z0-9-]{1,64}$/.test(arn.resourceId);
  if (!idOk)
    return wrong(
      `has an invalid ${want.type} ${kind === 'iam-role' ? 'name' : 'ID'} ${quote(arn.resourceId)}`,
    );
  return { arn };
}

/**
 * Parses an ARN and checks that it is of the given kind.
 *
 * @param kind - `'iam-role'`, `'rolesanywhere-trust-anchor'` or `'rolesanywhere-profile'`.
 * @throws {@link ValidationError} (issue code `invalid_arn`) saying what is wrong and showing a
 * well-formed example.
 * @example
 * ```ts
 * parseArn('arn:aws:iam::123456789012:role/ecr-pull', 'iam-role').accountId; // '123456789012'
 * ```
 * @public
 */
export function parseArn(value: string, kind: ArnKind): Arn {
  requireString(value, 'parseArn');
  const { arn, problem } = checkArn(value, kind);
  if (arn === undefined) {
    const issue: ValidationIssue = {
      path: '',
      code: ISSUE_CODES.INVALID_ARN,
      message: problem ?? 'invalid ARN',
    };
    throw new ValidationError('invalid ARN', [issue]);
  }
  return arn;
}
