/**
 * ECR GetAuthorizationToken without the SDK, against a local server playing ECR: the signed
 * request, the answer's parsing, and ECR's refusals as AwsApiErrors.
 */
import { server, type Handler, type LocalServer, rejectionOf } from '@eksa-credprov/testenv';
import { afterEach, describe, expect, it } from 'vitest';
import { isAwsApiError } from './aws-api-error.ts';
import { ecrEndpoint, getEcrTokenDirect } from './ecr-direct.ts';

const open: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token',
};
const TOKEN = Buffer.from('AWS:ecr-password').toString('base64');

async function ecr(
  handle: Handler,
): Promise<{ url: string; requests: { headers: Record<string, unknown>; body: string }[] }> {
  const requests: { headers: Record<string, unknown>; body: string }[] = [];
  const s = await server((req, res, body) => {
    requests.push({ headers: req.headers, body });
    handle(req, res, body);
  });
  open.push(s);
  return { url: s.url, requests };
}

const answer =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res
      .writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers })
      .end(typeof body === 'string' ? body : JSON.stringify(body));
  };

const get = (endpoint: string): ReturnType<typeof getEcrTokenDirect> =>
  getEcrTokenDirect({
    region: 'us-west-2',
    credentials: CREDENTIALS,
    endpoint,
    proxyEnv: {},
    signal: AbortSignal.timeout(10_000),
    now: () => Date.parse('2026-11-30T12:00:00Z'),
  });

describe('getEcrTokenDirect', () => {
  it('sends one SigV4-signed GetAuthorizationToken and decodes the login', async () => {
    const { url, requests } = await ecr(
      answer(200, {
        authorizationData: [
          { authorizationToken: TOKEN, expiresAt: 1_800_000_000, proxyEndpoint: 'https://r' },
        ],
      }),
    );
    const token = await get(url);
    expect(token).toEqual({
      username: 'AWS',
      password: 'ecr-password',
      expiresAt: new Date(1_800_000_000_000),
      proxyEndpoint: 'https://r',
    });
    const [sent] = requests;
    expect(sent?.body).toBe('{}');
    expect(sent?.headers).toMatchObject({
      'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-date': '20261130T120000Z',
      'x-amz-security-token': 'session-token',
    });
    expect(String(sent?.headers['authorization'])).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261130\/us-west-2\/ecr\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
  });

  it('leaves expiresAt out when ECR gives none', async () => {
    const { url } = await ecr(answer(200, { authorizationData: [{ authorizationToken: TOKEN }] }));
    expect(await get(url)).toEqual({
      username: 'AWS',
      password: 'ecr-password',
      proxyEndpoint: '',
    });
  });

  it.each([
    ['not JSON', 'nope', /answered with something that is not JSON/],
    ['JSON that is not an object', '[1]', /answered with JSON that is not an object/],
    ['no authorization data', '{"authorizationData":[]}', /authorization data was empty/],
    [
      'an expiresAt that is not a number',
      JSON.stringify({ authorizationData: [{ authorizationToken: TOKEN, expiresAt: 'soon' }] }),
      /an expiresAt that is not a number/,
    ],
    [
      'a token that is not base64',
      JSON.stringify({ authorizationData: [{ authorizationToken: 'not base64!' }] }),
      /not valid base64/,
    ],
  ])('refuses an answer that is %s, without the password', async (_name, body, message) => {
    const { url } = await ecr(answer(200, body));
    const e = await rejectionOf(get(url));
    expect(isAwsApiError(e) && e.code).toBe('AWS_API_ERROR');
    expect(String(e)).toMatch(message);
  });

  it('surfaces a refusal with its status, type, request ID and what to check', async () => {
    const { url, requests } = await ecr(
      answer(
        400,
        {
          __type: 'AccessDeniedException',
          message:
            'User: arn:aws:iam::1:user/x is not authorized to perform: ecr:GetAuthorizationToken',
        },
        { 'x-amzn-requestid': 'rid-9' },
      ),
    );
    const e = await rejectionOf(get(url));
    expect(isAwsApiError(e) && [e.status, e.errorType, e.requestId]).toEqual([
      400,
      'AccessDeniedException',
      'rid-9',
    ]);
    expect(String(e)).toMatch(
      /ECR GetAuthorizationToken failed: 400 AccessDeniedException: User: .* is not authorized .*; check the credentials and that their role may call ecr:GetAuthorizationToken/,
    );
    expect(requests).toHaveLength(1);
  });
});

describe('ecrEndpoint', () => {
  it.each([
    ['us-west-2', 'https://api.ecr.us-west-2.amazonaws.com'],
    ['us-gov-west-1', 'https://api.ecr.us-gov-west-1.amazonaws.com'],
    ['cn-north-1', 'https://api.ecr.cn-north-1.amazonaws.com.cn'],
    ['us-iso-east-1', 'https://api.ecr.us-iso-east-1.c2s.ic.gov'],
    ['us-isob-east-1', 'https://api.ecr.us-isob-east-1.sc2s.sgov.gov'],
    ['us-isof-south-1', 'https://api.ecr.us-isof-south-1.csp.hci.ic.gov'],
    ['eu-isoe-west-1', 'https://api.ecr.eu-isoe-west-1.cloud.adc-e.uk'],
    ['eusc-de-east-1', 'https://api.ecr.eusc-de-east-1.amazonaws.eu'],
  ])('%s -> %s', (region, url) => {
    expect(ecrEndpoint(region)).toBe(url);
  });
});
