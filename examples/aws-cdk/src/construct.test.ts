import {
  CURATED_PACKAGES_ACCOUNT_ID,
  ECR_READ_POLICY_NAME,
  OWNER_TAG,
  createEcrReadPolicy,
  createRolesAnywhereTrustPolicy,
} from '@eksa-credprov/aws';
import { isValidationError } from '@eksa-credprov/core';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { testPki } from '@eksa-credprov/testenv';
import { CredentialProviderStack } from './app.ts';
import type { CredentialProviderRolesAnywhereProps } from './construct.ts';

function synth(setup: Partial<CredentialProviderRolesAnywhereProps> = {}): {
  template: Template;
  stack: CredentialProviderStack;
} {
  const app = new App();
  const stack = new CredentialProviderStack(app, 'eksa-credprov-mgmt', {
    env: { region: 'us-west-2' },
    setup: {
      clusterName: 'mgmt',
      region: 'us-west-2',
      caCertificatePem: testPki().caCert,
      ...setup,
    },
  });
  return { template: Template.fromStack(stack), stack };
}

/** The construct's CloudFormation logical IDs. */
function logicalIds(template: Template): { anchor: string; role: string; profile: string } {
  const ids = (type: string): string => Object.keys(template.findResources(type))[0] ?? '';
  return {
    anchor: ids('AWS::RolesAnywhere::TrustAnchor'),
    role: ids('AWS::IAM::Role'),
    profile: ids('AWS::RolesAnywhere::Profile'),
  };
}

/** The SDK's trust policy with the trust anchor's ARN as CloudFormation resolves it. */
function sdkTrustPolicy(anchorId: string, subject?: Record<string, string>, partition = 'aws') {
  const placeholder = `arn:${partition}:rolesanywhere:us-west-2:000000000000:trust-anchor/00000000-0000-4000-8000-000000000000`;
  const document = createRolesAnywhereTrustPolicy({
    trustAnchorArn: placeholder,
    ...(subject === undefined ? {} : { subject }),
  });
  return JSON.parse(
    JSON.stringify(document).replace(
      JSON.stringify(placeholder),
      JSON.stringify({ 'Fn::GetAtt': [anchorId, 'TrustAnchorArn'] }),
    ),
  ) as unknown;
}

const ownerTag = { Key: OWNER_TAG, Value: 'mgmt' };

