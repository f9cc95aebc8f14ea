/**
 * The shipped forms of eksa-ecr-credential-provider (the one-file bundle run by node, and the Bun
 * executables) answer exactly as the source does: static keys, native IAM Roles Anywhere, a
 * profile served through the bundled AWS SDK, and bad input. scripts/bootstrap builds them
 * (pnpm build, pnpm build:bun in packages/aws).
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createAwsCredentialsSecret,
  createRolesAnywhereCredfile,
  parseCredentialProviderResponse,
} from '@eksa-credprov/core';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PROVIDER_FORMS,
  forwardTo,
  server,
  TEST_ACCESS_KEY_ID,
  awsTestEnv,
  createAnchorAndProfile,
  execProvider,
  providerRequest,
  sessions,
  testFile,
  testPki,
  ECR_IMAGE as IMAGE,
  TEST_SECRET_ACCESS_KEY as SECRET,
  TEST_KEYS_PROFILE,
} from '@eksa-credprov/testenv';

const envs: Record<'keys' | 'rolesAnywhere' | 'sdk', Record<string, string>> = {
  keys: {},
  rolesAnywhere: {},
  sdk: {},
};

beforeAll(async () => {
  envs.keys = {
    AWS_CONFIG_FILE: testFile('dist-keys.ini', `[default]\n${TEST_KEYS_PROFILE}`),
  };
  const role = 'arn:aws:iam::123456789012:role/dist';
  const { anchorArn, profileArn } = await createAnchorAndProfile(role);
  envs.rolesAnywhere = {
    AWS_CONFIG_FILE: testFile(
      'dist-ra',
      createRolesAnywhereCredfile({
        region: 'us-west-2',
        roleArn: role,
        profileArn,
        trustAnchorArn: anchorArn,
        certificatePath: testFile('dist-kubelet.pem', testPki().rsaCert + testPki().rsaKeyPkcs1),
      }),
    ),
    AWS_ENDPOINT_URL_ROLESANYWHERE: awsTestEnv().rolesanywhere,
  };
  const command = testFile(
    'dist-process.sh',
    `#!/bin/sh\necho '{"Version":1,"AccessKeyId":"AKIAPROCESS","SecretAccessKey":"${SECRET}"}'\n`,
  );
  chmodSync(command, 0o700);
  envs.sdk = {
    AWS_CONFIG_FILE: testFile(
      'dist-process.ini',
      `[default]\nregion = us-west-2\ncredential_process = ${command}\n`,
    ),
  };
});

describe.each(['bundle', 'bun', 'bun-arm64'] as const)('the %s', (form) => {
  it('is built', () => {
    const file = PROVIDER_FORMS[form].at(-1) ?? '';
    expect(existsSync(file), `${file}: run scripts/bootstrap`).toBe(true);
    expect(statSync(file).size).toBeGreaterThan(0);
  });

  it.each(['keys', 'rolesAnywhere', 'sdk'] as const)(
    'answers as the source does (%s)',
    async (kind) => {
      const before = (await sessions()).length;
      const ours = await execProvider(providerRequest(IMAGE), envs[kind], { form });
      const source = await execProvider(providerRequest(IMAGE), envs[kind]);
      expect(ours.stderr).toBe('');
      expect(ours.code).toBe(0);
      expect(ours.stdout).toBe(source.stdout);
      expect((await sessions()).length - before).toBe(kind === 'rolesAnywhere' ? 2 : 0);
    },
  );

  it('fails as the source does on bad input', async () => {
    const ours = await execProvider('{"kind":', envs.keys, { form });
    const source = await execProvider('{"kind":', envs.keys);
    expect(ours).toEqual(source);
    expect(ours.code).toBe(1);
  });

  it('prints its help', async () => {
    const out = await execProvider('', {}, { args: ['--help'], form });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /^eksa-ecr-credential-provider: a kubelet image credential provider/,
    );
  });
});

describe('a Secret that core builds is served by every form of the provider', () => {
  it.each(Object.keys(PROVIDER_FORMS) as (keyof typeof PROVIDER_FORMS)[])(
    '%s: a config-form Secret with a dotted profile name, mounted as the chart mounts it',
    async (form) => {
      const secret = createAwsCredentialsSecret({
        form: 'config',
        profile: 'team.prod',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: SECRET,
        region: 'us-west-2',
      });
      const config = testFile(
        `dist-secret-${form}`,
        Buffer.from(secret.data['config'] ?? '', 'base64').toString('utf8'),
      );
      const out = await execProvider(
        providerRequest(IMAGE),
        {
          AWS_CONFIG_FILE: config,
          AWS_PROFILE: 'team.prod',
        },
        { form },
      );
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(Object.keys(parseCredentialProviderResponse(out.stdout).auth ?? {})).toEqual([
        '123456789012.dkr.ecr.us-west-2.amazonaws.com',
      ]);
    },
  );
});

describe('every form signs its ECR request as the AWS SDK does', () => {
  // Moto does not check signatures. Each form hashes with its runtime's own code (Bun's
  // CryptoHasher in the Bun executable, node:crypto otherwise): the request each one sends is
  // signed again here with @smithy/signature-v4, over the headers it says it signed.
  it.each(Object.keys(PROVIDER_FORMS) as (keyof typeof PROVIDER_FORMS)[])(
    '%s: the Authorization header is the one @smithy/signature-v4 computes',
    async (form) => {
      const seen: { headers: Record<string, string>; body: string; path: string }[] = [];
      const ecr = await server((req, res, body) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string') headers[name] = value;
        seen.push({ headers, body, path: req.url ?? '' });
        forwardTo(awsTestEnv().moto)(req, res, body);
      });
      try {
        const out = await execProvider(
          providerRequest(IMAGE),
          { ...envs.keys, AWS_ENDPOINT_URL_ECR: ecr.url },
          { form },
        );
        expect(out.stderr).toBe('');
        expect(out.code).toBe(0);
      } finally {
        await ecr.close();
      }
      expect(seen).toHaveLength(1);
      const [sent] = seen;
      const authorization = sent?.headers['authorization'] ?? '';
      const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
      expect(signedNames).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target']));
      const amzDate = sent?.headers['x-amz-date'] ?? '';
      const signed = await new SignatureV4({
        credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: SECRET },
        region: 'us-west-2',
        service: 'ecr',
        sha256: Hash.bind(null, 'sha256'),
        uriEscapePath: true,
        applyChecksum: false,
      }).sign(
        {
          method: 'POST',
          protocol: 'http:',
          hostname: '127.0.0.1',
          path: sent?.path ?? '',
          headers: Object.fromEntries(signedNames.map((n) => [n, sent?.headers[n] ?? ''])),
          body: sent?.body,
        },
        {
          signingDate: new Date(
            `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
          ),
        },
      );
      expect(authorization).toBe(signed.headers['authorization']);
    },
  );
});

describe('the working directory is not read by any form', () => {
  // Bun's compiled executables load .env and bunfig.toml from the working directory unless built
  // with --no-compile-autoload-dotenv and --no-compile-autoload-bunfig: a file in the kubelet's
  // directory could then change the provider's environment or preload code into it. Node reads
  // neither. Each file here would make the run fail or leave a mark.
  it.each(Object.keys(PROVIDER_FORMS) as (keyof typeof PROVIDER_FORMS)[])(
    '%s: a .env, bunfig.toml, package.json and tsconfig.json there change nothing',
    async (form) => {
      const cwd = mkdtempSync(join(tmpdir(), 'provider-cwd-'));
      const mark = join(cwd, 'preloaded');
      writeFileSync(
        join(cwd, '.env'),
        'AWS_ENDPOINT_URL_ECR=http://127.0.0.1:9\nAWS_PROFILE=from-dotenv\nHTTP_PROXY=http://127.0.0.1:9\n',
      );
      writeFileSync(join(cwd, '.env.production'), 'AWS_PROFILE=from-dotenv-production\n');
      writeFileSync(
        join(cwd, 'preload.js'),
        `require('node:fs').writeFileSync(${JSON.stringify(mark)}, 'x');\n`,
      );
      writeFileSync(join(cwd, 'bunfig.toml'), 'preload = ["./preload.js"]\n');
      writeFileSync(
        join(cwd, 'package.json'),
        '{"type":"module","imports":{"#x":"./preload.js"}}\n',
      );
      writeFileSync(join(cwd, 'tsconfig.json'), '{"compilerOptions":{"jsx":"preserve"}}\n');
      const out = await execProvider(providerRequest(IMAGE), envs.keys, { form, cwd });
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(existsSync(mark)).toBe(false);
    },
  );
});

describe('the Bun executables', () => {
  // ELF header: magic, class (2 = 64-bit), data (1 = little-endian), then e_machine at byte 18.
  const header = (file: string): { elf64le: boolean; machine: number } => {
    const b = readFileSync(file).subarray(0, 20);
    return {
      elf64le: b.subarray(0, 4).toString('latin1') === '\x7fELF' && b[4] === 2 && b[5] === 1,
      machine: b.readUInt16LE(18),
    };
  };
  it.each([
    ['Linux x64', 'dist/eksa-ecr-credential-provider-bun', 0x3e],
    ['Linux arm64 (cross-compiled)', 'dist/eksa-ecr-credential-provider-bun-linux-arm64', 0xb7],
  ])('%s is a 64-bit little-endian ELF executable for its machine', (_name, file, machine) => {
    const path = resolve(import.meta.dirname, '..', file);
    expect(statSync(path).mode & 0o111).not.toBe(0);
    expect(header(path)).toEqual({ elf64le: true, machine });
  });
});
