/**
 * Building the credential-provider `Package`: its chart values resolved with the docs' defaults,
 * checked, and rendered.
 */
import { dropUndefined } from './defined.ts';
import { requireObject } from './input.ts';
import { createIssueCollector } from './issues.ts';
import { DEFAULT_TARGET_NAMESPACE, packageNamespace } from './kube-object.ts';
import { checkClusterName, checkConfig, checkPackageFields } from './package-checks.ts';
import {
  CREDENTIAL_PROVIDER_PACKAGE_NAME,
  type CredentialConfig,
  type CredentialProviderPackageConfig,
  type CredentialProviderPackageConfigInit,
  type CredentialProviderPackageInit,
  DEFAULT_CACHE_DURATION,
  DEFAULT_MATCH_IMAGES,
  DEFAULT_PACKAGE_ANNOTATIONS,
  DEFAULT_PACKAGE_NAME,
  DEFAULT_SOURCE_REGISTRY,
  DEFAULT_TOLERATIONS,
  type Package,
  PACKAGE_GVK,
  CHART_KEYS,
} from './package-types.ts';
import { toQuotedValuesYaml } from './yaml.ts';

/**
 * Fills the defaults of the chart values. Pure; does not validate.
 *
 * @public
 */
export function resolveCredentialProviderPackageConfig(
  init: CredentialProviderPackageConfigInit = {},
): CredentialProviderPackageConfig {
  requireObject(init, 'resolveCredentialProviderPackageConfig');
  const credential = (init.credential ?? [{}]).map((c): CredentialConfig => ({
    matchImages: c.matchImages ?? DEFAULT_MATCH_IMAGES,
    profile: c.profile ?? 'default',
    secretName: c.secretName ?? 'aws-secret',
    defaultCacheDuration: c.defaultCacheDuration ?? DEFAULT_CACHE_DURATION,
  }));
  // The chart keys as given, then the three with the docs' defaults.
  const given = Object.fromEntries(CHART_KEYS.map((key) => [key, init[key]])) as Partial<
    Omit<CredentialProviderPackageConfig, 'credential'>
  >;
  return dropUndefined({
    ...given,
    tolerations: init.tolerations ?? DEFAULT_TOLERATIONS,
    sourceRegistry: init.sourceRegistry ?? DEFAULT_SOURCE_REGISTRY,
    credential,
    extraValues: init.extraValues,
  });
}

/**
 * Builds the `Package` that installs the credential-provider-package on a cluster, in the
 * management cluster's namespace `eksa-packages-<clusterName>`.
 *
 * `spec.config` is rendered as YAML with every string quoted, so match patterns such as
 * `*.dkr.ecr.*.amazonaws.com` stay strings (unquoted, YAML reads them as aliases, as in the
 * docs' own Roles Anywhere example) and `defaultCacheDuration` and `profile` are never numbers.
 *
 * @throws {@link ValidationError} listing every problem (bad names, durations, match patterns the
 * kubelet rejects or that never match, more than one credential entry, ...). Warnings go to
 * `init.onWarning`.
 * @example
 * ```ts
 * const pkg = createCredentialProviderPackage({
 *   clusterName: 'prod',
 *   config: { credential: [{ secretName: 'aws-config', matchImages: ['*.dkr.ecr.*.amazonaws.com'] }] },
 * });
 * ```
 * @see https://anywhere.eks.amazonaws.com/docs/packages/credential-provider-package/
 * @public
 */
export function createCredentialProviderPackage(init: CredentialProviderPackageInit): Package {
  requireObject(init, 'createCredentialProviderPackage');
  const issues = createIssueCollector();
  const config = resolveCredentialProviderPackageConfig(init.config);
  checkClusterName(init.clusterName, issues.at('clusterName'));
  checkPackageFields(init, issues);
  checkConfig(config, issues.at('config'), init.allowMultipleCredentials === true);
  issues.throwIfErrors('invalid credential-provider Package');
  for (const w of issues.warnings) init.onWarning?.(w);
  return renderPackage(init, config);
}

function renderPackage(
  init: CredentialProviderPackageInit,
  config: CredentialProviderPackageConfig,
): Package {
  const annotations = init.annotations ?? DEFAULT_PACKAGE_ANNOTATIONS;
  const metadata = dropUndefined({
    name: init.name ?? DEFAULT_PACKAGE_NAME,
    namespace: packageNamespace(init.clusterName),
    labels: init.labels,
    annotations: Object.keys(annotations).length === 0 ? undefined : annotations,
  });
  return {
    apiVersion: PACKAGE_GVK.apiVersion,
    kind: PACKAGE_GVK.kind,
    metadata,
    spec: dropUndefined({
      packageName: CREDENTIAL_PROVIDER_PACKAGE_NAME,
      packageVersion: init.packageVersion,
      targetNamespace: init.targetNamespace ?? DEFAULT_TARGET_NAMESPACE,
      config: renderConfig(config),
    }),
  };
}

function renderConfig(config: CredentialProviderPackageConfig): string {
  const values: Record<string, unknown> = {
    ...Object.fromEntries(
      CHART_KEYS.map((key) => [
        key,
        key === 'credential'
          ? config.credential.map((c) => ({
              matchImages: c.matchImages,
              profile: c.profile,
              secretName: c.secretName,
              defaultCacheDuration: c.defaultCacheDuration,
            }))
          : config[key],
      ]),
    ),
    ...config.extraValues,
  };
  return toQuotedValuesYaml(values);
}
