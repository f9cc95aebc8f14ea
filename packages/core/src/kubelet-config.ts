import { requireObject } from './input.ts';
import { ISSUE_CODES } from './errors.ts';
import { createIssueCollector, quote, type IssueCollector } from './issues.ts';
import { checkCacheDuration, checkMatchImages } from './field-checks.ts';
import { DEFAULT_CACHE_DURATION, DEFAULT_MATCH_IMAGES, type ProxyConfig } from './package-types.ts';
import { CREDENTIAL_PROVIDER_API_VERSIONS, type CredentialProviderApiVersion } from './protocol.ts';
import { checkQualifiedKey } from './names.ts';

/** API versions of the kubelet's `CredentialProviderConfig` file. @public */
export const KUBELET_CONFIG_API_VERSIONS = {
  v1: 'kubelet.config.k8s.io/v1',
  v1beta1: 'kubelet.config.k8s.io/v1beta1',
  v1alpha1: 'kubelet.config.k8s.io/v1alpha1',
} as const;
/** @public */
export type KubeletConfigApiVersion =
  (typeof KUBELET_CONFIG_API_VERSIONS)[keyof typeof KUBELET_CONFIG_API_VERSIONS];

/** Where the chart puts the provider binaries and the config on each node. @public */
export const NODE_PACKAGE_DIR = '/eksa-packages';

/** An environment variable for the provider. @public */
export interface ExecEnvVar {
  readonly name: string;
  readonly value: string;
}

/** Service-account token settings (config v1 only). @public */
export interface ServiceAccountTokenAttributes {
  readonly serviceAccountTokenAudience: string;
  readonly cacheType: 'Token' | 'ServiceAccount';
  readonly requireServiceAccount: boolean;
  readonly requiredServiceAccountAnnotationKeys?: readonly string[];
  readonly optionalServiceAccountAnnotationKeys?: readonly string[];
}

/** One provider in the kubelet config. @public */
export interface KubeletCredentialProvider {
  readonly name: string;
  readonly matchImages: readonly string[];
  readonly defaultCacheDuration: string;
  readonly apiVersion: CredentialProviderApiVersion;
  readonly args?: readonly string[];
  readonly env?: readonly ExecEnvVar[];
  readonly tokenAttributes?: ServiceAccountTokenAttributes;
}

/**
 * The kubelet's `CredentialProviderConfig` (`--image-credential-provider-config`).
 *
 * @public
 */
export interface KubeletCredentialProviderConfig {
  readonly apiVersion: KubeletConfigApiVersion;
  readonly kind: 'CredentialProviderConfig';
  readonly providers: readonly KubeletCredentialProvider[];
}

/**
 * Input for one provider. Defaults reproduce what the credential-provider-package writes on a
 * node: `ecr-credential-provider` with `AWS_PROFILE`, `AWS_CONFIG_FILE`, `PATH` and `HOME` set
 * for `/eksa-packages`.
 *
 * @public
 */
export interface KubeletCredentialProviderInit {
  /** Executable name in the bin dir. @default `"ecr-credential-provider"` */
  readonly name?: string;
  /** @default `["*.dkr.ecr.*.amazonaws.com"]` */
  readonly matchImages?: readonly string[];
  /** @default `"5h"` */
  readonly defaultCacheDuration?: string;
  /** @default v1, or v1alpha1 when `kubernetesVersion` is 1.25 or older */
  readonly apiVersion?: CredentialProviderApiVersion;
  readonly args?: readonly string[];
  /** Replaces the chart's environment entirely when given. */
  readonly env?: readonly ExecEnvVar[];
  /** `AWS_PROFILE` in the chart's environment. @default `"default"` */
  readonly profile?: string;
  /** `AWS_CONFIG_FILE` in the chart's environment. @default `"/eksa-packages/aws-creds"` */
  readonly awsConfigFile?: string;
  /** Proxy variables appended to the chart's environment when non-empty. */
  readonly proxy?: ProxyConfig;
  readonly tokenAttributes?: ServiceAccountTokenAttributes;
}

/**
 * Input for {@link createKubeletCredentialProviderConfig}.
 *
 * @public
 */
