/**
 * The synthesised stack deployed into moto's CloudFormation, and the same set-up made by
 * `ensureRolesAnywhereSetup` beside it: the role and its policy must come out the same. moto has
 * no IAM Roles Anywhere, so the stack deployed here is the template's IAM part (the role, with its
 * inline policy), its trust anchor reference resolved to a trust anchor of our Roles Anywhere
 * emulator; the trust anchor and profile are only synthesised (construct.test.ts asserts them).
 * Then the cdk8s companion renders the credfile Secret from the deployed outputs.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  ECR_READ_POLICY_NAME,
  ensureRolesAnywhereSetup,
  teardownRolesAnywhereSetup,
} from '@eksa-credprov/aws';
import {
  parseAwsCredentialsSecret,
  parseRolesAnywhereCredfile,
  parseYaml,
} from '@eksa-credprov/core';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsTestEnv, createAnchorAndProfile, testPki } from '@eksa-credprov/testenv';
import { CredentialProviderStack, chartFromOutputs } from './app.ts';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };
const region = 'us-west-2';
let cfn: CloudFormationClient;
let iam: IAMClient;
const STACK = 'eksa-credprov-cdk';

beforeAll(() => {
  cfn = new CloudFormationClient({ region, endpoint: awsTestEnv().moto, credentials });
  iam = new IAMClient({ region, endpoint: awsTestEnv().moto, credentials });
});
afterAll(async () => {
  await cfn.send(new DeleteStackCommand({ StackName: STACK })).catch(() => undefined);
  cfn.destroy();
  iam.destroy();
});

/**
 * A policy document as IAM returns it (URL-encoded JSON). moto 5 stores the inline policies of a
 * role created by CloudFormation as Python text (`{'Version': '2012-10-17', …}`), a moto quirk:
 * such text is read by swapping its quotes (the documents here hold no quote characters).
 */
function policyOf(text: string | undefined): unknown {
  const decoded = decodeURIComponent(text ?? '{}');
  try {
    return JSON.parse(decoded);
  } catch {
    if (!decoded.startsWith("{'"))
      throw new Error(`not a policy document: ${decoded.slice(0, 80)}`);
    return JSON.parse(decoded.replaceAll("'", '"'));
  }
}

