import { describe, expect, it } from 'vitest';
import { isValidationError } from './errors.ts';
import { createKubeletCredentialProviderConfig } from './kubelet-config.ts';
import {
  createEcrServiceAccount,
  createTokenAudienceRbac,
  ecrTokenAttributes,
} from './service-account.ts';

describe('ecrTokenAttributes', () => {
  it.each([
    [
      'optional annotation (fallback to the node)',
      {},
      {
        serviceAccountTokenAudience: 'sts.amazonaws.com',
        cacheType: 'ServiceAccount',
        requireServiceAccount: false,
        optionalServiceAccountAnnotationKeys: ['eks.amazonaws.com/ecr-role-arn'],
      },
    ],
    [
      'required annotation (only annotated service accounts)',
      { audience: 'ecr.example', requireAnnotation: true },
      {
        serviceAccountTokenAudience: 'ecr.example',
        cacheType: 'ServiceAccount',
        requireServiceAccount: true,
        requiredServiceAccountAnnotationKeys: ['eks.amazonaws.com/ecr-role-arn'],
      },
    ],
  ])('%s, accepted by the kubelet’s rules', (_, init, want) => {
    const attributes = ecrTokenAttributes(init);
    expect(attributes).toEqual(want);
    const config = createKubeletCredentialProviderConfig({
      providers: [{ tokenAttributes: attributes }],
    });
    expect(config.providers[0]?.tokenAttributes).toEqual(want);
  });
});

describe('createTokenAudienceRbac', () => {
  it('grants system:nodes request-serviceaccounts-token-audience on the audience', () => {
    const [role, binding] = createTokenAudienceRbac({ audience: 'sts.amazonaws.com' });
    expect(role?.metadata.name).toBe('eksa-credprov:token-audience:sts.amazonaws.com');
    expect(role?.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['sts.amazonaws.com'],
        verbs: ['request-serviceaccounts-token-audience'],
      },
    ]);
    expect(binding?.roleRef?.name).toBe(role?.metadata.name);
    expect(binding?.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' },
    ]);
  });

  it.each([
    ['https://Issuer.example/x y', 'eksa-credprov:token-audience:https-issuer.example-x-y'],
    ['///', 'eksa-credprov:token-audience:audience'],
  ])('names the objects for %j with what names allow', (audience, name) => {
    expect(createTokenAudienceRbac({ audience })[0]?.metadata.name).toBe(name);
  });

  it('refuses an empty audience', () => {
    expect(() => createTokenAudienceRbac({ audience: '' })).toThrow(/audience/);
  });
});

describe('createEcrServiceAccount', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/builder';
  it('annotates the service account with the role', () => {
    expect(
      createEcrServiceAccount({ namespace: 'team-a', name: 'builder', roleArn: ROLE }),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'builder',
        namespace: 'team-a',
        annotations: { 'eks.amazonaws.com/ecr-role-arn': ROLE },
      },
    });
  });

  it.each([
    [{ namespace: 'Team', name: 'builder', roleArn: ROLE }, ['namespace']],
    [{ namespace: 'team', name: 'b_x', roleArn: ROLE }, ['name']],
    [{ namespace: 'team', name: 'builder', roleArn: 'builder' }, ['roleArn']],
    [
      { namespace: 'team', name: 'builder', roleArn: 'arn:aws:iam::123456789012:user/x' },
      ['roleArn'],
    ],
    [{ namespace: '', name: '', roleArn: '' }, ['namespace', 'name', 'roleArn']],
  ])('%j: names %j', (init, paths) => {
    let error: unknown;
    try {
      createEcrServiceAccount(init);
    } catch (e) {
      error = e;
    }
    expect(isValidationError(error) && error.issues.map((i) => i.path)).toEqual(paths);
  });
});
