/**
 * The eksa-credprov binary (dist/main.js, built by scripts/bootstrap) run as a user runs it, as a
 * child process against the local kube-apiserver, moto and the IAM Roles Anywhere emulator.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  parseCredentialProviderPackage,
  parseCredentialProviderResponse,
  parseRolesAnywhereCredfile,
  parseYaml,
} from '@eksa-credprov/core';
import { ensureNamespace, applyObjects, getPackage, waitForPackage } from '@eksa-credprov/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROVIDER_FORMS,
  awsTestEnv,
  execProvider,
  providerRequest,
  testPki,
  TEST_SECRET_ACCESS_KEY as SECRET,
  kubeConfigFor,
  kubeRequest,
  serviceAccountToken,
  stsCalls,
  setPackageStatus,
  startPackageStack,
  testKeysSecret,
  testEnv,
  uniqueName,
  type PackageStack,
} from '@eksa-credprov/testenv';
import { COMMANDS } from './commands/index.ts';

const BIN = resolve(import.meta.dirname, '../dist/main.js');
const admin = kubeConfigFor('admin');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real binary; the kubeconfig and AWS endpoints of the test environment by default. */
function cli(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<Run> {
  return new Promise((ok) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: testPki().dir,
          KUBECONFIG: testEnv().kubeconfig,
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: SECRET,
          AWS_REGION: 'us-west-2',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ENDPOINT_URL_IAM: awsTestEnv().moto,
          AWS_ENDPOINT_URL_STS: awsTestEnv().moto,
          AWS_ENDPOINT_URL_ECR: awsTestEnv().moto,
          AWS_ENDPOINT_URL_ROLESANYWHERE: awsTestEnv().rolesanywhere,
          ...options.env,
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        ok({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr });
      },
    );
    child.stdin?.end(options.stdin ?? '');
  });
}

function file(name: string, text: string): string {
  const path = join(testPki().dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

/** One clear line (plus the --verbose hint), no stack trace, no secret. */
function expectOneLineError(run: Run, code: 1 | 2, message: RegExp): void {
  expect(run.code).toBe(code);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr).not.toContain(SECRET);
  expect(run.stdout).not.toContain(SECRET);
  expect(run.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('  ')).length).toBe(
    code === 2 ? 2 : 1,
  );
}

