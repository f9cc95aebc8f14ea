/**
 * The credential-provider set-up for one EKS Anywhere cluster as Pulumi resources: the IAM Roles
 * Anywhere trust anchor (the cluster CA), the role with eksa-credprov's trust and ECR read
 * policies, the profile, the credfile Secret on the cluster the Package configures, and the
 * Package on the management cluster. Every document comes from eksa-credprov's builders, so the
 * checks (quoted match patterns, ARN regions, a CA that is a CA) happen at `pulumi preview`.
 */
import {
  CURATED_PACKAGES_ACCOUNT_ID,
  ECR_READ_POLICY_NAME,
  OWNER_TAG,
  createEcrReadPolicy,
  createRolesAnywhereTrustPolicy,
  defaultRoleName,
  defaultRolesAnywhereName,
  rolesAnywhereRoleDescription,
} from '@eksa-credprov/aws';
import { createCredentialProviderPackage, createRolesAnywhereSecret } from '@eksa-credprov/core';
import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/** Inputs of {@link CredentialProvider}. */
export interface CredentialProviderArgs {
  /** The EKS Anywhere cluster whose nodes pull from ECR. */
  readonly clusterName: string;
  readonly region: string;
  /** The cluster CA (`eksa-system/<cluster>-ca`, `tls.crt`). */
  readonly caCertificatePem: pulumi.Input<string>;
  /** @default `eksa-<clusterName>-ecr-pull` */
  readonly roleName?: string;
  /** Accounts whose ECR registries the nodes read. @default the curated-packages account */
  readonly registryAccountIds?: readonly string[];
  /** kubelet matchImages. @default `*.dkr.ecr.*.amazonaws.com` */
  readonly matchImages?: readonly string[];
  /** Provider for the management cluster (where Packages live). */
  readonly management?: k8s.Provider;
  /** Provider for the cluster the Package configures (where the Secret must be). @default management */
  readonly target?: k8s.Provider;
}

/** A Pulumi component: the whole set-up for one cluster. */
export class CredentialProvider extends pulumi.ComponentResource {
  readonly trustAnchorArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly profileArn: pulumi.Output<string>;
  readonly packageName: pulumi.Output<string>;

  constructor(name: string, args: CredentialProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    super('eksa-credprov:index:CredentialProvider', name, {}, opts);
    const parent = { parent: this };
    const tags = { [OWNER_TAG]: args.clusterName };

    const anchor = new aws.rolesanywhere.TrustAnchor(
      `${name}-anchor`,
      {
        name: defaultRolesAnywhereName(args.clusterName),
        enabled: true,
        source: {
          sourceType: 'CERTIFICATE_BUNDLE',
          sourceData: { x509CertificateData: args.caCertificatePem },
        },
        tags,
      },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: args.roleName ?? defaultRoleName(args.clusterName),
        description: rolesAnywhereRoleDescription(args.clusterName),
        assumeRolePolicy: anchor.arn.apply((trustAnchorArn) =>
          JSON.stringify(
            createRolesAnywhereTrustPolicy({ trustAnchorArn, subject: { O: 'system:nodes' } }),
          ),
        ),
        tags,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-ecr-read`,
      {
        name: ECR_READ_POLICY_NAME,
        role: role.id,
        policy: JSON.stringify(
          createEcrReadPolicy({
            registryAccountIds: args.registryAccountIds ?? [CURATED_PACKAGES_ACCOUNT_ID],
          }),
        ),
      },
      parent,
    );
    const profile = new aws.rolesanywhere.Profile(
      `${name}-profile`,
      {
        name: defaultRolesAnywhereName(args.clusterName),
        enabled: true,
        roleArns: [role.arn],
        tags,
      },
      parent,
    );

    const secret = pulumi
      .all([anchor.arn, role.arn, profile.arn])
      .apply(([trustAnchorArn, roleArn, profileArn]) =>
        createRolesAnywhereSecret({ region: args.region, trustAnchorArn, roleArn, profileArn }),
      );
    const credfileSecret = new k8s.core.v1.Secret(
      `${name}-credfile`,
      {
        metadata: secret.metadata,
        type: secret.type,
        data: secret.data,
      },
      {
        ...parent,
        ...((args.target ?? args.management) === undefined
          ? {}
          : { provider: args.target ?? args.management }),
      },
    );

    const pkg = createCredentialProviderPackage({
      clusterName: args.clusterName,
      config: {
        credential: [
          {
            secretName: 'aws-config',
            ...(args.matchImages === undefined ? {} : { matchImages: args.matchImages }),
          },
        ],
      },
    });
    const packageResource = new k8s.apiextensions.CustomResource(
      `${name}-package`,
      { apiVersion: pkg.apiVersion, kind: pkg.kind, metadata: pkg.metadata, spec: pkg.spec },
      {
        ...parent,
        dependsOn: [credfileSecret],
        ...(args.management === undefined ? {} : { provider: args.management }),
      },
    );

    this.trustAnchorArn = anchor.arn;
    this.roleArn = role.arn;
    this.profileArn = profile.arn;
    this.packageName = packageResource.metadata.name;
    this.registerOutputs({
      trustAnchorArn: this.trustAnchorArn,
      roleArn: this.roleArn,
      profileArn: this.profileArn,
    });
  }
}
