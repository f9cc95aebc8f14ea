/**
 * The IAM Roles Anywhere emulator's API and test hooks (`/_emulator/...`), called directly.
 */
import { awsTestEnv } from './env.ts';
import { testPki } from './pki.ts';

const REGION = 'us-west-2';

/** A control-plane call, signed the way an SDK would say which region it means. */
export async function control<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${awsTestEnv().rolesanywhere}${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      Authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/${REGION}/rolesanywhere/aws4_request, SignedHeaders=host, Signature=0`,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export interface Session {
  status: number;
  error?: string;
  headers: Record<string, string>;
  canonicalRequest: string;
  rawQuery: string;
  body: string;
}

export async function sessions(): Promise<Session[]> {
  return (await control<{ sessions: Session[] }>('GET', '/_emulator/sessions')).sessions;
}

export async function lastSession(): Promise<Session> {
  const last = (await sessions()).at(-1);
  if (last === undefined) throw new Error('the emulator received no CreateSession');
  return last;
}

/** A trust anchor for the test CA and a profile for `roleArn`, both enabled. */
export async function createAnchorAndProfile(
  roleArn: string,
): Promise<{ anchorArn: string; anchorId: string; profileArn: string; profileId: string }> {
  const anchor = await control<{ trustAnchor: { trustAnchorArn: string; trustAnchorId: string } }>(
    'POST',
    '/trustanchors',
    {
      name: `anchor-${Math.random().toString(36).slice(2)}`,
      source: {
        sourceType: 'CERTIFICATE_BUNDLE',
        sourceData: { x509CertificateData: testPki().caCert },
      },
      enabled: true,
    },
  );
  const profile = await control<{ profile: { profileArn: string; profileId: string } }>(
    'POST',
    '/profiles',
    {
      name: `profile-${Math.random().toString(36).slice(2)}`,
      roleArns: [roleArn],
      enabled: true,
    },
  );
  return {
    anchorArn: anchor.trustAnchor.trustAnchorArn,
    anchorId: anchor.trustAnchor.trustAnchorId,
    profileArn: profile.profile.profileArn,
    profileId: profile.profile.profileId,
  };
}

/** Every item of an emulator list, following `nextToken` (the emulator pages as the service does). */
export async function listAll<T>(path: string, key: string): Promise<T[]> {
  const all: T[] = [];
  let token = '';
  do {
    const page = await control(
      'GET',
      `${path}${token === '' ? '' : `?nextToken=${encodeURIComponent(token)}`}`,
    );
    all.push(...(page[key] as T[]));
    token = typeof page['nextToken'] === 'string' ? page['nextToken'] : '';
  } while (token !== '');
  return all;
}
