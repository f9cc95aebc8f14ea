import {
  CredprovError,
  ERROR_CODES,
  PACKAGE_GVK,
  PACKAGE_NAMESPACE_PREFIX,
  packageNamespace,
  type Package,
  type PackageState,
  type PackageStatus,
  dropUndefined,
} from '@eksa-credprov/core';
import { isKubeApiError } from './errors.ts';
import { callContext, type CallContext, type KubeCallOptions } from './options.ts';

/** The path of the Package API group version. @internal */
export const PACKAGES = `/apis/${PACKAGE_GVK.apiVersion}`;

/**
 * A Package as read from the management cluster, with its status flattened for inspection.
 *
 * @public
 */
export interface PackageInfo {
  readonly name: string;
  readonly namespace: string;
  /** The cluster the Package targets (`eksa-packages-<clusterName>`); `''` for the legacy namespace. */
  readonly clusterName: string;
  readonly packageName: string;
  readonly createdAt?: Date;
  readonly state?: PackageState;
  readonly currentVersion?: string;
  readonly targetVersion?: string;
  readonly detail?: string;
  readonly upgradesAvailable: readonly { readonly version: string; readonly tag: string }[];
  readonly resourceVersion: string;
  /** The object as the server returned it. */
  readonly object: Package;
}

/** @internal */
export function toInfo(object: Package): PackageInfo {
  const meta = object.metadata as Package['metadata'] & {
    creationTimestamp?: string;
    resourceVersion?: string;
  };
  const status: PackageStatus = object.status ?? {};
  return {
    name: meta.name,
    namespace: meta.namespace,
    clusterName: meta.namespace.startsWith(PACKAGE_NAMESPACE_PREFIX)
      ? meta.namespace.slice(PACKAGE_NAMESPACE_PREFIX.length)
      : '',
    packageName: object.spec.packageName,
    ...(meta.creationTimestamp === undefined
      ? {}
      : { createdAt: new Date(meta.creationTimestamp) }),
    ...dropUndefined({
      state: status.state,
      currentVersion: status.currentVersion,
      targetVersion: status.targetVersion,
      detail: status.detail,
    }),
    upgradesAvailable: status.upgradesAvailable ?? [],
    resourceVersion: meta.resourceVersion ?? '',
    object,
  };
}

/**
 * Options for {@link listPackages}.
 *
 * @public
 */
export interface ListPackagesOptions extends KubeCallOptions {
  /** Only the Packages for this cluster; all namespaces when omitted. */
  readonly clusterName?: string;
}

/**
 * Lists Packages on the management cluster, sorted by namespace and name.
 *
 * @public
 */
export async function listPackages(options: ListPackagesOptions = {}): Promise<PackageInfo[]> {
  const ctx = await callContext(options);
  const path =
    options.clusterName === undefined
      ? `${PACKAGES}/packages`
      : `${PACKAGES}/namespaces/${packageNamespace(options.clusterName)}/packages`;
  const res = await ctx.transport.request({
    method: 'GET',
    path,
    idempotent: true,
    deadline: ctx.deadline,
    signal: ctx.signal,
  });
  const items = (res.body as { items?: Package[] }).items ?? [];
  return items
    .map(toInfo)
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/**
 * Options naming the cluster a Package is for.
 *
 * @public
 */
export interface PackageOptions extends KubeCallOptions {
  /** The cluster the Package configures; it lives in `eksa-packages-<clusterName>`. */
  readonly clusterName: string;
}

/** @internal The Package, or undefined when it does not exist. */
export async function readPackage(
  ctx: CallContext,
  name: string,
  clusterName: string,
): Promise<PackageInfo> {
  const res = await ctx.transport.request({
    method: 'GET',
    path: `${PACKAGES}/namespaces/${packageNamespace(clusterName)}/packages/${encodeURIComponent(name)}`,
    idempotent: true,
    deadline: ctx.deadline,
    signal: ctx.signal,
  });
  return toInfo(res.body as Package);
}

/**
 * Reads one Package and its status.
 *
 * @throws {@link KubeApiError} 404 when there is no such Package.
 * @public
 */
export async function getPackage(name: string, options: PackageOptions): Promise<PackageInfo> {
  return readPackage(await callContext(options), name, options.clusterName);
}

/**
 * Deletes a Package (the controller then uninstalls its Helm release).
 *
 * @param options.wait - Wait until the Package is gone. @default false
 * @returns whether there was a Package to delete.
 * @public
 */
export async function deletePackage(
  name: string,
  options: PackageOptions & { readonly wait?: boolean },
): Promise<{ readonly deleted: boolean }> {
  const ctx = await callContext(options);
  const path = `${PACKAGES}/namespaces/${packageNamespace(options.clusterName)}/packages/${encodeURIComponent(name)}`;
  try {
    await ctx.transport.request({
      method: 'DELETE',
      path,
      query: { propagationPolicy: 'Background' },
      idempotent: true,
      deadline: ctx.deadline,
      signal: ctx.signal,
    });
  } catch (e) {
    if (isKubeApiError(e) && e.status === 404) return { deleted: false };
    throw e;
  }
  if (options.wait === true) {
    for (;;) {
      try {
        await ctx.transport.request({
          method: 'GET',
          path,
          idempotent: true,
          deadline: ctx.deadline,
          signal: ctx.signal,
        });
      } catch (e) {
        if (isKubeApiError(e) && e.status === 404) break;
        throw e;
      }
      if (Date.now() > ctx.deadline) {
        throw new CredprovError({
          code: ERROR_CODES.TIMEOUT,
          message: `Package ${packageNamespace(options.clusterName)}/${name} is still there (finalizers?)`,
        });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { deleted: true };
}
