import { ISSUE_CODES, ValidationError } from '@eksa-credprov/core';

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

// cloud-provider-aws ecr-credential-provider's pattern: 12 digits, dkr.ecr or dkr-ecr, optional
// -fips, a region, and one of the partitions' suffixes; anchored and case-sensitive.
const ECR_PRIVATE =
  /^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.com(?:\.cn)?|amazonaws\.eu|on\.aws|on\.amazonwebservices\.com\.cn|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;

const SUFFIX_PARTITION: Readonly<Record<string, string>> = {
  'amazonaws.com': 'aws',
  'amazonaws.com.cn': 'aws-cn',
  'amazonaws.eu': 'aws-eusc',
  'on.aws': 'aws',
  'on.amazonwebservices.com.cn': 'aws-cn',
  'c2s.ic.gov': 'aws-iso',
  'sc2s.sgov.gov': 'aws-iso-b',
  'cloud.adc-e.uk': 'aws-iso-e',
  'csp.hci.ic.gov': 'aws-iso-f',
};

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
  const base = SUFFIX_PARTITION[suffix] ?? 'aws';
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
