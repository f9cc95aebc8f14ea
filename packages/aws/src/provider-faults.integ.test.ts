/**
 * eksa-ecr-credential-provider under faults and less common set-ups, run as the kubelet runs it:
 * ECR refusing, failing, not answering; credential_process commands that fail or print garbage
 * (the SDK's chain); certificate rotation between two execs; `--profile-for` rules; and an HTTP
 * proxy. ECR is moto, and the faults come from a small local server in front of it (moto cannot be
 * told to fail); the proxy is a real forwarding proxy on loopback.
 */
import { chmodSync } from 'node:fs';
import { createRolesAnywhereCredfile, parseCredentialProviderResponse } from '@eksa-credprov/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awsTestEnv,
  connectProxy,
  createAnchorAndProfile,
  ECR_HOST as HOST,
  ECR_IMAGE as IMAGE,
  execProvider,
  forwardTo,
  providerRequest,
  server,
  sessions,
  TEST_KEYS_PROFILE as KEYS,
  TEST_SECRET_ACCESS_KEY as SECRET,
  testFile,
  testPki,
  tlsServer,
  PROVIDER_FORMS,
} from '@eksa-credprov/testenv';

/** Every delivered form runs every test here (scripts/bootstrap builds all but the source). */
const FORMS = Object.keys(PROVIDER_FORMS) as (keyof typeof PROVIDER_FORMS)[];

let keysConfig = '';
const closers: (() => Promise<void>)[] = [];
beforeAll(() => {
  keysConfig = testFile('faults-keys.ini', `[default]\n${KEYS}`);
});
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

async function ecr(handle: Parameters<typeof server>[0]): Promise<string> {
  const s = await server(handle);
  closers.push(s.close);
  return s.url;
}

