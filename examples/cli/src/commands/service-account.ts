/**
 * `service-account setup|teardown`: per-workload ECR access (KEP-4412) as one command. Ensures
 * the IAM OIDC provider of the cluster's service-account issuer and a role that the given service
 * accounts may assume with their tokens, then, on the cluster, the RBAC that lets the nodes
 * request tokens for the audience and the `eks.amazonaws.com/ecr-role-arn` annotation on each
 * service account. Idempotent; teardown undoes it. AWS credentials and endpoints come from the
 * AWS SDK's usual environment (AWS_PROFILE, AWS_ENDPOINT_URL_IAM, ...).
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_ECR_TOKEN_AUDIENCE } from '@eksa-credprov/core';
import { CURATED_PACKAGES_ACCOUNT_ID } from '@eksa-credprov/aws';
import type { KubeConfig } from '@kubernetes/client-node';
import { UsageError, type Command, type CommandContext, type OptionSpec, str } from '../cli.ts';
import { kube, managementCluster } from '../context.ts';
import { targetCluster } from './roles-anywhere.ts';

const COMMON: Readonly<Record<string, OptionSpec>> = {
  cluster: {
    type: 'string',
    value: 'NAME',
    required: true,
    description: 'the cluster whose pods pull (its name goes into the owner tag)',
  },
  region: { type: 'string', value: 'REGION', required: true, description: 'AWS region' },
  'role-name': {
    type: 'string',
    value: 'NAME',
    required: true,
    description: 'the IAM role the service accounts assume',
  },
  'service-account': {
    type: 'string',
    multiple: true,
    required: true,
    value: 'NAMESPACE/NAME',
    description: 'a service account whose pods pull with the role (repeatable; NAME may be *)',
  },
  audience: {
    type: 'string',
    value: 'AUDIENCE',
    description: `the tokens' audience, as in the kubelet's tokenAttributes (default ${DEFAULT_ECR_TOKEN_AUDIENCE})`,
  },
  'workload-kubeconfig': {
    type: 'string',
    value: 'FILE',
    description:
      'the cluster whose pods pull (default: eksa-system/CLUSTER-kubeconfig on the management cluster, else the management cluster itself)',
  },
};

function serviceAccounts(
  ctx: CommandContext,
  command: Command,
): { namespace: string; name: string }[] {
  return ((ctx.values['service-account'] as string[] | undefined) ?? []).map((ref) => {
    const [namespace, name, extra] = ref.split('/');
    if (namespace === undefined || name === undefined || extra !== undefined || !namespace || !name)
      throw new UsageError(`--service-account needs NAMESPACE/NAME, not "${ref}"`, command);
    return { namespace, name };
  });
}

/** The cluster's issuer, from its discovery document unless --issuer-url names it. */
async function issuerOf(ctx: CommandContext, cluster: KubeConfig): Promise<string> {
  const given = str(ctx, 'issuer-url');
  if (given !== undefined) return given;
  const { WellKnownApi } = await import('@kubernetes/client-node');
  const discovery: unknown = await cluster
    .makeApiClient(WellKnownApi)
    .getServiceAccountIssuerOpenIDConfiguration();
  // client-node answers the document parsed or as text, by version.
  const document = (typeof discovery === 'string' ? JSON.parse(discovery) : discovery) as {
    issuer?: unknown;
  } | null;
  const issuer = document?.issuer;
  if (typeof issuer !== 'string')
    throw new UsageError('the cluster’s discovery document names no issuer: give --issuer-url');
  return issuer;
}

/**
 * The roots for reaching the issuer: --issuer-ca, else the cluster's own CA when the issuer is
 * the API server itself, else the system's (or AWS_CA_BUNDLE).
 */
async function issuerCa(
  ctx: CommandContext,
  cluster: KubeConfig,
  issuer: string,
): Promise<string | undefined> {
  const file = str(ctx, 'issuer-ca');
  if (file !== undefined) return readFile(file, 'utf8');
  const server = cluster.getCurrentCluster();
  if (server === null || new URL(server.server).host !== new URL(issuer).host) return undefined;
  if (server.caData !== undefined) return Buffer.from(server.caData, 'base64').toString('utf8');
  if (server.caFile !== undefined) return readFile(server.caFile, 'utf8');
  return undefined;
}

