// `pnpm synth` (node src/main.ts): writes dist/*.k8s.yaml, ready for kubectl apply.
// The ARNs come from the environment (what `eksa-credprov roles-anywhere setup` printed).
import { App } from 'cdk8s';
import { CredentialProviderChart } from './chart.ts';

const env = process.env;
const account = env['AWS_ACCOUNT_ID'] ?? '123456789012';
const region = env['AWS_REGION'] ?? 'us-west-2';
const app = new App();
new CredentialProviderChart(app, 'credential-provider', {
  package: { clusterName: env['CLUSTER_NAME'] ?? 'mgmt' },
  rolesAnywhere: {
    region,
    roleArn: env['ROLE_ARN'] ?? `arn:aws:iam::${account}:role/eksa-mgmt-ecr-pull`,
    profileArn:
      env['PROFILE_ARN'] ??
      `arn:aws:rolesanywhere:${region}:${account}:profile/00000000-0000-4000-8000-000000000001`,
    trustAnchorArn:
      env['TRUST_ANCHOR_ARN'] ??
      `arn:aws:rolesanywhere:${region}:${account}:trust-anchor/00000000-0000-4000-8000-000000000002`,
  },
});
app.synth();
