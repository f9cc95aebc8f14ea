/**
 * The few IAM Roles Anywhere control-plane calls the set-up needs, as signed REST requests. The
 * registry serves only an old `@aws-sdk/client-rolesanywhere` (3.332, before the `@smithy`
 * packages), so requests are signed here with the package's own SigV4 signer (`signHmac`, the
 * one the node-side provider uses, checked against `@smithy/signature-v4` in sign.test.ts).
 *
 * @internal
 */
import { CredprovError, ERROR_CODES } from '@eksa-credprov/core';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from './from-roles-anywhere.ts';
import { signHmac, toAmzDate } from './sign.ts';

/** Signed calls to the Roles Anywhere REST API. */
export interface RolesAnywhereClient {
  call<T>(
    operation: string,
    request: { method: string; path: string; body?: unknown; query?: Record<string, string> },
  ): Promise<T>;
}

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

/** A client for one region, signing with the given credentials; `endpoint` for the emulator. */
export function createRolesAnywhereClient(init: {
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  endpoint?: string | undefined;
}): RolesAnywhereClient {
  const base = new URL(
    init.endpoint ??
      process.env['AWS_ENDPOINT_URL_ROLESANYWHERE'] ??
      `https://rolesanywhere.${init.region}.amazonaws.com`,
  );
  const given = init.credentials;
  const credentials = typeof given === 'function' ? given : () => Promise.resolve(given);
  return {
    async call<T>(
      operation: string,
      request: { method: string; path: string; body?: unknown; query?: Record<string, string> },
    ): Promise<T> {
      const body = request.body === undefined ? undefined : JSON.stringify(request.body);
      const { accessKeyId, secretAccessKey, sessionToken } = await credentials();
      const amzDate = toAmzDate(new Date());
      const headers: Record<string, string> = {
        host: base.host,
        'x-amz-date': amzDate,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(sessionToken === undefined ? {} : { 'x-amz-security-token': sessionToken }),
      };
      const { authorization } = signHmac({
        method: request.method,
        path: request.path,
        query: request.query ?? {},
        headers,
        body: body ?? '',
        amzDate,
        region: init.region,
        service: 'rolesanywhere',
        accessKeyId,
        secretAccessKey,
      });
      const search = new URLSearchParams(request.query ?? {}).toString();
      let res: Response;
      try {
        res = await fetch(`${base.origin}${request.path}${search === '' ? '' : `?${search}`}`, {
          method: request.method,
          headers: { ...headers, authorization },
          ...(body === undefined ? {} : { body }),
        });
      } catch (e) {
        throw new CredprovError({
          code: ERROR_CODES.AWS_API_ERROR,
          message: `IAM Roles Anywhere ${operation}: cannot reach ${base.origin}: ${(e as { cause?: { code?: string } }).cause?.code ?? String(e)}`,
          cause: e,
        });
      }
      const text = await res.text();
      if (!res.ok) {
        let message = text.slice(0, 300);
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? message;
        } catch {
          // keep the text
        }
        const kind = res.headers.get('x-amzn-errortype')?.split(':')[0] ?? `HTTP ${res.status}`;
        throw new CredprovError({
          code: ERROR_CODES.AWS_API_ERROR,
          message: `IAM Roles Anywhere ${operation} failed: ${res.status} ${kind}: ${message}`,
        });
      }
      return (text === '' ? {} : JSON.parse(text)) as T;
    },
  };
}