function expectCleanFailure(out: { code: number; stdout: string; stderr: string }): void {
  expect(out.code).toBe(1);
  expect(out.stdout).toBe('');
  expect(out.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
  expect(out.stderr).not.toContain(SECRET);
  expect(out.stderr).not.toMatch(/\n\s+at /);
}

describe.each(FORMS)('ECR answering badly (%s)', (form) => {
  it('a 4xx refusal: one line with ECR’s error and what to check, no retry', async () => {
    let calls = 0;
    const url = await ecr((_req, res) => {
      calls++;
      res
        .writeHead(400, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': 'AccessDeniedException:http://internal.amazon.com/coral/',
        })
        .end(
          JSON.stringify({
            __type: 'AccessDeniedException',
            message:
              'User: arn:aws:sts::123456789012:assumed-role/node/x is not authorized to perform: ecr:GetAuthorizationToken',
          }),
        );
    });
    const out = await execProvider(
      providerRequest(IMAGE),
      {
        AWS_CONFIG_FILE: keysConfig,
        AWS_ENDPOINT_URL_ECR: url,
      },
      { form },
    );
    expectCleanFailure(out);
    expect(out.stderr).toMatch(
      /ECR GetAuthorizationToken failed: 400 AccessDeniedException: User: .* is not authorized .*; check the credentials and that their role may call ecr:GetAuthorizationToken/,
    );
    expect(calls).toBe(1);
  });

  it('5xx every time: retried, then one line saying so', async () => {
    let calls = 0;
    const url = await ecr((_req, res) => {
      calls++;
      res.writeHead(500, { 'x-amzn-errortype': 'ServerException' }).end('{"message":"boom"}');
    });
    const out = await execProvider(
      providerRequest(IMAGE),
      {
        AWS_CONFIG_FILE: keysConfig,
        AWS_ENDPOINT_URL_ECR: url,
      },
      { form },
    );
    expectCleanFailure(out);
    expect(out.stderr).toMatch(/failed after 3 attempts: 500 ServerException: boom/);
    expect(calls).toBe(3);
  });

  it('a 503 then a good answer: the retry succeeds', async () => {
    let calls = 0;
    const url = await ecr((req, res, body) => {
      calls++;
      if (calls === 1) res.writeHead(503).end('Service Unavailable');
      else forwardTo(awsTestEnv().moto)(req, res, body);
    });
    const out = await execProvider(
      providerRequest(IMAGE),
      {
        AWS_CONFIG_FILE: keysConfig,
        AWS_ENDPOINT_URL_ECR: url,
      },
      { form },
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(parseCredentialProviderResponse(out.stdout).auth?.[HOST]?.username).toBe('AWS');
    expect(calls).toBe(2);
  });

  it('no answer at all: gives up at --timeout, not the kubelet’s 60 s', async () => {
    const url = await ecr(() => {
      // Never answers.
    });
    const started = Date.now();
    const out = await execProvider(
      providerRequest(IMAGE),
      { AWS_CONFIG_FILE: keysConfig, AWS_ENDPOINT_URL_ECR: url },
      { args: ['get-credentials', '--timeout=2s'], form },
    );
    expectCleanFailure(out);
    expect(out.stderr).toMatch(
      /did not answer at http:\/\/127\.0\.0\.1:\d+ in time|within 1\d\d\d ms/,
    );
    // Not a timing assertion: only that it ended on its own, well before execFile's 60 s kill.
    expect(Date.now() - started).toBeLessThan(50_000);
  });

  it('nothing listening: connection refused, retried, then one line', async () => {
    const s = await server(() => undefined);
    await s.close();
    const out = await execProvider(
      providerRequest(IMAGE),
      {
        AWS_CONFIG_FILE: keysConfig,
        AWS_ENDPOINT_URL_ECR: s.url,
      },
      { form },
    );
    expectCleanFailure(out);
    expect(out.stderr).toMatch(
      /failed after 3 attempts: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED; check the network path to ECR/,
    );
  });
});

describe.each(FORMS)('credential_process through the AWS SDK chain (%s)', (form) => {
  function processProfile(name: string, script: string): string {
    const command = testFile(`${name}.sh`, `#!/bin/sh\n${script}\n`);
    chmodSync(command, 0o700);
    return testFile(
      `${name}.ini`,
      `[default]\nregion = us-west-2\ncredential_process = ${command}\n`,
    );
  }

  it('a command that prints credentials: served through the SDK', async () => {
    const config = processProfile(
      'process-ok',
      `echo '{"Version":1,"AccessKeyId":"AKIAPROCESS","SecretAccessKey":"${SECRET}","SessionToken":"t"}'`,
    );
    const out = await execProvider(providerRequest(IMAGE), { AWS_CONFIG_FILE: config }, { form });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(parseCredentialProviderResponse(out.stdout).auth?.[HOST]?.username).toBe('AWS');
  });

  it.each([
    [
      'fails',
      'echo "cannot open /secret/key" >&2; exit 3',
      /Command failed: .*cannot open \/secret\/key/,
    ],
    ['prints garbage', 'echo "this is not JSON"', /credential_process returned invalid JSON/],
    ['prints JSON without keys', 'echo \'{"Version":1}\'', /credential_process returned invalid/],
  ])('a command that %s: one line naming the profile, exit 1', async (name, script, detail) => {
    const config = processProfile(`process-${name.replace(/\W+/g, '-')}`, script);
    const out = await execProvider(providerRequest(IMAGE), { AWS_CONFIG_FILE: config }, { form });
    expectCleanFailure(out);
    expect(out.stderr).toMatch(
      /cannot get AWS credentials from profile "default" \(its credential_process is not aws_signing_helper\): /,
    );
    expect(out.stderr).toMatch(detail);
  });
});

describe.each(FORMS)('IAM Roles Anywhere across execs (%s)', (form) => {
  const role = 'arn:aws:iam::123456789012:role/rotation';
  let credfile = '';
  let kubelet = '';
  beforeAll(async () => {
    const { anchorArn, profileArn } = await createAnchorAndProfile(role);
    kubelet = testFile('rotating-kubelet.pem', testPki().rsaCert + testPki().rsaKeyPkcs1);
    credfile = testFile(
      'rotating-creds',
      createRolesAnywhereCredfile({
        region: 'us-west-2',
        roleArn: role,
        profileArn,
        trustAnchorArn: anchorArn,
        certificatePath: kubelet,
      }),
    );
  });
  const env = (): Record<string, string> => ({
    AWS_CONFIG_FILE: credfile,
    AWS_ENDPOINT_URL_ROLESANYWHERE: awsTestEnv().rolesanywhere,
  });

  it('picks up a certificate replaced between two calls (kubelet rotation)', async () => {
    const first = await execProvider(providerRequest(IMAGE), env(), { form });
    expect(first.code).toBe(0);
    expect((await sessions()).at(-1)?.headers['authorization']).toMatch(/^AWS4-X509-RSA-SHA256 /);

    testFile('rotating-kubelet.pem', testPki().ecCert + testPki().ecKeySec1);
    const second = await execProvider(providerRequest(IMAGE), env(), { form });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect((await sessions()).at(-1)?.headers['authorization']).toMatch(/^AWS4-X509-ECDSA-SHA256 /);

    testFile('rotating-kubelet.pem', testPki().foreignCert + testPki().foreignKey);
    const third = await execProvider(providerRequest(IMAGE), env(), { form });
    expectCleanFailure(third);
    expect(third.stderr).toMatch(
      /IAM Roles Anywhere CreateSession failed: 403 .*Untrusted signing certificate.*is the trust anchor the CA that issued this certificate/,
    );
    expect(third.stderr).not.toContain('PRIVATE KEY');
  });

  it('--profile-for chooses the profile by image, first match wins', async () => {
    const { anchorArn, profileArn } = await createAnchorAndProfile(role);
    const ra = createRolesAnywhereCredfile({
      region: 'us-west-2',
      roleArn: role,
      profileArn,
      trustAnchorArn: anchorArn,
      certificatePath: testFile('rules-kubelet.pem', testPki().rsaCert + testPki().rsaKeyPkcs1),
      profile: 'ra',
    });
    const config = testFile('rules.ini', `[default]\n${KEYS}\n${ra}`);
    const args = [
      'get-credentials',
      '--profile-for=*.dkr.ecr.eu-west-1.amazonaws.com=ra',
      '--profile-for=*.dkr.ecr.*.amazonaws.com=default',
    ];
    const run = async (image: string): Promise<number> => {
      const before = (await sessions()).length;
      const out = await execProvider(
        providerRequest(image),
        { ...env(), AWS_CONFIG_FILE: config },
        { args, form },
      );
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      return (await sessions()).length - before;
    };
    expect(await run('123456789012.dkr.ecr.eu-west-1.amazonaws.com/app')).toBe(1);
    expect(await run(IMAGE)).toBe(0);
  });
});

describe.each(FORMS)('HTTP_PROXY and NO_PROXY (%s)', (form) => {
  it('sends the Roles Anywhere and ECR calls through the proxy, and not when NO_PROXY says so', async () => {
    const seen: string[] = [];
    const proxy = await server((req, res, body) => {
      seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
      forwardTo(new URL(req.url ?? '').origin)(req, res, body);
    });
    closers.push(proxy.close);
    const role = 'arn:aws:iam::123456789012:role/proxied';
    const { anchorArn, profileArn } = await createAnchorAndProfile(role);
    const credfile = testFile(
      'proxied-creds',
      createRolesAnywhereCredfile({
        region: 'us-west-2',
        roleArn: role,
        profileArn,
        trustAnchorArn: anchorArn,
        certificatePath: testFile('proxied.pem', testPki().rsaCert + testPki().rsaKeyPkcs1),
      }),
    );
    const env = {
      AWS_CONFIG_FILE: credfile,
      AWS_ENDPOINT_URL_ROLESANYWHERE: awsTestEnv().rolesanywhere,
      HTTP_PROXY: proxy.url,
    };
    const out = await execProvider(providerRequest(IMAGE), env, { form });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(seen).toEqual([
      expect.stringMatching(new RegExp(`^POST ${awsTestEnv().rolesanywhere}/sessions\\?`)),
      `POST ${awsTestEnv().moto}/`,
    ]);

    seen.length = 0;
    const bypass = await execProvider(
      providerRequest(IMAGE),
      { ...env, NO_PROXY: '127.0.0.1' },
      { form },
    );
    expect(bypass.code).toBe(0);
    expect(seen).toEqual([]);

    // A profile served by the AWS SDK (credential_process): its ECR call goes through the proxy too.
    seen.length = 0;
    const command = testFile(
      'proxied-process.sh',
      `#!/bin/sh\necho '{"Version":1,"AccessKeyId":"AKIAPROCESS","SecretAccessKey":"${SECRET}"}'\n`,
    );
    chmodSync(command, 0o700);
    const sdkProfile = testFile(
      'proxied-process.ini',
      `[default]\nregion = us-west-2\ncredential_process = ${command}\n`,
    );
    const viaSdk = await execProvider(
      providerRequest(IMAGE),
      {
        AWS_CONFIG_FILE: sdkProfile,
        HTTP_PROXY: proxy.url,
      },
      { form },
    );
    expect(viaSdk.stderr).toBe('');
    expect(viaSdk.code).toBe(0);
    expect(seen).toEqual([`POST ${awsTestEnv().moto}/`]);
  });
});

describe.each(FORMS)('ECR over TLS: AWS_CA_BUNDLE and a CONNECT proxy (%s)', (form) => {
  // An https "ECR" on loopback: a self-signed certificate for 127.0.0.1 in front of moto.
  let ecrUrl = '';
  let caBundle = '';
  let tunnels: string[] = [];
  let proxyUrl = '';
  let otherCaBundle = '';
  beforeAll(async () => {
    const tls = await tlsServer(forwardTo(awsTestEnv().moto));
    ecrUrl = tls.url;
    caBundle = tls.caFile;
    // A second server only for its CA: a bundle that holds a CA, but not the one ECR's is from.
    const other = await tlsServer(forwardTo(awsTestEnv().moto));
    otherCaBundle = other.caFile;
    closers.push(other.close);
    const proxy = await connectProxy();
    tunnels = proxy.tunnels;
    proxyUrl = proxy.url;
    closers.push(tls.close, proxy.close);
  });

  it('trusts AWS_CA_BUNDLE on the direct path, and refuses the certificate without it', async () => {
    const ok = await execProvider(
      providerRequest(IMAGE),
      {
        AWS_CONFIG_FILE: keysConfig,
        AWS_ENDPOINT_URL_ECR: ecrUrl,
        AWS_CA_BUNDLE: caBundle,
      },
      { form },
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const refused = await execProvider(
      providerRequest(IMAGE),
      {
        AWS_CONFIG_FILE: keysConfig,
        AWS_ENDPOINT_URL_ECR: ecrUrl,
      },
      { form },
    );
    expectCleanFailure(refused);
    expect(refused.stderr).toMatch(
      /cannot reach https:\/\/127\.0\.0\.1:\d+: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/,
    );
  });

  it('refuses the certificate when AWS_CA_BUNDLE holds another CA (the bundle is the roots)', async () => {
    const refused = await execProvider(
      providerRequest(IMAGE),
      {
        AWS_CONFIG_FILE: keysConfig,
        AWS_ENDPOINT_URL_ECR: ecrUrl,
        AWS_CA_BUNDLE: otherCaBundle,
      },
      { form },
    );
    expectCleanFailure(refused);
    expect(refused.stderr).toMatch(
      /cannot reach https:\/\/127\.0\.0\.1:\d+: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/,
    );
  });

  it('trusts AWS_CA_BUNDLE on the AWS SDK path too (a credential_process profile)', async () => {
    const command = testFile(
      'tls-process.sh',
      `#!/bin/sh\necho '{"Version":1,"AccessKeyId":"AKIAPROCESS","SecretAccessKey":"${SECRET}"}'\n`,
    );
    chmodSync(command, 0o700);
    const profile = testFile(
      'tls-process.ini',
      `[default]\nregion = us-west-2\ncredential_process = ${command}\n`,
    );
    const out = await execProvider(
      providerRequest(IMAGE),
      {
        AWS_CONFIG_FILE: profile,
        AWS_ENDPOINT_URL_ECR: ecrUrl,
        AWS_CA_BUNDLE: caBundle,
      },
      { form },
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
  });

  it('tunnels through HTTPS_PROXY with CONNECT', async () => {
    tunnels.length = 0;
    const out = await execProvider(
      providerRequest(IMAGE),
      {
        AWS_CONFIG_FILE: keysConfig,
        AWS_ENDPOINT_URL_ECR: ecrUrl,
        AWS_CA_BUNDLE: caBundle,
        HTTPS_PROXY: proxyUrl,
      },
      { form },
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(tunnels).toEqual([new URL(ecrUrl).host]);
  });
});
