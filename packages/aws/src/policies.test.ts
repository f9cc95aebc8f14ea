import { describe, expect, it } from 'vitest';
import {
  createEcrReadPolicy,
  createRolesAnywhereTrustPolicy,
  ECR_READ_ACTIONS,
} from './policies.ts';

const ANCHOR =
  'arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

describe('createEcrReadPolicy', () => {
  it('is the docs sample for the curated-packages account', () => {
    expect(createEcrReadPolicy({ registryAccountIds: ['783794618700'] })).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ECRRead',
          Effect: 'Allow',
          Action: ECR_READ_ACTIONS,
          Resource: 'arn:aws:ecr:*:783794618700:repository/*',
        },
        { Sid: 'ECRLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      ],
    });
    expect(ECR_READ_ACTIONS).toHaveLength(11);
  });
  it('covers several accounts and regions', () => {
    const policy = createEcrReadPolicy({
      registryAccountIds: ['783794618700', '123456789012'],
      regions: ['us-west-2', 'eu-west-1'],
    });
    expect(policy.Statement[0]?.Resource).toEqual([
      'arn:aws:ecr:us-west-2:783794618700:repository/*',
      'arn:aws:ecr:eu-west-1:783794618700:repository/*',
      'arn:aws:ecr:us-west-2:123456789012:repository/*',
      'arn:aws:ecr:eu-west-1:123456789012:repository/*',
    ]);
  });
  it.each([
    [{ registryAccountIds: [] }, /registryAccountIds: needs at least one/],
    [{ registryAccountIds: ['1234'] }, /registryAccountIds\[0\]: "1234" is not a 12-digit/],
    [
      { registryAccountIds: ['123456789012'], regions: ['west'] },
      /regions\[0\]: "west" is not a region/,
    ],
  ])('refuses %j', (init, message) => {
    expect(() => createEcrReadPolicy(init)).toThrow(message);
  });
});

describe('createRolesAnywhereTrustPolicy', () => {
  it('binds the role to the trust anchor and, optionally, the node certificate subject', () => {
    expect(
      createRolesAnywhereTrustPolicy({
        trustAnchorArn: ANCHOR,
        subject: { O: 'system:nodes', CN: 'system:node:*' },
      }),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'RolesAnywhere',
          Effect: 'Allow',
          Principal: { Service: 'rolesanywhere.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
          Condition: {
            ArnEquals: { 'aws:SourceArn': ANCHOR },
            StringEquals: { 'aws:PrincipalTag/x509Subject/O': 'system:nodes' },
            StringLike: { 'aws:PrincipalTag/x509Subject/CN': 'system:node:*' },
          },
        },
      ],
    });
    expect(
      createRolesAnywhereTrustPolicy({ trustAnchorArn: ANCHOR }).Statement[0]?.Condition,
    ).toEqual({ ArnEquals: { 'aws:SourceArn': ANCHOR } });
  });
  it('refuses a trust anchor ARN of another kind, and a bad subject field', () => {
    expect(() =>
      createRolesAnywhereTrustPolicy({ trustAnchorArn: 'arn:aws:iam::123456789012:role/x' }),
    ).toThrow(/trust-anchor/);
    expect(() =>
      createRolesAnywhereTrustPolicy({ trustAnchorArn: ANCHOR, subject: { 'x/y': 'v' } }),
    ).toThrow(/subject attribute/);
  });
});
