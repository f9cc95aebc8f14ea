/**
 * The node-side provider as the kubelet runs it, in each delivered form, with the fixtures every
 * provider test uses.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createAwsCredentialsSecret,
  createKubeletCredentialProviderConfig,
  toYaml,
  type KubeletCredentialProviderInit,
  type Secret,
} from '@eksa-credprov/core';
import { awsTestEnv, REPO_ROOT } from './env.ts';
import { testPki } from './pki.ts';

/** The registry host and image the provider tests pull. */
export const ECR_HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
/** An image of {@link ECR_HOST}. */
export const ECR_IMAGE = `${ECR_HOST}/team/app`;
/** The documentation's example access key pair; tests check it never shows. */
export const TEST_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
/** The secret half of {@link TEST_ACCESS_KEY_ID}. */
export const TEST_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
/** The `keys` form of the AWS credential Secret (`eksa-packages/aws-secret`) with the test keys. */
export function testKeysSecret(): Secret {
  return createAwsCredentialsSecret({
    form: 'keys',
    accessKeyId: TEST_ACCESS_KEY_ID,
    secretAccessKey: TEST_SECRET_ACCESS_KEY,
    region: 'us-west-2',
  });
}
/** A profile body with the test keys and region `us-west-2`. */
export const TEST_KEYS_PROFILE = `aws_access_key_id = ${TEST_ACCESS_KEY_ID}\naws_secret_access_key = ${TEST_SECRET_ACCESS_KEY}\nregion = us-west-2\n`;

const AWS_PACKAGE = join(REPO_ROOT, 'packages/aws');

/** What one run of the provider's bin printed, and its exit code. */
export interface ProviderRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The ways the provider runs: from source, the one-file bundle, and the Bun executables for x64
 * and arm64 (scripts/bootstrap builds the last three). The arm64 one runs under qemu-user with
 * Debian's arm64 C library as its root (scripts/test installs both); it takes about a second to
 * start there.
 */
export const PROVIDER_FORMS = {
  source: [
    process.execPath,
    '--conditions=@eksa-credprov/source',
    join(AWS_PACKAGE, 'src/bin/provider.ts'),
  ],
  bundle: [process.execPath, join(AWS_PACKAGE, 'dist/eksa-ecr-credential-provider.cjs')],
  bun: [join(AWS_PACKAGE, 'dist/eksa-ecr-credential-provider-bun')],
  'bun-arm64': [
    'qemu-aarch64',
    '-L',
    '/usr/aarch64-linux-gnu',
    join(AWS_PACKAGE, 'dist/eksa-ecr-credential-provider-bun-linux-arm64'),
  ],
} as const;

/**
 * Runs eksa-ecr-credential-provider as the kubelet runs it: a process with a request on stdin and
 * only the chart's environment (plus the local ECR endpoint, unless `env` overrides it, and
 * whatever `env` adds). From source unless `form` says otherwise (scripts/bootstrap builds the
 * other two).
 */
export function execProvider(
  stdin: string,
  env: Readonly<Record<string, string>>,
  options: {
    readonly args?: readonly string[];
    readonly form?: keyof typeof PROVIDER_FORMS;
    /** The working directory. @default this process's */
    readonly cwd?: string;
  } = {},
): Promise<ProviderRun> {
  const [command, ...commandArgs] = PROVIDER_FORMS[options.form ?? 'source'];
  const args = options.args ?? [];
  return new Promise((ok) => {
    const child = execFile(
      command,
      [...commandArgs, ...args],
      {
        env: {
          PATH: '/usr/bin:/bin',
          HOME: testPki().dir,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ENDPOINT_URL_ECR: awsTestEnv().moto,
          ...env,
        },
        timeout: 60_000,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      },
      (error, stdout, stderr) => {
        ok({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}

/** A `CredentialProviderRequest` line for `image`. */
export const providerRequest = (
  image: string,
  apiVersion = 'credentialprovider.kubelet.k8s.io/v1',
): string => `${JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion, image })}\n`;

/** One lookup of the kubelet-plugin harness: a pod's (when given) image and what it found. */
export interface KubeletLookup {
  readonly pod?: string;
  readonly image: string;
  readonly found: boolean;
  readonly credentials: { username: string; password: string }[];
}

/** What {@link runKubeletPlugin} runs. */
export interface KubeletPluginRun {
  readonly form: keyof typeof PROVIDER_FORMS;
  readonly images: readonly string[];
  /** The provider's entry, but for its name and environment. */
  readonly provider?: Omit<KubeletCredentialProviderInit, 'name' | 'env'>;
  readonly kubernetesVersion?: string;
  /** Added to the provider's environment (after the AWS config with the test keys). */
  readonly env?: readonly { name: string; value: string }[];
  /** More harness flags (`--kubeconfig`, `--context`, `--pod`). */
  readonly harnessArgs?: readonly string[];
}

/**
 * The kubelet's own plugin code (testenv/kubelet-plugin) with our provider in `form` as its one
 * provider, named `eksa-ecr-credential-provider` in a bin dir of its own: a wrapper there counts
 * the kubelet's execs, then runs the form. The provider reads the test keys from its own
 * AWS_CONFIG_FILE (mode 0600).
 */
export async function runKubeletPlugin(
  run: KubeletPluginRun,
): Promise<{ lookups: KubeletLookup[]; execs: number }> {
  const dir = mkdtempSync(join(testPki().dir, 'kubelet-'));
  const count = join(dir, 'execs');
  writeFileSync(count, '');
  const awsConfig = join(dir, 'aws-creds');
  writeFileSync(awsConfig, `[default]\n${TEST_KEYS_PROFILE}`, { mode: 0o600 });
  const wrapper = join(dir, 'eksa-ecr-credential-provider');
  writeFileSync(
    wrapper,
    `#!/bin/sh\necho exec >> ${count}\nexec ${PROVIDER_FORMS[run.form].join(' ')} "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const config = createKubeletCredentialProviderConfig({
    ...(run.kubernetesVersion === undefined ? {} : { kubernetesVersion: run.kubernetesVersion }),
    providers: [
      {
        args: ['get-credentials'],
        ...run.provider,
        name: 'eksa-ecr-credential-provider',
        env: [
          { name: 'AWS_CONFIG_FILE', value: awsConfig },
          { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
          { name: 'HOME', value: dir },
          ...(run.env ?? []),
        ],
      },
    ],
  });
  const configFile = join(dir, 'credential-provider-config.yaml');
  writeFileSync(configFile, toYaml(config));
  const { stdout } = await promisify(execFile)(
    join(REPO_ROOT, '.testenv/bin/kubelet-plugin'),
    ['--config', configFile, '--bin-dir', dir, ...(run.harnessArgs ?? []), ...run.images],
    { timeout: 120_000 },
  );
  return {
    lookups: stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as KubeletLookup),
    execs: readFileSync(count, 'utf8')
      .split('\n')
      .filter((l) => l !== '').length,
  };
}