export interface KubeletCredentialProviderConfigInit {
  /** Kubernetes version of the nodes (`"1.31"`, `"v1.25.4"`): 1.25 and older get v1alpha1. */
  readonly kubernetesVersion?: string;
  /** @default one provider with every default */
  readonly providers?: readonly KubeletCredentialProviderInit[];
}

function isLegacyKubernetes(version: string | undefined, issues: IssueCollector): boolean {
  if (version === undefined) return false;
  const m = /^v?(\d+)\.(\d+)(\.\d+)?([-+].*)?$/.exec(version);
  if (m === null) {
    issues
      .at('kubernetesVersion')
      .error(
        ISSUE_CODES.INVALID_VALUE,
        `${quote(version)} must be a Kubernetes version such as "1.31" or "v1.25.4"`,
      );
    return false;
  }
  const major = Number(m[1]);
  const minor = Number(m[2]);
  // The chart writes v1alpha1 for K8S_VERSION <= v1.25 (v1 is served from 1.26).
  return major < 1 || (major === 1 && minor <= 25);
}

/**
 * Builds the kubelet `CredentialProviderConfig` that the credential-provider-package chart writes
 * to `/eksa-packages/credential-provider-config.yaml` on each node, or any other provider set-up.
 *
 * @throws {@link ValidationError} with the kubelet's own rules: at least one provider, unique
 * names without `/` or spaces, non-empty `matchImages` the kubelet can parse, a non-negative Go
 * duration, and `tokenAttributes` only in v1 with its required fields.
 * @see https://kubernetes.io/docs/tasks/administer-cluster/kubelet-credential-provider/
 * @public
 */
export function createKubeletCredentialProviderConfig(
  init: KubeletCredentialProviderConfigInit = {},
): KubeletCredentialProviderConfig {
  requireObject(init, 'createKubeletCredentialProviderConfig');
  const issues = createIssueCollector();
  const legacy = isLegacyKubernetes(init.kubernetesVersion, issues);
  const configVersion = legacy
    ? KUBELET_CONFIG_API_VERSIONS.v1alpha1
    : KUBELET_CONFIG_API_VERSIONS.v1;
  const inits = init.providers ?? [{}];
  if (inits.length === 0)
    issues.at('providers').error(ISSUE_CODES.REQUIRED, 'needs at least one provider');
  const seen = new Set<string>();
  const providers = inits.map((p, i): KubeletCredentialProvider => {
    const at = issues.at('providers', i);
    const provider = resolveProvider(p, legacy);
    checkProvider(provider, at, configVersion);
    if (seen.has(provider.name))
      at.at('name').error(
        ISSUE_CODES.DUPLICATE_FIELD,
        `${quote(provider.name)} is used by another provider; names must be unique`,
      );
    seen.add(provider.name);
    return provider;
  });
  issues.throwIfErrors('invalid kubelet CredentialProviderConfig');
  return { apiVersion: configVersion, kind: 'CredentialProviderConfig', providers };
}

function resolveProvider(
  p: KubeletCredentialProviderInit,
  legacy: boolean,
): KubeletCredentialProvider {
  const env: ExecEnvVar[] =
    p.env === undefined
      ? [
          { name: 'AWS_PROFILE', value: p.profile ?? 'default' },
          { name: 'AWS_CONFIG_FILE', value: p.awsConfigFile ?? `${NODE_PACKAGE_DIR}/aws-creds` },
          {
            name: 'PATH',
            value: `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${NODE_PACKAGE_DIR}`,
          },
          { name: 'HOME', value: `${NODE_PACKAGE_DIR}/` },
          ...(['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'] as const)
            .filter((k) => (p.proxy?.[k] ?? '') !== '')
            .map((k) => ({ name: k, value: p.proxy?.[k] ?? '' })),
        ]
      : [...p.env];
  return {
    name: p.name ?? 'ecr-credential-provider',
    matchImages: p.matchImages ?? DEFAULT_MATCH_IMAGES,
    defaultCacheDuration: p.defaultCacheDuration ?? DEFAULT_CACHE_DURATION,
    apiVersion:
      p.apiVersion ??
      (legacy ? CREDENTIAL_PROVIDER_API_VERSIONS.v1alpha1 : CREDENTIAL_PROVIDER_API_VERSIONS.v1),
    ...(p.args === undefined ? {} : { args: p.args }),
    env,
    ...(p.tokenAttributes === undefined ? {} : { tokenAttributes: p.tokenAttributes }),
  };
}

