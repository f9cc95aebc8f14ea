/**
 * The abuse suite: known secrets planted in every input a user or another tool hands us (AWS
 * config files, Secrets, kubeconfigs, credfiles, provider requests and answers), then every
 * output scanned for them: each parser's error message and cause chain, and everything the CLI
 * prints, `--verbose` included. The node-side provider in every delivered form is scanned the same
 * way by packages/aws/src/provider-hostile.integ.test.ts.
 */
import { execFile } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createAwsCredentialsSecret,
  formatAwsConfigFile,
  parseAwsCredentialsSecret,
  parseAwsSharedConfig,
  parseCredentialProviderPackage,
  parseCredentialProviderRequest,
  parseCredentialProviderResponse,
  parseRolesAnywhereCredfile,
  parseYaml,
} from '@eksa-credprov/core';
import { loadKubeConfig } from '@eksa-credprov/kube';
import { describe, expect, it } from 'vitest';
import { testPki } from '@eksa-credprov/testenv';

const BIN = resolve(import.meta.dirname, '../dist/main.js');
const PLANTED = {
  accessKey: 'AKIAPLANTED000000001',
  secretKey: 'PLANTEDsecret/KEY+0000000000000000000000001',
  sessionToken: 'PLANTEDsession/TOKEN+00000000000000000000000001==',
  bearer: 'PLANTEDbearer.token.000000000000000000001',
  clientKey: 'UExBTlRFRGNsaWVudEtFWTAwMDAwMDAwMDAwMDAwMDE=',
  password: 'PLANTEDecr.password.000000000000000000001',
  pin: 'PLANTEDpin000001',
};
const SECRETS = Object.values(PLANTED).filter((s) => s !== PLANTED.accessKey);

const b64 = (s: string): string => Buffer.from(s).toString('base64');
function file(name: string, text: string, mode = 0o600): string {
  const path = join(testPki().dir, `abuse-${name}`);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}

/** Every message in an error's cause chain. */
function messages(e: unknown): string {
  const out: string[] = [];
  for (let c = e; c !== undefined && c !== null && out.length < 10; c = (c as Error).cause)
    out.push(c instanceof Error ? `${c.name}: ${c.message}` : JSON.stringify(c));
  return out.join('\n');
}

function expectClean(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  // Base64 of a secret is the same secret in a Secret's data.
  for (const secret of SECRETS) expect(text).not.toContain(b64(secret));
}

const config = `[default]\naws_access_key_id = ${PLANTED.accessKey}\naws_secret_access_key = ${PLANTED.secretKey}\naws_session_token = ${PLANTED.sessionToken}\n`;
const kubeconfig = (broken: string): string =>
  `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user:\n    token: ${PLANTED.bearer}\n    client-key-data: ${PLANTED.clientKey}\n${broken}`;

