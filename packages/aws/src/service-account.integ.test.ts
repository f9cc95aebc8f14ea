/**
 * Per-workload ECR credentials from service-account tokens (KEP-4412), end to end on real
 * components: tokens the testenv API server issues (TokenRequest, bound to a pod, for the
 * audience), the IAM side set up by ensureServiceAccountRole in moto, and the STS emulator
 * (testenv/sts), which verifies each token against the API server's discovery document and JWKS
 * and the role's trust policy before moto issues the keys. Every delivered form of the provider
 * runs each scenario, and the Go ecr-credential-provider runs the same ones beside it.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IAMClient, GetRoleCommand } from '@aws-sdk/client-iam';
import {
  DEFAULT_ECR_TOKEN_AUDIENCE,
  isValidationError,
  parseCredentialProviderResponse,
} from '@eksa-credprov/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROVIDER_FORMS,
  REPO_ROOT,
  TEST_KEYS_PROFILE,
  awsTestEnv,
  execProvider,
  forwardTo,
  server,
  serviceAccountToken,
  stsCalls,
  testFile,
  testIssuer,
  testIssuerCa,
  type LocalServer,
} from '@eksa-credprov/testenv';
import {
  ensureServiceAccountRole,
  oidcThumbprint,
  teardownServiceAccountRole,
  type ServiceAccountRoleInit,
} from './service-account-role.ts';

const UPSTREAM = resolve(REPO_ROOT, '.testenv/bin/ecr-credential-provider');
const NODE_KEY = 'AKIAIOSFODNN7EXAMPLE';
const IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app';
const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const ANNOTATION = 'eks.amazonaws.com/ecr-role-arn';
const credentials = { accessKeyId: NODE_KEY, secretAccessKey: 'x'.repeat(40) };

let iam: IAMClient;
let ecr: LocalServer;
/** The access keys that signed each ECR request, in order. */
const ecrKeys: string[] = [];
let keysConfig = '';
const roles = { teamA: '', teamB: '' };
const tokens = { teamA: '', teamB: '', wrongAudience: '', expired: '', forged: '' };

function init(extra: Partial<ServiceAccountRoleInit> = {}): ServiceAccountRoleInit {
  return {
    clusterName: 'sa-test',
    issuerUrl: testIssuer(),
    region: 'us-west-2',
    roleName: 'sa-test-team-a',
    serviceAccounts: [{ namespace: 'team-a', name: 'builder' }],
    issuerCa: testIssuerCa(),
    clients: { iam, credentials },
    ...extra,
  };
}

/** A token signed with the API server's own key, expired an hour ago (TokenRequest's minimum is 10 minutes). */
function expiredToken(): string {
  // The key id the API server puts in its tokens (that of its signing key).
  const { kid } = JSON.parse(
    Buffer.from(tokens.teamA.split('.')[0] ?? '', 'base64url').toString(),
  ) as { kid: string };
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({
      aud: [DEFAULT_ECR_TOKEN_AUDIENCE],
      exp: now - 3600,
      iat: now - 7200,
      nbf: now - 7200,
      iss: testIssuer(),
      sub: 'system:serviceaccount:team-a:builder',
    }),
  ).toString('base64url');
  const key = createPrivateKey(readFileSync(join(REPO_ROOT, '.testenv/run/apiserver/sa.key')));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
    key,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

beforeAll(async () => {
  iam = new IAMClient({ region: 'us-east-1', endpoint: awsTestEnv().moto, credentials });
  ecr = await server((req, res, body) => {
    ecrKeys.push(/Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '');
    forwardTo(awsTestEnv().moto)(req, res, body);
  });
  keysConfig = testFile('sa-node-keys.ini', `[default]\n${TEST_KEYS_PROFILE}`);
  roles.teamA = (await ensureServiceAccountRole(init())).roleArn;
  roles.teamB = (
    await ensureServiceAccountRole(
      init({
        roleName: 'sa-test-team-b',
        serviceAccounts: [{ namespace: 'team-b', name: '*' }],
      }),
    )
  ).roleArn;
  tokens.teamA = await serviceAccountToken({
    namespace: 'team-a',
    name: 'builder',
    audience: DEFAULT_ECR_TOKEN_AUDIENCE,
  });
  tokens.teamB = await serviceAccountToken({
    namespace: 'team-b',
    name: 'deployer',
    audience: DEFAULT_ECR_TOKEN_AUDIENCE,
  });
  tokens.wrongAudience = await serviceAccountToken({
    namespace: 'team-a',
    name: 'builder',
    audience: 'vault',
  });
  tokens.expired = expiredToken();
  // The payload changed to another service account; the signature is the original's.
  const [h, p, s] = tokens.teamA.split('.');
  const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
  claims['sub'] = 'system:serviceaccount:kube-system:admin';
  tokens.forged = `${h ?? ''}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s ?? ''}`;
});

afterAll(async () => {
  iam.destroy();
  await ecr.close();
});

