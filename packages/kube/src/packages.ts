import {
  CredprovError,
  ERROR_CODES,
  PACKAGE_GVK,
  PACKAGE_NAMESPACE_PREFIX,
  packageNamespace,
  type Package,
  type PackageState,
  type PackageStatus,
} from '@eksa-credprov/core';
import { isKubeApiError } from './errors.ts';
import { callContext, type CallContext, type KubeCallOptions } from './options.ts';

const PACKAGES = `/apis/${PACKAGE_GVK.apiVersion}`;

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

function toInfo(object: Package): PackageInfo {
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
    ...(status.state === undefined ? {} : { state: status.state }),
    ...(status.currentVersion === undefined ? {} : { currentVersion: status.currentVersion }),
    ...(status.targetVersion === undefined ? {} : { targetVersion: status.targetVersion }),
    ...(status.detail === undefined ? {} : { detail: status.detail }),
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

async function readPackage(
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
 * Formats Packages as `kubectl get packages` does, with the CRD's printer columns:
 * `NAME PACKAGE AGE STATE CURRENTVERSION TARGETVERSION DETAIL` (`NAMESPACE` first with
 * `allNamespaces`).
 *
 * @public
 */
export function formatPackageTable(
  packages: readonly PackageInfo[],
  options: { readonly allNamespaces?: boolean; readonly now?: Date } = {},
): string {
  if (packages.length === 0) return 'No resources found\n';
  const now = options.now ?? new Date();
  const header = ['NAME', 'PACKAGE', 'AGE', 'STATE', 'CURRENTVERSION', 'TARGETVERSION', 'DETAIL'];
  const rows = packages.map((p) => [
    p.name,
    p.packageName,
    p.createdAt === undefined ? '<unknown>' : humanDuration(now.getTime() - p.createdAt.getTime()),
    p.state ?? '',
    p.currentVersion ?? '',
    p.targetVersion ?? '',
    p.detail ?? '',
  ]);
  const table =
    options.allNamespaces === true
      ? [['NAMESPACE', ...header], ...rows.map((r, i) => [packages[i]?.namespace ?? '', ...r])]
      : [header, ...rows];
  const widths = (table[0] ?? []).map((_, c) => Math.max(...table.map((r) => (r[c] ?? '').length)));
  // kubectl's tabwriter: columns padded to the widest cell plus 3 spaces; no padding after the last.
  return `${table
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd((widths[c] ?? 0) + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/**
 * kubectl's age format (`k8s.io/apimachinery/pkg/util/duration.HumanDuration`): `45s`, `3m20s`,
 * `15m`, `4h5m`, `20h`, `3d4h`, `9d`, `2y30d`.
 *
 * @public
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${hours / 24}d` : `${Math.trunc(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    return days === 0
      ? `${Math.trunc(hours / 24 / 365)}y`
      : `${Math.trunc(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/**
 * Options for {@link waitForPackage}.
 *
 * @public
 */
export interface WaitForPackageOptions extends PackageOptions {
  /** The state to wait for. @default `"installed"` */
  readonly state?: PackageState;
  /** Called with the Package each time it changes. */
  readonly onProgress?: (pkg: PackageInfo) => void;
  /**
   * Stop early, with the Package's `detail`, when this returns true.
   * @default state `"unknown"` (the controller gave up on the Package)
   */
  readonly failWhen?: (pkg: PackageInfo) => boolean;
}

/**
 * Waits until a Package reaches a state (by default `installed`), watching it (no polling) and
 * re-watching when the server ends the watch. Ends early, with the controller's `detail`, when
 * the controller reports a state it does not recover from.
 *
 * @throws CredprovError `TIMEOUT` after `timeoutMs` (default 30 s) or when `signal` aborts, with
 * the last state and detail seen; the Package's own failure as CredprovError `PACKAGE_FAILED`.
 * @public
 */
export async function waitForPackage(
  name: string,
  options: WaitForPackageOptions,
): Promise<PackageInfo> {
  const want = options.state ?? 'installed';
  const failWhen = options.failWhen ?? ((p: PackageInfo) => p.state === 'unknown');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new Error('timeout'));
  }, timeoutMs);
  const signal =
    options.signal === undefined
      ? controller.signal
      : AbortSignal.any([controller.signal, options.signal]);
  const ctx = { ...(await callContext({ ...options, timeoutMs })), signal };
  let last: PackageInfo | undefined;
  const seen = (p: PackageInfo): 'done' | 'failed' | 'waiting' => {
    if (last?.resourceVersion !== p.resourceVersion) options.onProgress?.(p);
    last = p;
    if (p.state === want) return 'done';
    return failWhen(p) ? 'failed' : 'waiting';
  };
  const failed = (p: PackageInfo): CredprovError =>
    new CredprovError({
      code: ERROR_CODES.PACKAGE_FAILED,
      message: `Package ${p.namespace}/${p.name} is ${p.state ?? 'without state'}${p.detail === undefined || p.detail === '' ? '' : `: ${p.detail}`}`,
    });
  try {
    for (;;) {
      let current: PackageInfo | undefined;
      try {
        current = await readPackage(ctx, name, options.clusterName);
      } catch (e) {
        if (!(isKubeApiError(e) && e.status === 404)) throw e;
      }
      if (current !== undefined) {
        const verdict = seen(current);
        if (verdict === 'done') return current;
        if (verdict === 'failed') throw failed(current);
      }
      let result: PackageInfo | undefined;
      let failure: CredprovError | undefined;
      const watchAbort = new AbortController();
      await ctx.transport
        .watch(
          {
            method: 'GET',
            path: `${PACKAGES}/namespaces/${packageNamespace(options.clusterName)}/packages`,
            query: {
              watch: true,
              fieldSelector: `metadata.name=${name}`,
              allowWatchBookmarks: true,
              resourceVersion: current?.resourceVersion,
              timeoutSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)),
            },
            idempotent: true,
            deadline: ctx.deadline,
            signal: AbortSignal.any([signal, watchAbort.signal]),
          },
          (event) => {
            const { type, object } = event as { type: string; object: Package };
            if (type !== 'ADDED' && type !== 'MODIFIED') return;
            const verdict = seen(toInfo(object));
            if (verdict === 'done') result = last;
            else if (verdict === 'failed' && last !== undefined) failure = failed(last);
            if (verdict !== 'waiting') watchAbort.abort();
          },
        )
        .catch((e: unknown) => {
          if (!watchAbort.signal.aborted) throw e;
        });
      if (result !== undefined) return result;
      if (failure !== undefined) throw failure;
      // The server closed the watch (timeout, restart): read again and watch again.
    }
  } catch (e) {
    if (controller.signal.aborted || options.signal?.aborted === true) {
      throw new CredprovError({
        code: ERROR_CODES.TIMEOUT,
        message: `Package eksa-packages-${options.clusterName}/${name} did not become ${want} ${controller.signal.aborted ? `within ${timeoutMs} ms` : 'before the wait was aborted'}; last seen: ${last === undefined ? 'not found' : `${last.state ?? 'no state'}${last.detail === undefined || last.detail === '' ? '' : ` (${last.detail})`}`}`,
        cause: e,
      });
    }
    throw e;
  } finally {
    clearTimeout(timer);
  }
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
