/**
 * `provider test`: runs a kubelet image credential provider as the kubelet would (a process, the
 * request on stdin, the chart's environment) and shows its answer with the password redacted.
 * By default it runs eksa-ecr-credential-provider from @eksa-credprov/aws (the Bun executable
 * when built, else the one-file bundle with this Node); `--provider` runs any other, such as the
 * Go ecr-credential-provider, to compare.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  createCredentialProviderRequest,
  createKubeletCredentialProviderConfig,
  ecrTokenAttributes,
  toYaml,
  matchImage,
  parseAwsSharedConfig,
  parseCredentialProviderResponse,
  parseRolesAnywhereProfile,
  isValidationError,
  type CredentialProviderApiVersion,
  dropUndefined,
} from '@eksa-credprov/core';
import {
  CommandError,
  redact,
  UsageError,
  type Command,
  type CommandContext,
  str,
} from '../cli.ts';
import { openToOthers } from '../context.ts';

/**
 * Checks arguments meant for eksa-ecr-credential-provider as the provider itself will
 * (`--profile-for` patterns, `--timeout`), so that a bad rule is a usage error here rather than
 * a failure on every node.
 */
async function checkProviderArgs(args: readonly string[], command: Command): Promise<void> {
  // Loaded here: the provider's module is not needed by the other commands.
  const { parseProviderArgs } = await import('@eksa-credprov/aws/provider');
  try {
    parseProviderArgs(args);
  } catch (e) {
    if (!isValidationError(e)) throw e;
    throw new UsageError(e.issues.map((i) => i.message).join('; '), command);
  }
}

/** The provider to run: `--provider`, else ours (the Bun executable, else the bundle with this Node). */
function providerCommand(ctx: CommandContext): string[] {
  const explicit = str(ctx, 'provider');
  if (explicit !== undefined) return [explicit];
  const dist = join(
    dirname(createRequire(import.meta.url).resolve('@eksa-credprov/aws/package.json')),
    'dist',
  );
  const bun = join(dist, 'eksa-ecr-credential-provider-bun');
  if (existsSync(bun) && process.arch === 'x64') return [bun];
  const bundle = join(dist, 'eksa-ecr-credential-provider.cjs');
  if (existsSync(bundle)) return [process.execPath, bundle];
  throw new CommandError(
    `no built provider in ${dist}: run pnpm build in packages/aws, or pass --provider PATH`,
  );
}

function exec(
  command: readonly string[],
  stdin: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const [file, ...args] = command;
    const child = spawn(file ?? '', args, {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e) => {
      reject(
        new CommandError(
          `cannot run ${file ?? ''}: ${(e as NodeJS.ErrnoException).code ?? e.message}`,
          { cause: e },
        ),
      );
    });
    child.on('close', (code) => {
      resolve({ code: code ?? 1, stdout, stderr, ms: performance.now() - started });
    });
    child.stdin.end(stdin);
  });
}

/** `path`'s mode when group or others may read it (a credential file should be 0600). */
function tooOpen(path: string): string | undefined {
  try {
    const info = statSync(path);
    const mode = info.isFile() ? openToOthers(info.mode) : undefined;
    if (mode === undefined) return undefined;
    return `${path} is readable by group or others (mode ${mode}); credential files, keys and credfiles should be 0600: chmod 600 ${path}`;
  } catch {
    return undefined;
  }
}

/**
 * The AWS config and credentials files, and the certificate and key a Roles Anywhere profile
 * names, that group or others may read. The provider itself stays quiet about this (the kubelet
 * ignores its stderr on success); `provider test` is where a person sees it.
 */
function permissiveFiles(
  configFile: string | undefined,
  credentialsFile: string | undefined,
  profile: string,
): string[] {
  const files = [configFile, credentialsFile].filter((f): f is string => f !== undefined);
  if (configFile !== undefined) {
    try {
      const settings = parseAwsSharedConfig({ config: readFileSync(configFile, 'utf8') }).profiles[
        profile
      ];
      if (settings?.['credential_process'] !== undefined) {
        const credfile = parseRolesAnywhereProfile(settings, { profile });
        files.push(credfile.certificatePath, credfile.privateKeyPath);
      }
    } catch {
      // Not a Roles Anywhere profile, or unreadable: the provider says why when it runs.
    }
  }
  return [...new Set(files)].map(tooOpen).filter((w): w is string => w !== undefined);
}

