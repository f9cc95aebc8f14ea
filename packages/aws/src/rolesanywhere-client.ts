/**
 * The IAM Roles Anywhere control-plane calls the set-up needs, as a typed client over signed
 * REST requests. The registry serves only an old `@aws-sdk/client-rolesanywhere` (3.332, before
 * the `@smithy` packages), so requests are signed here with the package's own SigV4 signer
 * (`signHmac`, the one the node-side provider uses, checked against `@smithy/signature-v4` in
 * sign.test.ts) and sent on the provider's HTTP path: the same retries, CA bundle
 * (`AWS_CA_BUNDLE`) and proxies (`HTTPS_PROXY`, `NO_PROXY`) as every other AWS call here.
 *
 * @internal
 */
import { partitionOfRegion } from '@eksa-credprov/core';
import { AwsApiError, readAwsErrorAnswer } from './aws-api-error.ts';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from './from-roles-anywhere.ts';
import { sendWithRetries } from './http.ts';
import { signHmac, toAmzDate } from './sign.ts';

/** A trust anchor as the API returns it (the fields used here). */
export interface TrustAnchorDetail {
  trustAnchorId: string;
  trustAnchorArn: string;
  name: string;
  enabled: boolean;
  source: { sourceType: string; sourceData: { x509CertificateData?: string } };
}

/** A profile as the API returns it (the fields used here). */
export interface ProfileDetail {
  profileId: string;
  profileArn: string;
  name: string;
  enabled: boolean;
  roleArns: string[];
  durationSeconds: number;
}

interface AnchorAnswer {
  trustAnchor: TrustAnchorDetail;
}

interface ProfileAnswer {
  profile: ProfileDetail;
}

/** A resource tag as the API writes it. */
export interface RolesAnywhereTag {
  key: string;
  value: string;
}

/** The trust anchor fields the set-up writes. */
export interface TrustAnchorInput {
  name?: string;
  source?: { sourceType: 'CERTIFICATE_BUNDLE'; sourceData: { x509CertificateData: string } };
  enabled?: boolean;
  tags?: RolesAnywhereTag[];
}

/** The profile fields the set-up writes. */
export interface ProfileInput {
  name?: string;
  roleArns?: string[];
  durationSeconds?: number;
  enabled?: boolean;
  tags?: RolesAnywhereTag[];
}

/** Typed, signed calls to the IAM Roles Anywhere API of one region. */
export interface RolesAnywhereClient {
  /** Every trust anchor, following `nextToken` through all pages. */
  listTrustAnchors(): Promise<TrustAnchorDetail[]>;
  createTrustAnchor(input: TrustAnchorInput): Promise<TrustAnchorDetail>;
  updateTrustAnchor(id: string, input: TrustAnchorInput): Promise<TrustAnchorDetail>;
  enableTrustAnchor(id: string): Promise<TrustAnchorDetail>;
  deleteTrustAnchor(id: string): Promise<void>;
  /** Every profile, following `nextToken` through all pages. */
  listProfiles(): Promise<ProfileDetail[]>;
  createProfile(input: ProfileInput): Promise<ProfileDetail>;
  updateProfile(id: string, input: ProfileInput): Promise<ProfileDetail>;
  enableProfile(id: string): Promise<ProfileDetail>;
  deleteProfile(id: string): Promise<void>;
  /** A resource's tags as a record. */
  tagsOf(arn: string): Promise<Record<string, string>>;
}

/** Input for {@link createRolesAnywhereClient}. */
export interface RolesAnywhereClientInit {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** @default `AWS_ENDPOINT_URL_ROLESANYWHERE`, else `https://rolesanywhere.<region>.<partition suffix>` */
  readonly endpoint?: string | undefined;
  /** PEM roots to trust instead of Node's (the text of `AWS_CA_BUNDLE`). */
  readonly ca?: string | undefined;
  /** Where the proxy variables are read. @default `process.env` */
  readonly proxyEnv?: Readonly<Record<string, string | undefined>> | undefined;
  /** Time limit of one call, retries included. @default 30000 */
  readonly timeoutMs?: number | undefined;
}

/** The most pages a list is followed through: 50 a page, far more than an account holds. */
const MAX_PAGES = 1000;

