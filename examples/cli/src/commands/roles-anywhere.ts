/**
 * `roles-anywhere setup|teardown`: the EKS Anywhere IAM Roles Anywhere tutorial as one command.
 * Reads the cluster CA from the management cluster, ensures the trust anchor, role, policy and
 * profile (idempotent: a second run changes nothing), writes the credfile Secret on the cluster
 * the Package configures, applies the Package on the management cluster, and can wait for the
 * controller to install it. AWS credentials and endpoints come from the AWS SDK's usual
 * environment (AWS_PROFILE, AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL_ROLESANYWHERE, ...).
 */
import { X509Certificate } from 'node:crypto';
import {
  DEFAULT_MATCH_IMAGES,
  DEFAULT_PACKAGE_NAME,
  DEFAULT_ROLES_ANYWHERE_SECRET_NAME,
  DEFAULT_TARGET_NAMESPACE,
  createCredentialProviderPackage,
  createRolesAnywhereSecret,
  parseGoDuration,
  toYaml,
} from '@eksa-credprov/core';
import { CURATED_PACKAGES_ACCOUNT_ID, defaultRolesAnywhereName } from '@eksa-credprov/aws';
import type { PackageInfo } from '@eksa-credprov/kube';
import type { KubeConfig } from '@kubernetes/client-node';
import { UsageError, type Command, type CommandContext, type OptionSpec, str } from '../cli.ts';
import {
  CLUSTER_OPTION,
  kube,
  kubeConfigFile,
  managementCluster,
  requestTimeoutMs,
  WAIT_TIMEOUT_MS,
} from '../context.ts';

const COMMON: Readonly<Record<string, OptionSpec>> = {
  cluster: CLUSTER_OPTION,
  region: {
    type: 'string',
    value: 'REGION',
    required: true,
    description: 'AWS region for Roles Anywhere',
  },
  'role-name': {
    type: 'string',
    value: 'NAME',
    required: true,
    description: 'the IAM role the nodes assume',
  },
  'workload-kubeconfig': {
    type: 'string',
    value: 'FILE',
    description:
      'the cluster the Package configures (default: eksa-system/CLUSTER-kubeconfig on the management cluster, else the management cluster itself)',
  },
  name: {
    type: 'string',
    value: 'NAME',
    description: `Package name (default ${DEFAULT_PACKAGE_NAME})`,
  },
};

/** The cluster where the Secret goes, and how it was found (for the report). */
export async function targetCluster(
  ctx: CommandContext,
  management: KubeConfig,
  cluster: string,
): Promise<{ kubeConfig: KubeConfig; where: string }> {
  const file = str(ctx, 'workload-kubeconfig');
  if (file !== undefined) return { kubeConfig: await kubeConfigFile(file), where: file };
  const { getWorkloadClusterKubeConfig, isKubeApiError } = await kube();
  try {
    return {
      kubeConfig: await getWorkloadClusterKubeConfig(cluster, {
        kubeConfig: management,
        timeoutMs: requestTimeoutMs(ctx),
      }),
      where: `eksa-system/${cluster}-kubeconfig`,
    };
  } catch (e) {
    if (isKubeApiError(e) && e.status === 404)
      return { kubeConfig: management, where: 'the management cluster' };
    throw e;
  }
}

function describeCa(pem: string): string {
  const cert = new X509Certificate(pem);
  return `${cert.subject.replace(/\n/g, ', ')}, valid until ${new Date(cert.validTo).toISOString().slice(0, 10)}`;
}

/** Progress while waiting: redrawn in place on a terminal, one line per change otherwise. */
function progress(ctx: CommandContext): (pkg: PackageInfo) => void {
  let last = '';
  return (pkg) => {
    const line = `waiting for ${pkg.namespace}/${pkg.name}: ${pkg.state ?? 'no state yet'}${pkg.detail === undefined || pkg.detail === '' ? '' : ` (${pkg.detail})`}`;
    if (line === last) return;
    last = line;
    ctx.io.stderr(ctx.io.interactive ? `\r\x1b[K${line}` : `${line}\n`);
  };
}

