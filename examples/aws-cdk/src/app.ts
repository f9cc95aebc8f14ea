/**
 * The AWS CDK stack and its cdk8s companion, together. The stack creates the IAM Roles Anywhere
 * set-up; once deployed (`cdk deploy --outputs-file outputs.json`), its outputs are the inputs of
 * the credfile Secret and Package that the cdk8s chart of examples/cdk8s renders.
 *
 *   node src/app.ts synth CA_FILE [OUT_DIR]     the CloudFormation template (cdk.out by default)
 *   node src/app.ts chart OUTPUTS_FILE          the Kubernetes manifests from the deployed outputs
 *
 * CLUSTER_NAME (default mgmt) and AWS_REGION (default us-west-2) choose the cluster and region.
 */
import { readFileSync } from 'node:fs';
import { App as CdkApp, Stack, type StackProps } from 'aws-cdk-lib';
import { App as Cdk8sApp } from 'cdk8s';
import { CredentialProviderChart } from '@eksa-credprov/example-cdk8s';
import type { Construct } from 'constructs';
import {
  CredentialProviderRolesAnywhere,
  type CredentialProviderRolesAnywhereProps,
} from './construct.ts';

/** A stack holding one cluster's set-up (the stack's name: `eksa-credprov-<cluster>`). */
export class CredentialProviderStack extends Stack {
  readonly setup: CredentialProviderRolesAnywhere;

  constructor(
    scope: Construct,
    id: string,
    props: StackProps & { readonly setup: CredentialProviderRolesAnywhereProps },
  ) {
    super(scope, id, { analyticsReporting: false, ...props });
    this.setup = new CredentialProviderRolesAnywhere(this, 'CredentialProvider', props.setup);
  }
}

/** The credfile Secret's inputs, read from a deployed stack's outputs (any stack in the file). */
export function setupFromOutputs(outputs: unknown): {
  region: string;
  trustAnchorArn: string;
  roleArn: string;
  profileArn: string;
} {
  const values: Record<string, string> = {};
  for (const stack of Object.values(outputs as Record<string, Record<string, string>>))
    for (const [key, value] of Object.entries(stack)) {
      // CfnOutput IDs gain a construct-path prefix and an 8-character hash.
      const name = /(Region|TrustAnchorArn|RoleArn|ProfileArn)[0-9A-F]{8}$/.exec(key)?.[1];
      if (name !== undefined) values[name] = value;
    }
  const need = ['Region', 'TrustAnchorArn', 'RoleArn', 'ProfileArn'];
  const missing = need.filter((n) => values[n] === undefined);
  if (missing.length > 0)
    throw new Error(
      `the outputs file has no ${missing.join(', ')} output: deploy the stack with cdk deploy --outputs-file`,
    );
  return {
    region: values['Region'] ?? '',
    trustAnchorArn: values['TrustAnchorArn'] ?? '',
    roleArn: values['RoleArn'] ?? '',
    profileArn: values['ProfileArn'] ?? '',
  };
}

/** The cdk8s app with the credfile Secret and the Package for a deployed stack's outputs. */
export function chartFromOutputs(clusterName: string, outputs: unknown): Cdk8sApp {
  const app = new Cdk8sApp();
  new CredentialProviderChart(app, 'credential-provider', {
    package: { clusterName },
    rolesAnywhere: setupFromOutputs(outputs),
  });
  return app;
}

function main(argv: readonly string[]): void {
  const [command, file, out] = argv;
  const clusterName = process.env['CLUSTER_NAME'] ?? 'mgmt';
  const region = process.env['AWS_REGION'] ?? 'us-west-2';
  if (command === 'synth' && file !== undefined) {
    const app = new CdkApp({ outdir: out ?? 'cdk.out' });
    new CredentialProviderStack(app, `eksa-credprov-${clusterName}`, {
      env: { region },
      setup: { clusterName, region, caCertificatePem: readFileSync(file, 'utf8') },
    });
    app.synth();
    process.stdout.write(`wrote ${out ?? 'cdk.out'}/eksa-credprov-${clusterName}.template.json\n`);
  } else if (command === 'chart' && file !== undefined) {
    process.stdout.write(
      chartFromOutputs(clusterName, JSON.parse(readFileSync(file, 'utf8'))).synthYaml(),
    );
  } else {
    process.stderr.write('usage: node src/app.ts synth CA_FILE [OUT_DIR] | chart OUTPUTS_FILE\n');
    process.exitCode = 2;
  }
}

if (import.meta.main) main(process.argv.slice(2));
