import { describe, expect, it } from 'vitest';
import { issuesOf } from './test-support.ts';
import {
  CREDENTIAL_PROVIDER_API_VERSIONS,
  createCredentialProviderRequest,
  createCredentialProviderResponse,
  parseCredentialProviderRequest,
  parseCredentialProviderResponse,
} from './protocol.ts';

const V1 = CREDENTIAL_PROVIDER_API_VERSIONS.v1;

describe('CredentialProviderRequest', () => {
  it('encodes as the kubelet does (upstream Test_encodeRequest)', () => {
    expect(
      JSON.stringify(createCredentialProviderRequest({ image: 'test.registry.io/foobar' })),
    ).toBe(
      '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"test.registry.io/foobar"}',
    );
    expect(
      JSON.stringify(
        createCredentialProviderRequest({
          image: 'test.registry.io/foobar',
          serviceAccountToken: 'service-account-token',
          serviceAccountAnnotations: { 'domain.io/annotation1': 'value1' },
        }),
      ),
    ).toBe(
      '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"test.registry.io/foobar","serviceAccountToken":"service-account-token","serviceAccountAnnotations":{"domain.io/annotation1":"value1"}}',
    );
  });

  it.each(Object.values(CREDENTIAL_PROVIDER_API_VERSIONS))('parses %s', (apiVersion) => {
    const text = `{"kind":"CredentialProviderRequest","apiVersion":"${apiVersion}","image":"registry.io/app"}\n`;
    expect(parseCredentialProviderRequest(text)).toEqual({
      kind: 'CredentialProviderRequest',
      apiVersion,
      image: 'registry.io/app',
    });
  });

  it.each([
    ['empty input', '', 'syntax'],
    ['white space only', ' \n', 'syntax'],
    ['malformed JSON', '{"kind":', 'syntax'],
    ['not an object', '[]', 'invalid_type'],
    [
      'wrong kind',
      `{"kind":"CredentialProviderResponse","apiVersion":"${V1}","image":"a"}`,
      'unsupported_kind',
    ],
    [
      'wrong group',
      '{"kind":"CredentialProviderRequest","apiVersion":"foo.k8s.io/v1","image":"a"}',
      'unsupported_kind',
    ],
    ['missing apiVersion', '{"kind":"CredentialProviderRequest","image":"a"}', 'unsupported_kind'],
    [
      'unknown field',
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":"a","extra":1}`,
      'unknown_field',
    ],
    [
      'wrongly-cased field',
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","Image":"a"}`,
      'unknown_field',
    ],
    [
      'duplicate field',
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":"a","image":"b"}`,
      'duplicate_field',
    ],
    ['missing image', `{"kind":"CredentialProviderRequest","apiVersion":"${V1}"}`, 'required'],
    [
      'null image',
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":null}`,
      'required',
    ],
    [
      'numeric image',
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":5}`,
      'invalid_type',
    ],
    [
      'token in v1beta1',
      '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1beta1","image":"a","serviceAccountToken":"t"}',
      'unknown_field',
    ],
  ])('rejects %s', (_name, text, code) => {
    expect(issuesOf(() => parseCredentialProviderRequest(text)).map((i) => i.code)).toContain(code);
  });

  it('hints at the right casing', () => {
    expect(
      issuesOf(() =>
        parseCredentialProviderRequest(
          `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","Image":"a"}`,
        ),
      )[0]?.message,
    ).toMatch(/write "image"/);
  });
});

describe('CredentialProviderResponse', () => {
  it('matches the Go provider encoding (upstream plugin_test.go)', () => {
    const response = createCredentialProviderResponse({
      cacheKeyType: 'Registry',
      cacheDuration: '10m0s',
      auth: { '*.registry.io': { username: 'user', password: 'password' } },
    });
    expect(`${JSON.stringify(response)}\n`).toBe(
      '{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry","cacheDuration":"10m0s","auth":{"*.registry.io":{"username":"user","password":"password"}}}\n',
    );
  });

  it.each(Object.values(CREDENTIAL_PROVIDER_API_VERSIONS))(
    'decodes a valid %s response (upstream Test_decodeResponse)',
    (apiVersion) => {
      const text = `{"kind":"CredentialProviderResponse","apiVersion":"${apiVersion}","cacheKeyType":"Registry","cacheDuration":"1m","auth":{"*.registry.io":{"username":"user","password":"password"}}}`;
      expect(parseCredentialProviderResponse(text, { apiVersion }).cacheDuration).toBe('1m');
    },
  );

  it('accepts null duration and auth, as Go does', () => {
    expect(
      parseCredentialProviderResponse(
        `{"kind":"CredentialProviderResponse","apiVersion":"${V1}","cacheKeyType":"Global","cacheDuration":null,"auth":null}`,
      ),
    ).toEqual({
      kind: 'CredentialProviderResponse',
      apiVersion: V1,
      cacheKeyType: 'Global',
      cacheDuration: null,
      auth: null,
    });
  });

  const base = (extra: string): string =>
    `{"kind":"CredentialProviderResponse","apiVersion":"${V1}"${extra}}`;
  it.each([
    [
      'WrongKind',
      `{"kind":"WrongKind","apiVersion":"${V1}","cacheKeyType":"Image"}`,
      'unsupported_kind',
    ],
    [
      'wrong group',
      '{"kind":"CredentialProviderResponse","apiVersion":"foobar.kubelet.k8s.io/v1beta1","cacheKeyType":"Image"}',
      'unsupported_kind',
    ],
    ['empty cacheKeyType', base(',"cacheKeyType":""'), 'invalid_value'],
    ['lower-case cacheKeyType', base(',"cacheKeyType":"registry"'), 'invalid_value'],
    ['numeric cacheDuration', base(',"cacheKeyType":"Image","cacheDuration":60'), 'invalid_type'],
    [
      'malformed cacheDuration',
      base(',"cacheKeyType":"Image","cacheDuration":"1 hour"'),
      'invalid_duration',
    ],
    ['unknown field', base(',"cacheKeyType":"Image","expiry":"x"'), 'unknown_field'],
    [
      'unknown auth field',
      base(',"cacheKeyType":"Image","auth":{"r.io":{"username":"u","password":"p","token":"t"}}'),
      'unknown_field',
    ],
    ['duplicate field', base(',"cacheKeyType":"Image","cacheKeyType":"Image"'), 'duplicate_field'],
    [
      'unparsable auth key',
      base(',"cacheKeyType":"Image","auth":{"r[a].io":{"username":"u","password":"p"}}'),
      'invalid_image_pattern',
    ],
  ])('rejects %s', (_name, text, code) => {
    expect(issuesOf(() => parseCredentialProviderResponse(text)).map((i) => i.code)).toContain(
      code,
    );
  });

  it('rejects a response in another version than the request', () => {
    const text = base(',"cacheKeyType":"Image"');
    expect(
      issuesOf(() =>
        parseCredentialProviderResponse(text, {
          apiVersion: CREDENTIAL_PROVIDER_API_VERSIONS.v1alpha1,
        }),
      )[0]?.code,
    ).toBe('mismatch');
  });

  it('never puts a password in an error', () => {
    const text = base(
      ',"cacheKeyType":"bogus","auth":{"r.io":{"username":"u","password":"hunter2-secret","x":1}}',
    );
    expect(
      issuesOf(() => parseCredentialProviderResponse(text))
        .map((i) => i.message)
        .join('\n'),
    ).not.toContain('hunter2-secret');
  });
});
