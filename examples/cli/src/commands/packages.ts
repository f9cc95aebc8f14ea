/**
 * generate / create / apply / get / delete: what `eksctl anywhere … package` did by shelling out
 * to kubectl, here through the SDK against the management cluster (no kubectl needed).
 */
import {
  CREDENTIAL_PROVIDER_PACKAGE_NAME,
  DEFAULT_ROLES_ANYWHERE_SECRET_NAME,
  PACKAGE_GVK,
  PACKAGE_NAMESPACE_PREFIX,
  createCredentialProviderPackage,
  toYaml,
  validateCredentialProviderPackage,
  dropUndefined,
} from '@eksa-credprov/core';
import type { KubeObject } from '@eksa-credprov/kube';
import { CommandError, UsageError, type Command, type CommandContext, str } from '../cli.ts';
import {
  CLUSTER_OPTION,
  kube,
  managementCluster,
  manifestObjects,
  objectName,
  readManifest,
  WAIT_TIMEOUT_MS,
} from '../context.ts';

const list = (ctx: CommandContext, name: string): string[] | undefined => {
  const v = ctx.values[name];
  return Array.isArray(v) && v.length > 0 ? v : undefined;
};

/** `eksctl anywhere generate package`'s name for a generated Package. */
const GENERATED_NAME = `generated-${CREDENTIAL_PROVIDER_PACKAGE_NAME}`;

const generate: Command = {
  words: ['generate', 'package'],
  aliases: [['generate', 'packages']],
  summary: 'print a credential-provider Package as YAML',
  args: 'credential-provider-package',
  minArgs: 1,
  maxArgs: 1,
  description:
    'With no options the output is what `eksctl anywhere generate package` prints. Options add a\ncomplete, validated spec.config (quoted match patterns, string durations).',
  options: {
    cluster: CLUSTER_OPTION,
    name: {
      type: 'string',
      value: 'NAME',
      description: `Package name (default ${GENERATED_NAME})`,
    },
    'match-image': {
      type: 'string',
      multiple: true,
      value: 'PATTERN',
      description: 'kubelet matchImages pattern (default *.dkr.ecr.*.amazonaws.com)',
    },
    'secret-name': {
      type: 'string',
      value: 'NAME',
      description:
        'AWS credential Secret (default aws-secret, or aws-config with --roles-anywhere)',
    },
    profile: {
      type: 'string',
      value: 'NAME',
      description: 'AWS profile in the Secret (default default)',
    },
    'cache-duration': {
      type: 'string',
      value: 'DURATION',
      description: 'defaultCacheDuration, a Go duration (default 5h)',
    },
    'source-registry': {
      type: 'string',
      value: 'REGISTRY',
      description: 'where the chart pulls its image (default public.ecr.aws/eks-anywhere)',
    },
    'roles-anywhere': {
      type: 'boolean',
      description: 'configure for the IAM Roles Anywhere credfile Secret (aws-config)',
    },
  },
  examples: [
    `eksa-credprov generate package credential-provider-package --cluster mgmt`,
    `eksa-credprov generate package credential-provider-package --cluster w01 --roles-anywhere --match-image '111111111111.dkr.ecr.us-west-2.amazonaws.com'`,
  ],
  run(ctx) {
    const pkgName = ctx.args[0] ?? '';
    if (pkgName.toLowerCase() !== CREDENTIAL_PROVIDER_PACKAGE_NAME)
      throw new UsageError(
        `unknown package "${pkgName}": this CLI generates ${CREDENTIAL_PROVIDER_PACKAGE_NAME}`,
        generate,
      );
    const cluster = str(ctx, 'cluster') ?? '';
    const configured = [
      'match-image',
      'secret-name',
      'profile',
      'cache-duration',
      'source-registry',
      'roles-anywhere',
    ].some((k) => ctx.values[k] !== undefined);
    if (!configured) {
      // Exactly eksctl's output: sorted keys, no config, and a trailing document separator.
      const pkg = createCredentialProviderPackage({
        clusterName: cluster,
        name: str(ctx, 'name') ?? GENERATED_NAME,
      });
      ctx.io.stdout(
        `${toYaml({
          apiVersion: pkg.apiVersion,
          kind: pkg.kind,
          metadata: { name: pkg.metadata.name, namespace: pkg.metadata.namespace },
          spec: { packageName: pkg.spec.packageName },
        })}\n---\n`,
      );
      return Promise.resolve();
    }
    const matchImages = list(ctx, 'match-image');
    const secretName =
      str(ctx, 'secret-name') ??
      (ctx.values['roles-anywhere'] === true ? DEFAULT_ROLES_ANYWHERE_SECRET_NAME : undefined);
    const profile = str(ctx, 'profile');
    const cacheDuration = str(ctx, 'cache-duration');
    const sourceRegistry = str(ctx, 'source-registry');
    const pkg = createCredentialProviderPackage({
      clusterName: cluster,
      name: str(ctx, 'name') ?? GENERATED_NAME,
      config: {
        ...(sourceRegistry === undefined ? {} : { sourceRegistry }),
        credential: [
          {
            ...dropUndefined({
              matchImages,
              secretName,
              profile,
              defaultCacheDuration: cacheDuration,
            }),
          },
        ],
      },
      onWarning: (w) => {
        ctx.io.stderr(`warning: ${w.path}: ${w.message}\n`);
      },
    });
    ctx.io.stdout(toYaml(pkg));
    return Promise.resolve();
  },
};