function checkProvider(
  p: KubeletCredentialProvider,
  at: IssueCollector,
  configVersion: KubeletConfigApiVersion,
): void {
  const name = at.at('name');
  if (p.name === '')
    name.error(
      ISSUE_CODES.REQUIRED,
      'is required: the executable name in --image-credential-provider-bin-dir',
    );
  else if (p.name.includes('/'))
    name.error(ISSUE_CODES.INVALID_VALUE, `${quote(p.name)}: provider name cannot contain '/'`);
  else if (p.name === '.' || p.name === '..')
    name.error(ISSUE_CODES.INVALID_VALUE, `${quote(p.name)}: provider name cannot be '${p.name}'`);
  else if (/\s/.test(p.name))
    name.error(ISSUE_CODES.INVALID_VALUE, `${quote(p.name)}: provider name cannot contain spaces`);
  checkMatchImages(p.matchImages, at.at('matchImages'), true);
  checkCacheDuration(p.defaultCacheDuration, at.at('defaultCacheDuration'));
  if (!Object.values<string>(CREDENTIAL_PROVIDER_API_VERSIONS).includes(p.apiVersion)) {
    at.at('apiVersion').error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(p.apiVersion)} must be one of ${Object.values(CREDENTIAL_PROVIDER_API_VERSIONS).join(', ')}`,
    );
  }
  for (const [i, e] of (p.env ?? []).entries()) {
    if (e.name === '') at.at('env', i).error(ISSUE_CODES.REQUIRED, 'needs a name');
  }
  const t = p.tokenAttributes;
  if (t === undefined) return;
  const tp = at.at('tokenAttributes');
  if (
    configVersion !== KUBELET_CONFIG_API_VERSIONS.v1 ||
    p.apiVersion !== CREDENTIAL_PROVIDER_API_VERSIONS.v1
  ) {
    tp.error(
      ISSUE_CODES.INVALID_VALUE,
      'is only supported for credentialprovider.kubelet.k8s.io/v1 (Kubernetes 1.33 and later)',
    );
  }
  if (t.serviceAccountTokenAudience === '')
    tp.at('serviceAccountTokenAudience').error(ISSUE_CODES.REQUIRED, 'is required');
  if (!['Token', 'ServiceAccount'].includes(t.cacheType))
    tp.at('cacheType').error(ISSUE_CODES.INVALID_VALUE, 'must be "ServiceAccount" or "Token"');
  const required = t.requiredServiceAccountAnnotationKeys ?? [];
  const optional = t.optionalServiceAccountAnnotationKeys ?? [];
  if (!t.requireServiceAccount && required.length > 0) {
    tp.at('requiredServiceAccountAnnotationKeys').error(
      ISSUE_CODES.INVALID_VALUE,
      'must be empty when requireServiceAccount is false',
    );
  }
  for (const [list, keys] of [
    ['requiredServiceAccountAnnotationKeys', required],
    ['optionalServiceAccountAnnotationKeys', optional],
  ] as const) {
    const seen = new Set<string>();
    for (const [i, key] of keys.entries()) {
      const kp = tp.at(list, i);
      const bad = checkQualifiedKey(key.toLowerCase());
      if (bad !== undefined) kp.error(ISSUE_CODES.INVALID_NAME, `${quote(key)} ${bad}`);
      if (seen.has(key)) kp.error(ISSUE_CODES.DUPLICATE_FIELD, `${quote(key)} is listed twice`);
      seen.add(key);
      if (list === 'optionalServiceAccountAnnotationKeys' && required.includes(key)) {
        kp.error(
          ISSUE_CODES.DUPLICATE_FIELD,
          `${quote(key)} is in both the required and optional lists`,
        );
      }
    }
  }
}
