/**
 * `secret create`: the AWS credential Secret in one of its forms, from flags, the environment or
 * files, applied to a cluster or printed with its values redacted. A secret value is never
 * printed unless `--show-secrets` asks for it, and never appears in an error.
 */
import { readFile } from 'node:fs/promises';
import {
  AWS_SECRET_FORMS,
  DEFAULT_TARGET_NAMESPACE,
  createAwsCredentialsSecret,
  createRolesAnywhereSecret,
  type Secret,
  dropUndefined,
} from '@eksa-credprov/core';
import { CommandError, UsageError, type Command, type CommandContext, str } from '../cli.ts';
import { kube, managementCluster, objectName, secretYaml } from '../context.ts';

const FORMS = [...Object.values(AWS_SECRET_FORMS), 'roles-anywhere'] as const;

/**
 * A secret value from `--NAME`, `--NAME-file` or the environment variable, in that order; the
 * error names where it looked, never a value.
 */
async function secretValue(
  ctx: CommandContext,
  from: { readonly flag: string; readonly variable: string; readonly required: boolean },
): Promise<string | undefined> {
  const { flag, variable, required } = from;
  const direct = str(ctx, flag);
  if (direct !== undefined) return direct;
  const file = str(ctx, `${flag}-file`);
  if (file !== undefined) {
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch (e) {
      throw new CommandError(
        `cannot read --${flag}-file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        { cause: e },
      );
    }
  }
  const fromEnv = ctx.io.env[variable];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (required)
    throw new UsageError(
      `give --${flag}-file FILE, or set ${variable} (or --${flag}, which shows in ps)`,
    );
  return undefined;
}

async function buildSecret(ctx: CommandContext): Promise<Secret> {
  const form = str(ctx, 'form') as (typeof FORMS)[number];
  const name = str(ctx, 'name');
  const namespace = str(ctx, 'namespace');
  const region = str(ctx, 'region') ?? ctx.io.env['AWS_REGION'];
  if (region === undefined) throw new UsageError('--region is required (or set AWS_REGION)');
  const meta = {
    ...dropUndefined({ name, namespace }),
  };
  if (form === 'roles-anywhere') {
    const need = (flag: string): string => {
      const v = str(ctx, flag);
      if (v === undefined) throw new UsageError(`--form roles-anywhere needs --${flag}`);
      return v;
    };
    const certificatePath = str(ctx, 'certificate-path');
    const profile = str(ctx, 'profile');
    return createRolesAnywhereSecret({
      ...meta,
      region,
      roleArn: need('role-arn'),
      profileArn: need('profile-arn'),
      trustAnchorArn: need('trust-anchor-arn'),
      ...dropUndefined({ certificatePath, profile }),
    });
  }
  const accessKeyId = await secretValue(ctx, {
    flag: 'access-key-id',
    variable: 'AWS_ACCESS_KEY_ID',
    required: true,
  });
  const secretAccessKey = await secretValue(ctx, {
    flag: 'secret-access-key',
    variable: 'AWS_SECRET_ACCESS_KEY',
    required: true,
  });
  const sessionToken = await secretValue(ctx, {
    flag: 'session-token',
    variable: 'AWS_SESSION_TOKEN',
    required: false,
  });
  const profile = str(ctx, 'profile');
  return createAwsCredentialsSecret({
    ...meta,
    form,
    region,
    accessKeyId: accessKeyId ?? '',
    secretAccessKey: secretAccessKey ?? '',
    ...dropUndefined({ sessionToken, profile }),
  });
}

const create: Command = {
  words: ['secret', 'create'],
  summary: 'create or update the AWS credential Secret the Package names',
  description: `Forms: keys (AWS_ACCESS_KEY_ID etc., profile default), config (an AWS config file with
the keys), roles-anywhere (the IAM Roles Anywhere credfile; no keys at all). Keys are read from
--*-file FILE or the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN);
the --access-key-id style flags work too but show in ps. The Secret must be on the cluster the
Package configures, in its targetNamespace: pass that cluster's kubeconfig.`,
  options: {
    form: {
      type: 'string',
      value: 'FORM',
      required: true,
      choices: FORMS,
      description: 'Secret form',
    },
    name: {
      type: 'string',
      value: 'NAME',
      description: 'default aws-secret (aws-config for roles-anywhere)',
    },
    namespace: {
      type: 'string',
      value: 'NAMESPACE',
      description: `the Package's targetNamespace (default ${DEFAULT_TARGET_NAMESPACE})`,
    },
    region: { type: 'string', value: 'REGION', description: 'ECR region (default $AWS_REGION)' },
    profile: {
      type: 'string',
      value: 'NAME',
      description: 'profile name in the config (default default)',
    },
    'access-key-id': { type: 'string', value: 'ID', description: 'access key ID' },
    'access-key-id-file': {
      type: 'string',
      value: 'FILE',
      description: 'file holding the access key ID',
    },
    'secret-access-key': {
      type: 'string',
      value: 'KEY',
      description: 'secret access key (shows in ps)',
    },
    'secret-access-key-file': {
      type: 'string',
      value: 'FILE',
      description: 'file holding the secret access key',
    },
    'session-token': { type: 'string', value: 'TOKEN', description: 'session token (shows in ps)' },
    'session-token-file': {
      type: 'string',
      value: 'FILE',
      description: 'file holding the session token',
    },
    'role-arn': { type: 'string', value: 'ARN', description: 'roles-anywhere: the role' },
    'profile-arn': {
      type: 'string',
      value: 'ARN',
      description: 'roles-anywhere: the Roles Anywhere profile',
    },
    'trust-anchor-arn': {
      type: 'string',
      value: 'ARN',
      description: 'roles-anywhere: the trust anchor',
    },
    'certificate-path': {
      type: 'string',
      value: 'PATH',
      description:
        'roles-anywhere: certificate on the node (default the kubelet client certificate)',
    },
    'dry-run': { type: 'boolean', description: 'print the Secret instead of applying it' },
    'show-secrets': { type: 'boolean', description: 'with --dry-run, print the values too' },
  },
  examples: [
    'AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… eksa-credprov secret create --form keys --region us-west-2 --kubeconfig w01.kubeconfig',
    'eksa-credprov secret create --form config --region us-west-2 --access-key-id-file id --secret-access-key-file key --dry-run',
    'eksa-credprov secret create --form roles-anywhere --region us-west-2 --role-arn … --profile-arn … --trust-anchor-arn …',
  ],
  async run(ctx) {
    const secret = await buildSecret(ctx);
    if (ctx.values['dry-run'] === true) {
      ctx.io.stdout(secretYaml(secret, ctx.values['show-secrets'] === true));
      return;
    }
    if (ctx.values['show-secrets'] === true)
      throw new UsageError('--show-secrets only goes with --dry-run', create);
    const { DEFAULT_FIELD_MANAGER, applyObjects, ensureNamespace } = await kube();
    const options = { ...(await managementCluster(ctx)), fieldManager: DEFAULT_FIELD_MANAGER };
    await ensureNamespace(secret.metadata.namespace, options);
    const [result] = await applyObjects([secret], options);
    if (result !== undefined)
      ctx.io.stdout(
        `${objectName(result)} ${result.action === 'changed' ? 'configured' : result.action} in namespace ${secret.metadata.namespace}\n`,
      );
  },
};

/** The secret commands. */
export const SECRET_COMMANDS: readonly Command[] = [create];
