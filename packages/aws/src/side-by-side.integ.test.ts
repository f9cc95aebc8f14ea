/**
 * Ours against the upstream Go ecr-credential-provider (k8s.io/cloud-provider-aws v1.37.1, built
 * from the Go module proxy into testenv/) on a table of scenarios: the same request, the same
 * environment and files, the same moto. Every delivered form of ours runs every row.
 *
 * Compared: the outcome (an answer or a refusal); on an answer its apiVersion, auth keys,
 * username, password, cacheKeyType and cacheDuration; and what reached ECR, through a recording
 * forwarder in front of moto: which access key signed (its kind for temporary keys), the signing
 * region, and whether a session token was sent. Rows where we answer deliberately differently say
 * so, and docs/provider.md lists each with the reason.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseCredentialProviderResponse, parseGoDuration } from '@eksa-credprov/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROVIDER_FORMS,
  awsTestEnv,
  createAnchorAndProfile,
  providerRequest,
  testFile,
  testPki,
  TEST_SECRET_ACCESS_KEY as SECRET,
} from '@eksa-credprov/testenv';

const UPSTREAM = resolve(import.meta.dirname, '../../../.testenv/bin/ecr-credential-provider');
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const OTHER_KEY = 'AKIAI44QH8DHBEXAMPLE';
const TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDAbc+def/ghi==';
const ECR_IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1';
const V1 = 'credentialprovider.kubelet.k8s.io/v1';

/** What reached ECR in one run. */
interface Seen {
  readonly accessKey: string;
  readonly region: string;
  readonly sessionToken: boolean;
}

/** A recording forwarder to moto: runs are told apart by a path prefix in their endpoint. */
let forwarder: Server;
let forwarderUrl = '';
const seen = new Map<string, Seen[]>();