const test: Command = {
  words: ['provider', 'test'],
  summary: 'run the node-side credential provider for an image, as the kubelet would',
  options: {
    image: {
      type: 'string',
      value: 'IMAGE',
      required: true,
      description: 'the image being pulled',
    },
    config: {
      type: 'string',
      value: 'FILE',
      description: 'AWS config file (AWS_CONFIG_FILE; default $AWS_CONFIG_FILE)',
    },
    profile: {
      type: 'string',
      value: 'NAME',
      description: 'AWS profile (AWS_PROFILE; default default)',
    },
    'match-image': {
      type: 'string',
      multiple: true,
      value: 'PATTERN',
      description: "check the kubelet's matchImages gate first",
    },
    provider: { type: 'string', value: 'PATH', description: 'another provider binary to run' },
    arg: {
      type: 'string',
      multiple: true,
      value: 'ARG',
      description: 'an argument for the provider (as the config’s args)',
    },
    'api-version': {
      type: 'string',
      value: 'VERSION',
      choices: ['v1', 'v1beta1', 'v1alpha1'],
      description: 'credentialprovider.kubelet.k8s.io version (default v1)',
    },
    output: {
      type: 'string',
      short: 'o',
      value: 'FORMAT',
      choices: ['text', 'json'],
      description: 'default text',
    },
  },
  examples: [
    'eksa-credprov provider test --image 111111111111.dkr.ecr.us-west-2.amazonaws.com/app:1 --config aws-creds',
    "eksa-credprov provider test --image public.ecr.aws/x/y --match-image '*.dkr.ecr.*.amazonaws.com'",
  ],
  async run(ctx) {
    const image = str(ctx, 'image') ?? '';
    const patterns = (ctx.values['match-image'] as string[] | undefined) ?? [];
    const say = (line: string): void => {
      ctx.io.stdout(`${line}\n`);
    };
    if (patterns.length > 0) {
      const matched = patterns.find((p) => matchImage(p, image));
      if (matched === undefined)
        throw new CommandError(
          `${image} matches none of the matchImages patterns (${patterns.join(', ')}): the kubelet would not run the provider for it`,
        );
      if (str(ctx, 'output') !== 'json') say(`matchImages   ${matched}`);
    }
    const apiVersion =
      `credentialprovider.kubelet.k8s.io/${str(ctx, 'api-version') ?? 'v1'}` as CredentialProviderApiVersion;
    const request = createCredentialProviderRequest({ apiVersion, image });
    const command = providerCommand(ctx);
    const config = str(ctx, 'config');
    // The provider ignores a missing AWS config file, as the AWS SDKs do; here that is a typo.
    if (config !== undefined && !existsSync(config))
      throw new CommandError(
        `--config ${config}: no such file (the provider would ignore it, as the AWS SDKs do, and look for credentials elsewhere)`,
      );
    const profile = str(ctx, 'profile');
    for (const warning of permissiveFiles(
      config ?? ctx.io.env['AWS_CONFIG_FILE'],
      ctx.io.env['AWS_SHARED_CREDENTIALS_FILE'],
      profile ?? ctx.io.env['AWS_PROFILE'] ?? 'default',
    ))
      ctx.io.stderr(`warning: ${warning}\n`);
    const env: NodeJS.ProcessEnv = {
      ...ctx.io.env,
      ...dropUndefined({ AWS_CONFIG_FILE: config, AWS_PROFILE: profile }),
    };
    const args = (ctx.values['arg'] as string[] | undefined) ?? ['get-credentials'];
    // Another provider (--provider) has arguments of its own.
    if (str(ctx, 'provider') === undefined) await checkProviderArgs(args, test);
    const out = await exec([...command, ...args], `${JSON.stringify(request)}\n`, env);
    if (out.code !== 0)
      throw new CommandError(
        `the provider failed (exit ${out.code}): ${out.stderr.trim().split('\n').join(' | ') || 'no message'}`,
      );
    let response;
    try {
      response = parseCredentialProviderResponse(out.stdout, { apiVersion });
    } catch (e) {
      const detail = isValidationError(e)
        ? e.issues.map((i) => `${i.path}: ${i.message}`).join('; ')
        : String(e);
      throw new CommandError(`the provider's answer is not one the kubelet accepts: ${detail}`, {
        cause: e,
      });
    }
    const auth = Object.entries(response.auth ?? {}).map(([key, value]) => ({
      key,
      username: value.username,
      password: `<redacted, ${value.password.length} characters>`,
    }));
    if (str(ctx, 'output') === 'json') {
      ctx.io.stdout(
        `${JSON.stringify({ ...response, auth: Object.fromEntries(auth.map((a) => [a.key, { username: a.username, password: a.password }])) }, null, 2)}\n`,
      );
      return;
    }
    say(`provider      ${command.join(' ')} (exit 0, ${out.ms.toFixed(0)} ms)`);
    say(`cacheKeyType  ${response.cacheKeyType}`);
    say(
      `cacheDuration ${response.cacheDuration ?? '(none: the kubelet uses defaultCacheDuration)'}`,
    );
    for (const a of auth)
      say(`auth          ${a.key}: username ${a.username}, password ${a.password}`);
    if (out.stderr.trim() !== '')
      say(redact(`stderr        ${out.stderr.trim().split('\n').join(' | ')}`, ctx.io.env));
  },
};