/** A client for one region, signing with the given credentials. */
export function createRolesAnywhereClient(init: RolesAnywhereClientInit): RolesAnywhereClient {
  const base = new URL(
    init.endpoint ??
      process.env['AWS_ENDPOINT_URL_ROLESANYWHERE'] ??
      `https://rolesanywhere.${init.region}.${partitionOfRegion(init.region).dnsSuffix}`,
  );
  const given = init.credentials;
  const credentials = typeof given === 'function' ? given : () => Promise.resolve(given);

  async function call<T>(
    operation: string,
    request: {
      readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
      readonly path: string;
      readonly body?: unknown;
      readonly query?: Record<string, string>;
    },
  ): Promise<T> {
    const { method, path, ...options } = request;
    const body = options.body === undefined ? '' : JSON.stringify(options.body);
    const query = options.query ?? {};
    const { accessKeyId, secretAccessKey, sessionToken } = await credentials();
    const search = new URLSearchParams(query).toString();
    const name = `IAM Roles Anywhere ${operation}`;
    const res = await sendWithRetries({
      operation: name,
      build: () => {
        const amzDate = toAmzDate(new Date());
        const headers: Record<string, string> = {
          host: base.host,
          'x-amz-date': amzDate,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(sessionToken === undefined ? {} : { 'x-amz-security-token': sessionToken }),
        };
        const { authorization } = signHmac({
          method,
          path,
          query,
          headers,
          body,
          amzDate,
          region: init.region,
          service: 'rolesanywhere',
          accessKeyId,
          secretAccessKey,
        });
        return {
          method,
          url: `${base.origin}${path}${search === '' ? '' : `?${search}`}`,
          headers: { ...headers, authorization },
          body,
        };
      },
      ca: init.ca,
      proxyEnv: init.proxyEnv,
      deadline: Date.now() + (init.timeoutMs ?? 30_000),
    });
    if (res.status < 200 || res.status >= 300) {
      const answer = readAwsErrorAnswer(res.status, res.headers, res.text);
      throw new AwsApiError({
        operation: name,
        status: answer.status,
        errorType: answer.errorType,
        requestId: answer.requestId,
        message: `${name} failed: ${answer.summary}`,
      });
    }
    try {
      return (res.text === '' ? {} : JSON.parse(res.text)) as T;
    } catch {
      throw new AwsApiError({
        operation: name,
        status: res.status,
        message: `${name}: ${base.origin} answered with something that is not JSON; check the endpoint`,
      });
    }
  }

  async function listAll<T>(operation: string, path: string, key: string): Promise<T[]> {
    const all: T[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await call<Record<string, unknown>>(operation, {
        method: 'GET',
        path,
        query: nextToken === undefined ? {} : { nextToken },
      });
      const items = answer[key];
      if (Array.isArray(items)) all.push(...(items as T[]));
      const next = answer['nextToken'];
      if (typeof next !== 'string' || next === '') return all;
      nextToken = next;
    }
    throw new AwsApiError({
      operation: `IAM Roles Anywhere ${operation}`,
      message: `IAM Roles Anywhere ${operation} gave more than ${MAX_PAGES} pages; the endpoint keeps answering with a nextToken`,
    });
  }

  const anchorPath = (id: string): string => `/trustanchor/${encodeURIComponent(id)}`;
  const profilePath = (id: string): string => `/profile/${encodeURIComponent(id)}`;
  return {
    listTrustAnchors: () =>
      listAll<TrustAnchorDetail>('ListTrustAnchors', '/trustanchors', 'trustAnchors'),
    createTrustAnchor: async (body) =>
      (
        await call<AnchorAnswer>('CreateTrustAnchor', {
          method: 'POST',
          path: '/trustanchors',
          body,
        })
      ).trustAnchor,
    updateTrustAnchor: async (id, body) =>
      (
        await call<AnchorAnswer>('UpdateTrustAnchor', {
          method: 'PATCH',
          path: anchorPath(id),
          body,
        })
      ).trustAnchor,
    enableTrustAnchor: async (id) =>
      (
        await call<AnchorAnswer>('EnableTrustAnchor', {
          method: 'POST',
          path: `${anchorPath(id)}/enable`,
        })
      ).trustAnchor,
    deleteTrustAnchor: async (id) => {
      await call('DeleteTrustAnchor', { method: 'DELETE', path: anchorPath(id) });
    },
    listProfiles: () => listAll<ProfileDetail>('ListProfiles', '/profiles', 'profiles'),
    createProfile: async (body) =>
      (await call<ProfileAnswer>('CreateProfile', { method: 'POST', path: '/profiles', body }))
        .profile,
    updateProfile: async (id, body) =>
      (await call<ProfileAnswer>('UpdateProfile', { method: 'PATCH', path: profilePath(id), body }))
        .profile,
    enableProfile: async (id) =>
      (
        await call<ProfileAnswer>('EnableProfile', {
          method: 'POST',
          path: `${profilePath(id)}/enable`,
        })
      ).profile,
    deleteProfile: async (id) => {
      await call('DeleteProfile', { method: 'DELETE', path: profilePath(id) });
    },
    tagsOf: async (arn) => {
      const { tags } = await call<{ tags?: RolesAnywhereTag[] }>('ListTagsForResource', {
        method: 'GET',
        path: '/ListTagsForResource',
        query: { resourceArn: arn },
      });
      return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value]));
    },
  };
}