const setup: Command = {
  words: ['roles-anywhere', 'setup'],
  summary: 'set up IAM Roles Anywhere for a cluster, end to end',
  description: `Steps: read eksa-system/CLUSTER-ca from the management cluster; ensure the trust anchor
(that CA), the role with its ECR read policy, and the profile; write the credfile Secret on the
cluster the Package configures; apply the Package on the management cluster; with --wait, wait
until the controller reports it installed. Every step finds what exists first, so it is safe to
run again after a failure.`,
  options: {
    ...COMMON,
    'registry-account': {
      type: 'string',
      multiple: true,
      value: 'ACCOUNT',
      description: `12-digit accounts whose ECR the nodes read (default ${CURATED_PACKAGES_ACCOUNT_ID}, the curated packages)`,
    },
    'match-image': {
      type: 'string',
      multiple: true,
      value: 'PATTERN',
      description: `kubelet matchImages (default ${DEFAULT_MATCH_IMAGES.join(', ')})`,
    },
    'certificate-path': {
      type: 'string',
      value: 'PATH',
      description:
        "the node certificate the credfile names (default the kubelet's, /var/lib/kubelet/pki/kubelet-client-current.pem)",
    },
    'dry-run': {
      type: 'boolean',
      description: 'read the CA and print the plan and manifests; change nothing',
    },
    wait: { type: 'boolean', description: 'wait until the Package is installed' },
    timeout: {
      type: 'string',
      value: 'DURATION',
      description: 'how long --wait waits (default 10m)',
    },
  },
  examples: [
    'eksa-credprov roles-anywhere setup --cluster mgmt --region us-west-2 --role-name eksa-mgmt-ecr-pull --wait',
    'eksa-credprov roles-anywhere setup --cluster w01 --region us-west-2 --role-name eksa-w01-ecr-pull --registry-account 111111111111 --dry-run',
  ],
  async run(ctx) {
    const cluster = str(ctx, 'cluster') ?? '';
    const region = str(ctx, 'region') ?? '';
    const roleName = str(ctx, 'role-name') ?? '';
    const timeout = str(ctx, 'timeout');
    let timeoutMs = WAIT_TIMEOUT_MS;
    if (timeout !== undefined) {
      try {
        timeoutMs = parseGoDuration(timeout);
      } catch {
        throw new UsageError(
          `--timeout must be a duration such as 10m or 90s, not "${timeout}"`,
          setup,
        );
      }
    }
    const accounts = (ctx.values['registry-account'] as string[] | undefined) ?? [
      CURATED_PACKAGES_ACCOUNT_ID,
    ];
    const { createEcrReadPolicy, ensureRolesAnywhereSetup } = await import('@eksa-credprov/aws');
    const { getClusterCaCertificate, installCredentialProvider, waitForPackage } = await kube();
    const policy = createEcrReadPolicy({ registryAccountIds: accounts });
    const matchImages = ctx.values['match-image'] as string[] | undefined;
    const { kubeConfig: management, timeoutMs: callTimeoutMs } = await managementCluster(ctx);
    const say = (line: string): void => {
      ctx.io.stdout(`${line}\n`);
    };

    const ca = await getClusterCaCertificate(cluster, {
      kubeConfig: management,
      timeoutMs: callTimeoutMs,
    });
    say(`cluster CA     eksa-system/${cluster}-ca (${describeCa(ca)})`);
    const pkgInit = {
      clusterName: cluster,
      name: str(ctx, 'name') ?? DEFAULT_PACKAGE_NAME,
      config: {
        credential: [
          {
            secretName: DEFAULT_ROLES_ANYWHERE_SECRET_NAME,
            ...(matchImages === undefined ? {} : { matchImages }),
          },
        ],
      },
    };
    if (ctx.values['dry-run'] === true) {
      const pkg = createCredentialProviderPackage(pkgInit);
      say(
        `would ensure   trust anchor ${defaultRolesAnywhereName(cluster)}, role ${roleName} with ECR read on ${accounts.join(', ')}, profile ${defaultRolesAnywhereName(cluster)} in ${region}`,
      );
      say(
        `would write    Secret ${DEFAULT_TARGET_NAMESPACE}/${DEFAULT_ROLES_ANYWHERE_SECRET_NAME} (the credfile) on the target cluster`,
      );
      say(
        `would apply    Package ${pkg.metadata.namespace}/${pkg.metadata.name} on the management cluster`,
      );
      say('dry run: nothing was changed. The Package:');
      ctx.io.stdout(toYaml(pkg));
      return;
    }
    const target = await targetCluster(ctx, management, cluster);
    const ra = await ensureRolesAnywhereSetup({
      clusterName: cluster,
      caCertificatePem: ca,
      region,
      roleName,
      policy,
    });
    say(`trust anchor   ${ra.actions.trustAnchor.padEnd(9)} ${ra.trustAnchorArn}`);
    say(`role           ${ra.actions.role.padEnd(9)} ${ra.roleArn}`);
    say(`policy         ${ra.actions.policy.padEnd(9)} ECR read on ${accounts.join(', ')}`);
    say(`profile        ${ra.actions.profile.padEnd(9)} ${ra.profileArn}`);
    const certificatePath = str(ctx, 'certificate-path');
    const secret = createRolesAnywhereSecret({
      ...(certificatePath === undefined ? {} : { certificatePath }),
      region,
      roleArn: ra.roleArn,
      profileArn: ra.profileArn,
      trustAnchorArn: ra.trustAnchorArn,
    });
    const pkg = createCredentialProviderPackage(pkgInit);
    const installed = await installCredentialProvider({
      management,
      target: target.kubeConfig,
      package: pkg,
      secret,
      timeoutMs: callTimeoutMs,
    });
    const word = (a: string): string => (a === 'changed' ? 'updated' : a).padEnd(9);
    say(
      `secret         ${word(installed.secret.action)} ${secret.metadata.namespace}/${secret.metadata.name} on ${target.where}`,
    );
    say(
      `package        ${word(installed.package.action)} ${pkg.metadata.namespace}/${pkg.metadata.name} on the management cluster`,
    );
    if (ctx.values['wait'] === true) {
      const done = await waitForPackage(pkg.metadata.name, {
        kubeConfig: management,
        clusterName: cluster,
        timeoutMs,
        onProgress: progress(ctx),
      });
      if (ctx.io.interactive) ctx.io.stderr('\n');
      say(`installed      ${done.currentVersion ?? ''}`.trimEnd());
    }
  },
};