describe('help and usage', () => {
  it('prints the command list', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    for (const c of COMMANDS) expect(run.stdout).toContain(c.words.join(' '));
  });

  it.each(COMMANDS.map((c) => [c.words.join(' ')]))('%s --help', async (words) => {
    const run = await cli([...words.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: eksa-credprov ${words}`);
    expect(run.stdout).toContain('Examples:');
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['get', 'pods'], /"get pods" is not a command/],
    [['get', 'packages'], /--cluster is required/],
    [
      ['get', 'packages', '--cluster', 'x', '-o', 'wide'],
      /--output must be one of table, yaml, json, not "wide"/,
    ],
    [['get', 'packages', '--cluster', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['delete', 'package', '--cluster', 'x'], /delete package needs NAME/],
    [['generate', 'package', 'harbor', '--cluster', 'x'], /unknown package "harbor"/],
    [['completion', 'fish'], /completion supports bash and zsh, not "fish"/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    expectOneLineError(await cli(args), 2, message);
  });

  it('prints a bash completion script that bash accepts', async () => {
    const run = await cli(['completion', 'bash']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('complete -F _eksa_credprov eksa-credprov');
    const script = file('completion.bash', run.stdout);
    execFileSync('bash', ['-n', script]);
    // Offers the second word and the options of a command, as bash would ask.
    const ask = (line: string): string =>
      execFileSync('bash', [
        '-c',
        `source ${script}; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _eksa_credprov; echo "\${COMPREPLY[@]}"`,
      ]).toString();
    expect(ask('eksa-credprov roles-anywhere ""')).toMatch(/setup teardown/);
    expect(ask('eksa-credprov get packages --clu')).toMatch(/--cluster/);
  });
});

describe('generate package', () => {
  it('with no options prints exactly what eksctl anywhere generate package prints', async () => {
    const run = await cli([
      'generate',
      'package',
      'credential-provider-package',
      '--cluster',
      'mgmt',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'apiVersion: packages.eks.amazonaws.com/v1alpha1\nkind: Package\nmetadata:\n  name: generated-credential-provider-package\n  namespace: eksa-packages-mgmt\nspec:\n  packageName: credential-provider-package\n\n---\n',
    );
  });

  it('with options prints a Package core parses back', async () => {
    const run = await cli([
      'generate',
      'package',
      'credential-provider-package',
      '--cluster',
      'w01',
      '--roles-anywhere',
      '--match-image',
      '111111111111.dkr.ecr.us-west-2.amazonaws.com',
      '--match-image',
      '*.dkr.ecr.eu-west-1.amazonaws.com',
      '--cache-duration',
      '2h30m',
    ]);
    expect(run.code).toBe(0);
    const parsed = parseCredentialProviderPackage(run.stdout);
    expect(parsed.clusterName).toBe('w01');
    expect(parsed.config.credential[0]).toEqual({
      matchImages: [
        '111111111111.dkr.ecr.us-west-2.amazonaws.com',
        '*.dkr.ecr.eu-west-1.amazonaws.com',
      ],
      profile: 'default',
      secretName: 'aws-config',
      defaultCacheDuration: '2h30m',
    });
  });

  it('refuses a bad pattern with the field and what to do', async () => {
    const run = await cli([
      'generate',
      'package',
      'credential-provider-package',
      '--cluster',
      'w01',
      '--match-image',
      'http://[::1/x',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/credential\[0\]\.matchImages\[0\]/);
  });
});

/**
 * A manifest file of Package `name` for `cluster` as `eksa-credprov generate` writes it, with the
 * Package namespace created.
 */
async function generatedPackage(cluster: string, name: string): Promise<string> {
  await ensureNamespace(`eksa-packages-${cluster}`, { kubeConfig: admin });
  const generated = await cli([
    'generate',
    'package',
    'credential-provider-package',
    '--cluster',
    cluster,
    '--name',
    name,
    '--profile',
    'default',
  ]);
  return file(`${cluster}.yaml`, generated.stdout);
}

describe('create, apply, get, delete against the API server', () => {
  const cluster = uniqueName('cli');
  let manifest = '';
  beforeAll(async () => {
    manifest = await generatedPackage(cluster, 'creds');
  });

  it('create, then create again fails, apply is a no-op, get shows it, delete removes it', async () => {
    const created = await cli(['create', '-f', manifest]);
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('package.packages.eks.amazonaws.com/creds created\n');

    expectOneLineError(
      await cli(['create', '-f', manifest]),
      1,
      /package\.packages\.eks\.amazonaws\.com\/creds already exists; nothing was created \(use apply to update\)/,
    );
    expect((await cli(['apply', '-f', manifest])).stdout).toBe(
      'package.packages.eks.amazonaws.com/creds unchanged\n',
    );
    expect(
      (await cli(['apply', 'packages', '-f', '-'], { stdin: readFileSync(manifest, 'utf8') })).code,
    ).toBe(0);

    await setPackageStatus(cluster, 'creds', { state: 'installed', currentVersion: '0.4.15' });
    const table = await cli(['get', 'packages', '--cluster', cluster]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^NAME\s+PACKAGE\s+AGE\s+STATE\s+CURRENTVERSION\s+TARGETVERSION\s+DETAIL$/,
    );
    expect(table.stdout).toMatch(
      /^creds\s+credential-provider-package\s+\d+s\s+installed\s+0\.4\.15/m,
    );
    const json = await cli(['get', 'package', 'creds', '--cluster', cluster, '-o', 'json']);
    expect((JSON.parse(json.stdout) as { metadata: { name: string } }).metadata.name).toBe('creds');
    const yaml = await cli(['get', 'packages', '--cluster', cluster, '-o', 'yaml']);
    expect((parseYaml(yaml.stdout)[0] as { kind: string; items: unknown[] }).items).toHaveLength(1);
    expectOneLineError(
      await cli(['get', 'package', 'nope', '--cluster', cluster]),
      1,
      /packages "nope" not found in eksa-packages-/,
    );

    expect(
      (
        await cli([
          '--kubeconfig',
          testEnv().kubeconfig,
          'delete',
          'package',
          'creds',
          '--cluster',
          cluster,
        ])
      ).stdout,
    ).toBe('package.packages.eks.amazonaws.com "creds" deleted\n');
    expectOneLineError(
      await cli(['delete', 'package', 'creds', '--cluster', cluster]),
      1,
      /packages "creds" not found/,
    );
    const empty = await cli(['get', 'packages', '--cluster', cluster]);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toBe(`No resources found in eksa-packages-${cluster} namespace.\n`);
  });

  it('sends nothing when a Package in the manifest is invalid', async () => {
    const bad = file(
      `${cluster}-bad.yaml`,
      readFileSync(manifest, 'utf8').replace(
        '"*.dkr.ecr.*.amazonaws.com"',
        '*.dkr.ecr.*.amazonaws.com',
      ),
    );
    const run = await cli(['apply', '-f', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/has invalid Packages; nothing was sent/);
    expect(run.stderr).toMatch(
      /package\/creds: spec\.config: line \d+, column \d+: unresolved alias/,
    );
    await expect(getPackage('creds', { kubeConfig: admin, clusterName: cluster })).rejects.toThrow(
      /404/,
    );
  });

  it('says so in one line when the cluster cannot be reached', async () => {
    const kubeconfig = file(
      'unreachable.kubeconfig',
      readFileSync(testEnv().kubeconfig, 'utf8').replace(
        /server: https:\/\/127\.0\.0\.1:\d+/g,
        'server: https://127.0.0.1:1',
      ),
    );
    const run = await cli([
      'get',
      'packages',
      '--cluster',
      'x',
      '--kubeconfig',
      kubeconfig,
      '--request-timeout',
      '2s',
    ]);
    expectOneLineError(run, 1, /127\.0\.0\.1:1/);
    expect(run.stderr).toMatch(
      /check the kubeconfig's server address and that the API server is running/,
    );
  });

  it('says what is wrong with a missing kubeconfig', async () => {
    expectOneLineError(
      await cli(['get', 'packages', '--cluster', 'x', '--kubeconfig', '/nonexistent/kubeconfig']),
      1,
      /\/nonexistent\/kubeconfig/,
    );
  });
});

describe('secret create', () => {
  it('--dry-run redacts every value unless --show-secrets', async () => {
    const run = await cli(['secret', 'create', '--form', 'config', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('config: <redacted>');
    expect(run.stdout).not.toContain(SECRET);
    expect(run.stdout).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 20));
    const shown = await cli(['secret', 'create', '--form', 'keys', '--dry-run', '--show-secrets']);
    expect(
      Buffer.from(
        (parseYaml(shown.stdout)[0] as { data: Record<string, string> }).data[
          'AWS_SECRET_ACCESS_KEY'
        ] ?? '',
        'base64',
      ).toString(),
    ).toBe(SECRET);
  });

  it('reads keys from files and applies the Secret, idempotently', async () => {
    const namespace = uniqueName('sec');
    const args = [
      'secret',
      'create',
      '--form',
      'keys',
      '--namespace',
      namespace,
      '--access-key-id-file',
      file('id', 'AKIAFROMFILE\n'),
      '--secret-access-key-file',
      file('key', `${SECRET}\n`),
    ];
    const first = await cli(args, { env: { AWS_SECRET_ACCESS_KEY: '' } });
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(`secret/aws-secret created in namespace ${namespace}\n`);
    expect((await cli(args)).stdout).toBe(
      `secret/aws-secret unchanged in namespace ${namespace}\n`,
    );
  });

  it.each([
    [
      ['--form', 'keys'],
      { AWS_SECRET_ACCESS_KEY: '' },
      2,
      /give --secret-access-key-file FILE, or set AWS_SECRET_ACCESS_KEY/,
    ],
    [
      ['--form', 'keys', '--secret-access-key-file', '/nonexistent/key'],
      {},
      1,
      /cannot read --secret-access-key-file \/nonexistent\/key: ENOENT/,
    ],
    [['--form', 'roles-anywhere', '--dry-run'], {}, 2, /--form roles-anywhere needs --role-arn/],
    [['--form', 'keys', '--show-secrets'], {}, 2, /--show-secrets only goes with --dry-run/],
    [['--form', 'nope'], {}, 2, /--form must be one of keys, config, roles-anywhere/],
  ] as const)('%j fails clearly', async (args, env, code, message) => {
    expectOneLineError(await cli(['secret', 'create', ...args], { env }), code, message);
  });
});

describe('--verbose', () => {
  it('adds the cause chain under the one line', async () => {
    const args = [
      'secret',
      'create',
      '--form',
      'keys',
      '--secret-access-key-file',
      '/nonexistent/key',
    ];
    const plain = await cli(args);
    expect(plain.stderr).toMatch(/\(--verbose shows the cause\)/);
    const verbose = await cli([...args, '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n {2}caused by: Error: ENOENT: no such file or directory/);
  });
});

describe('service-account setup and teardown, against moto IAM, the STS emulator and the API server', () => {
  const cluster = uniqueName('sa');
  const namespace = uniqueName('team');
  // The default audience: moto does not implement AddClientIDToOpenIDConnectProvider, which
  // another audience on the shared OIDC provider would need.
  const audience = 'sts.amazonaws.com';
  const role = `eksa-${cluster}-team`;
  const base = [
    '--cluster',
    cluster,
    '--region',
    'us-west-2',
    '--role-name',
    role,
    '--service-account',
    `${namespace}/builder`,
    '--audience',
    audience,
  ];

  it('sets up the OIDC provider, role, RBAC and annotation; a token of the service account then assumes the role; teardown undoes it', async () => {
    const first = await cli(['service-account', 'setup', ...base]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/issuer\s+https:\/\/127\.0\.0\.1:\d+/);
    expect(first.stdout).toMatch(
      /oidc provider\s+(created|updated|unchanged)\s+arn:aws:iam::\d{12}:oidc-provider\/127\.0\.0\.1:\d+/,
    );
    expect(first.stdout).toMatch(
      new RegExp(`role\\s+created\\s+arn:aws:iam::\\d{12}:role/${role}`),
    );
    expect(first.stdout).toMatch(
      /rbac\s+(created|updated|unchanged)\s+ClusterRole eksa-credprov:token-audience:/,
    );
    expect(first.stdout).toMatch(new RegExp(`serviceaccount\\s+created\\s+${namespace}/builder`));
    expect(first.stdout).toContain(`provider config --token-audience ${audience}`);

    const again = await cli(['service-account', 'setup', ...base]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/\s(created|updated)\s/);

    // The set-up works: a token of that service account, for that audience, assumes the role.
    const token = await serviceAccountToken({ namespace, name: 'builder', audience });
    const before = (await stsCalls()).length;
    const out = await execProvider(
      `${JSON.stringify({
        kind: 'CredentialProviderRequest',
        apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
        image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/app',
        serviceAccountToken: token,
        serviceAccountAnnotations: {
          'eks.amazonaws.com/ecr-role-arn': `arn:aws:iam::123456789012:role/${role}`,
        },
      })}\n`,
      {
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_ENDPOINT_URL_STS: awsTestEnv().sts,
      },
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect((await stsCalls()).slice(before).map((c) => [c.roleArn, c.subject, c.error])).toEqual([
      [
        `arn:aws:iam::123456789012:role/${role}`,
        `system:serviceaccount:${namespace}:builder`,
        undefined,
      ],
    ]);

    const down = await cli([
      'service-account',
      'teardown',
      ...base,
      '--remove-rbac',
      '--delete-oidc-provider',
    ]);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/annotations\s+removed\s+1 of 1/);
    expect(down.stdout).toMatch(/rbac\s+removed\s+2 objects/);
    expect(down.stdout).toMatch(new RegExp(`role\\s+deleted\\s+${role}`));
    const sa = await kubeRequest({
      method: 'GET',
      path: `/api/v1/namespaces/${namespace}/serviceaccounts/builder`,
    });
    expect(JSON.stringify(sa.json)).not.toContain('ecr-role-arn');
    const twice = await cli(['service-account', 'teardown', ...base, '--remove-rbac']);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toMatch(/role\s+absent/);
  });

  it.each([
    [['--service-account', 'no-slash'], /--service-account needs NAMESPACE\/NAME, not "no-slash"/],
    [['--service-account', 'a/b/c'], /--service-account needs NAMESPACE\/NAME, not "a\/b\/c"/],
  ])('%j is a usage error', async (flags, message) => {
    const r = await cli([
      'service-account',
      'setup',
      '--cluster',
      cluster,
      '--region',
      'us-west-2',
      '--role-name',
      role,
      ...flags,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('roles-anywhere setup and teardown, against moto IAM and the emulator', () => {
  const cluster = uniqueName('ra');
  const role = `eksa-${cluster}-ecr-pull`;
  const base = ['--cluster', cluster, '--region', 'us-west-2', '--role-name', role];
  beforeAll(async () => {
    // What EKS Anywhere keeps on the management cluster for each cluster: its CA.
    await ensureNamespace('eksa-system', { kubeConfig: admin });
    await ensureNamespace(`eksa-packages-${cluster}`, { kubeConfig: admin });
    await applyObjects(
      [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: `${cluster}-ca`, namespace: 'eksa-system' },
          type: 'kubernetes.io/tls',
          data: {
            'tls.crt': Buffer.from(testPki().caCert).toString('base64'),
            'tls.key': Buffer.from('not a key').toString('base64'),
          },
        },
      ],
      { kubeConfig: admin, fieldManager: 'test' },
    );
  });

  it('--dry-run reads the CA and changes nothing', async () => {
    const run = await cli(['roles-anywhere', 'setup', ...base, '--dry-run']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/cluster CA\s+eksa-system\/.*-ca \(.*valid until/);
    expect(run.stdout).toMatch(/dry run: nothing was changed/);
    await expect(
      getPackage('my-credential-provider-package', { kubeConfig: admin, clusterName: cluster }),
    ).rejects.toThrow(/404/);
  });

  it('sets up, reports unchanged on a second run, waits for the controller, and tears down', async () => {
    const first = await cli([
      'roles-anywhere',
      'setup',
      ...base,
      '--registry-account',
      '111111111111',
    ]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /trust anchor\s+created\s+arn:aws:rolesanywhere:us-west-2:\d{12}:trust-anchor\//,
    );
    expect(first.stdout).toMatch(/role\s+created\s+arn:aws:iam::\d{12}:role\//);
    expect(first.stdout).toMatch(/profile\s+created/);
    expect(first.stdout).toMatch(
      /secret\s+created\s+eksa-packages\/aws-config on the management cluster/,
    );
    expect(first.stdout).toMatch(
      /package\s+created\s+eksa-packages-.*\/my-credential-provider-package/,
    );

    // The credfile Secret is what the docs describe, with the ARNs just created.
    const { CoreV1Api } = await import('@kubernetes/client-node');
    const secret = await admin
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({ name: 'aws-config', namespace: 'eksa-packages' });
    const credfile = parseRolesAnywhereCredfile(
      Buffer.from(secret.data?.['config'] ?? '', 'base64').toString(),
    );
    expect(first.stdout).toContain(credfile.profileArn);

    const second = await cli([
      'roles-anywhere',
      'setup',
      ...base,
      '--registry-account',
      '111111111111',
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout.match(/unchanged/g)).toHaveLength(6);

    // --wait sees the controller's progress (written here, as there is no controller).
    const waiting = cli([
      'roles-anywhere',
      'setup',
      ...base,
      '--registry-account',
      '111111111111',
      '--wait',
      '--timeout',
      '60s',
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    await setPackageStatus(cluster, 'my-credential-provider-package', { state: 'installing' });
    await new Promise((r) => setTimeout(r, 500));
    await setPackageStatus(cluster, 'my-credential-provider-package', {
      state: 'installed',
      currentVersion: '0.4.15',
    });
    const waited = await waiting;
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/installed\s+0\.4\.15/);
    expect(waited.stderr).toMatch(
      /waiting for eksa-packages-.*\/my-credential-provider-package: installed/,
    );

    const down = await cli(['roles-anywhere', 'teardown', ...base]);
    expect(down.stderr).toBe('');
    expect(down.stdout).toMatch(/package\s+deleted/);
    expect(down.stdout).toMatch(/secret\s+deleted/);
    expect(down.stdout).toMatch(/profile\s+deleted/);
    expect(down.stdout).toMatch(/role\s+deleted/);
    expect(down.stdout).toMatch(/trust anchor\s+deleted/);
    const again = await cli(['roles-anywhere', 'teardown', ...base]);
    expect(again.code).toBe(0);
    expect(again.stdout.match(/absent/g)).toHaveLength(5);
  });

  it('says which Secret is missing when the cluster has no CA on the management cluster', async () => {
    expectOneLineError(
      await cli([
        'roles-anywhere',
        'setup',
        '--cluster',
        'no-such-cluster',
        '--region',
        'us-west-2',
        '--role-name',
        'r',
      ]),
      1,
      /eksa-system\/no-such-cluster-ca/,
    );
  });
});

describe('validate', () => {
  // The docs' own Roles Anywhere example, unquoted pattern and all.
  const DOCS = `apiVersion: packages.eks.amazonaws.com/v1alpha1
kind: Package
metadata:
  name: my-credential-provider-package
  namespace: eksa-packages-mgmt
  annotations:
    "helm.sh/resource-policy": keep
    "anywhere.eks.aws.com/internal": "true"
spec:
  packageName: credential-provider-package
  targetNamespace: eksa-packages
  config: |-
    tolerations:
      - key: "node-role.kubernetes.io/master"
        operator: "Exists"
        effect: "NoSchedule"
    credential:
      - matchImages:
        - *.dkr.ecr.*.amazonaws.com
        profile: "default"
        secretName: "aws-config"
        defaultCacheDuration: "5h"
`;

  it('points at the unquoted pattern in the docs example: file, line, column', async () => {
    const path = file('docs-example.yaml', DOCS);
    const run = await cli(['validate', '-f', path]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `${path}:19:11: error: spec.config: unresolved alias "*.dkr.ecr.*.amazonaws.com" (a value starting with "*" is read as a YAML alias: quote match patterns, e.g. "*.dkr.ecr.*.amazonaws.com")\n`,
    );
    // Line 19, column 11 is where the pattern starts.
    expect(DOCS.split('\n')[18]?.slice(10)).toBe('*.dkr.ecr.*.amazonaws.com');
    expect(run.stderr).toMatch(/1 file: 1 error, 0 warnings/);
  });

  it('passes the fixed example, and a generated Secret', async () => {
    const fixed = file(
      'docs-fixed.yaml',
      DOCS.replace('- *.dkr.ecr.*.amazonaws.com', '- "*.dkr.ecr.*.amazonaws.com"').replace(
        '    credential:',
        '    sourceRegistry: "public.ecr.aws/eks-anywhere"\n    credential:',
      ),
    );
    const secret = await cli(['secret', 'create', '--form', 'keys', '--dry-run', '--show-secrets']);
    const run = await cli(['validate', '-f', fixed, '-f', file('secret.yaml', secret.stdout)]);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/2 files: 0 errors, 0 warnings/);
  });

  it('reports YAML syntax errors and wrong fields where they are, without the secret', async () => {
    const broken = file(
      'broken.yaml',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: aws-secret\n  namespace: eksa-packages\ndata:\n  AWS_ACCESS_KEY_ID: QUtJQQ==\n  AWS_SECRET_ACCESS_KEY: not base64!\n',
    );
    const run = await cli(['validate', '-f', broken]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/broken\.yaml:\d+:\d+: error: /);
    const syntax = await cli(['validate', '-f', file('syntax.yaml', 'kind: Package\nspec: [\n')]);
    expect(syntax.code).toBe(1);
    expect(syntax.stdout).toMatch(/syntax\.yaml:\d+:\d+: error: /);
  });
});

describe('provider config', () => {
  it('prints a CredentialProviderConfig for the provider, with the profile rules as its args', async () => {
    const run = await cli([
      'provider',
      'config',
      '--match-image',
      '*.dkr.ecr.*.amazonaws.com',
      '--profile-for',
      '111111111111.dkr.ecr.*.amazonaws.com=team-a',
      '--aws-config-file',
      '/etc/kubernetes/aws-creds',
    ]);
    expect(run.code).toBe(0);
    const [config] = parseYaml(run.stdout) as [
      {
        kind: string;
        providers: { name: string; args: string[]; env: { name: string; value: string }[] }[];
      },
    ];
    expect(config.kind).toBe('CredentialProviderConfig');
    expect(config.providers[0]?.name).toBe('eksa-ecr-credential-provider');
    expect(config.providers[0]?.args).toEqual([
      'get-credentials',
      '--profile-for=111111111111.dkr.ecr.*.amazonaws.com=team-a',
    ]);
    expect(config.providers[0]?.env).toContainEqual({
      name: 'AWS_CONFIG_FILE',
      value: '/etc/kubernetes/aws-creds',
    });
  });

  it("is a config the kubelet's own plugin code runs the Bun executable with", async () => {
    // The bin dir the kubelet would be given: the provider under the name the config uses.
    const binDir = mkdtempSync(join(testPki().dir, 'bin-'));
    symlinkSync(PROVIDER_FORMS.bun[0], join(binDir, 'eksa-ecr-credential-provider'));
    const awsConfig = file(
      'kubelet-keys.ini',
      `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${SECRET}\nregion = us-west-2\n`,
    );
    const generated = await cli([
      'provider',
      'config',
      '--aws-config-file',
      awsConfig,
      '--env',
      `AWS_ENDPOINT_URL_ECR=${awsTestEnv().moto}`,
      '--env',
      `HOME=${binDir}`,
    ]);
    expect(generated.code).toBe(0);
    const configFile = file('kubelet-provider-config.yaml', generated.stdout);
    const harness = resolve(import.meta.dirname, '../../../.testenv/bin/kubelet-plugin');
    const image = '123456789012.dkr.ecr.us-west-2.amazonaws.com/app';
    const out = execFileSync(
      harness,
      ['--config', configFile, '--bin-dir', binDir, image, 'docker.io/library/nginx'],
      {
        timeout: 120_000,
      },
    ).toString();
    const [ecr, docker] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { found: boolean; credentials: { username: string }[] });
    expect(ecr?.found).toBe(true);
    expect(ecr?.credentials[0]?.username).toBe('AWS');
    expect(docker?.found).toBe(false);
  });

  it('refuses a bad pattern', async () => {
    expectOneLineError(
      await cli(['provider', 'config', '--match-image', 'http://[::1/x']),
      1,
      /matchImages\[0\]/,
    );
  });
});

describe('provider test', () => {
  const image = '123456789012.dkr.ecr.us-west-2.amazonaws.com/app:1';
  let config = '';
  beforeAll(() => {
    config = file(
      'provider-test.ini',
      `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${SECRET}\nregion = us-west-2\n`,
    );
  });

  it('warns about a credential file group or others can read, and still runs', async () => {
    const open = join(mkdtempSync(join(testPki().dir, 'open-')), 'aws-creds');
    writeFileSync(open, readFileSync(config, 'utf8'));
    chmodSync(open, 0o644);
    const run = await cli(['provider', 'test', '--image', image, '--config', open]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `warning: ${open} is readable by group or others (mode 0644); credential files, keys and credfiles should be 0600: chmod 600 ${open}\n`,
    );
    chmodSync(open, 0o600);
  });

  it('runs the built provider as the kubelet would and redacts the password', async () => {
    const run = await cli([
      'provider',
      'test',
      '--image',
      image,
      '--config',
      config,
      '--match-image',
      '*.dkr.ecr.*.amazonaws.com',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/matchImages\s+\*\.dkr\.ecr\.\*\.amazonaws\.com/);
    expect(run.stdout).toMatch(/provider\s+.*eksa-ecr-credential-provider/);
    expect(run.stdout).toMatch(
      /auth\s+123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com: username AWS, password <redacted, \d+ characters>/,
    );
    // The real password (moto's, from the provider itself) never shows.
    const direct = await execProvider(providerRequest(image), { AWS_CONFIG_FILE: config });
    const password =
      Object.values(parseCredentialProviderResponse(direct.stdout).auth ?? {})[0]?.password ?? '';
    expect(password.length).toBeGreaterThan(0);
    expect(run.stdout).not.toContain(password);
    const json = await cli([
      'provider',
      'test',
      '--image',
      image,
      '--config',
      config,
      '-o',
      'json',
    ]);
    const body = JSON.parse(json.stdout) as { auth: Record<string, { password: string }> };
    expect(Object.values(body.auth)[0]?.password).toMatch(/^<redacted, \d+ characters>$/);
  });

  it('stops at the matchImages gate, as the kubelet would', async () => {
    expectOneLineError(
      await cli([
        'provider',
        'test',
        '--image',
        'docker.io/library/nginx',
        '--config',
        config,
        '--match-image',
        '*.dkr.ecr.*.amazonaws.com',
      ]),
      1,
      /matches none of the matchImages patterns .* the kubelet would not run the provider for it/,
    );
  });

  it('shows the provider’s own one-line failure', async () => {
    expectOneLineError(
      await cli(['provider', 'test', '--image', image, '--config', tmpdir()]),
      1,
      new RegExp(
        `the provider failed \\(exit 1\\): eksa-ecr-credential-provider: cannot read the AWS config file ${tmpdir().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(AWS_CONFIG_FILE\\): it is a directory`,
      ),
    );
  });

  it('refuses a --config file that does not exist (the provider would ignore it)', async () => {
    expectOneLineError(
      await cli(['provider', 'test', '--image', image, '--config', '/nonexistent/aws-creds']),
      1,
      /--config \/nonexistent\/aws-creds: no such file \(the provider would ignore it, as the AWS SDKs do/,
    );
  });
});

// Last in the file: the package controller reconciles every Package on the API server while it
// runs, and the tests above write Package status themselves.
describe('with the real package controller', () => {
  const cluster = uniqueName('clipc');
  // Helm names the release after the Package, and on this one API server every cluster's
  // releases share eksa-packages: a name of its own.
  const name = uniqueName('creds');
  let stack: PackageStack;
  beforeAll(async () => {
    stack = await startPackageStack(cluster);
    await ensureNamespace('eksa-packages', { kubeConfig: admin });
    await applyObjects([testKeysSecret()], { kubeConfig: admin, fieldManager: 'test' });
  }, 180_000);
  afterAll(async () => {
    await stack.stop();
  });

  it('apply, get packages with the columns the controller fills, delete --wait removes the release', async () => {
    const manifest = await generatedPackage(cluster, name);
    expect((await cli(['apply', '-f', manifest])).code).toBe(0);
    await waitForPackage(name, { kubeConfig: admin, clusterName: cluster, timeoutMs: 90_000 });
    const [latest] = stack.versions;
    const table = await cli(['get', 'packages', '--cluster', cluster]);
    expect(table.code).toBe(0);
    const [header, row, ...rest] = table.stdout.trimEnd().split('\n');
    expect(rest).toEqual([]);
    expect(header?.split(/\s+/)).toEqual([
      'NAME',
      'PACKAGE',
      'AGE',
      'STATE',
      'CURRENTVERSION',
      'TARGETVERSION',
      'DETAIL',
    ]);
    // What the controller wrote, in the columns the CRD declares (DETAIL is empty once installed).
    expect(row?.split(/\s{3,}/)).toEqual([
      name,
      'credential-provider-package',
      expect.stringMatching(/^\d+s$/) as unknown as string,
      'installed',
      latest?.name,
      `${latest?.name ?? ''} (latest)`,
    ]);
    const releases = async (): Promise<unknown[]> =>
      (
        (
          await kubeRequest({
            method: 'GET',
            path: `/api/v1/namespaces/eksa-packages/secrets?labelSelector=owner%3Dhelm%2Cname%3D${name}`,
          })
        ).json as { items: unknown[] }
      ).items;
    expect((await releases()).length).toBeGreaterThan(0);
    const deleted = await cli(['delete', 'package', name, '--cluster', cluster, '--wait']);
    expect(deleted.stdout).toBe(`package.packages.eks.amazonaws.com "${name}" deleted\n`);
    expect(await releases()).toEqual([]);
  });
});
