/**
 * eksa-ecr-credential-provider against hostile and broken inputs, in every delivered form: files
 * that block or never end, oversized stdin, files and answers, deep JSON, quadratic PEM, endless
 * HTTP answers, and secrets planted where an error path might echo them. Each row asserts a clean
 * refusal (exit 1, nothing on stdout, stderr short, no control characters, no planted secret), and
 * that the process ended on its own: the deadline is 3 s and the test's own kill comes at 30 s.
 * No timing is asserted beyond that.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { createRolesAnywhereCredfile } from '@eksa-credprov/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROVIDER_FORMS,
  providerRequest,
  testFile,
  testPki,
  ECR_IMAGE as IMAGE,
} from '@eksa-credprov/testenv';

const PLANTED = {
  secretKey: 'PLANTEDsecretKEY/0000000000000000000000000',
  sessionToken: 'PLANTEDsessionTOKEN+1111111111111111111111111111==',
  tpmPassword: 'PLANTEDtpmPASSWORD2222',
  pin: 'PLANTEDpin3333',
  requestToken: 'PLANTEDrequestTOKEN4444',
  serviceAccountToken:
    'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJQTEFOVEVEIn0.PLANTEDserviceACCOUNTtoken5555',
};
const ALL_PLANTED = Object.values(PLANTED);

interface Run {
  readonly code: number | null;
  readonly killed: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one form with `stdin` (or a stdin left open when `stdin` is undefined). */
function run(
  form: keyof typeof PROVIDER_FORMS,
  stdin: string | undefined,
  env: Readonly<Record<string, string>>,
): Promise<Run> {
  const [command = '', ...args] = PROVIDER_FORMS[form];
  return new Promise((ok) => {
    const child = execFile(
      command,
      [...args, 'get-credentials', '--timeout=3s'],
      {
        env: {
          PATH: '/usr/bin:/bin',
          HOME: testPki().dir,
          AWS_EC2_METADATA_DISABLED: 'true',
          ...env,
        },
        timeout: 30_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        ok({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          killed: error?.killed ?? false,
          stdout,
          stderr,
        });
      },
    );
    // A provider that refuses early closes stdin under a large write: that is not an error here.
    child.stdin?.on('error', () => undefined);
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

/** An HTTP server whose every socket is destroyed on close (so afterAll cannot hang). */
async function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const sockets = new Set<Socket>();
  const s = createServer(handler);
  s.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  s.on('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
  return s;
}
const urlOf = (s: Server): string => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

let dir = '';
let keys = '';
let endless: Server;
let reflecting: Server;
let stsReflecting: Server;
let noisy: Server;
const files: Record<string, string> = {};
const f = (name: string): string => {
  const path = files[name];
  if (path === undefined) throw new Error(`no file ${name}`);
  return path;
};
beforeAll(async () => {
  dir = mkdtempSync(join(testPki().dir, 'hostile-'));
  for (const name of ['config.fifo', 'credentials.fifo', 'cert.fifo', 'key.fifo', 'ca.fifo'])
    execFileSync('mkfifo', [(files[name] = join(dir, name))]);
  keys = testFile(
    'hostile-keys.ini',
    `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${PLANTED.secretKey}\naws_session_token = ${PLANTED.sessionToken}\nregion = us-west-2\n`,
  );
  files['big.ini'] = join(dir, 'big.ini');
  writeFileSync(files['big.ini'], `[default]\n${'# padding\n'.repeat(220_000)}`, { mode: 0o600 });
  const kubelet = testFile('hostile-kubelet.pem', testPki().rsaCert + testPki().rsaKeyPkcs1);
  const ra = (extra: Partial<Parameters<typeof createRolesAnywhereCredfile>[0]>): string =>
    createRolesAnywhereCredfile({
      region: 'us-west-2',
      roleArn: 'arn:aws:iam::123456789012:role/hostile',
      profileArn:
        'arn:aws:rolesanywhere:us-west-2:123456789012:profile/00000000-0000-4000-8000-000000000001',
      trustAnchorArn:
        'arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/00000000-0000-4000-8000-000000000002',
      certificatePath: kubelet,
      ...extra,
    });
  files['ra-cert-fifo'] = testFile('hostile-ra-cert-fifo', ra({ certificatePath: f('cert.fifo') }));
  files['ra-key-fifo'] = testFile('hostile-ra-key-fifo', ra({ privateKeyPath: f('key.fifo') }));
  // 900 KB of BEGIN lines with no END: under the size cap, quadratic for a regular expression.
  files['begin-lines.pem'] = testFile(
    'hostile-begin-lines.pem',
    '-----BEGIN CERTIFICATE-----\n'.repeat(32_000),
  );
  files['ra-begin-lines'] = testFile(
    'hostile-ra-begin-lines',
    ra({ certificatePath: f('begin-lines.pem') }),
  );
  endless = await listen((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (res.write(chunk)) {
        /* keep writing until the socket pushes back */
      }
    };
    res.on('drain', pump);
    pump();
  });
  // Puts the request's session token into its error message, as a careless proxy might.
  reflecting = await listen((req, res) => {
    req.resume();
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(
      JSON.stringify({
        __type: 'UnrecognizedClientException',
        message: `The security token included in the request is invalid: ${String(req.headers['x-amz-security-token'])}`,
      }),
    );
  });
  // An STS whose refusal quotes the request, web identity token included.
  stsReflecting = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>cannot read ${Buffer.concat(chunks).toString()}</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
      );
    });
  });
  // An error message of 100 KB with terminal escape sequences.
  noisy = await listen((req, res) => {
    req.resume();
    res.writeHead(403, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(
      JSON.stringify({
        __type: 'AccessDeniedException',
        message: `\u001b[2J\u001b[31mdenied\u001b]0;title\u0007${'x'.repeat(100_000)}`,
      }),
    );
  });
  files['ra-endless'] = testFile(
    'hostile-ra-endless',
    ra({}).replace(/\n$/, ` --endpoint ${urlOf(endless)}\n`),
  );
  files['tpm'] = testFile(
    'hostile-tpm',
    `[default]\nregion = us-west-2\ncredential_process = aws_signing_helper credential-process --certificate ${kubelet} --tpm-key-password ${PLANTED.tpmPassword} --profile-arn arn:aws:rolesanywhere:us-west-2:123456789012:profile/p --role-arn arn:aws:iam::123456789012:role/r --trust-anchor-arn arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/t\n`,
  );
  files['pkcs11'] = testFile(
    'hostile-pkcs11',
    `[default]\nregion = us-west-2\ncredential_process = aws_signing_helper credential-process --certificate pkcs11:token=kubelet;object=client?pin-value=${PLANTED.pin} --profile-arn arn:aws:rolesanywhere:us-west-2:123456789012:profile/p --role-arn arn:aws:iam::123456789012:role/r --trust-anchor-arn arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/t\n`,
  );
});

