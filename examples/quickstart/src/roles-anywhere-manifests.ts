// Renders the IAM Roles Anywhere set-up of the EKS Anywhere docs for one cluster: the Secret that
// holds the credfile (for the target cluster) and the Package (for the management cluster).
//
//   node examples/quickstart/src/roles-anywhere-manifests.ts [clusterName] | kubectl apply -f -
//
// The ARNs come from the environment (what `ensureRolesAnywhereSetup` returns, or the console),
// with documented placeholders so the output can be inspected without an AWS account.
import {
  createCredentialProviderPackage,
  createRolesAnywhereSecret,
  NODE_PACKAGE_DIR,
  isValidationError,
  toYaml,
} from '@eksa-credprov/core';

const env = process.env;
const clusterName = process.argv[2] ?? env['CLUSTER_NAME'] ?? 'mgmt';
const region = env['AWS_REGION'] ?? 'us-west-2';
const account = env['AWS_ACCOUNT_ID'] ?? '123456789012';

try {
  const secret = createRolesAnywhereSecret({
    region,
    roleArn: env['ROLE_ARN'] ?? `arn:aws:iam::${account}:role/eksa-${clusterName}-ecr-pull`,
    profileArn:
      env['PROFILE_ARN'] ??
      `arn:aws:rolesanywhere:${region}:${account}:profile/00000000-0000-4000-8000-000000000001`,
    trustAnchorArn:
      env['TRUST_ANCHOR_ARN'] ??
      `arn:aws:rolesanywhere:${region}:${account}:trust-anchor/00000000-0000-4000-8000-000000000002`,
  });
  const pkg = createCredentialProviderPackage({
    clusterName,
    config: {
      credential: [
        { secretName: secret.metadata.name, matchImages: ['*.dkr.ecr.*.amazonaws.com'] },
      ],
    },
    onWarning: (w) => {
      console.error(`warning: ${w.path}: ${w.message}`);
    },
  });
  // The credfile itself, readable, above the manifests (in the Secret it is base64).
  const credfile = Buffer.from(secret.data['config'] ?? '', 'base64').toString('utf8');
  process.stdout.write(
    `# The credfile (key "config" of the Secret below; ${NODE_PACKAGE_DIR}/aws-creds on each node):\n${credfile.replace(/^/gm, '#   ')}\n${toYaml([secret, pkg])}`,
  );
} catch (e) {
  if (!isValidationError(e)) throw e;
  console.error(e.message);
  process.exitCode = 1;
}