const teardown: Command = {
  words: ['roles-anywhere', 'teardown'],
  summary: 'remove what roles-anywhere setup created for a cluster',
  description: `Deletes the Package (management cluster), the credfile Secret (target cluster), then the
profile, the role and its policy, and the trust anchor: only those tagged for this cluster. Safe
to run again.`,
  options: {
    ...COMMON,
    'keep-package': { type: 'boolean', description: 'leave the Package and the Secret in place' },
    wait: {
      type: 'boolean',
      description:
        'wait (up to 10m) until the controller has uninstalled the Package before removing its Secret',
    },
  },
  examples: [
    'eksa-credprov roles-anywhere teardown --cluster mgmt --region us-west-2 --role-name eksa-mgmt-ecr-pull',
  ],
  async run(ctx) {
    const cluster = str(ctx, 'cluster') ?? '';
    const say = (line: string): void => {
      ctx.io.stdout(`${line}\n`);
    };
    const { teardownRolesAnywhereSetup } = await import('@eksa-credprov/aws');
    if (ctx.values['keep-package'] !== true) {
      const { deletePackage } = await kube();
      const { CoreV1Api } = await import('@kubernetes/client-node');
      const { kubeConfig: management, timeoutMs } = await managementCluster(ctx);
      const name = str(ctx, 'name') ?? DEFAULT_PACKAGE_NAME;
      const target = await targetCluster(ctx, management, cluster);
      const wait = ctx.values['wait'] === true;
      const { deleted } = await deletePackage(name, {
        kubeConfig: management,
        timeoutMs: wait ? WAIT_TIMEOUT_MS : timeoutMs,
        clusterName: cluster,
        wait,
        target: target.kubeConfig,
      });
      say(
        `package        ${deleted ? 'deleted' : 'absent '}   eksa-packages-${cluster}/${name}${deleted && wait ? ' (uninstalled)' : ''}`,
      );
      const core = target.kubeConfig.makeApiClient(CoreV1Api);
      let secretDeleted = true;
      try {
        await core.deleteNamespacedSecret({
          name: DEFAULT_ROLES_ANYWHERE_SECRET_NAME,
          namespace: DEFAULT_TARGET_NAMESPACE,
        });
      } catch (e) {
        if ((e as { code?: number }).code !== 404) throw e;
        secretDeleted = false;
      }
      say(
        `secret         ${secretDeleted ? 'deleted' : 'absent '}   ${DEFAULT_TARGET_NAMESPACE}/${DEFAULT_ROLES_ANYWHERE_SECRET_NAME} on ${target.where}`,
      );
    }
    const removed = await teardownRolesAnywhereSetup({
      clusterName: cluster,
      region: str(ctx, 'region') ?? '',
      roleName: str(ctx, 'role-name') ?? '',
    });
    say(
      `profile        ${removed.profile ? 'deleted' : 'absent '}   ${defaultRolesAnywhereName(cluster)}`,
    );
    say(`role           ${removed.role ? 'deleted' : 'absent '}   ${str(ctx, 'role-name') ?? ''}`);
    say(
      `trust anchor   ${removed.trustAnchor ? 'deleted' : 'absent '}   ${defaultRolesAnywhereName(cluster)}`,
    );
  },
};

/** The Roles Anywhere commands. */
export const ROLES_ANYWHERE_COMMANDS: readonly Command[] = [setup, teardown];