describe('ensureServiceAccountRole against moto IAM and the testenv issuer', () => {
  it('creates the OIDC provider with the issuer CA’s thumbprint and a trust policy per service account', async () => {
    const ca = new X509Certificate(testIssuerCa());
    expect(await oidcThumbprint(testIssuer(), { ca: testIssuerCa() })).toBe(
      ca.fingerprint.replace(/:/g, '').toLowerCase(),
    );
    const role = await iam.send(new GetRoleCommand({ RoleName: 'sa-test-team-a' }));
    const policy = JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '{}')) as {
      Statement: { Principal: { Federated: string }; Condition: Record<string, unknown> }[];
    };
    const key = testIssuer().replace('https://', '');
    expect(policy.Statement[0]?.Principal.Federated).toBe(
      `arn:aws:iam::123456789012:oidc-provider/${key}`,
    );
    expect(policy.Statement[0]?.Condition).toEqual({
      StringEquals: {
        [`${key}:aud`]: 'sts.amazonaws.com',
        [`${key}:sub`]: 'system:serviceaccount:team-a:builder',
      },
    });
  });

  it('returns what the cluster and the kubelet need, as plain objects', async () => {
    const role = await ensureServiceAccountRole(
      init({
        serviceAccounts: [
          { namespace: 'team-a', name: 'builder' },
          { namespace: 'team-a', name: '*' },
        ],
      }),
    );
    expect(role.kubernetesObjects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ClusterRole/eksa-credprov:token-audience:sts.amazonaws.com',
      'ClusterRoleBinding/eksa-credprov:token-audience:sts.amazonaws.com',
      'ServiceAccount/builder',
    ]);
    expect(role.kubernetesObjects[2]?.metadata.annotations).toEqual(role.annotation);
    expect(role.tokenAttributes.serviceAccountTokenAudience).toBe('sts.amazonaws.com');
    await ensureServiceAccountRole(init());
  });

  it('changes nothing when run again, and updates the trust policy when the service accounts change', async () => {
    expect((await ensureServiceAccountRole(init())).actions).toEqual({
      oidcProvider: 'unchanged',
      role: 'unchanged',
      policy: 'unchanged',
    });
    const more = await ensureServiceAccountRole(
      init({
        serviceAccounts: [
          { namespace: 'team-a', name: 'builder' },
          { namespace: 'team-a', name: 'tester' },
        ],
      }),
    );
    expect(more.actions.role).toBe('updated');
    expect((await ensureServiceAccountRole(init())).actions.role).toBe('updated');
  });

  it('names each bad field', async () => {
    const e = await ensureServiceAccountRole(
      init({ issuerUrl: 'http://x', serviceAccounts: [], roleName: 'a/b' }),
    ).catch((x: unknown) => x);
    expect(isValidationError(e) && e.issues.map((i) => i.path).sort()).toEqual([
      'issuerUrl',
      'roleName',
      'serviceAccounts',
    ]);
  });

  it('tears down the role it made, keeps the shared OIDC provider unless asked, and can run again', async () => {
    await ensureServiceAccountRole(init({ roleName: 'sa-test-gone' }));
    const first = await teardownServiceAccountRole({ ...init({ roleName: 'sa-test-gone' }) });
    expect(first).toEqual({ role: true, oidcProvider: false });
    expect(await teardownServiceAccountRole(init({ roleName: 'sa-test-gone' }))).toEqual({
      role: false,
      oidcProvider: false,
    });
  });
});

/** A request as the kubelet sends it with tokenAttributes configured. */
function request(token: string, annotations?: Record<string, string>): string {
  return `${JSON.stringify({
    kind: 'CredentialProviderRequest',
    apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
    image: IMAGE,
    serviceAccountToken: token,
    ...(annotations === undefined ? {} : { serviceAccountAnnotations: annotations }),
  })}\n`;
}

