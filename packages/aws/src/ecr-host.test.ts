import { isValidationError } from '@eksa-credprov/core';
import { describe, expect, it } from 'vitest';
import { parseEcrHost } from './ecr-host.ts';

// cloud-provider-aws TestRegistryPatternMatch: [host, matches].
const PATTERN: readonly (readonly [string, boolean])[] = [
  ['123456789012.dkr.ecr.lala-land-1.amazonaws.com', true],
  ['123456789012.dkr.ecr-fips.lala-land-1.amazonaws.com', true],
  ['123456789012.dkr.ecr.lala-land-1.amazonaws.com.cn', true],
  ['123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu', true],
  ['123456789012.dkr.ecr-fips.eusc-de-east-1.amazonaws.eu', true],
  ['1234567890123.dkr.ecr.lala-land-1.amazonaws.com', false],
  ['12345678901.dkr.ecr.lala-land-1.amazonaws.com', false],
  ['12345678901A.dkr.ecr.lala-land-1.amazonaws.com', false],
  ['123456789012.dkr.ecr.lala-land-1!.amazonaws.com', false],
  ['123456789012.dkr.ecr.#lala-land-1.amazonaws.com', false],
  ['123456789012.dkr.ecr.lala-land-1.amazonaws.hacker.com', false],
  ['123456789012.dkr.ecr.lala-land-1.hacker.com', false],
  ['123456789012.dkr.ecr.lala-land-1.amazonaws.lol', false],
  ['123456789012.dog.ecr.lala-land-1.amazonaws.com', false],
  ['123456789012.dkr.cat.lala-land-1.amazonaws.com', false],
  ['123456789012.dkr.cat.lala-land-1.awsamazon.com', false],
  ['123456789012.lala-land-1.amazonaws.com', false],
  ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', true],
  ['123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', true],
  ['123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk', true],
  ['123456789012.dkr.ecr.us-isof-east-1.csp.hci.ic.gov', true],
  ['123456789012.dkr.ecr.us-iso-east-1.amazonaws.gov', false],
  ['123456789012.dkr-ecr.lala-land-1.on.aws', true],
  ['123456789012.dkr-ecr-fips.lala-land-1.on.aws', true],
  ['123456789012.dkr-ecr.lala-land-1.on.amazonwebservices.com.cn', true],
];

// cloud-provider-aws Test_parseRegionFromECRPrivateHost: [host, region].
const REGION: readonly (readonly [string, string])[] = [
  ['123456789123.dkr.ecr.us-west-2.amazonaws.com', 'us-west-2'],
  ['123456789123.dkr.ecr.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
  ['123456789123.dkr.ecr.us-gov-east-1.amazonaws.com', 'us-gov-east-1'],
  ['123456789123.dkr.ecr.us-iso-east-1.c2s.ic.gov', 'us-iso-east-1'],
  ['123456789123.dkr.ecr.eusc-de-east-1.amazonaws.eu', 'eusc-de-east-1'],
  ['123456789123.dkr-ecr.us-west-2.on.aws', 'us-west-2'],
  ['123456789123.dkr-ecr-fips.us-west-2.on.aws', 'us-west-2'],
  ['123456789123.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn', 'cn-north-1'],
  ['123456789123.dkr-ecr.us-gov-east-1.on.aws', 'us-gov-east-1'],
  ['123456789123.dkr-ecr-fips.us-gov-east-1.on.aws', 'us-gov-east-1'],
];

const isEcr = (host: string): boolean => {
  try {
    parseEcrHost(host);
    return true;
  } catch (e) {
    if (isValidationError(e)) return false;
    throw e;
  }
};

describe('parseEcrHost', () => {
  it.each(PATTERN)('%s matches: %s', (host, want) => {
    expect(isEcr(host)).toBe(want);
  });
  it.each(REGION)('%s is in %s', (host, region) => {
    expect(parseEcrHost(host).region).toBe(region);
  });
  it.each([
    [
      '123456789012.dkr.ecr.us-west-2.amazonaws.com',
      {
        registryId: '123456789012',
        region: 'us-west-2',
        partition: 'aws',
        fips: false,
        dualStack: false,
        public: false,
      },
    ],
    [
      '123456789012.dkr-ecr-fips.us-gov-west-1.on.aws',
      {
        registryId: '123456789012',
        region: 'us-gov-west-1',
        partition: 'aws-us-gov',
        fips: true,
        dualStack: true,
        public: false,
      },
    ],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
      {
        registryId: '123456789012',
        region: 'cn-north-1',
        partition: 'aws-cn',
        fips: false,
        dualStack: false,
        public: false,
      },
    ],
    [
      'public.ecr.aws',
      {
        registryId: '',
        region: 'us-east-1',
        partition: 'aws',
        fips: false,
        dualStack: false,
        public: true,
      },
    ],
    [
      'ecr-public.aws.com',
      {
        registryId: '',
        region: 'us-east-1',
        partition: 'aws',
        fips: false,
        dualStack: true,
        public: true,
      },
    ],
  ])('%s', (host, want) => {
    expect(parseEcrHost(host)).toEqual(want);
  });
  it.each([
    'foobar',
    '123456789012.DKR.ECR.us-west-2.amazonaws.com',
    '123456789012.dkr.ecr.us-west-2.amazonaws.com.',
    '123456789012.dkr.ecr.us-west-2.amazonaws.com:443',
    'Public.ECR.aws',
  ])('says %j is not an ECR host', (host) => {
    expect(() => parseEcrHost(host)).toThrow(/is not an ECR host/);
  });
});
