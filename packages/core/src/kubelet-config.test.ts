import { describe, expect, it } from 'vitest';
import { issuesOf } from './test-support.ts';
import { createKubeletCredentialProviderConfig } from './kubelet-config.ts';

describe('createKubeletCredentialProviderConfig', () => {
  it('reproduces what the chart writes on a node', () => {
    expect(
      createKubeletCredentialProviderConfig({
        providers: [
          {
            matchImages: ['*.dkr.ecr.*.amazonaws.com'],
            profile: 'default',
            proxy: { HTTPS_PROXY: 'http://p:3128', NO_PROXY: '' },
          },
        ],
      }),
    ).toEqual({
      apiVersion: 'kubelet.config.k8s.io/v1',
      kind: 'CredentialProviderConfig',
      providers: [
        {
          name: 'ecr-credential-provider',
          matchImages: ['*.dkr.ecr.*.amazonaws.com'],
          defaultCacheDuration: '5h',
          apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
          env: [
            { name: 'AWS_PROFILE', value: 'default' },
            { name: 'AWS_CONFIG_FILE', value: '/eksa-packages/aws-creds' },
            {
              name: 'PATH',
              value: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/eksa-packages',
            },
            { name: 'HOME', value: '/eksa-packages/' },
            { name: 'HTTPS_PROXY', value: 'http://p:3128' },
          ],
        },
      ],
    });
  });

  it.each([
    ['1.25', 'v1alpha1'],
    ['v1.25.16', 'v1alpha1'],
    ['1.24', 'v1alpha1'],
    ['1.26', 'v1'],
    ['v1.33.1-eks-1', 'v1'],
    [undefined, 'v1'],
  ])('Kubernetes %s gets %s', (kubernetesVersion, version) => {
    const config = createKubeletCredentialProviderConfig(
      kubernetesVersion === undefined ? {} : { kubernetesVersion },
    );
    expect(config.apiVersion).toBe(`kubelet.config.k8s.io/${version}`);
    expect(config.providers[0]?.apiVersion).toBe(`credentialprovider.kubelet.k8s.io/${version}`);
  });

  it('takes explicit env, args and several providers', () => {
    const config = createKubeletCredentialProviderConfig({
      providers: [
        {
          name: 'eksa-ecr-credential-provider',
          env: [{ name: 'AWS_REGION', value: 'us-west-2' }],
          args: ['get-credentials'],
        },
        { name: 'other', matchImages: ['registry.example.com'], defaultCacheDuration: '1m' },
      ],
    });
    expect(config.providers.map((p) => p.name)).toEqual(['eksa-ecr-credential-provider', 'other']);
    expect(config.providers[0]?.env).toEqual([{ name: 'AWS_REGION', value: 'us-west-2' }]);
    expect(config.providers[0]?.args).toEqual(['get-credentials']);
  });

  it('accepts tokenAttributes for v1', () => {
    const tokenAttributes = {
      serviceAccountTokenAudience: 'sts.amazonaws.com',
      cacheType: 'ServiceAccount',
      requireServiceAccount: true,
      requiredServiceAccountAnnotationKeys: ['eks.amazonaws.com/ecr-role-arn'],
    } as const;
    expect(
      createKubeletCredentialProviderConfig({ providers: [{ tokenAttributes }] }).providers[0]
        ?.tokenAttributes,
    ).toEqual(tokenAttributes);
  });

  // The kubelet's own validation (pkg/credentialprovider/plugin/config.go), one row each.
  const token = {
    serviceAccountTokenAudience: 'aud',
    cacheType: 'Token',
    requireServiceAccount: true,
  } as const;
  it.each([
    ['no providers', { providers: [] }, 'providers', /at least one provider/],
    [
      'empty matchImages',
      { providers: [{ matchImages: [] }] },
      'providers[0].matchImages',
      /at least one pattern/,
    ],
    [
      'a name with "/"',
      { providers: [{ name: 'foo/../bar' }] },
      'providers[0].name',
      /cannot contain '\/'/,
    ],
    ['name "."', { providers: [{ name: '.' }] }, 'providers[0].name', /cannot be '\.'/],
    ['name ".."', { providers: [{ name: '..' }] }, 'providers[0].name', /cannot be '\.\.'/],
    [
      'a name with a space',
      { providers: [{ name: 'foo bar' }] },
      'providers[0].name',
      /cannot contain spaces/,
    ],
    [
      'duplicate names',
      { providers: [{ name: 'foobar' }, { name: 'foobar' }] },
      'providers[1].name',
      /unique/,
    ],
    [
      'an unsupported version',
      { providers: [{ apiVersion: 'credentialprovider.kubelet.k8s.io/v1alpha0' as never }] },
      'providers[0].apiVersion',
      /must be one of/,
    ],
    [
      'a negative duration',
      { providers: [{ defaultCacheDuration: '-1m0s' }] },
      'providers[0].defaultCacheDuration',
      />= 0/,
    ],
    [
      'an invalid match image',
      { providers: [{ matchImages: ['%invalid%'] }] },
      'providers[0].matchImages[0]',
      /invalid URL escape "%in"/,
    ],
    [
      'tokenAttributes with v1alpha1',
      { kubernetesVersion: '1.25', providers: [{ tokenAttributes: token }] },
      'providers[0].tokenAttributes',
      /only supported for credentialprovider.kubelet.k8s.io\/v1/,
    ],
    [
      'tokenAttributes without audience',
      { providers: [{ tokenAttributes: { ...token, serviceAccountTokenAudience: '' } }] },
      'providers[0].tokenAttributes.serviceAccountTokenAudience',
      /required/,
    ],
    [
      'an unsupported cacheType',
      { providers: [{ tokenAttributes: { ...token, cacheType: 'Pod' as never } }] },
      'providers[0].tokenAttributes.cacheType',
      /"ServiceAccount" or "Token"/,
    ],
    [
      'required keys without requireServiceAccount',
      {
        providers: [
          {
            tokenAttributes: {
              ...token,
              requireServiceAccount: false,
              requiredServiceAccountAnnotationKeys: ['a.io/b'],
            },
          },
        ],
      },
      'providers[0].tokenAttributes.requiredServiceAccountAnnotationKeys',
      /requireServiceAccount is false/,
    ],
    [
      'an invalid annotation key',
      {
        providers: [
          { tokenAttributes: { ...token, optionalServiceAccountAnnotationKeys: ['bad key'] } },
        ],
      },
      'providers[0].tokenAttributes.optionalServiceAccountAnnotationKeys[0]',
      /"bad key"/,
    ],
    [
      'a key in both lists',
      {
        providers: [
          {
            tokenAttributes: {
              ...token,
              requiredServiceAccountAnnotationKeys: ['a.io/b'],
              optionalServiceAccountAnnotationKeys: ['a.io/b'],
            },
          },
        ],
      },
      'providers[0].tokenAttributes.optionalServiceAccountAnnotationKeys[0]',
      /both the required and optional/,
    ],
    ['a bad Kubernetes version', { kubernetesVersion: 'latest' }, 'kubernetesVersion', /"1.31"/],
  ])('refuses %s', (_name, init, path, message) => {
    const issues = issuesOf(() => createKubeletCredentialProviderConfig(init));
    expect(issues.find((i) => i.path === path)?.message, JSON.stringify(issues)).toMatch(message);
  });
});