const config: Command = {
  words: ['provider', 'config'],
  summary: "print the kubelet's CredentialProviderConfig for eksa-ecr-credential-provider",
  description: `To deploy the provider on a node you manage (see docs/provider.md):
  1. copy packages/aws/dist/eksa-ecr-credential-provider-bun (the Bun executable; -bun-linux-arm64
     for arm64 nodes; or the .cjs bundle, which needs Node.js 22.19+) into the kubelet's
     --image-credential-provider-bin-dir, named as --name says;
  2. put the AWS config (keys or the Roles Anywhere credfile) at --aws-config-file, mode 0600;
  3. write this output to the file --image-credential-provider-config names; restart the kubelet.`,
  options: {
    name: {
      type: 'string',
      value: 'NAME',
      description: 'executable name in the bin dir (default eksa-ecr-credential-provider)',
    },
    'match-image': {
      type: 'string',
      multiple: true,
      value: 'PATTERN',
      description: 'images the kubelet asks the provider about (default *.dkr.ecr.*.amazonaws.com)',
    },
    'cache-duration': {
      type: 'string',
      value: 'DURATION',
      description: 'defaultCacheDuration (default 5h)',
    },
    'aws-config-file': {
      type: 'string',
      value: 'PATH',
      description: 'AWS_CONFIG_FILE on the node (default /eksa-packages/aws-creds)',
    },
    profile: { type: 'string', value: 'NAME', description: 'AWS_PROFILE (default default)' },
    'profile-for': {
      type: 'string',
      multiple: true,
      value: 'PATTERN=PROFILE',
      description:
        'a matchImages pattern served with another profile (the provider’s --profile-for)',
    },
    'kubernetes-version': {
      type: 'string',
      value: 'VERSION',
      description: "the nodes' version: 1.25 and older get credentialprovider v1alpha1",
    },
    'token-audience': {
      type: 'string',
      value: 'AUDIENCE',
      description:
        "per-workload roles (Kubernetes 1.34+): the kubelet passes each pod's service-account token for AUDIENCE (sts.amazonaws.com, as service-account set-up uses) and its eks.amazonaws.com/ecr-role-arn annotation; pods without one use the node's credentials",
    },
    'require-role-annotation': {
      type: 'boolean',
      description:
        'with --token-audience: call the provider only for pods whose service account has the annotation (others get no ECR credentials from it)',
    },
    env: {
      type: 'string',
      multiple: true,
      value: 'NAME=VALUE',
      description:
        'another variable for the provider (HTTPS_PROXY, AWS_REGION, ...); replaces a default of the same name',
    },
  },
  examples: [
    'eksa-credprov provider config > /etc/kubernetes/credential-provider-config.yaml',
    "eksa-credprov provider config --match-image '*.dkr.ecr.*.amazonaws.com' --profile-for '111111111111.dkr.ecr.*.amazonaws.com=team-a'",
    'eksa-credprov provider config --token-audience sts.amazonaws.com',
  ],
  async run(ctx) {
    const matchImages = ctx.values['match-image'] as string[] | undefined;
    const rules = (ctx.values['profile-for'] as string[] | undefined) ?? [];
    const args = ['get-credentials', ...rules.map((r) => `--profile-for=${r}`)];
    await checkProviderArgs(args, config);
    const cacheDuration = str(ctx, 'cache-duration');
    const awsConfigFile = str(ctx, 'aws-config-file');
    const profile = str(ctx, 'profile');
    const version = str(ctx, 'kubernetes-version');
    const audience = str(ctx, 'token-audience');
    const requireAnnotation = ctx.values['require-role-annotation'] === true;
    if (requireAnnotation && audience === undefined)
      throw new UsageError('--require-role-annotation needs --token-audience', config);
    const kubeletConfig = createKubeletCredentialProviderConfig({
      ...(version === undefined ? {} : { kubernetesVersion: version }),
      providers: [
        {
          name: str(ctx, 'name') ?? 'eksa-ecr-credential-provider',
          args,
          ...dropUndefined({
            matchImages,
            defaultCacheDuration: cacheDuration,
            awsConfigFile,
            profile,
            tokenAttributes:
              audience === undefined
                ? undefined
                : ecrTokenAttributes({ audience, requireAnnotation }),
          }),
        },
      ],
    });
    const extra = ((ctx.values['env'] as string[] | undefined) ?? []).map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`--env needs NAME=VALUE, not "${pair}"`, config);
      return { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
    });
    const providers = kubeletConfig.providers.map((p) => ({
      ...p,
      env: [...(p.env ?? []).filter((e) => !extra.some((x) => x.name === e.name)), ...extra],
    }));
    ctx.io.stdout(toYaml({ ...kubeletConfig, providers }));
  },
};

/** The provider commands. */
export const PROVIDER_COMMANDS: readonly Command[] = [test, config];
