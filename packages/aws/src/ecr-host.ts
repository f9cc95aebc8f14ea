import { AWS_PARTITIONS, ISSUE_CODES, ValidationError, requireString } from '@eksa-credprov/core';

/**
 * What an ECR registry host says about itself.
 *
 * @public
 */
export interface EcrHost {
  /** 12-digit registry (account) ID; `''` for ECR Public. */
  readonly registryId: string;
  /** The registry's region; ECR Public is served from `us-east-1`. */
  readonly region: string;
  readonly partition: string;
  readonly fips: boolean;
  /** Dual-stack host (`dkr-ecr…on.aws`, `ecr-public.aws.com`). */
  readonly dualStack: boolean;
  /** ECR Public (`public.ecr.aws`). */
  readonly public: boolean;
}

/**
 * Each DNS suffix an ECR registry host may end in, and its partition. GovCloud shares the `aws`
 * suffixes and is told apart by its region afterwards.
 */
const SUFFIX_PARTITION: ReadonlyMap<string, string> = new Map(
  AWS_PARTITIONS.filter((p) => p.id !== 'aws-us-gov').flatMap((p) =>
    [p.dnsSuffix, p.dualStackDnsSuffix]
      .filter((suffix) => suffix !== undefined)
      .map((suffix) => [suffix, p.id] as const),
  ),
);

// cloud-provider-aws ecr-credential-provider's pattern: 12 digits, dkr.ecr or dkr-ecr, optional
// -fips, a region, and one of the partitions' suffixes; anchored and case-sensitive.
const ECR_PRIVATE = new RegExp(
  `^(\\d{12})\\.dkr[.-]ecr(-fips)?\\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\\.(${[...SUFFIX_PARTITION.keys()]
    .map((suffix) => suffix.replaceAll('.', '\\.'))
    .join('|')})$`,
);

/**
 * Parses an ECR registry host (no port, no path), with the same pattern as the Go
 * `ecr-credential-provider`: private registries in every partition, FIPS and dual-stack, and ECR
 * Public (`public.ecr.aws`, `ecr-public.aws.com`).
 *
 * @throws `ValidationError` (from `@eksa-credprov/core`) "not an ECR host" otherwise (upstream then uses the SDK's
 * default region for the host, to support pull-through and custom names).
 * @public
 */
export function parseEcrHost(host: string): EcrHost {
  requireString(host, 'parseEcrHost');
  if (host === 'public.ecr.aws' || host === 'ecr-public.aws.com') {
    return {
      registryId: '',
      region: 'us-east-1',
      partition: 'aws',
      fips: false,
      dualStack: host === 'ecr-public.aws.com',
      public: true,
    };
  }
  const m = ECR_PRIVATE.exec(host);
  if (m === null) {
    throw new ValidationError('not an ECR host', [
      {
        path: '',
        code: ISSUE_CODES.INVALID_VALUE,
        message: `${JSON.stringify(host)} is not an ECR host: expected <12-digit account>.dkr.ecr.<region>.amazonaws.com (or another partition's suffix), or public.ecr.aws`,
      },
    ]);
  }
  const [, registryId = '', fips, region = '', suffix = ''] = m;
  const base = SUFFIX_PARTITION.get(suffix) ?? 'aws';
  const partition = base === 'aws' && region.startsWith('us-gov-') ? 'aws-us-gov' : base;
  return {
    registryId,
    region,
    partition,
    fips: fips !== undefined,
    dualStack: suffix.startsWith('on.'),
    public: false,
  };
}
