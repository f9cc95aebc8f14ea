/**
 * What every Kubernetes object this SDK builds shares: its metadata, and the namespaces of the
 * EKS Anywhere curated packages.
 */

/**
 * Kubernetes object metadata, as far as this SDK reads it. Other fields (uid, resourceVersion,
 * ...) are kept when an object is parsed.
 *
 * @public
 */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** Namespace prefix of Packages on the management cluster: `eksa-packages-<clusterName>`. @public */
export const PACKAGE_NAMESPACE_PREFIX = 'eksa-packages-';

/**
 * The management cluster's namespace for a cluster's Packages: `eksa-packages-<clusterName>`.
 *
 * @public
 */
export function packageNamespace(clusterName: string): string {
  return `${PACKAGE_NAMESPACE_PREFIX}${clusterName}`;
}

/** Namespace the chart installs into and where its credential Secret must live. @public */
export const DEFAULT_TARGET_NAMESPACE = 'eksa-packages';