describe('the parsers never echo a planted secret', () => {
  it.each([
    [
      'a keys Secret with white space around its secret',
      () =>
        parseAwsCredentialsSecret({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 's' },
          stringData: {
            AWS_ACCESS_KEY_ID: PLANTED.accessKey,
            AWS_SECRET_ACCESS_KEY: ` ${PLANTED.secretKey}`,
            REGION: 'nowhere',
          },
        }),
    ],
    [
      'a config Secret in credentials-file syntax',
      () =>
        parseAwsCredentialsSecret({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 's' },
          data: { config: b64(config.replace('[default]', '[team]')) },
        }),
    ],
    [
      'a Secret whose YAML does not parse',
      () =>
        parseAwsCredentialsSecret(
          `apiVersion: v1\nkind: Secret\nstringData:\n  AWS_SECRET_ACCESS_KEY: "${PLANTED.secretKey}\n  x: [${PLANTED.sessionToken}\n`,
        ),
    ],
    [
      'a Secret with a duplicate key',
      () =>
        parseYaml(
          `stringData:\n  AWS_SECRET_ACCESS_KEY: ${PLANTED.secretKey}\n  AWS_SECRET_ACCESS_KEY: ${PLANTED.sessionToken}\n`,
        ),
    ],
    [
      'a keys Secret built with a secret holding a quote',
      () =>
        createAwsCredentialsSecret({
          form: 'keys',
          accessKeyId: PLANTED.accessKey,
          secretAccessKey: `${PLANTED.secretKey}"`,
          sessionToken: `${PLANTED.sessionToken}\n`,
          region: 'us-west-2',
        }),
    ],
    [
      'an AWS config value that cannot be written',
      () =>
        formatAwsConfigFile({
          profiles: {
            default: {
              aws_secret_access_key: `${PLANTED.secretKey} #`,
              aws_session_token: `"${PLANTED.sessionToken}"`,
            },
          },
        }),
    ],
    [
      'a credfile whose credential_process is broken',
      () =>
        parseRolesAnywhereCredfile(
          `[default]\ncredential_process = aws_signing_helper credential-process --certificate pkcs11:object=k?pin-value=${PLANTED.pin} --tpm-key-password ${PLANTED.secretKey} --role-arn not-an-arn\n`,
        ),
    ],
    [
      'a request that is not JSON, with a service-account token',
      () =>
        parseCredentialProviderRequest(
          `{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest","image":"x","serviceAccountToken":"${PLANTED.bearer}"`,
        ),
    ],
    [
      'an answer that is not JSON, with a password',
      () =>
        parseCredentialProviderResponse(
          `{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse","auth":{"x":{"username":"AWS","password":"${PLANTED.password}"}}`,
        ),
    ],
    [
      'an answer whose password is not a string',
      () =>
        parseCredentialProviderResponse(
          `{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse","cacheKeyType":"Registry","auth":{"x":{"username":"AWS","password":["${PLANTED.password}"]}}}`,
        ),
    ],
    [
      'a Package whose config is broken YAML',
      () =>
        parseCredentialProviderPackage(
          `apiVersion: packages.eks.amazonaws.com/v1alpha1\nkind: Package\nmetadata: {name: p, namespace: eksa-packages-c}\nspec:\n  packageName: credential-provider-package\n  config: |\n    credential: [${PLANTED.secretKey}\n`,
        ),
    ],
    [
      'a kubeconfig whose YAML does not parse',
      () =>
        loadKubeConfig({ kubeconfigPath: file('kubeconfig-broken', kubeconfig('  oops: [\n')) }),
    ],
    [
      'a kubeconfig with a tab in its indentation',
      () =>
        loadKubeConfig({
          kubeconfigPath: file('kubeconfig-tab', kubeconfig(`\tpassword: ${PLANTED.password}\n`)),
        }),
    ],
  ])('%s', (_, fn) => {
    let thrown: unknown;
    try {
      fn();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeDefined();
    expectClean(messages(thrown));
  });

  it('an AWS config file with secrets reads without echoing them in what it ignores', () => {
    const shared = parseAwsSharedConfig({ config: config.replace('[default]', '[team]') });
    expectClean(JSON.stringify(shared.ignored));
  });
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
function cli(args: readonly string[], env: Record<string, string> = {}, stdin = ''): Promise<Run> {
  return new Promise((ok) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: testPki().dir, ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        ok({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}

describe('the CLI never prints a planted secret', () => {
  const secretYaml = `apiVersion: v1\nkind: Secret\nmetadata: {name: aws-secret, namespace: eksa-packages}\ndata:\n  AWS_ACCESS_KEY_ID: ${b64(PLANTED.accessKey)}\n  AWS_SECRET_ACCESS_KEY: ${b64(` ${PLANTED.secretKey}`)}\n  REGION: ${b64('us-west-2')}\n`;
  const fakeProvider = (name: string, body: string): string =>
    file(name, `#!/bin/sh\ncat >/dev/null\n${body}\n`, 0o700);
  const image = 'x.dkr.ecr.us-west-2.amazonaws.com/a';
  it.each([
    [
      'validate -f on a Secret with a bad secret value',
      () => ['validate', '-f', file('secret.yaml', secretYaml)],
      /AWS_SECRET_ACCESS_KEY: has leading or trailing white space/,
    ],
    [
      'validate -f on a Secret that does not parse',
      () => ['validate', '-f', file('broken.yaml', `${secretYaml}  t: "${PLANTED.sessionToken}\n`)],
      /broken\.yaml:\d+:\d+: error:/,
    ],
    [
      'get packages with a kubeconfig that does not parse (--verbose)',
      () => [
        'get',
        'packages',
        '--cluster',
        'c',
        '--verbose',
        '--kubeconfig',
        file('kc.yaml', kubeconfig('  oops: [\n')),
      ],
      /cannot read kubeconfig .*YAML syntax error at line \d+/,
    ],
    [
      'get packages against a server that is not there, with a token (--verbose)',
      () => [
        'get',
        'packages',
        '--cluster',
        'c',
        '--verbose',
        '--request-timeout',
        '2s',
        '--kubeconfig',
        file('kc-ok.yaml', kubeconfig('').replace(/ {4}client-key-data: .*\n/, '')),
      ],
      /127\.0\.0\.1:1/,
    ],
    [
      'get packages with a client key that is not a key (--verbose)',
      () => [
        'get',
        'packages',
        '--cluster',
        'c',
        '--verbose',
        '--kubeconfig',
        file('kc-key.yaml', kubeconfig('')),
      ],
      /the kubeconfig's client certificate, client key or certificate-authority data cannot be used \(unsupported\)/,
    ],
    [
      'secret create --dry-run from the environment',
      () => ['secret', 'create', '--form', 'config', '--region', 'us-west-2', '--dry-run'],
      /kind: Secret/,
    ],
    [
      'provider test with a provider that answers garbage holding a password',
      () => [
        'provider',
        'test',
        '--image',
        image,
        '--config',
        file('provider.ini', config),
        '--provider',
        fakeProvider(
          'garbage.sh',
          `echo '{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse","auth":{"x":{"password":"${PLANTED.password}"}'`,
        ),
      ],
      /the provider's answer is not one the kubelet accepts/,
    ],
    [
      'provider test with a provider that fails echoing its environment (--verbose)',
      () => [
        'provider',
        'test',
        '--image',
        image,
        '--verbose',
        '--provider',
        fakeProvider('env.sh', 'env >&2; exit 1'),
      ],
      /the provider failed \(exit 1\): .*AWS_SECRET_ACCESS_KEY=<redacted>/,
    ],
  ] as const)('%s', async (_, args, reaches) => {
    const out = await cli(args(), {
      AWS_ACCESS_KEY_ID: PLANTED.accessKey,
      AWS_SECRET_ACCESS_KEY: PLANTED.secretKey,
      AWS_SESSION_TOKEN: PLANTED.sessionToken,
    });
    // Each case reaches the code under test, not a usage error.
    expect(out.code, out.stderr).not.toBe(2);
    expect(`${out.stdout}${out.stderr}`).toMatch(reaches);
    expectClean(out.stdout);
    expectClean(out.stderr);
  });
});