const setup: Command = {
  words: ['service-account', 'setup'],
  summary: 'give service accounts their own IAM role for ECR pulls (per-workload access)',
  description: `Steps: read the cluster's service-account issuer (its discovery document, or --issuer-url);
ensure the IAM OIDC provider for it (thumbprint from the issuer's certificate chain) and the role
the service accounts may assume with their tokens, with ECR read; then, on the cluster, the RBAC
that lets the nodes request tokens for the audience, and the eks.amazonaws.com/ecr-role-arn
annotation on each service account. Safe to run again. The nodes' kubelets need tokenAttributes in
their credential provider config: eksa-credprov provider config --token-audience AUDIENCE.
IAM must reach the issuer's discovery document and JWKS (see docs/per-workload-ecr.md).`,
  options: {
    ...COMMON,
    'issuer-url': {
      type: 'string',
      value: 'URL',
      description: "the cluster's service-account issuer (default: from its discovery document)",
    },
    'issuer-ca': {
      type: 'string',
      value: 'FILE',
      description:
        "PEM roots for reaching the issuer (default: the cluster's CA when the issuer is its API server, else the system's)",
    },
    'registry-account': {
      type: 'string',
      multiple: true,
      value: 'ACCOUNT',
      description: `12-digit accounts whose ECR the role reads (default ${CURATED_PACKAGES_ACCOUNT_ID})`,
    },
  },
  examples: [
    'eksa-credprov service-account setup --cluster w01 --region us-west-2 --role-name w01-team-a-ecr --service-account team-a/builder --registry-account 111111111111',
  ],
  async run(ctx) {
    const cluster = str(ctx, 'cluster') ?? '';
    const accounts = serviceAccounts(ctx, setup);
    const audience = str(ctx, 'audience') ?? DEFAULT_ECR_TOKEN_AUDIENCE;
    const registries = (ctx.values['registry-account'] as string[] | undefined) ?? [
      CURATED_PACKAGES_ACCOUNT_ID,
    ];
    const say = (line: string): void => {
      ctx.io.stdout(`${line}\n`);
    };
    const { createEcrReadPolicy, ensureServiceAccountRole } = await import('@eksa-credprov/aws');
    const { ensureServiceAccountEcrAccess } = await kube();
    const { kubeConfig: management, timeoutMs } = await managementCluster(ctx);
    const target = await targetCluster(ctx, management, cluster);
    const issuer = await issuerOf(ctx, target.kubeConfig);
    say(`issuer         ${issuer}`);
    const ca = await issuerCa(ctx, target.kubeConfig, issuer);
    const role = await ensureServiceAccountRole({
      clusterName: cluster,
      issuerUrl: issuer,
      region: str(ctx, 'region') ?? '',
      roleName: str(ctx, 'role-name') ?? '',
      serviceAccounts: accounts,
      audience,
      policy: createEcrReadPolicy({ registryAccountIds: registries }),
      ...(ca === undefined ? {} : { issuerCa: ca }),
    });
    say(`oidc provider  ${role.actions.oidcProvider.padEnd(9)} ${role.oidcProviderArn}`);
    say(`role           ${role.actions.role.padEnd(9)} ${role.roleArn}`);
    say(`policy         ${role.actions.policy.padEnd(9)} ECR read on ${registries.join(', ')}`);
    const access = await ensureServiceAccountEcrAccess({
      kubeConfig: target.kubeConfig,
      roleArn: role.roleArn,
      serviceAccounts: accounts,
      audience,
      timeoutMs,
    });
    const word = (a: string): string => (a === 'changed' ? 'updated' : a).padEnd(9);
    for (const r of access.rbac) say(`rbac           ${word(r.action)} ${r.kind} ${r.name}`);
    for (const r of access.serviceAccounts)
      say(`serviceaccount ${word(r.action)} ${r.namespace ?? ''}/${r.name} on ${target.where}`);
    say(
      `next           give the nodes' kubelets tokenAttributes: eksa-credprov provider config --token-audience ${audience}`,
    );
  },
};

const teardown: Command = {
  words: ['service-account', 'teardown'],
  summary: 'remove what service-account setup created',
  description: `Removes the role annotation from each service account (the service accounts stay) and the
role (only when it carries this cluster's tag). --remove-rbac also removes the audience's RBAC,
and --delete-oidc-provider the cluster's OIDC provider if setup created it: other roles of the
cluster may still use both, so remove them with the last. Safe to run again.`,
  options: {
    ...COMMON,
    'remove-rbac': { type: 'boolean', description: "also remove the audience's RBAC" },
    'delete-oidc-provider': {
      type: 'boolean',
      description: "also delete the cluster's IAM OIDC provider (needs the issuer)",
    },
    'issuer-url': {
      type: 'string',
      value: 'URL',
      description: "the cluster's service-account issuer (default: from its discovery document)",
    },
  },
  examples: [
    'eksa-credprov service-account teardown --cluster w01 --region us-west-2 --role-name w01-team-a-ecr --service-account team-a/builder',
  ],
  async run(ctx) {
    const cluster = str(ctx, 'cluster') ?? '';
    const accounts = serviceAccounts(ctx, teardown);
    const say = (line: string): void => {
      ctx.io.stdout(`${line}\n`);
    };
    const { teardownServiceAccountRole } = await import('@eksa-credprov/aws');
    const { removeServiceAccountEcrAccess } = await kube();
    const { kubeConfig: management, timeoutMs } = await managementCluster(ctx);
    const target = await targetCluster(ctx, management, cluster);
    const removed = await removeServiceAccountEcrAccess({
      kubeConfig: target.kubeConfig,
      serviceAccounts: accounts,
      audience: str(ctx, 'audience') ?? DEFAULT_ECR_TOKEN_AUDIENCE,
      removeRbac: ctx.values['remove-rbac'] === true,
      timeoutMs,
    });
    say(`annotations    removed   ${removed.serviceAccounts} of ${accounts.length}`);
    if (ctx.values['remove-rbac'] === true) say(`rbac           removed   ${removed.rbac} objects`);
    const deleteOidc = ctx.values['delete-oidc-provider'] === true;
    const gone = await teardownServiceAccountRole({
      clusterName: cluster,
      region: str(ctx, 'region') ?? '',
      roleName: str(ctx, 'role-name') ?? '',
      ...(deleteOidc
        ? { deleteOidcProvider: true, issuerUrl: await issuerOf(ctx, target.kubeConfig) }
        : {}),
    });
    say(`role           ${gone.role ? 'deleted' : 'absent '}   ${str(ctx, 'role-name') ?? ''}`);
    if (deleteOidc) say(`oidc provider  ${gone.oidcProvider ? 'deleted' : 'kept   '}`);
  },
};

/** The service-account commands. */
export const SERVICE_ACCOUNT_COMMANDS: readonly Command[] = [setup, teardown];
