/**
 * The IAM Roles Anywhere set-up of the EKS Anywhere credential provider as an AWS CDK construct:
 * the trust anchor (the cluster CA), the role with eksa-credprov's trust policy and its inline ECR
 * read policy, and the profile. Every policy document is the SDK's own builders' output, and the
 * names, tags and defaults are the SDK's, so a stack and `ensureRolesAnywhereSetup` describe the
 * same resources.
 */
import {
  CURATED_PACKAGES_ACCOUNT_ID,
  DEFAULT_SESSION_DURATION_SECONDS,
  ECR_READ_POLICY_NAME,
  OWNER_TAG,
  checkClusterCaCertificate,
  createEcrReadPolicy,
  createRolesAnywhereTrustPolicy,
  defaultRoleName,
  defaultRolesAnywhereName,
  rolesAnywhereRoleDescription,
  type PolicyDocument,
  type RolesAnywhereSetupInit,
} from '@eksa-credprov/aws';
import {
  ISSUE_CODES,
  ValidationError,
  isAwsRegion,
  type ValidationIssue,
} from '@eksa-credprov/core';
import { CfnOutput, aws_iam as iam, aws_rolesanywhere as rolesanywhere } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Props of {@link CredentialProviderRolesAnywhere}. */
export interface CredentialProviderRolesAnywhereProps extends Pick<
  RolesAnywhereSetupInit,
  | 'clusterName'
  | 'caCertificatePem'
  | 'trustAnchorName'
  | 'profileName'
  | 'sessionDurationSeconds'
  | 'subject'
  | 'tags'
> {
  /** The region of the trust anchor and profile (the stack's), written to the credfile. */
  readonly region: string;
  /** The AWS partition: `aws`, `aws-cn` (its service principal differs), `aws-us-gov`. @default `aws` */
  readonly partition?: string;
  /** Accounts whose ECR registries the nodes read. @default the curated-packages account 783794618700 */
  readonly registryAccountIds?: readonly string[];
  /** @default `eksa-<clusterName>-ecr-pull` */
  readonly roleName?: string;
  /** Create stack outputs for the ARNs and the region. @default true */
  readonly outputs?: boolean;
}

/** A trust anchor ARN the trust policy builder accepts, replaced by the real one's token. */
const placeholderAnchorArn = (partition: string, region: string): string =>
  `arn:${partition}:rolesanywhere:${region}:000000000000:trust-anchor/00000000-0000-4000-8000-000000000000`;

/** `document` with every string equal to `from` replaced by `to` (a CDK token or intrinsic). */
function substitute(document: PolicyDocument, from: string, to: unknown): unknown {
  const walk = (value: unknown): unknown => {
    if (value === from) return to;
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk(document);
}

/**
 * The whole IAM Roles Anywhere set-up for one cluster. Its ARNs feed the credfile Secret on the
 * cluster (`createRolesAnywhereSecret`, or the cdk8s chart of examples/cdk8s).
 *
 * @example
 * ```ts
 * new CredentialProviderRolesAnywhere(stack, 'Mgmt', {
 *   clusterName: 'mgmt', caCertificatePem, region: 'us-west-2', subject: { O: 'system:nodes' },
 * });
 * ```
 */
export class CredentialProviderRolesAnywhere extends Construct {
  readonly trustAnchor: rolesanywhere.CfnTrustAnchor;
  readonly role: iam.CfnRole;
  readonly profile: rolesanywhere.CfnProfile;
  /** The trust policy and the ECR read policy, as the SDK builds them. */
  readonly trustPolicy: unknown;
  readonly ecrReadPolicy: PolicyDocument;

  constructor(scope: Construct, id: string, props: CredentialProviderRolesAnywhereProps) {
    super(scope, id);
    const issues: ValidationIssue[] = [...checkClusterCaCertificate(props.caCertificatePem)];
    if (!isAwsRegion(props.region))
      issues.push({
        path: 'region',
        code: ISSUE_CODES.INVALID_REGION,
        message: `${JSON.stringify(props.region)} is not a region code such as "us-west-2"`,
      });
    if (issues.length > 0)
      throw new ValidationError('invalid CredentialProviderRolesAnywhere', issues);
    const partition = props.partition ?? 'aws';
    const cluster = props.clusterName;
    const tags = Object.entries({ ...props.tags, [OWNER_TAG]: cluster }).map(([key, value]) => ({
      key,
      value,
    }));

    this.trustAnchor = new rolesanywhere.CfnTrustAnchor(this, 'TrustAnchor', {
      name: props.trustAnchorName ?? defaultRolesAnywhereName(cluster),
      enabled: true,
      source: {
        sourceType: 'CERTIFICATE_BUNDLE',
        sourceData: { x509CertificateData: props.caCertificatePem },
      },
      tags,
    });

    const placeholder = placeholderAnchorArn(partition, props.region);
    this.trustPolicy = substitute(
      createRolesAnywhereTrustPolicy({
        trustAnchorArn: placeholder,
        ...(props.subject === undefined ? {} : { subject: props.subject }),
      }),
      placeholder,
      this.trustAnchor.attrTrustAnchorArn,
    );
    this.ecrReadPolicy = createEcrReadPolicy({
      registryAccountIds: props.registryAccountIds ?? [CURATED_PACKAGES_ACCOUNT_ID],
      partition,
    });
    this.role = new iam.CfnRole(this, 'Role', {
      roleName: props.roleName ?? defaultRoleName(cluster),
      description: rolesAnywhereRoleDescription(cluster),
      assumeRolePolicyDocument: this.trustPolicy,
      policies: [{ policyName: ECR_READ_POLICY_NAME, policyDocument: this.ecrReadPolicy }],
      tags,
    });

    this.profile = new rolesanywhere.CfnProfile(this, 'Profile', {
      name: props.profileName ?? defaultRolesAnywhereName(cluster),
      enabled: true,
      roleArns: [this.role.attrArn],
      durationSeconds: props.sessionDurationSeconds ?? DEFAULT_SESSION_DURATION_SECONDS,
      tags,
    });

    if (props.outputs !== false) {
      // The credfile Secret's inputs: createRolesAnywhereSecret({ region, roleArn, profileArn, trustAnchorArn }).
      new CfnOutput(this, 'Region', { value: props.region });
      new CfnOutput(this, 'TrustAnchorArn', { value: this.trustAnchor.attrTrustAnchorArn });
      new CfnOutput(this, 'RoleArn', { value: this.role.attrArn });
      new CfnOutput(this, 'ProfileArn', { value: this.profile.attrProfileArn });
    }
  }
}
