import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { parse as parseYamlLib } from 'yaml';
import { describe, expect, it } from 'vitest';
import { issuesOf } from './test-support.ts';
import { type ValidationIssue } from './errors.ts';
import {
  createCredentialProviderPackage,
  resolveCredentialProviderPackageConfig,
} from './package-create.ts';
import {
  isPackage,
  parseCredentialProviderPackage,
  validateCredentialProviderPackage,
} from './package-parse.ts';
import { type CredentialProviderPackageInit, type Package } from './package-types.ts';
import { parseYaml, toYaml } from './yaml.ts';

const SHARED = resolve(import.meta.dirname, '../../../testdata/upstream/eks-anywhere-packages');

/** The values in spec.config, read as the package controller reads them (sigs.k8s.io/yaml). */
function configValues(pkg: Package): Record<string, unknown> {
  return parseYamlLib(pkg.spec.config ?? '') as Record<string, unknown>;
}

describe('resolveCredentialProviderPackageConfig', () => {
  it('fills the docs defaults', () => {
    expect(resolveCredentialProviderPackageConfig()).toEqual({
      tolerations: [
        { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      ],
      sourceRegistry: 'public.ecr.aws/eks-anywhere',
      credential: [
        {
          matchImages: ['*.dkr.ecr.*.amazonaws.com'],
          profile: 'default',
          secretName: 'aws-secret',
          defaultCacheDuration: '5h',
        },
      ],
    });
  });

  it('fills each credential entry separately and keeps what is given', () => {
    const c = resolveCredentialProviderPackageConfig({
      credential: [{ secretName: 'aws-config' }],
      tolerations: [],
      proxy: { HTTPS_PROXY: 'http://p:3128' },
    });
    expect(c.credential[0]).toEqual({
      matchImages: ['*.dkr.ecr.*.amazonaws.com'],
      profile: 'default',
      secretName: 'aws-config',
      defaultCacheDuration: '5h',
    });
    expect(c.tolerations).toEqual([]);
    expect(c.proxy).toEqual({ HTTPS_PROXY: 'http://p:3128' });
  });
});

describe('createCredentialProviderPackage', () => {
  it('builds the Package of the docs', () => {
    const pkg = createCredentialProviderPackage({
      clusterName: 'mgmt',
      config: { credential: [{ secretName: 'aws-config' }] },
    });
    expect(pkg).toMatchInlineSnapshot(`
      {
        "apiVersion": "packages.eks.amazonaws.com/v1alpha1",
        "kind": "Package",
        "metadata": {
          "annotations": {
            "anywhere.eks.aws.com/internal": "true",
            "helm.sh/resource-policy": "keep",
          },
          "name": "my-credential-provider-package",
          "namespace": "eksa-packages-mgmt",
        },
        "spec": {
          "config": "tolerations:
        - key: "node-role.kubernetes.io/master"
          operator: "Exists"
          effect: "NoSchedule"
        - key: "node-role.kubernetes.io/control-plane"
          operator: "Exists"
          effect: "NoSchedule"
      sourceRegistry: "public.ecr.aws/eks-anywhere"
      credential:
        - matchImages:
            - "*.dkr.ecr.*.amazonaws.com"
          profile: "default"
          secretName: "aws-config"
          defaultCacheDuration: "5h"
      ",
          "packageName": "credential-provider-package",
          "targetNamespace": "eksa-packages",
        },
      }
    `);
    // The meaning, independent of the snapshot: what the controller will read.
    expect(isPackage(pkg)).toBe(true);
    expect(Object.keys(pkg)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(configValues(pkg)['credential']).toEqual([
      {
        matchImages: ['*.dkr.ecr.*.amazonaws.com'],
        profile: 'default',
        secretName: 'aws-config',
        defaultCacheDuration: '5h',
      },
    ]);
  });

  it('keeps every match pattern, duration and profile a string, whatever it looks like', () => {
    const pkg = createCredentialProviderPackage({
      clusterName: 'c1',
      config: {
        credential: [
          {
            profile: '123',
            defaultCacheDuration: '0',
            matchImages: ['*.dkr.ecr.*.amazonaws.com', '*.example.com', 'public.ecr.aws'],
          },
        ],
      },
    });
    const entry = (configValues(pkg)['credential'] as Record<string, unknown>[])[0];
    expect(entry).toEqual({
      matchImages: ['*.dkr.ecr.*.amazonaws.com', '*.example.com', 'public.ecr.aws'],
      profile: '123',
      secretName: 'aws-secret',
      defaultCacheDuration: '0',
    });
    // And in YAML 1.1 parsers too (sigs.k8s.io/yaml is YAML 1.1): nothing unquoted.
    expect(parseYamlLib(pkg.spec.config ?? '', { version: '1.1' })).toEqual(configValues(pkg));
  });

  it('writes metadata, version, target namespace and extra chart values', () => {
    const pkg = createCredentialProviderPackage({
      clusterName: 'w01',
      name: 'ecr-credential-provider-package',
      targetNamespace: 'eksa-packages',
      annotations: {},
      labels: { team: 'platform' },
      packageVersion: '0.4.15-bfa37afbe8fd2c9471b138b2729c35b737ad52cf',
      config: {
        image: { pullPolicy: 'Always' },
        proxy: {
          HTTP_PROXY: 'http://proxy:3128',
          HTTPS_PROXY: 'http://proxy:3128',
          NO_PROXY: '10.0.0.0/8',
        },
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        resources: { limits: { memory: '64Mi' } },
        podAnnotations: { a: 'b' },
        extraValues: { serviceAccount: { create: false, name: 'x' } },
      },
    });
    expect(pkg.metadata).toEqual({
      name: 'ecr-credential-provider-package',
      namespace: 'eksa-packages-w01',
      labels: { team: 'platform' },
    });
    expect(pkg.spec.packageVersion).toBe('0.4.15-bfa37afbe8fd2c9471b138b2729c35b737ad52cf');
    const values = configValues(pkg);
    expect(values['image']).toEqual({ pullPolicy: 'Always' });
    expect(values['proxy']).toEqual({
      HTTP_PROXY: 'http://proxy:3128',
      HTTPS_PROXY: 'http://proxy:3128',
      NO_PROXY: '10.0.0.0/8',
    });
    expect(values['serviceAccount']).toEqual({ create: false, name: 'x' });
    expect(values['resources']).toEqual({ limits: { memory: '64Mi' } });
  });

  it('produces config that the bundle JSON schema accepts', () => {
    const schema = JSON.parse(
      readFileSync(resolve(SHARED, 'credential-provider-package.schema.json'), 'utf8'),
    ) as Schema;
    const pkg = createCredentialProviderPackage({
      clusterName: 'c',
      config: {
        image: { pullPolicy: 'IfNotPresent', digest: `sha256:${'a'.repeat(64)}` },
        nodeSelector: {},
        affinity: {},
        resources: {},
        podAnnotations: {},
        proxy: {},
      },
    });
    expect(schemaErrors(schema, configValues(pkg), '')).toEqual([]);
  });

  it('passes warnings to onWarning without failing', () => {
    const warnings: ValidationIssue[] = [];
    createCredentialProviderPackage({
      clusterName: 'c',
      config: { credential: [{ defaultCacheDuration: '12h' }] },
      onWarning: (w) => warnings.push(w),
    });
    createCredentialProviderPackage({
      clusterName: 'c',
      config: { credential: [{ matchImages: [] }] },
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings.map((w) => [w.path, w.code])).toEqual([
      ['config.credential[0].defaultCacheDuration', 'cache_duration_exceeds_token_lifetime'],
      ['config.credential[0].matchImages', 'empty_match_images'],
    ]);
    expect(warnings[0]?.message).toMatch(/ECR tokens expire after 12h/);
    expect(warnings[1]?.message).toMatch(
      /falls back to its built-in default "\*\.dkr\.ecr\.\*\.amazonaws\.com"/,
    );
  });

  it('keeps several credential entries only when asked, and still warns', () => {
    const warnings: ValidationIssue[] = [];
    const pkg = createCredentialProviderPackage({
      clusterName: 'c',
      config: { credential: [{}, { secretName: 'b' }] },
      allowMultipleCredentials: true,
      onWarning: (w) => warnings.push(w),
    });
    expect(configValues(pkg)['credential']).toHaveLength(2);
    expect(warnings.map((w) => w.code)).toEqual(['multiple_credentials']);
  });

  // The bad-input list of the issue: each is refused with the field path and what to do.
  const bad: readonly (readonly [
    string,
    Partial<CredentialProviderPackageInit> & { clusterName?: string },
    string,
    string,
    RegExp,
  ])[] = [
    [
      'duration with a space',
      { config: { credential: [{ defaultCacheDuration: '5 hours' }] } },
      'config.credential[0].defaultCacheDuration',
      'invalid_duration',
      /not a Go duration.*"30m", "5h"/,
    ],
    [
      'negative duration',
      { config: { credential: [{ defaultCacheDuration: '-1h' }] } },
      'config.credential[0].defaultCacheDuration',
      'negative_duration',
      />= 0/,
    ],
    [
      'empty duration',
      { config: { credential: [{ defaultCacheDuration: '' }] } },
      'config.credential[0].defaultCacheDuration',
      'invalid_duration',
      /not a Go duration/,
    ],
    [
      'pattern with a scheme',
      {
        config: {
          credential: [{ matchImages: ['https://123456789012.dkr.ecr.us-west-2.amazonaws.com'] }],
        },
      },
      'config.credential[0].matchImages[0]',
      'image_pattern_never_matches',
      /does not strip a scheme/,
    ],
    [
      'pattern with "?"',
      { config: { credential: [{ matchImages: ['registry.io/app?'] }] } },
      'config.credential[0].matchImages[0]',
      'image_pattern_never_matches',
      /starts a URL query/,
    ],
    [
      'pattern with "#"',
      { config: { credential: [{ matchImages: ['registry.io#x'] }] } },
      'config.credential[0].matchImages[0]',
      'image_pattern_never_matches',
      /fragment/,
    ],
    [
      'pattern with a space',
      { config: { credential: [{ matchImages: ['registry .io'] }] } },
      'config.credential[0].matchImages[0]',
      'invalid_image_pattern',
      /rejected by the kubelet.*invalid character " " in host name/,
    ],
    [
      'pattern with "["',
      { config: { credential: [{ matchImages: ['reg[a-z].io'] }] } },
      'config.credential[0].matchImages[0]',
      'invalid_image_pattern',
      /invalid IP-literal/,
    ],
    [
      'two credential entries',
      { config: { credential: [{}, {}] } },
      'config.credential',
      'multiple_credentials',
      /only uses credential\[0\].*allowMultipleCredentials: true/,
    ],
    [
      'no credential entry',
      { config: { credential: [] } },
      'config.credential',
      'required',
      /needs one entry/,
    ],
    [
      'cluster name with upper case',
      { clusterName: 'Prod' },
      'clusterName',
      'invalid_name',
      /RFC 1123 label/,
    ],
    [
      'cluster name too long',
      { clusterName: 'a'.repeat(50) },
      'clusterName',
      'invalid_name',
      /at most 49 characters/,
    ],
    ['empty cluster name', { clusterName: '' }, 'clusterName', 'required', /is required/],
    [
      'name too long for Helm',
      { name: 'p'.repeat(54) },
      'name',
      'invalid_name',
      /Helm release name/,
    ],
    [
      'bad target namespace',
      { targetNamespace: 'eksa_packages' },
      'targetNamespace',
      'invalid_name',
      /RFC 1123/,
    ],
    [
      'bad annotation key',
      { annotations: { 'bad key': 'x' } },
      'annotations.bad key',
      'invalid_name',
      /key "bad key"/,
    ],
    [
      'source registry with a scheme',
      { config: { sourceRegistry: 'https://public.ecr.aws/eks-anywhere' } },
      'config.sourceRegistry',
      'invalid_value',
      /without a scheme/,
    ],
    [
      'empty source registry',
      { config: { sourceRegistry: '' } },
      'config.sourceRegistry',
      'required',
      /substitutes its private ECR registry/,
    ],
    [
      'bad pull policy',
      { config: { image: { pullPolicy: 'always' as never } } },
      'config.image.pullPolicy',
      'invalid_value',
      /IfNotPresent, Always or Never/,
    ],
    [
      'lower-case proxy key',
      { config: { proxy: { https_proxy: 'x' } as never } },
      'config.proxy.https_proxy',
      'unknown_field',
      /upper case/,
    ],
    [
      'unusable proxy URL',
      { config: { proxy: { HTTPS_PROXY: 'http://proxy host:3128' } } },
      'config.proxy.HTTPS_PROXY',
      'invalid_value',
      /not a usable proxy URL/,
    ],
    [
      'bad secret name',
      { config: { credential: [{ secretName: 'AWS_SECRET' }] } },
      'config.credential[0].secretName',
      'invalid_name',
      /RFC 1123 subdomain/,
    ],
    [
      'bad profile',
      { config: { credential: [{ profile: 'my profile' }] } },
      'config.credential[0].profile',
      'invalid_value',
      /not a usable AWS profile name/,
    ],
    [
      'numeric profile',
      { config: { credential: [{ profile: 5 as never }] } },
      'config.credential[0].profile',
      'invalid_type',
      /quote it/,
    ],
    [
      'Exists toleration with value',
      { config: { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] } },
      'config.tolerations[0].value',
      'invalid_value',
      /must be empty/,
    ],
    [
      'modelled key in extraValues',
      { config: { extraValues: { credential: [] } } },
      'config.extraValues.credential',
      'invalid_value',
      /config\.credential/,
    ],
  ];

  it.each(bad)('refuses %s', (_name, init, path, code, message) => {
    const issues = issuesOf(() =>
      createCredentialProviderPackage({
        clusterName: 'mgmt',
        ...init,
      }),
    );
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.code).toBe(code);
    expect(issue?.message).toMatch(message);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf(() =>
      createCredentialProviderPackage({
        clusterName: 'Bad',
        config: {
          credential: [{ defaultCacheDuration: 'x', matchImages: ['https://a.io', 'b?'] }],
        },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'clusterName',
      'config.credential[0].matchImages[0]',
      'config.credential[0].matchImages[1]',
      'config.credential[0].defaultCacheDuration',
    ]);
  });
});

describe('parseCredentialProviderPackage', () => {
  const inits: readonly CredentialProviderPackageInit[] = [
    { clusterName: 'mgmt' },
    {
      clusterName: 'w1',
      name: 'n',
      annotations: {},
      targetNamespace: 'creds',
      packageVersion: 'v1',
      config: {
        credential: [
          {
            secretName: 'aws-config',
            profile: 'eksa',
            matchImages: ['public.ecr.aws', '*.dkr.ecr.*.amazonaws.com'],
          },
        ],
      },
    },
    {
      clusterName: 'w2',
      labels: { a: 'b' },
      config: {
        proxy: { HTTPS_PROXY: 'http://p:1' },
        tolerations: [],
        extraValues: { serviceAccount: { create: true } },
      },
    },
  ];

  it.each(inits)('round-trips create -> YAML -> parse -> create (%#)', (init) => {
    const pkg = createCredentialProviderPackage(init);
    const parsed = parseCredentialProviderPackage(toYaml(pkg));
    expect(parsed.warnings).toEqual([]);
    expect(createCredentialProviderPackage(parsed)).toEqual(pkg);
    expect(parseCredentialProviderPackage(pkg)).toEqual(parsed);
  });

  it('round-trips generated inputs', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
    fc.assert(
      fc.property(
        label,
        fc.array(
          fc.constantFrom(
            '*.dkr.ecr.*.amazonaws.com',
            'public.ecr.aws',
            'registry.example.com:5000/team',
            '[::1]:5000',
          ),
          { minLength: 1, maxLength: 3 },
        ),
        fc.constantFrom('1h', '5h', '30m', '11h59m', '90s'),
        label,
        (cluster, matchImages, defaultCacheDuration, secretName) => {
          const pkg = createCredentialProviderPackage({
            clusterName: cluster,
            config: { credential: [{ matchImages, defaultCacheDuration, secretName }] },
          });
          return (
            JSON.stringify(
              createCredentialProviderPackage(parseCredentialProviderPackage(toYaml(pkg))),
            ) === JSON.stringify(pkg)
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads the default Package the package controller installs', () => {
    const controllerDefault = `
apiVersion: packages.eks.amazonaws.com/v1alpha1
kind: Package
metadata:
  name: ecr-credential-provider-package
  namespace: eksa-packages-mgmt
  annotations:
    "helm.sh/resource-policy": keep
    "anywhere.eks.aws.com/internal": "true"
spec:
  packageName: credential-provider-package
  targetNamespace: eksa-packages
  config: |-
    tolerations:
      - key: "node-role.kubernetes.io/master"
        operator: "Exists"
        effect: "NoSchedule"
      - key: "node-role.kubernetes.io/control-plane"
        operator: "Exists"
        effect: "NoSchedule"
    sourceRegistry: "public.ecr.aws/eks-anywhere"
    credential:
      - matchImages:
        - 783794618700.dkr.ecr.us-west-2.amazonaws.com
        profile: "default"
        secretName: "aws-secret"
        defaultCacheDuration: "5h"
status:
  state: installed
  currentVersion: 0.4.15
`;
    const parsed = parseCredentialProviderPackage(controllerDefault);
    expect(parsed.clusterName).toBe('mgmt');
    expect(parsed.name).toBe('ecr-credential-provider-package');
    expect(parsed.config.credential[0]?.matchImages).toEqual([
      '783794618700.dkr.ecr.us-west-2.amazonaws.com',
    ]);
    expect(parsed.status?.state).toBe('installed');
    // Inspect, change, rebuild: the typed form is the builder's input.
    const changed = createCredentialProviderPackage({
      ...parsed,
      config: {
        ...parsed.config,
        credential: [
          { ...parsed.config.credential[0], matchImages: ['*.dkr.ecr.*.amazonaws.com'] },
        ],
      },
    });
    expect(configValues(changed)['credential']).toEqual([
      {
        matchImages: ['*.dkr.ecr.*.amazonaws.com'],
        profile: 'default',
        secretName: 'aws-secret',
        defaultCacheDuration: '5h',
      },
    ]);
  });

  it('catches the unquoted "*" of the docs IAM Roles Anywhere example, with its line', () => {
    const docsExample = `apiVersion: packages.eks.amazonaws.com/v1alpha1
kind: Package
metadata:
  name: my-credential-provider-package
  namespace: eksa-packages-mgmt
spec:
  packageName: credential-provider-package
  targetNamespace: eksa-packages
  config: |-
    sourceRegistry: "public.ecr.aws/eks-anywhere"
    credential:
      - matchImages:
        - *.dkr.ecr.*.amazonaws.com
        profile: "default"
        secretName: aws-config
        defaultCacheDuration: "5h"
`;
    const issues = issuesOf(() => parseCredentialProviderPackage(docsExample));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('spec.config');
    expect(issues[0]?.message).toMatch(/^line 4, column \d+: .*quote match patterns/);
  });

  it.each([
    [
      'a deprecated bare namespace',
      (p: MutablePackage) => {
        p.metadata['namespace'] = 'eksa-packages';
      },
      'metadata.namespace',
      /deprecated/,
    ],
    [
      'an invalid name, reported at metadata.name',
      (p: MutablePackage) => {
        p.metadata['name'] = 'Bad_Name';
      },
      'metadata.name',
      /Helm release name/,
    ],
    [
      'an invalid cluster name, reported at metadata.namespace',
      (p: MutablePackage) => {
        p.metadata['namespace'] = 'eksa-packages-Prod';
      },
      'metadata.namespace',
      /"Prod" must consist of lower-case letters/,
    ],
    [
      'another package',
      (p: MutablePackage) => {
        p.spec['packageName'] = 'harbor';
      },
      'spec.packageName',
      /credential-provider-package/,
    ],
    [
      'a config that is not a map',
      (p: MutablePackage) => {
        p.spec['config'] = '- a\n';
      },
      'spec.config',
      /YAML map/,
    ],
    [
      'a missing profile',
      (p: MutablePackage) => {
        p.spec['config'] =
          'sourceRegistry: x\ncredential:\n  - secretName: s\n    matchImages: ["a.io"]\n    defaultCacheDuration: 1h\n';
      },
      'spec.config.credential[0].profile',
      /"eksa-packages"/,
    ],
    [
      'a missing source registry',
      (p: MutablePackage) => {
        p.spec['config'] = 'credential: []\n';
      },
      'spec.config.sourceRegistry',
      /private ECR registry/,
    ],
    [
      'an unknown spec field',
      (p: MutablePackage) => {
        p.spec['version'] = '1';
      },
      'spec.version',
      /not a known field/,
    ],
    [
      'a duration as a number',
      (p: MutablePackage) => {
        p.spec['config'] =
          'sourceRegistry: x\ncredential:\n  - {secretName: s, profile: default, matchImages: [a.io], defaultCacheDuration: 30}\n';
      },
      'spec.config.credential[0].defaultCacheDuration',
      /quote it/,
    ],
  ])('refuses %s', (_name, mutate, path, message) => {
    const pkg = structuredClone(
      createCredentialProviderPackage({ clusterName: 'mgmt' }),
    ) as unknown as MutablePackage;
    mutate(pkg);
    const issues = issuesOf(() => parseCredentialProviderPackage(pkg));
    expect(issues.find((i) => i.path === path)?.message, JSON.stringify(issues)).toMatch(message);
  });

  it('reports a misplaced namespace once', () => {
    const pkg = structuredClone(
      createCredentialProviderPackage({ clusterName: 'mgmt' }),
    ) as unknown as MutablePackage;
    pkg.metadata['namespace'] = 'default';
    expect(issuesOf(() => parseCredentialProviderPackage(pkg)).map((i) => i.path)).toEqual([
      'metadata.namespace',
    ]);
  });

  it('takes the chart default for a missing credential list, and warns about a missing duration', () => {
    const pkg = structuredClone(
      createCredentialProviderPackage({ clusterName: 'mgmt' }),
    ) as unknown as MutablePackage;
    pkg.spec['config'] = 'sourceRegistry: "public.ecr.aws/eks-anywhere"\n';
    expect(parseCredentialProviderPackage(pkg).config.credential).toEqual([
      { matchImages: [], profile: 'default', secretName: 'aws-secret', defaultCacheDuration: '5h' },
    ]);
    pkg.spec['config'] =
      'sourceRegistry: x\ncredential:\n  - {secretName: s, profile: default, matchImages: [a.io]}\n';
    const parsed = parseCredentialProviderPackage(pkg);
    expect(parsed.config.credential[0]?.defaultCacheDuration).toBe('30m');
    expect(parsed.warnings.map((w) => w.path)).toEqual([
      'spec.config.credential[0].defaultCacheDuration',
    ]);
  });

  it('validateCredentialProviderPackage reports without throwing', () => {
    expect(validateCredentialProviderPackage('kind: Package\n').errors[0]?.code).toBe(
      'unsupported_kind',
    );
    expect(validateCredentialProviderPackage('a: [\n').errors[0]?.code).toBe('syntax');
    expect(
      validateCredentialProviderPackage(
        toYaml(createCredentialProviderPackage({ clusterName: 'a' })),
      ),
    ).toEqual({ errors: [], warnings: [] });
  });

  it('isPackage guards kind and version', () => {
    const pkg = createCredentialProviderPackage({ clusterName: 'a' });
    expect(isPackage(pkg)).toBe(true);
    for (const bad of [
      null,
      [],
      {},
      { ...pkg, kind: 'Secret' },
      { ...pkg, apiVersion: 'packages.eks.amazonaws.com/v1' },
      { ...pkg, spec: 'x' },
    ]) {
      expect(isPackage(bad)).toBe(false);
    }
    expect(parseYaml(toYaml(pkg))[0]).toEqual(pkg);
  });
});

/** A Package as plain mutable data, for tests that break it on purpose. */
interface MutablePackage {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
}

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
}

/** The subset of JSON Schema the bundle's schema uses: `type` and `properties`. */
function schemaErrors(schema: Schema, value: unknown, path: string): string[] {
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (schema.type !== undefined && schema.type !== actual)
    return [`${path}: expected ${schema.type}, found ${actual}`];
  if (schema.properties === undefined || actual !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const sub = schema.properties?.[k];
    return sub === undefined ? [] : schemaErrors(sub, v, `${path}.${k}`);
  });
}
