import { describe, expect, it } from 'vitest';
import { runCli, type Command, type Io } from './cli.ts';
import { COMMANDS } from './commands/index.ts';
import { formatFinding, validateManifest } from './commands/validate.ts';

/** Runs the CLI in process with buffers for its output (no cluster is touched by these). */
async function run(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: {},
    readStdin: () => Promise.resolve(''),
    interactive: false,
  };
  const code = await runCli(COMMANDS, argv, io);
  return { code, out, err };
}

describe('argument handling', () => {
  const seen: string[][] = [];
  const probe: Command = {
    words: ['probe'],
    summary: 'records what it got',
    args: '[X...]',
    options: { flag: { type: 'string', value: 'V', description: 'a flag' } },
    examples: [],
    run(ctx) {
      seen.push([
        ...ctx.args,
        `flag=${String(ctx.values['flag'])}`,
        `kubeconfig=${String(ctx.values['kubeconfig'])}`,
        `timeout=${String(ctx.values['request-timeout'])}`,
      ]);
      return Promise.resolve();
    },
  };
  const io: Io = {
    stdout: () => undefined,
    stderr: () => undefined,
    env: {},
    readStdin: () => Promise.resolve(''),
    interactive: false,
  };

  it.each([
    [
      ['probe', 'a', '--flag', 'v'],
      ['a', 'flag=v', 'kubeconfig=undefined', 'timeout=undefined'],
    ],
    [
      ['--kubeconfig', 'k', 'probe', 'a'],
      ['a', 'flag=undefined', 'kubeconfig=k', 'timeout=undefined'],
    ],
    [
      ['--request-timeout=3s', '-v', 'probe'],
      ['flag=undefined', 'kubeconfig=undefined', 'timeout=3s'],
    ],
    [
      ['probe', '--flag=x=y'],
      ['flag=x=y', 'kubeconfig=undefined', 'timeout=undefined'],
    ],
  ])('%j', async (argv, expected) => {
    seen.length = 0;
    expect(await runCli([probe], argv, io)).toBe(0);
    expect(seen).toEqual([expected]);
  });
});

describe('exit codes and messages', () => {
  it.each([
    [[], 0, /Commands:/],
    [['help', 'get', 'packages'], 0, /Usage: eksa-credprov get packages/],
    [['nope'], 2, /unknown command "nope"/],
    [['get', 'packages', '--cluster'], 2, /Option '--cluster <value>' argument missing/],
    [['validate'], 2, /--filename is required/],
    [
      ['generate', 'package', 'credential-provider-package', '--cluster', 'mgmt', 'extra'],
      2,
      /unexpected argument "extra"/,
    ],
  ] as const)('%j exits %i', async (argv, code, text) => {
    const r = await run(argv);
    expect(r.code).toBe(code);
    expect(code === 0 ? r.out : r.err).toMatch(text);
  });
});