/** Validates the credential-provider Packages among `objects` before anything is sent. */
function checkObjects(objects: readonly Record<string, unknown>[], file: string): void {
  const problems: string[] = [];
  for (const o of objects) {
    const spec = o['spec'] as { packageName?: unknown } | undefined;
    if (
      o['apiVersion'] === PACKAGE_GVK.apiVersion &&
      o['kind'] === PACKAGE_GVK.kind &&
      spec?.packageName === CREDENTIAL_PROVIDER_PACKAGE_NAME
    ) {
      const name = String((o['metadata'] as { name?: unknown }).name);
      for (const issue of validateCredentialProviderPackage(o).errors)
        problems.push(`  package/${name}: ${issue.path}: ${issue.message}`);
    }
  }
  if (problems.length > 0)
    throw new CommandError(
      `${file} has invalid Packages; nothing was sent (see also eksa-credprov validate -f ${file}):\n${problems.join('\n')}`,
    );
}

function applyCommand(verb: 'create' | 'apply'): Command {
  const command: Command = {
    words: [verb],
    aliases: [
      [verb, 'package'],
      [verb, 'packages'],
    ],
    summary:
      verb === 'create'
        ? 'create the objects in a manifest on the management cluster (fails if one exists)'
        : 'apply a manifest to the management cluster (server-side apply; safe to repeat)',
    options: {
      filename: {
        type: 'string',
        short: 'f',
        value: 'FILE',
        required: true,
        description: 'manifest file, or - for stdin',
      },
      'dry-run': { type: 'boolean', description: 'have the server check it, store nothing' },
    },
    examples: [
      `eksa-credprov generate package credential-provider-package --cluster mgmt > pkg.yaml && eksa-credprov ${verb} -f pkg.yaml`,
      `eksa-credprov ${verb} -f - < manifests.yaml`,
    ],
    async run(ctx) {
      const file = str(ctx, 'filename') ?? '-';
      const objects = manifestObjects(await readManifest(ctx, file), file);
      checkObjects(objects, file);
      const { DEFAULT_FIELD_MANAGER, applyObjects } = await kube();
      const dryRun = ctx.values['dry-run'] === true;
      const options = { ...(await managementCluster(ctx)), fieldManager: DEFAULT_FIELD_MANAGER };
      const typed = objects as unknown as KubeObject[];
      if (verb === 'create') {
        const preview = await applyObjects(typed, { ...options, dryRun: true });
        const existing = preview.filter((r) => r.action !== 'created');
        if (existing.length > 0)
          throw new CommandError(
            `${existing.map((r) => `${objectName(r)} already exists`).join('; ')}; nothing was created (use apply to update)`,
          );
      }
      const results = await applyObjects(typed, { ...options, dryRun });
      const word = { created: 'created', changed: 'configured', unchanged: 'unchanged' } as const;
      for (const r of results)
        ctx.io.stdout(`${objectName(r)} ${word[r.action]}${dryRun ? ' (server dry run)' : ''}\n`);
    },
  };
  return command;
}