/** A role as IAM describes it: trust policy, description, tags, and its inline policies. */
async function describeRole(name: string) {
  const role = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
  const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames ?? [];
  const policies = await Promise.all(
    names.map(async (p) => {
      const doc = (await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: p })))
        .PolicyDocument;
      return [p, policyOf(doc)] as const;
    }),
  );
  return {
    trust: policyOf(role?.AssumeRolePolicyDocument),
    description: role?.Description,
    tags: Object.fromEntries((role?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    policies: Object.fromEntries(policies),
  };
}

describe('the CDK stack’s IAM part, deployed into moto CloudFormation', () => {
  it('creates the role and policy that ensureRolesAnywhereSetup creates for the same cluster', async () => {
    // One trust anchor and profile in the emulator stand for the stack's (moto has none).
    const { anchorArn, profileArn } = await createAnchorAndProfile(
      'arn:aws:iam::123456789012:role/eksa-cdk-ecr-pull',
    );
    const stack = new CredentialProviderStack(new App(), STACK, {
      env: { region },
      setup: {
        clusterName: 'cdk',
        region,
        caCertificatePem: testPki().caCert,
        subject: { O: 'system:nodes' },
      },
    });
    const template = Template.fromStack(stack).toJSON() as {
      Resources: Record<string, { Type: string; Properties: unknown }>;
    };
    const [anchorId] = Object.entries(template.Resources).find(
      ([, r]) => r.Type === 'AWS::RolesAnywhere::TrustAnchor',
    ) ?? [''];
    const iamPart = {
      Resources: Object.fromEntries(
        Object.entries(template.Resources).filter(([, r]) => r.Type.startsWith('AWS::IAM::')),
      ),
      Outputs: {
        RoleArn: {
          Value: {
            'Fn::GetAtt': [
              Object.keys(template.Resources).find(
                (k) => template.Resources[k]?.Type === 'AWS::IAM::Role',
              ),
              'Arn',
            ],
          },
        },
      },
    };
    // The trust anchor's ARN, as CloudFormation would have resolved it.
    const body = JSON.stringify(iamPart).replace(
      JSON.stringify({ 'Fn::GetAtt': [anchorId, 'TrustAnchorArn'] }),
      JSON.stringify(anchorArn),
    );
    expect(body).not.toContain('TrustAnchorArn');
    await cfn.send(new CreateStackCommand({ StackName: STACK, TemplateBody: body }));
    const deployed = (await cfn.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0];
    expect(deployed?.StackStatus).toBe('CREATE_COMPLETE');
    const roleArn = deployed?.Outputs?.find((o) => o.OutputKey === 'RoleArn')?.OutputValue;
    expect(roleArn).toBe('arn:aws:iam::123456789012:role/eksa-cdk-ecr-pull');

    // The SDK's one-call set-up for another cluster, against the same moto and emulator.
    const sdk = await ensureRolesAnywhereSetup({
      clusterName: 'cdk-sdk',
      caCertificatePem: testPki().caCert,
      region,
      roleName: 'eksa-cdk-sdk-ecr-pull',
      subject: { O: 'system:nodes' },
      clients: { iam, credentials, rolesAnywhereEndpoint: awsTestEnv().rolesanywhere },
    });
    try {
      const fromStack = await describeRole('eksa-cdk-ecr-pull');
      const fromSdk = await describeRole('eksa-cdk-sdk-ecr-pull');
      // The same documents but for the cluster's own trust anchor and name.
      expect(JSON.stringify(fromStack.trust).replace(anchorArn, 'ANCHOR')).toBe(
        JSON.stringify(fromSdk.trust).replace(sdk.trustAnchorArn, 'ANCHOR'),
      );
      expect(fromStack.policies).toEqual(fromSdk.policies);
      expect(Object.keys(fromStack.policies)).toEqual([ECR_READ_POLICY_NAME]);
      expect(fromStack.description).toBe('EKS Anywhere credential provider for cdk');
      expect(fromSdk.description).toBe('EKS Anywhere credential provider for cdk-sdk');
      expect(fromStack.tags).toEqual({ 'eksa-credprov:cluster': 'cdk' });
      expect(fromSdk.tags).toEqual({ 'eksa-credprov:cluster': 'cdk-sdk' });
    } finally {
      await teardownRolesAnywhereSetup({
        clusterName: 'cdk-sdk',
        region,
        roleName: 'eksa-cdk-sdk-ecr-pull',
        clients: { iam, credentials, rolesAnywhereEndpoint: awsTestEnv().rolesanywhere },
      });
    }

    // The cdk8s companion, from the outputs as `cdk deploy --outputs-file` writes them.
    const outputs = {
      [STACK]: {
        CredentialProviderRegion1A2B3C4D: region,
        CredentialProviderTrustAnchorArnABCDEF12: anchorArn,
        CredentialProviderRoleArn0F1E2D3C: roleArn,
        CredentialProviderProfileArn9A8B7C6D: profileArn,
      },
    };
    const objects = parseYaml(chartFromOutputs('cdk', outputs).synthYaml()) as {
      kind: string;
    }[];
    const secret = parseAwsCredentialsSecret(objects.find((o) => o.kind === 'Secret'));
    const credfile = parseRolesAnywhereCredfile(secret.form === 'config' ? secret.config : '');
    expect(credfile).toMatchObject({ roleArn, profileArn, trustAnchorArn: anchorArn, region });

    await cfn.send(new DeleteStackCommand({ StackName: STACK }));
    await expect(iam.send(new GetRoleCommand({ RoleName: 'eksa-cdk-ecr-pull' }))).rejects.toThrow(
      /not found|cannot be found|NoSuchEntity/,
    );
  });
});