describe('--help everywhere', () => {
  const groups = [
    ...new Set(COMMANDS.filter((c) => c.words.length > 1).map((c) => c.words[0] ?? '')),
  ];

  it('knows the command groups', () => {
    expect(groups).toEqual(
      expect.arrayContaining(['generate', 'secret', 'roles-anywhere', 'provider']),
    );
  });

  it.each(
    groups.flatMap((g) => [
      [g, '--help'],
      [g, '-h'],
      ['help', g],
    ]),
  )('%s %s lists the group’s commands', async (...argv) => {
    const group = argv[0] === 'help' ? argv[1] : argv[0];
    const r = await run(argv);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(new RegExp(`^Usage: eksa-credprov ${group} <command>`));
    for (const c of COMMANDS.filter((x) => x.words[0] === group && x.words.length > 1))
      expect(r.out).toContain(`${c.words.join(' ')} `);
  });

  it.each(groups)('%s alone is a usage error that lists its commands', async (group) => {
    const r = await run([group]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      new RegExp(`"${group}" needs a command\\nUsage: eksa-credprov ${group} <command>`),
    );
  });

  it('an unknown command of a group points at the group’s help, which works', async () => {
    const r = await run(['generate', 'nothing']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/see 'eksa-credprov generate --help'/);
    expect((await run(['generate', '--help'])).code).toBe(0);
  });

  it.each(COMMANDS.map((c) => [c.words.join(' ')]))('%s --help shows its usage', async (words) => {
    const r = await run([...words.split(' '), '--help']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(new RegExp(`Usage: eksa-credprov ${words}`));
  });

  it('says the kubeconfig default the way loadKubeConfig reads it: every $KUBECONFIG file, merged', async () => {
    const r = await run(['get', 'packages', '--help']);
    expect(r.out).toMatch(
      /--kubeconfig FILE +kubeconfig of the management cluster \(default: \$KUBECONFIG, its files merged as kubectl does, else ~\/\.kube\/config\)/,
    );
  });
});

describe('provider --profile-for rules are checked as the provider checks them', () => {
  it.each([
    [
      ['provider', 'config', '--profile-for', 'nopattern'],
      /--profile-for needs PATTERN=PROFILE.*got "nopattern"/,
    ],
    [
      ['provider', 'config', '--profile-for', 'http://[::1/x=p'],
      /--profile-for pattern "http:\/\/\[::1\/x"/,
    ],
    [
      ['provider', 'test', '--image', 'x/y', '--arg=--profile-for=bad'],
      /--profile-for needs PATTERN=PROFILE/,
    ],
    [
      ['provider', 'test', '--image', 'x/y', '--arg=--timeout=90s'],
      /--timeout needs a duration above 0 and under the kubelet's 60s/,
    ],
  ])('%j is a usage error', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('a good rule goes into the config', async () => {
    const r = await run([
      'provider',
      'config',
      '--profile-for',
      '111111111111.dkr.ecr.*.amazonaws.com=team-a',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--profile-for=111111111111.dkr.ecr.*.amazonaws.com=team-a');
  });
});

describe('provider config --token-audience: per-workload roles', () => {
  it.each([
    [
      ['--token-audience', 'sts.amazonaws.com'],
      'optionalServiceAccountAnnotationKeys:\n        - eks.amazonaws.com/ecr-role-arn',
      'requireServiceAccount: false',
    ],
    [
      ['--token-audience', 'ecr.example', '--require-role-annotation'],
      'requiredServiceAccountAnnotationKeys:\n        - eks.amazonaws.com/ecr-role-arn',
      'requireServiceAccount: true',
    ],
  ])('%j writes tokenAttributes', async (flags, keys, require) => {
    const r = await run(['provider', 'config', ...flags]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`serviceAccountTokenAudience: ${flags[1] ?? ''}`);
    expect(r.out).toContain('cacheType: ServiceAccount');
    expect(r.out).toContain(keys);
    expect(r.out).toContain(require);
  });

  it.each([
    [['--require-role-annotation'], 2, /--require-role-annotation needs --token-audience/],
    [
      ['--token-audience', 'sts.amazonaws.com', '--kubernetes-version', '1.25'],
      1,
      /tokenAttributes.*only supported for credentialprovider.kubelet.k8s.io\/v1/,
    ],
  ])('%j is refused', async (flags, code, message) => {
    const r = await run(['provider', 'config', ...flags]);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
  });
});

describe('validateManifest: file modes', () => {
  const secret =
    'apiVersion: v1\nkind: Secret\nmetadata: {name: aws-secret, namespace: eksa-packages}\nstringData:\n  config: |\n    [default]\n    region = us-west-2\n';
  it('warns when a file holding a credential Secret is readable by group or others', () => {
    expect(validateManifest('s.yaml', secret, 0o100644).map(formatFinding)).toContain(
      's.yaml:1:1: warning: this file holds a credential Secret and is readable by group or others (mode 0644); keep it 0600 (chmod 600 s.yaml)',
    );
  });
  it('says nothing about a 0600 file', () => {
    expect(
      validateManifest('s.yaml', secret, 0o100600).filter((f) => f.message.includes('mode')),
    ).toEqual([]);
  });
});

describe('validateManifest: many findings', () => {
  it('lists 100 and counts the rest exactly, with the worst severity', () => {
    // 75 Secrets with two findings each (a padded secret, a bad region).
    const secret = (i: number): string =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: s${i}, namespace: eksa-packages}\nstringData: {AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE, AWS_SECRET_ACCESS_KEY: ' secret', REGION: nowhere}\n`;
    const text = Array.from({ length: 75 }, (_, i) => secret(i)).join('---\n');
    const findings = validateManifest('m.yaml', text);
    expect(findings).toHaveLength(101);
    expect(findings.slice(0, 100).every((f) => f.message.startsWith('data.'))).toBe(true);
    expect(findings[100]).toEqual({
      file: 'm.yaml',
      line: 1,
      column: 1,
      severity: 'error',
      message: 'and 50 more findings',
    });
  });
});

describe('validateManifest: positions in the file', () => {
  const HEAD = `apiVersion: packages.eks.amazonaws.com/v1alpha1
kind: Package
metadata:
  name: p
  namespace: eksa-packages-mgmt
spec:
  packageName: credential-provider-package
  targetNamespace: eksa-packages
`;
  const config = (body: string, header = '|'): string =>
    `${HEAD}  config: ${header}\n${body.replace(/^/gm, '    ')}\n`;
  const GOOD = `sourceRegistry: "public.ecr.aws/eks-anywhere"
credential:
  - matchImages:
      - "*.dkr.ecr.*.amazonaws.com"
    profile: "default"
    secretName: "aws-secret"
    defaultCacheDuration: "5h"`;

  it.each([
    ['a valid Package', config(GOOD), []],
    [
      'an unquoted pattern, literal block',
      config(GOOD.replace('"*.dkr.ecr.*.amazonaws.com"', '*.dkr.ecr.*.amazonaws.com')),
      ['m.yaml:13:13: error: spec.config: unresolved alias'],
    ],
    [
      'an unquoted pattern, strip-chomping block',
      config(GOOD.replace('"*.dkr.ecr.*.amazonaws.com"', '*.dkr.ecr.*.amazonaws.com'), '|-'),
      ['m.yaml:13:13: error: spec.config: unresolved alias'],
    ],
    [
      'a bad duration',
      config(GOOD.replace('"5h"', '"5 hours"')),
      [
        'm.yaml:16:31: error: spec.config.credential[0].defaultCacheDuration: "5 hours" is not a Go duration',
      ],
    ],
    ['a YAML syntax error', `${HEAD}  config: [\n`, ['m.yaml:10:1: error: ']],
    [
      'a duplicate key',
      `${HEAD}kind: Package\n`,
      ['m.yaml:9:1: error: duplicate key "kind": Kubernetes refuses a map with a key twice'],
    ],
    [
      'no Package or Secret',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
      ['m.yaml:1:1: warning: no credential-provider Package'],
    ],
  ])('%s', (_name, text, expected) => {
    const found = validateManifest('m.yaml', text).map(formatFinding);
    expect(found).toHaveLength(expected.length);
    for (const [i, prefix] of expected.entries()) expect(found[i]).toContain(prefix);
  });
});