beforeAll(async () => {
  const moto = new URL(awsTestEnv().moto);
  forwarder = createServer((req, res) => {
    const m = /^\/run\/([^/]+)(\/.*)?$/.exec(req.url ?? '');
    const auth = req.headers.authorization ?? '';
    const credential = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(auth);
    if (m?.[1] !== undefined && credential !== null) {
      const key = credential[1] ?? '';
      const list = seen.get(m[1]) ?? [];
      list.push({
        // moto's temporary keys are random: keep their kind only.
        accessKey: key.startsWith('ASIA') ? 'ASIA… (temporary)' : key,
        region: credential[2] ?? '',
        sessionToken: req.headers['x-amz-security-token'] !== undefined,
      });
      seen.set(m[1], list);
    }
    const upstream = httpRequest(
      {
        host: moto.hostname,
        port: moto.port,
        method: req.method,
        path: m?.[2] ?? '/',
        headers: { ...req.headers, host: moto.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => forwarder.listen(0, '127.0.0.1', ok));
  forwarderUrl = `http://127.0.0.1:${(forwarder.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const server of [forwarder, fakeEcr]) {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  }
});

/**
 * An "ECR" that answers GetAuthorizationToken with the body its path names: how each provider
 * reads answers ECR never gives but a proxy or a wrong endpoint might.
 */
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const FAKE_ANSWERS: Record<string, () => string> = {
  'no-expiry': () =>
    JSON.stringify({ authorizationData: [{ authorizationToken: 'QVdTOnBhc3N3b3Jk' }] }),
  'twelve-hours': () =>
    JSON.stringify({
      authorizationData: [
        { authorizationToken: 'QVdTOnBhc3N3b3Jk', expiresAt: nowSeconds() + 43_200 },
      ],
    }),
  expired: () =>
    JSON.stringify({
      authorizationData: [{ authorizationToken: 'QVdTOnBhc3N3b3Jk', expiresAt: 1_420_070_400 }],
    }),
  'far-future': () =>
    JSON.stringify({
      authorizationData: [{ authorizationToken: 'QVdTOnBhc3N3b3Jk', expiresAt: 1e15 }],
    }),
  'null-body': () => 'null',
  'no-data': () => JSON.stringify({ authorizationData: [] }),
  'bad-base64': () =>
    JSON.stringify({ authorizationData: [{ authorizationToken: 'QVdTOnBh!c3N3b3Jk' }] }),
  'unpadded-base64': () =>
    JSON.stringify({ authorizationData: [{ authorizationToken: 'QVdTOnBhc3M' }] }),
  'base64-with-newline': () =>
    JSON.stringify({ authorizationData: [{ authorizationToken: 'QVdTOnBh\nc3N3b3Jk' }] }),
  'no-colon': () =>
    JSON.stringify({ authorizationData: [{ authorizationToken: 'QVdTcGFzc3dvcmQ=' }] }),
};
let fakeEcr: Server;
let fakeEcrUrl = '';
beforeAll(async () => {
  fakeEcr = createServer((req, res) => {
    req.resume();
    const answer = FAKE_ANSWERS[(req.url ?? '').split('/')[1] ?? ''];
    res.writeHead(answer === undefined ? 404 : 200, {
      'content-type': 'application/x-amz-json-1.1',
    });
    res.end(answer?.() ?? '{}');
  });
  await new Promise<void>((ok) => fakeEcr.listen(0, '127.0.0.1', ok));
  fakeEcrUrl = `http://127.0.0.1:${(fakeEcr.address() as AddressInfo).port}`;
});

interface Outcome {
  readonly outcome: 'answer' | 'refusal';
  readonly response?: Record<string, unknown>;
  readonly seen: readonly Seen[];
}

let runs = 0;
function run(
  command: readonly string[],
  stdin: string,
  env: Readonly<Record<string, string>>,
): Promise<Outcome & { stderr: string }> {
  const id = `r${++runs}`;
  const [bin = '', ...args] = command;
  return new Promise((ok) => {
    const child = execFile(
      bin,
      [...args, 'get-credentials'],
      {
        env: {
          PATH: '/usr/bin:/bin',
          HOME: testPki().dir,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ENDPOINT_URL_ECR: `${forwarderUrl}/run/${id}`,
          AWS_ENDPOINT_URL_ECR_PUBLIC: `${forwarderUrl}/run/${id}`,
          AWS_ENDPOINT_URL_STS: awsTestEnv().moto,
          AWS_MAX_ATTEMPTS: '1',
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const answered = error === null;
        let response: Record<string, unknown> | undefined;
        if (answered) {
          const parsed = parseCredentialProviderResponse(stdout);
          response = {
            apiVersion: parsed.apiVersion,
            cacheKeyType: parsed.cacheKeyType,
            cacheDuration: parsed.cacheDuration,
            auth: parsed.auth,
          };
        }
        ok({
          outcome: answered ? 'answer' : 'refusal',
          ...(response === undefined ? {} : { response }),
          seen: seen.get(id) ?? [],
          stderr,
        });
      },
    );
    child.stdin?.end(stdin);
  });
}

/** One row: the environment (files made in beforeAll), the request, and what to expect. */
interface Scenario {
  readonly name: string;
  readonly env: () => Record<string, string>;
  readonly stdin?: string;
  /** Where ours deliberately differs: why, and each side's outcome. */
  readonly differs?: {
    readonly why: string;
    readonly ours: 'answer' | 'refusal';
    readonly go: 'answer' | 'refusal';
  };
  /** The outcome both must reach (a guard against both failing the same way). */
  readonly outcome: 'answer' | 'refusal';
}

const files: Record<string, string> = {};
const f = (name: string): string => {
  const path = files[name];
  if (path === undefined) throw new Error(`no test file ${name}`);
  return path;
};
const keysIni = (header: string, key = KEY, extra = ''): string =>
  `${header}\naws_access_key_id = ${key}\naws_secret_access_key = ${SECRET}\n${extra}`;

beforeAll(async () => {
  const dir = mkdtempSync(join(testPki().dir, 'sbs-'));
  const write = (name: string, text: string): void => {
    files[name] = testFile(`${dir.slice(testPki().dir.length + 1)}/${name}`, text);
  };
  write('default', keysIni('[default]', KEY, 'region = us-west-2\n'));
  write('default-token', keysIni('[default]', KEY, `aws_session_token = ${TOKEN}\n`));
  write('west', keysIni('[profile west]', OTHER_KEY, 'region = eu-west-1\n'));
  write('west-credentials', keysIni('[west]', OTHER_KEY));
  write('west-plain', keysIni('[west]', OTHER_KEY));
  write('dotted', keysIni('[profile team.prod]', OTHER_KEY));
  write('dotted-credentials', keysIni('[team.prod]', OTHER_KEY));
  write('spaced', keysIni('[ profile  spaced ]', OTHER_KEY));
  write(
    'profile-default',
    `${keysIni('[default]', KEY)}\n${keysIni('[profile default]', OTHER_KEY)}`,
  );
  write('credentials-over-config', keysIni('[default]', OTHER_KEY));
  write('region-only', '[default]\nregion = ap-south-1\n');
  write(
    'quoted',
    `[default]\naws_access_key_id = "${KEY}"\naws_secret_access_key = '${SECRET}'\nregion = "eu-north-1"\n`,
  );
  write(
    'capitals',
    `[default]\nAWS_ACCESS_KEY_ID = ${KEY}\nAws_Secret_Access_Key = ${SECRET}\nRegion = eu-north-1\n`,
  );
  write('colon', `[default]\naws_access_key_id: ${KEY}\naws_secret_access_key: ${SECRET}\n`);
  write(
    'comments',
    `# node credentials\n[default] ; the only one\n  # indented\naws_access_key_id = ${KEY} # trailing\naws_secret_access_key = ${SECRET}\t; tab\n`,
  );
  write('crlf', keysIni('[default]').replace(/\n/g, '\r\n'));
  write('bom', `\uFEFF${keysIni('[default]')}`);
  write('empty', '');
  write(
    'web-identity-token',
    'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6eDp5In0.c2ln',
  );
  write(
    'not-a-certificate.pem',
    '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
  );
  write('half', `[default]\naws_access_key_id = ${KEY}\n`);
  write(
    'assume-role',
    `${keysIni('[profile base]')}\n[profile app]\nrole_arn = arn:aws:iam::123456789012:role/sbs-app\nsource_profile = base\n`,
  );
  write(
    'assume-role-spaced',
    `${keysIni('[profile base]')}\n[ profile  app ]\nrole_arn = "arn:aws:iam::123456789012:role/sbs-app"\nSource_Profile = base\n`,
  );
  write(
    'assume-role-dotted',
    `${keysIni('[profile base.keys]')}\n[profile app.role]\nrole_arn = arn:aws:iam::123456789012:role/sbs-app\nsource_profile = base.keys\n`,
  );
  const script = (name: string, body: string): string => {
    write(name, `#!/bin/sh\n${body}\n`);
    chmodSync(f(name), 0o700);
    return f(name);
  };
  const good = script(
    'process-good.sh',
    `echo '{"Version":1,"AccessKeyId":"${OTHER_KEY}","SecretAccessKey":"${SECRET}"}'`,
  );
  const failing = script('process-fails.sh', 'echo "no credentials for you" >&2; exit 1');
  const garbage = script('process-garbage.sh', 'echo "not json"');
  write('process', `[default]\ncredential_process = ${good}\n`);
  write('process-fails', `[default]\ncredential_process = ${failing}\n`);
  write('process-garbage', `[default]\ncredential_process = ${garbage}\n`);
  write('keys-and-process', `${keysIni('[default]')}credential_process = ${failing}\n`);
  mkdirSync(join(dir, 'a-directory'));
  files['directory'] = join(dir, 'a-directory');
  files['missing'] = join(dir, 'no-such-file');

  // Roles Anywhere: upstream runs aws_signing_helper through credential_process; ours natively.
  const role = 'arn:aws:iam::123456789012:role/sbs';
  const { anchorArn, profileArn } = await createAnchorAndProfile(role);
  const kubelet = testFile(
    'sbs-kubelet-client-current.pem',
    testPki().ecCert + testPki().ecKeySec1,
  );
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(awsTestEnv().signingHelper, join(bin, 'aws_signing_helper'));
  files['bin'] = bin;
  write(
    'roles-anywhere',
    `[default]\nregion = us-west-2\ncredential_process = aws_signing_helper credential-process --certificate ${kubelet} --private-key ${kubelet} --profile-arn ${profileArn} --role-arn ${role} --trust-anchor-arn ${anchorArn} --endpoint ${awsTestEnv().rolesanywhere}\n`,
  );
});

const config =
  (name: string, extra: Record<string, string> = {}) =>
  () => ({
    AWS_CONFIG_FILE: f(name),
    ...extra,
  });
const request = (image: string, apiVersion = V1): string => providerRequest(image, apiVersion);

const SCENARIOS: readonly Scenario[] = [
  // The environment.
  {
    name: 'keys in the environment, no files',
    env: () => ({ AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET }),
    outcome: 'answer',
  },
  {
    name: 'keys and a session token in the environment',
    env: () => ({
      AWS_ACCESS_KEY_ID: KEY,
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: TOKEN,
    }),
    outcome: 'answer',
  },
  {
    name: 'AWS_ACCESS_KEY and AWS_SECRET_KEY (older names the Go SDK reads)',
    env: () => ({ AWS_ACCESS_KEY: KEY, AWS_SECRET_KEY: SECRET }),
    outcome: 'answer',
  },
  {
    name: 'keys in the environment over the profile',
    env: config('west', {
      AWS_PROFILE: 'west',
      AWS_ACCESS_KEY_ID: KEY,
      AWS_SECRET_ACCESS_KEY: SECRET,
    }),
    outcome: 'answer',
  },
  {
    name: 'empty environment keys are unset: the profile serves',
    env: config('west', { AWS_PROFILE: 'west', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }),
    outcome: 'answer',
  },
  {
    name: 'half a key in the environment and nothing else',
    env: () => ({ AWS_ACCESS_KEY_ID: KEY }),
    outcome: 'refusal',
  },
  {
    name: 'web identity from the environment, before the profile (moto STS)',
    env: () => ({
      AWS_CONFIG_FILE: f('default'),
      AWS_WEB_IDENTITY_TOKEN_FILE: f('web-identity-token'),
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/sbs-web',
    }),
    outcome: 'answer',
  },
  {
    name: 'AWS_WEB_IDENTITY_TOKEN_FILE without AWS_ROLE_ARN',
    env: () => ({
      AWS_CONFIG_FILE: f('default'),
      AWS_WEB_IDENTITY_TOKEN_FILE: f('web-identity-token'),
    }),
    outcome: 'refusal',
  },
  // Profiles in either file and every section-name form.
  { name: '[default] in AWS_CONFIG_FILE', env: config('default'), outcome: 'answer' },
  {
    name: '[default] with a session token',
    env: config('default-token'),
    outcome: 'answer',
  },
  {
    name: '[default] in AWS_SHARED_CREDENTIALS_FILE only',
    env: () => ({ AWS_SHARED_CREDENTIALS_FILE: f('default') }),
    outcome: 'answer',
  },
  {
    name: '[profile west] with AWS_PROFILE',
    env: config('west', { AWS_PROFILE: 'west' }),
    outcome: 'answer',
  },
  {
    name: '[west] in the credentials file with AWS_PROFILE',
    env: () => ({ AWS_SHARED_CREDENTIALS_FILE: f('west-credentials'), AWS_PROFILE: 'west' }),
    outcome: 'answer',
  },
  {
    name: '[profile team.prod] (a dotted name)',
    env: config('dotted', { AWS_PROFILE: 'team.prod' }),
    outcome: 'answer',
  },
  {
    name: '[team.prod] in the credentials file',
    env: () => ({ AWS_SHARED_CREDENTIALS_FILE: f('dotted-credentials'), AWS_PROFILE: 'team.prod' }),
    outcome: 'answer',
  },
  {
    name: '[ profile  spaced ] (spaces in the header)',
    env: config('spaced', { AWS_PROFILE: 'spaced' }),
    outcome: 'answer',
  },
  {
    name: '[profile default] replaces [default]',
    env: config('profile-default'),
    outcome: 'answer',
  },
  {
    name: 'AWS_DEFAULT_PROFILE names the profile',
    env: config('west', { AWS_DEFAULT_PROFILE: 'west' }),
    outcome: 'answer',
  },
  {
    name: '[west] (credentials-file syntax) in the config file',
    env: config('west-plain', { AWS_PROFILE: 'west' }),
    outcome: 'refusal',
  },
  {
    name: 'AWS_PROFILE names no profile',
    env: config('default', { AWS_PROFILE: 'nope' }),
    outcome: 'refusal',
  },
  {
    name: 'AWS_PROFILE names no profile, keys in the environment',
    env: config('default', {
      AWS_PROFILE: 'nope',
      AWS_ACCESS_KEY_ID: KEY,
      AWS_SECRET_ACCESS_KEY: SECRET,
    }),
    outcome: 'refusal',
  },
  {
    name: 'the credentials file over the config file',
    env: () => ({
      AWS_CONFIG_FILE: f('default'),
      AWS_SHARED_CREDENTIALS_FILE: f('credentials-over-config'),
    }),
    outcome: 'answer',
  },
  // Missing, empty and unreadable files.
  {
    name: 'AWS_CONFIG_FILE names a missing file; keys in the environment',
    env: () => ({
      AWS_CONFIG_FILE: f('missing'),
      AWS_ACCESS_KEY_ID: KEY,
      AWS_SECRET_ACCESS_KEY: SECRET,
    }),
    outcome: 'answer',
  },
  {
    name: 'AWS_SHARED_CREDENTIALS_FILE names a missing file; keys in the config file',
    env: () => ({ AWS_CONFIG_FILE: f('default'), AWS_SHARED_CREDENTIALS_FILE: f('missing') }),
    outcome: 'answer',
  },
  {
    name: 'AWS_CONFIG_FILE names a missing file and nothing else is set',
    env: () => ({ AWS_CONFIG_FILE: f('missing') }),
    outcome: 'refusal',
  },
  {
    name: 'an empty config file; keys in the environment',
    env: config('empty', { AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET }),
    outcome: 'answer',
  },
  {
    name: 'AWS_CONFIG_FILE names a directory',
    env: () => ({
      AWS_CONFIG_FILE: f('directory'),
      AWS_ACCESS_KEY_ID: KEY,
      AWS_SECRET_ACCESS_KEY: SECRET,
    }),
    outcome: 'refusal',
  },
  // Syntax.
  { name: 'CRLF line endings', env: config('crlf'), outcome: 'answer' },
  {
    name: 'comments at line start, indented and after values',
    env: config('comments'),
    outcome: 'answer',
  },
  { name: 'quoted values', env: config('quoted'), outcome: 'answer' },
  { name: 'keys in capitals', env: config('capitals'), outcome: 'answer' },
  { name: '"key: value"', env: config('colon'), outcome: 'answer' },
  {
    name: 'a byte-order mark',
    env: config('bom'),
    outcome: 'answer',
    differs: {
      why: 'the Go SDK does not skip a byte-order mark and loses the first section; we read it, as the AWS SDK for JavaScript does',
      ours: 'answer',
      go: 'refusal',
    },
  },
  { name: 'half an access key in the profile', env: config('half'), outcome: 'refusal' },
  // Chains and processes.
  {
    name: 'role_arn with source_profile, through moto STS',
    env: config('assume-role', { AWS_PROFILE: 'app', AWS_REGION: 'us-west-2' }),
    outcome: 'answer',
  },
  {
    name: 'role_arn with a dotted source_profile',
    env: config('assume-role-dotted', { AWS_PROFILE: 'app.role', AWS_REGION: 'us-west-2' }),
    outcome: 'answer',
  },
  { name: 'a credential_process that prints keys', env: config('process'), outcome: 'answer' },
  { name: 'a credential_process that fails', env: config('process-fails'), outcome: 'refusal' },
  {
    name: 'a credential_process that prints garbage',
    env: config('process-garbage'),
    outcome: 'refusal',
  },
  {
    name: 'static keys before credential_process in one profile',
    env: config('keys-and-process'),
    outcome: 'answer',
  },
  {
    name: 'IAM Roles Anywhere: upstream + aws_signing_helper, ours natively',
    env: () => ({ AWS_CONFIG_FILE: f('roles-anywhere'), PATH: `${f('bin')}:/usr/bin:/bin` }),
    outcome: 'answer',
  },
  // Regions.
  {
    name: 'a non-ECR host takes AWS_REGION',
    env: config('default', { AWS_REGION: 'eu-central-1' }),
    stdin: request('registry.example.com/team/app'),
    outcome: 'answer',
  },
  {
    name: 'a non-ECR host takes AWS_DEFAULT_REGION',
    env: config('west', { AWS_PROFILE: 'west', AWS_DEFAULT_REGION: 'ap-northeast-1' }),
    stdin: request('registry.example.com/team/app'),
    outcome: 'answer',
  },
  {
    name: 'a non-ECR host takes the profile region',
    env: config('region-only', { AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET }),
    stdin: request('registry.example.com/team/app'),
    outcome: 'answer',
  },
  {
    name: 'a non-ECR host and no region anywhere',
    env: () => ({ AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET }),
    stdin: request('registry.example.com/team/app'),
    outcome: 'refusal',
  },
  {
    name: 'the ECR host region over AWS_REGION',
    env: config('default', { AWS_REGION: 'eu-central-1' }),
    outcome: 'answer',
  },
  {
    name: 'a quoted profile region (for a non-ECR host)',
    env: config('quoted'),
    stdin: request('registry.example.com/team/app'),
    outcome: 'answer',
  },
  // ECR host forms.
  ...(
    [
      ['a FIPS host', '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app'],
      ['a dual-stack host', '123456789012.dkr-ecr.us-west-2.on.aws/app'],
      ['a China host', '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app'],
      ['a European Sovereign Cloud host', '123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu/app'],
      ['a host with :443', '123456789012.dkr.ecr.us-west-2.amazonaws.com:443/app'],
      ['an image by digest', `${ECR_IMAGE.split(':v1')[0] ?? ''}@sha256:${'ab'.repeat(32)}`],
      ['an image with a scheme', `https://${ECR_IMAGE}`],
      ['a host in capitals', '123456789012.DKR.ECR.us-west-2.amazonaws.com/app'],
    ] as const
  ).map(([name, image]) => ({
    name,
    env: config('default', { AWS_REGION: 'eu-central-1' }),
    stdin: request(image),
    outcome: 'answer' as const,
  })),
  // Requests.
  {
    name: 'a v1alpha1 request',
    env: config('default'),
    stdin: request(ECR_IMAGE, 'credentialprovider.kubelet.k8s.io/v1alpha1'),
    outcome: 'answer',
    differs: {
      why: 'the Go provider answers only v1; ours answers every version the kubelet speaks, in the request’s version',
      ours: 'answer',
      go: 'refusal',
    },
  },
  {
    name: 'a v1beta1 request',
    env: config('default'),
    stdin: request(ECR_IMAGE, 'credentialprovider.kubelet.k8s.io/v1beta1'),
    outcome: 'answer',
    differs: {
      why: 'the Go provider answers only v1; ours answers every version the kubelet speaks, in the request’s version',
      ours: 'answer',
      go: 'refusal',
    },
  },
  {
    name: 'a request that is not JSON',
    env: config('default'),
    stdin: '{not json\n',
    outcome: 'refusal',
  },
  { name: 'an empty image', env: config('default'), stdin: request(''), outcome: 'refusal' },
  // ECR answers no real ECR gives.
  ...(
    [
      ['an answer without expiresAt: cacheDuration 0s (do not cache)', 'no-expiry', 'answer'],
      ['an answer expiring in 12 hours: half of it', 'twelve-hours', 'answer'],
      ['an answer that has expired: no cacheDuration', 'expired', 'answer'],
      ['a null answer', 'null-body', 'refusal'],
      ['an answer without authorization data', 'no-data', 'refusal'],
      ['a token that is not base64', 'bad-base64', 'refusal'],
      ['a token with its base64 padding missing', 'unpadded-base64', 'refusal'],
      ['a token with a line break in its base64', 'base64-with-newline', 'answer'],
      ['a token without a colon', 'no-colon', 'refusal'],
    ] as const
  ).map(([name, answer, outcome]) => ({
    name,
    env: () => ({ AWS_CONFIG_FILE: f('default'), AWS_ENDPOINT_URL_ECR: `${fakeEcrUrl}/${answer}` }),
    outcome,
  })),
  {
    name: 'an answer expiring in the year 31,690,708',
    env: () => ({
      AWS_CONFIG_FILE: f('default'),
      AWS_ENDPOINT_URL_ECR: `${fakeEcrUrl}/far-future`,
    }),
    outcome: 'refusal',
    differs: {
      why: 'the Go provider’s duration arithmetic overflows and it answers a meaningless cacheDuration; ours refuses the answer with its own error',
      ours: 'refusal',
      go: 'answer',
    },
  },
  {
    name: 'role_arn in a header with spaces and a quoted value (the AWS SDK path is given our reading)',
    env: config('assume-role-spaced', { AWS_PROFILE: 'app', AWS_REGION: 'us-west-2' }),
    outcome: 'answer',
  },
  // Endpoints and trust.
  {
    name: 'a CA bundle with no certificate',
    env: () => ({ AWS_CONFIG_FILE: f('default'), AWS_CA_BUNDLE: f('not-a-certificate.pem') }),
    outcome: 'refusal',
  },
  {
    name: 'a CA bundle that does not exist',
    env: () => ({ AWS_CONFIG_FILE: f('default'), AWS_CA_BUNDLE: f('missing') }),
    outcome: 'refusal',
  },
  {
    name: 'an ECR endpoint that is not a URL',
    env: config('default', { AWS_ENDPOINT_URL_ECR: 'ecr.internal:8443' }),
    outcome: 'refusal',
  },
  {
    name: 'an image Go cannot parse',
    env: config('default'),
    stdin: request('registry.example.com/%zz'),
    outcome: 'refusal',
  },
];

const FORMS = Object.keys(PROVIDER_FORMS) as (keyof typeof PROVIDER_FORMS)[];

describe('ours and the Go ecr-credential-provider, side by side', () => {
  it('has at least 40 scenarios', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(40);
  });

  describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_, scenario) => {
    let upstream: Outcome & { stderr: string };
    beforeAll(async () => {
      upstream = await run([UPSTREAM], scenario.stdin ?? request(ECR_IMAGE), scenario.env());
    });

    it.each(FORMS)('%s', async (form) => {
      const ours = await run(
        PROVIDER_FORMS[form],
        scenario.stdin ?? request(ECR_IMAGE),
        scenario.env(),
      );
      const expected = scenario.differs?.ours ?? scenario.outcome;
      const goExpected = scenario.differs?.go ?? scenario.outcome;
      expect(upstream.outcome, `Go: ${upstream.stderr}`).toBe(goExpected);
      expect(ours.outcome, `ours (${form}): ${ours.stderr}`).toBe(expected);
      if (scenario.differs !== undefined) return;
      // A cacheDuration counts down between the two runs: compare it to the second.
      const seconds = (r?: Record<string, unknown>): number | undefined =>
        typeof r?.['cacheDuration'] === 'string'
          ? parseGoDuration(r['cacheDuration']) / 1000
          : undefined;
      const [ourSeconds, goSeconds] = [seconds(ours.response), seconds(upstream.response)];
      if (ourSeconds !== undefined && goSeconds !== undefined)
        expect(Math.abs(ourSeconds - goSeconds)).toBeLessThanOrEqual(1);
      else expect(ourSeconds).toBe(goSeconds);
      expect({ ...ours.response, cacheDuration: 0 }).toEqual({
        ...upstream.response,
        cacheDuration: 0,
      });
      // What reached ECR; a refusal may differ in retries (the Go SDK's own retry policy).
      if (ours.outcome === 'answer') expect(ours.seen).toEqual(upstream.seen);
      else expect(ours.stderr).not.toBe('');
      for (const secret of [SECRET, TOKEN]) expect(ours.stderr).not.toContain(secret);
    });
  });
});