/** The Go ecr-credential-provider with the same request and environment. */
function runGo(
  stdin: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const child = execFile(
      UPSTREAM,
      ['get-credentials'],
      {
        env: {
          PATH: '/usr/bin:/bin',
          HOME: '/nonexistent',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        ok({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}

interface Scenario {
  readonly name: string;
  readonly token: keyof typeof tokens;
  readonly annotations?: (r: typeof roles) => Record<string, string>;
  readonly env?: (r: typeof roles) => Record<string, string>;
  /** The role assumed, or `node` for the node's own keys, or the STS error. */
  readonly outcome:
    { readonly role: keyof typeof roles } | { readonly node: true } | { readonly refused: RegExp };
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'the annotation names the role: the pod’s identity',
    token: 'teamA',
    annotations: (r) => ({ [ANNOTATION]: r.teamA }),
    outcome: { role: 'teamA' },
  },
  {
    name: 'another service account, another role (StringLike on the name)',
    token: 'teamB',
    annotations: (r) => ({ [ANNOTATION]: r.teamB }),
    outcome: { role: 'teamB' },
  },
  {
    name: 'no annotation: AWS_ECR_ROLE_ARN names the role',
    token: 'teamA',
    env: (r) => ({ AWS_ECR_ROLE_ARN: r.teamA }),
    outcome: { role: 'teamA' },
  },
  {
    name: 'the annotation wins over AWS_ECR_ROLE_ARN',
    token: 'teamB',
    annotations: (r) => ({ [ANNOTATION]: r.teamB }),
    env: (r) => ({ AWS_ECR_ROLE_ARN: r.teamA }),
    outcome: { role: 'teamB' },
  },
  {
    name: 'neither: the node’s own credentials, as without a token',
    token: 'teamA',
    outcome: { node: true },
  },
  {
    name: 'an empty annotation: the node’s credentials, AWS_ECR_ROLE_ARN not read (as Go)',
    token: 'teamA',
    annotations: () => ({ [ANNOTATION]: '' }),
    env: (r) => ({ AWS_ECR_ROLE_ARN: r.teamA }),
    outcome: { node: true },
  },
  {
    name: 'a role whose trust policy names another service account: AccessDenied',
    token: 'teamA',
    annotations: (r) => ({ [ANNOTATION]: r.teamB }),
    outcome: { refused: /AccessDenied/ },
  },
  {
    name: 'a token for another audience: InvalidIdentityToken',
    token: 'wrongAudience',
    annotations: (r) => ({ [ANNOTATION]: r.teamA }),
    outcome: { refused: /InvalidIdentityToken/ },
  },
  {
    name: 'an expired token signed by the cluster: ExpiredTokenException',
    token: 'expired',
    annotations: (r) => ({ [ANNOTATION]: r.teamA }),
    outcome: { refused: /ExpiredTokenException/ },
  },
  {
    name: 'a token whose subject was changed after signing: InvalidIdentityToken',
    token: 'forged',
    annotations: (r) => ({ [ANNOTATION]: r.teamA }),
    outcome: { refused: /InvalidIdentityToken/ },
  },
  {
    name: 'a malformed role ARN in the annotation',
    token: 'teamA',
    annotations: () => ({ [ANNOTATION]: 'team-a-builder' }),
    outcome: { refused: /team-a-builder.*not an IAM role ARN|ValidationError/ },
  },
];

const FORMS = Object.keys(PROVIDER_FORMS) as (keyof typeof PROVIDER_FORMS)[];

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_, scenario) => {
  const envOf = (): Record<string, string> => ({
    AWS_CONFIG_FILE: keysConfig,
    AWS_ENDPOINT_URL_ECR: ecr.url,
    AWS_ENDPOINT_URL_STS: awsTestEnv().sts,
    ...scenario.env?.(roles),
  });
  const check = async (
    who: string,
    out: { code: number; stdout: string; stderr: string },
    callsBefore: number,
    keysBefore: number,
  ): Promise<void> => {
    const token = tokens[scenario.token];
    // The token never shows, whatever happened.
    expect(out.stdout + out.stderr, who).not.toContain(token);
    expect(out.stdout + out.stderr, who).not.toContain(token.split('.')[2] ?? token);
    const calls = (await stsCalls()).slice(callsBefore);
    const keys = ecrKeys.slice(keysBefore);
    if ('refused' in scenario.outcome) {
      expect(out.code, `${who}: ${out.stderr}`).not.toBe(0);
      expect(out.stdout, who).toBe('');
      expect(`${out.stderr} ${calls.map((c) => c.error ?? '').join(' ')}`, who).toMatch(
        scenario.outcome.refused,
      );
      expect(keys, who).toEqual([]);
      return;
    }
    expect(out.code, `${who}: ${out.stderr}`).toBe(0);
    const response = parseCredentialProviderResponse(out.stdout);
    expect(response.cacheKeyType, who).toBe('Registry');
    const auth = response.auth?.[HOST];
    expect(auth?.username, who).toBe('AWS');
    // The kubelet refuses a password equal to the token unless the cache type is Token.
    expect(auth?.password, who).not.toBe(token);
    if ('node' in scenario.outcome) {
      expect(calls, who).toEqual([]);
      expect(keys, who).toEqual([NODE_KEY]);
      return;
    }
    const roleArn = roles[scenario.outcome.role];
    expect(calls, who).toEqual([
      expect.objectContaining({
        roleArn,
        roleSessionName: 'ecr-credential-provider',
        audience: DEFAULT_ECR_TOKEN_AUDIENCE,
      }),
    ]);
    // ECR was called with the keys STS issued for that role, not the node's.
    expect(keys, who).toEqual([calls[0]?.accessKeyId]);
  };

  it.each(FORMS)('ours (%s)', async (form) => {
    const [callsBefore, keysBefore] = [(await stsCalls()).length, ecrKeys.length];
    const out = await execProvider(
      request(tokens[scenario.token], scenario.annotations?.(roles)),
      envOf(),
      { form },
    );
    await check(`ours (${form})`, out, callsBefore, keysBefore);
  });

  it('the Go ecr-credential-provider, the same way', async () => {
    const [callsBefore, keysBefore] = [(await stsCalls()).length, ecrKeys.length];
    const out = await runGo(
      request(tokens[scenario.token], scenario.annotations?.(roles)),
      envOf(),
    );
    await check('Go', out, callsBefore, keysBefore);
  });
});