const get: Command = {
  words: ['get', 'packages'],
  aliases: [['get', 'package']],
  summary: 'list the Packages of a cluster, with their state',
  args: '[NAME...]',
  options: {
    cluster: CLUSTER_OPTION,
    output: {
      type: 'string',
      short: 'o',
      value: 'FORMAT',
      choices: ['table', 'yaml', 'json'],
      description: 'output format (default table)',
    },
  },
  examples: [
    'eksa-credprov get packages --cluster mgmt',
    'eksa-credprov get package my-credential-provider-package --cluster w01 -o yaml',
  ],
  async run(ctx) {
    const cluster = str(ctx, 'cluster') ?? '';
    const { formatPackageTable, listPackages } = await kube();
    const all = await listPackages({ ...(await managementCluster(ctx)), clusterName: cluster });
    const missing = ctx.args.filter((n) => !all.some((p) => p.name === n));
    if (missing.length > 0)
      throw new CommandError(
        `${missing.map((n) => `packages "${n}"`).join(', ')} not found in ${PACKAGE_NAMESPACE_PREFIX}${cluster}`,
      );
    const shown = ctx.args.length === 0 ? all : all.filter((p) => ctx.args.includes(p.name));
    const format = str(ctx, 'output') ?? 'table';
    if (shown.length === 0 && format === 'table') {
      ctx.io.stderr(`No resources found in ${PACKAGE_NAMESPACE_PREFIX}${cluster} namespace.\n`);
      return;
    }
    const objects = shown.map((p) => p.object);
    const one = ctx.args.length === 1 ? objects[0] : undefined;
    const value = one ?? { apiVersion: 'v1', kind: 'List', items: objects };
    if (format === 'json') ctx.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
    else if (format === 'yaml') ctx.io.stdout(toYaml(value));
    else ctx.io.stdout(formatPackageTable(shown));
  },
};

const del: Command = {
  words: ['delete', 'package'],
  aliases: [['delete', 'packages']],
  summary: 'delete Packages (the controller then uninstalls them)',
  args: 'NAME...',
  minArgs: 1,
  options: {
    cluster: CLUSTER_OPTION,
    wait: {
      type: 'boolean',
      description:
        'wait (up to 10m) until each Package is gone and the controller has uninstalled it',
    },
  },
  examples: ['eksa-credprov delete package my-credential-provider-package --cluster w01'],
  async run(ctx) {
    const cluster = str(ctx, 'cluster') ?? '';
    const { deletePackage } = await kube();
    const management = await managementCluster(ctx);
    const missing: string[] = [];
    const wait = ctx.values['wait'] === true;
    for (const name of ctx.args) {
      const { deleted } = await deletePackage(name, {
        ...management,
        ...(wait ? { timeoutMs: WAIT_TIMEOUT_MS } : {}),
        clusterName: cluster,
        wait,
      });
      if (deleted) ctx.io.stdout(`package.packages.eks.amazonaws.com "${name}" deleted\n`);
      else missing.push(name);
    }
    if (missing.length > 0)
      throw new CommandError(
        `${missing.map((n) => `packages "${n}"`).join(', ')} not found in ${PACKAGE_NAMESPACE_PREFIX}${cluster}`,
      );
  },
};

/** The package commands. */
export const PACKAGE_COMMANDS: readonly Command[] = [
  generate,
  applyCommand('create'),
  applyCommand('apply'),
  get,
  del,
];
