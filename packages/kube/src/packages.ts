import {
  CredprovError,
  ERROR_CODES,
  PACKAGE_GVK,
  PACKAGE_NAMESPACE_PREFIX,
  packageNamespace,
  type Package,
  type PackageSpec,
  type PackageState,
  type PackageStatus,
  dropUndefined,
  parseYaml,
} from '@eksa-credprov/core';
import { isDeepStrictEqual } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { getWorkloadClusterKubeConfig } from './cluster-secrets.ts';
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
  /**
   * Whether the status describes the current spec. The controller records no generation; it
   * copies the spec it acted on into `status.spec` (package-manager v0.4 and later) when it
   * installs, and when it sees a config change. So `false` means the spec changed since (a new
   * config or version) and `state` is still about the old one. Compared by meaning: the config as
   * YAML data, and a version that names what is installed counts as acted on (the controller
   * reinstalls nothing then, and records nothing). `targetNamespace` is not compared: the
   * controller does not act on a change of it. `true` when the controller has recorded no spec
   * yet (none, or the empty one it writes with a detail before it first acts).
   */
  readonly upToDate: boolean;
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
    upToDate: isUpToDate(object.spec, status),
    resourceVersion: meta.resourceVersion ?? '',
    object,
  };
}

/**
 * The version a spec asks for, named as the controller names it in its status and details:
 * `latest` when the spec names none. @internal
 */
export function requestedVersion(spec: PackageSpec): string {
  return spec.packageVersion === undefined || spec.packageVersion === ''
    ? 'latest'
    : spec.packageVersion;
}

/** See {@link PackageInfo.upToDate}. */
function isUpToDate(spec: PackageSpec, status: PackageStatus): boolean {
  const seen = status.spec;
  // Before it first acts, the controller writes the zero spec (`packageName: ""`) with a detail.
  if (seen === undefined || seen.packageName === '') return true;
  const want = requestedVersion(spec);
  const version =
    want === requestedVersion(seen) ||
    (want !== 'latest' && want === status.currentVersion) ||
    (want === 'latest' &&
      status.currentVersion !== undefined &&
      status.targetVersion === `${status.currentVersion} (latest)`);
  return version && sameConfig(spec.config ?? '', seen.config ?? '');
}

function sameConfig(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return isDeepStrictEqual(parseYaml(a), parseYaml(b));
  } catch {
    return false;
  }
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
 * The namespace where the package controller keeps its Helm releases, on the cluster a Package
 * targets: its own pod's namespace (Helm's storage namespace in package-manager).
 *
 * @public
 */
export const HELM_RELEASE_NAMESPACE = 'eksa-packages';

/**
 * Options for {@link deletePackage}.
 *
 * @public
 */
export interface DeletePackageOptions extends PackageOptions {
  /**
   * Wait until the Package is gone and the controller has uninstalled its Helm release (release
   * `<name>` in {@link HELM_RELEASE_NAMESPACE} on the target cluster, which the chart's objects go
   * with). The controller puts no finalizer on a Package: it is gone at once, and the uninstall
   * follows. Needs to list Secrets in that namespace on the target cluster. Bounded by
   * `timeoutMs`. @default false
   */
  readonly wait?: boolean;
  /**
   * The cluster the Package targets, where the release is. @default the cluster's kubeconfig
   * Secret (`eksa-system/<clusterName>-kubeconfig`) on the management cluster, or the management
   * cluster itself when there is none, as the controller does
   */
  readonly target?: KubeConfig;
}

/**
 * Deletes a Package; the package controller then uninstalls its Helm release.
 *
 * @returns whether there was a Package to delete.
 * @throws CredprovError `TIMEOUT` when `wait` runs out of time, saying what is left.
 * @public
 */
export async function deletePackage(
  name: string,
  options: DeletePackageOptions,
): Promise<{ readonly deleted: boolean }> {
  const ctx = await callContext(options);
  const where = `${packageNamespace(options.clusterName)}/${name}`;
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
  if (options.wait !== true) return { deleted: true };
  await pollUntil(ctx, `Package ${where} is still there (finalizers?)`, async () => {
    try {
      await ctx.transport.request({
        method: 'GET',
        path,
        idempotent: true,
        deadline: ctx.deadline,
        signal: ctx.signal,
      });
      return false;
    } catch (e) {
      if (isKubeApiError(e) && e.status === 404) return true;
      throw e;
    }
  });
  const releaseOn = options.target ?? (await releaseCluster(options));
  const target = await callContext({
    ...options,
    ...(releaseOn === undefined ? {} : { kubeConfig: releaseOn }),
  });
  await pollUntil(
    ctx,
    `the Helm release ${HELM_RELEASE_NAMESPACE}/${name} of Package ${where} is still installed: is the package controller running?`,
    async () => {
      const res = await target.transport.request({
        method: 'GET',
        path: `/api/v1/namespaces/${HELM_RELEASE_NAMESPACE}/secrets`,
        query: { labelSelector: `owner=helm,name=${name}`, limit: 1 },
        idempotent: true,
        deadline: ctx.deadline,
        signal: ctx.signal,
      });
      return ((res.body as { items?: unknown[] }).items ?? []).length === 0;
    },
  );
  return { deleted: true };
}

/** The cluster a Package's release is on, found as the package controller finds it. */
async function releaseCluster(options: PackageOptions): Promise<KubeConfig | undefined> {
  try {
    return await getWorkloadClusterKubeConfig(options.clusterName, options);
  } catch (e) {
    if (isKubeApiError(e) && e.status === 404) return options.kubeConfig;
    throw e;
  }
}

/**
 * Polls `done` every 200 ms until it holds. Past the call's deadline (a poll cut short by it
 * included), a TIMEOUT saying `what`.
 */
async function pollUntil(
  ctx: CallContext,
  what: string,
  done: () => Promise<boolean>,
): Promise<void> {
  const pollMs = 200;
  for (;;) {
    try {
      if (await done()) return;
    } catch (e) {
      if (Date.now() < ctx.deadline) throw e;
      throw new CredprovError({ code: ERROR_CODES.TIMEOUT, message: what, cause: e });
    }
    if (Date.now() + pollMs >= ctx.deadline)
      throw new CredprovError({ code: ERROR_CODES.TIMEOUT, message: what });
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