afterAll(async () => {
  for (const s of [endless, reflecting, stsReflecting, noisy])
    await new Promise((done) => s.close(done));
});

interface Case {
  readonly name: string;
  readonly env: () => Record<string, string>;
  /** undefined: stdin is never closed. */
  readonly stdin?: string | undefined;
  readonly message: RegExp;
}

const CASES: readonly Case[] = [
  {
    name: 'AWS_CONFIG_FILE is a FIFO',
    env: () => ({ AWS_CONFIG_FILE: f('config.fifo') }),
    message: /AWS config file .*config\.fifo \(AWS_CONFIG_FILE\): it is not a regular file/,
  },
  {
    name: 'AWS_SHARED_CREDENTIALS_FILE is a FIFO',
    env: () => ({ AWS_CONFIG_FILE: keys, AWS_SHARED_CREDENTIALS_FILE: f('credentials.fifo') }),
    message: /shared credentials file .*credentials\.fifo .*: it is not a regular file/,
  },
  {
    name: 'the certificate is a FIFO',
    env: () => ({ AWS_CONFIG_FILE: f('ra-cert-fifo') }),
    message: /cannot read the certificate file .*cert\.fifo: it is not a regular file/,
  },
  {
    name: 'the private key is a FIFO',
    env: () => ({ AWS_CONFIG_FILE: f('ra-key-fifo') }),
    message: /cannot read the private key file .*key\.fifo: it is not a regular file/,
  },
  {
    name: 'AWS_CA_BUNDLE is a FIFO',
    env: () => ({ AWS_CONFIG_FILE: keys, AWS_CA_BUNDLE: f('ca.fifo') }),
    message: /cannot read the CA bundle .*ca\.fifo .*: it is not a regular file/,
  },
  {
    name: 'AWS_CONFIG_FILE is /dev/urandom',
    env: () => ({ AWS_CONFIG_FILE: '/dev/urandom' }),
    message: /\/dev\/urandom \(AWS_CONFIG_FILE\): it is not a regular file/,
  },
  {
    name: 'AWS_CA_BUNDLE is /dev/zero',
    env: () => ({ AWS_CONFIG_FILE: keys, AWS_CA_BUNDLE: '/dev/zero' }),
    message: /CA bundle \/dev\/zero .*: it is not a regular file/,
  },
  {
    name: 'a 2 MB AWS config file',
    env: () => ({ AWS_CONFIG_FILE: f('big.ini') }),
    message: /big\.ini \(AWS_CONFIG_FILE\): it is \d+ bytes, over the 1048576-byte limit/,
  },
  {
    name: 'stdin that never closes',
    env: () => ({ AWS_CONFIG_FILE: keys }),
    stdin: undefined,
    message: /no answer within 3000 ms \(the deadline covers reading the request/,
  },
  {
    name: '2 MB on stdin',
    env: () => ({ AWS_CONFIG_FILE: keys }),
    stdin: `{"kind":"CredentialProviderRequest","image":"${'a'.repeat(2 * 1024 * 1024)}"}`,
    message: /the request on stdin is over 1048576 bytes/,
  },
  {
    name: 'a request nested 10,000 levels deep',
    env: () => ({ AWS_CONFIG_FILE: keys }),
    stdin: `{"kind":"CredentialProviderRequest","x":${'['.repeat(10_000)}`,
    message:
      /invalid CredentialProviderRequest: is not valid JSON \(nested more than 64 levels deep\)/,
  },
  {
    name: 'a request that is not JSON, holding a token',
    env: () => ({ AWS_CONFIG_FILE: keys }),
    stdin: `{"kind":"CredentialProviderRequest","serviceAccountToken":"${PLANTED.requestToken}",}`,
    message:
      /invalid CredentialProviderRequest: is not valid JSON \(a syntax error at position \d+\)/,
  },
  {
    name: 'a certificate of 32,000 BEGIN lines and no END',
    env: () => ({ AWS_CONFIG_FILE: f('ra-begin-lines') }),
    message: /has no PEM CERTIFICATE block/,
  },
  {
    name: 'an ECR endpoint that streams without end',
    env: () => ({ AWS_CONFIG_FILE: keys, AWS_ENDPOINT_URL_ECR: urlOf(endless) }),
    message: /the answer from http:\/\/127\.0\.0\.1:\d+ is over 1048576 bytes/,
  },
  {
    name: 'an IAM Roles Anywhere endpoint that streams without end',
    env: () => ({ AWS_CONFIG_FILE: f('ra-endless') }),
    message: /the answer from http:\/\/127\.0\.0\.1:\d+ is over 1048576 bytes/,
  },
  {
    name: 'an ECR endpoint that reflects the session token in its error',
    env: () => ({ AWS_CONFIG_FILE: keys, AWS_ENDPOINT_URL_ECR: urlOf(reflecting) }),
    message:
      /UnrecognizedClientException: The security token included in the request is invalid: <redacted>/,
  },
  {
    name: 'an STS refusal that quotes the service-account token',
    env: () => ({ AWS_CONFIG_FILE: keys, AWS_ENDPOINT_URL_STS: urlOf(stsReflecting) }),
    stdin: `${JSON.stringify({
      kind: 'CredentialProviderRequest',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      image: IMAGE,
      serviceAccountToken: PLANTED.serviceAccountToken,
      serviceAccountAnnotations: {
        'eks.amazonaws.com/ecr-role-arn': 'arn:aws:iam::123456789012:role/team',
      },
    })}\n`,
    message:
      /STS AssumeRoleWithWebIdentity failed: 400 InvalidIdentityToken: cannot read .*WebIdentityToken=<redacted>/,
  },
  {
    name: 'an ECR error of 100 KB with terminal escape sequences',
    env: () => ({ AWS_CONFIG_FILE: keys, AWS_ENDPOINT_URL_ECR: urlOf(noisy) }),
    message:
      /AccessDeniedException: \\x1b\[2J\\x1b\[31mdenied\\x1b\]0;title\\x07x+…\(\d+ more characters\)/,
  },
  {
    name: 'a credential_process with --tpm-key-password (the SDK runs it, and it fails)',
    env: () => ({ AWS_CONFIG_FILE: f('tpm') }),
    message:
      /does not read natively \(--tpm-key-password\); running the command instead\n.*cannot get AWS credentials from profile "default"/,
  },
  {
    name: 'a PKCS#11 URI with its PIN',
    env: () => ({ AWS_CONFIG_FILE: f('pkcs11') }),
    message:
      /Command failed: aws_signing_helper credential-process --certificate pkcs11:token=kubelet;object=client\?pin-value=<redacted> --profile-arn/,
  },
  {
    name: 'a 300 KB host name',
    env: () => ({
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: PLANTED.secretKey,
    }),
    stdin: providerRequest(`${'h'.repeat(300_000)}.example.com/app`),
    message: /h{100}…\(\d+ more characters\) is not an ECR host and no region is configured/,
  },
];

describe.each(Object.keys(PROVIDER_FORMS) as (keyof typeof PROVIDER_FORMS)[])(
  'eksa-ecr-credential-provider (%s) on hostile input',
  (form) => {
    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
      const out = await run(form, 'stdin' in c ? c.stdin : providerRequest(IMAGE), c.env());
      // It ended by itself (the test's own kill is at 30 s; the deadline is 3 s).
      expect(out.killed).toBe(false);
      expect(out.code).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr).toMatch(c.message);
      expect(out.stderr.length).toBeLessThan(6_000);
      // eslint-disable-next-line no-control-regex -- what must not reach a terminal
      expect(out.stderr.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f]/);
      for (const secret of ALL_PLANTED) expect(out.stderr).not.toContain(secret);
    });
  },
);