// The first synthesis in a process warms aws-cdk-lib's lazily loaded internals: 2–7 s on a busy
// 2-core CI machine, over vitest's 5 s default. A limit, not a timing assertion.
describe('CredentialProviderRolesAnywhere, synthesised', { timeout: 60_000 }, () => {
  it('creates exactly a trust anchor, a role with one inline policy, a profile, and four outputs', () => {
    const { template } = synth();
    const all = template.toJSON() as { Resources: Record<string, { Type: string }> };
    expect(
      Object.values(all.Resources)
        .map((r) => r.Type)
        .sort(),
    ).toEqual(['AWS::IAM::Role', 'AWS::RolesAnywhere::Profile', 'AWS::RolesAnywhere::TrustAnchor']);
    const { anchor, role, profile } = logicalIds(template);
    expect(
      template.findResources('AWS::RolesAnywhere::TrustAnchor')[anchor]?.['Properties'],
    ).toEqual({
      Name: 'eksa-mgmt',
      Enabled: true,
      Source: {
        SourceType: 'CERTIFICATE_BUNDLE',
        SourceData: { X509CertificateData: testPki().caCert },
      },
      Tags: [{ Key: OWNER_TAG, Value: 'mgmt' }],
    });
    expect(template.findResources('AWS::IAM::Role')[role]?.['Properties']).toEqual({
      RoleName: 'eksa-mgmt-ecr-pull',
      Description: 'EKS Anywhere credential provider for mgmt',
      AssumeRolePolicyDocument: sdkTrustPolicy(anchor),
      Policies: [
        {
          PolicyName: ECR_READ_POLICY_NAME,
          PolicyDocument: createEcrReadPolicy({
            registryAccountIds: [CURATED_PACKAGES_ACCOUNT_ID],
          }),
        },
      ],
      Tags: [ownerTag],
    });
    expect(template.findResources('AWS::RolesAnywhere::Profile')[profile]?.['Properties']).toEqual({
      Name: 'eksa-mgmt',
      Enabled: true,
      RoleArns: [{ 'Fn::GetAtt': [role, 'Arn'] }],
      DurationSeconds: 3600,
      Tags: [ownerTag],
    });
    const outputs = Object.entries(template.findOutputs('*')).map(([key, o]): unknown[] => [
      key.replace(/[0-9A-F]{8}$/, ''),
      o['Value'] as unknown,
    ]);
    expect(outputs).toEqual([
      ['CredentialProviderRegion', 'us-west-2'],
      ['CredentialProviderTrustAnchorArn', { 'Fn::GetAtt': [anchor, 'TrustAnchorArn'] }],
      ['CredentialProviderRoleArn', { 'Fn::GetAtt': [role, 'Arn'] }],
      ['CredentialProviderProfileArn', { 'Fn::GetAtt': [profile, 'ProfileArn'] }],
    ]);
  });

  it('passes names, subject, accounts, session length and tags through the SDK’s own builders', () => {
    const subject = { O: 'system:nodes', CN: 'system:node:*' };
    const { template } = synth({
      roleName: 'pull',
      trustAnchorName: 'anchor',
      profileName: 'profile',
      registryAccountIds: ['111111111111', '222222222222'],
      sessionDurationSeconds: 900,
      subject,
      tags: { team: 'platform' },
    });
    const { anchor } = logicalIds(template);
    // CloudFormation tags come out sorted by key, as CDK's tag manager writes them.
    const tags = [ownerTag, { Key: 'team', Value: 'platform' }];
    template.hasResourceProperties('AWS::RolesAnywhere::TrustAnchor', {
      Name: 'anchor',
      Tags: tags,
    });
    template.hasResourceProperties('AWS::RolesAnywhere::Profile', {
      Name: 'profile',
      DurationSeconds: 900,
      Tags: tags,
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'pull',
      AssumeRolePolicyDocument: sdkTrustPolicy(anchor, subject),
      Policies: [
        {
          PolicyName: ECR_READ_POLICY_NAME,
          PolicyDocument: createEcrReadPolicy({
            registryAccountIds: ['111111111111', '222222222222'],
          }),
        },
      ],
      Tags: tags,
    });
  });

  it('uses the China partition’s service principal and ECR ARNs there', () => {
    const { template } = synth({ region: 'cn-north-1', partition: 'aws-cn' });
    const role = Object.values(template.findResources('AWS::IAM::Role'))[0]?.['Properties'] as {
      AssumeRolePolicyDocument: { Statement: { Principal: unknown }[] };
      Policies: { PolicyDocument: unknown }[];
    };
    expect(role.AssumeRolePolicyDocument.Statement[0]?.Principal).toEqual({
      Service: 'rolesanywhere.amazonaws.com.cn',
    });
    expect(role.Policies[0]?.PolicyDocument).toEqual(
      createEcrReadPolicy({
        registryAccountIds: [CURATED_PACKAGES_ACCOUNT_ID],
        partition: 'aws-cn',
      }),
    );
  });

  it.each([
    [
      'a leaf certificate as the CA',
      { caCertificatePem: testPki().rsaCert },
      /caCertificatePem: is not a CA certificate/,
    ],
    ['no certificate', { caCertificatePem: 'nope' }, /caCertificatePem: is not a PEM certificate/],
    ['a region that is not one', { region: 'west' }, /region: "west" is not a region code/],
    [
      'an account that is not one',
      { registryAccountIds: ['12345'] },
      /registryAccountIds\[0\]: "12345" is not a 12-digit AWS account ID/,
    ],
    [
      'a subject field that is not one',
      { subject: { 'O=x': 'y' } },
      /subject\.O=x: must be a subject attribute/,
    ],
  ] as const)('refuses %s when the stack is built', (_, setup, message) => {
    let thrown: unknown;
    try {
      synth(setup);
    } catch (e) {
      thrown = e;
    }
    expect(isValidationError(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(message);
  });
});
