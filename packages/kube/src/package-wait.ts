/**
 * Waiting for a Package to reach a state, watching it on the management cluster.
 */
import {
  CredprovError,
  ERROR_CODES,
  packageNamespace,
  type Package,
  type PackageState,
} from '@eksa-credprov/core';
import { isKubeApiError } from './errors.ts';
import { callContext } from './options.ts';
import {
  PACKAGES,
  readPackage,
  requestedVersion,
  toInfo,
  type PackageInfo,
  type PackageOptions,
} from './packages.ts';

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
   * @default {@link isPackageFailed}
   */
  readonly failWhen?: (pkg: PackageInfo) => boolean;
}

/**
 * Whether the package controller has given up on a Package until its spec (or the bundle)
 * changes: state `unknown` (a namespace it does not serve), or a `detail` saying that the
 * package or version the spec names is not in the active bundle. Only a detail about the
 * current spec counts: the one left from a version since corrected does not.
 *
 * @public
 */
export function isPackageFailed(pkg: PackageInfo): boolean {
  if (pkg.state === 'unknown') return true;
  // package-manager's words (controllers/package_controller.go):
  // "Package <name> is not in the active bundle (<bundle>)." and "Package <name>@<version> …".
  const match = /^Package ([^@\s]+)(?:@(\S+))? is not in the active bundle \(/.exec(
    pkg.detail ?? '',
  );
  if (match === null) return false;
  const [, name = '', version] = match;
  const spec = pkg.object.spec;
  return (
    name.toLowerCase() === spec.packageName.toLowerCase() &&
    (version === undefined || version === requestedVersion(spec))
  );
}

/**
 * Waits until a Package reaches a state (by default `installed`; `installed` only for its current
 * spec, {@link PackageInfo.upToDate}: after a config or version change, the `installed` of the old
 * one does not count), watching it (no polling) and re-watching when the server ends the watch. Ends
 * early, with the controller's `detail`, when the controller will not go on without a change
 * ({@link isPackageFailed}).
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
  const failWhen = options.failWhen ?? isPackageFailed;
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
    // `installed` means done only for the current spec; other states are taken as they come.
    if (p.state === want && (want !== 'installed' || p.upToDate)) return 'done';
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
        message: `Package eksa-packages-${options.clusterName}/${name} did not become ${want} ${controller.signal.aborted ? `within ${timeoutMs} ms` : 'before the wait was aborted'}; last seen: ${last === undefined ? 'not found' : `${last.state ?? 'no state'}${last.upToDate ? '' : ' (for an earlier spec)'}${last.detail === undefined || last.detail === '' ? '' : ` (${last.detail})`}`}`,
        cause: e,
      });
    }
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
