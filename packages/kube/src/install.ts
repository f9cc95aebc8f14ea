import type { KubeConfig } from '@kubernetes/client-node';
import { dropUndefined } from '@eksa-credprov/core';
import type { Package, Secret } from '@eksa-credprov/core';
import { applyObjects, type ApplyResult } from './apply.ts';
import { isKubeApiError } from './errors.ts';
import { callContext } from './options.ts';
import type { KubeCallOptions } from './options.ts';

/**
 * Options for {@link ensureNamespace}.
 *
 * @public
 */
export interface EnsureNamespaceOptions extends KubeCallOptions {
  /** @default `"eksa-credprov"` */
  readonly fieldManager?: string;
}

/**
 * Makes sure a namespace exists: creates it, or leaves an existing one untouched (one GET and no
 * write, so its resourceVersion stays the same however often this runs).
 *
 * A create rather than a server-side apply: the API server (v1.37) stores a Namespace created by
 * apply without managedFields, so the next apply of the same Namespace writes once to adopt
 * them; a create that tolerates AlreadyExists never writes twice.
 *
 * @public
 */
export async function ensureNamespace(
  name: string,
  options: EnsureNamespaceOptions = {},
): Promise<ApplyResult> {
  const ctx = await callContext(options);
  const base = { idempotent: true, deadline: ctx.deadline, signal: ctx.signal } as const;
  const path = `/api/v1/namespaces/${encodeURIComponent(name)}`;
  // Read first: a namespace that exists (the usual case) costs one GET and no write.
  try {
    const res = await ctx.transport.request({ ...base, method: 'GET', path });
    return result(name, 'unchanged', res.body);
  } catch (e) {
    if (!(isKubeApiError(e) && e.status === 404)) throw e;
  }
  try {
    const res = await ctx.transport.request({
      ...base,
      method: 'POST',
      path: '/api/v1/namespaces',
      query: { fieldManager: options.fieldManager ?? DEFAULT_FIELD_MANAGER },
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    });
    return result(name, 'created', res.body);
  } catch (e) {
    // Created by someone else since the GET.
    if (!(isKubeApiError(e) && e.status === 409 && e.reason === 'AlreadyExists')) throw e;
  }
  const res = await ctx.transport.request({ ...base, method: 'GET', path });
  return result(name, 'unchanged', res.body);
}

function result(name: string, action: ApplyResult['action'], body: unknown): ApplyResult {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    name,
    action,
    resourceVersion:
      (body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ?? '',
  };
}

/** Field manager used when none is given. @public */
export const DEFAULT_FIELD_MANAGER = 'eksa-credprov';

/**
 * Input for {@link installCredentialProvider}.
 *
 * @public
 */
export interface InstallCredentialProviderInit extends Omit<KubeCallOptions, 'kubeConfig'> {
  /** The management cluster, where Packages live. */
  readonly management: KubeConfig;
  /** The cluster the Package configures, where the Secret must be. @default the management cluster */
  readonly target?: KubeConfig;
  /** The Package (from `createCredentialProviderPackage`). */
  readonly package: Package;
  /** The AWS credential Secret (from `createAwsCredentialsSecret` or `createRolesAnywhereSecret`). */
  readonly secret: Secret;
  /** @default `"eksa-credprov"` */
  readonly fieldManager?: string;
  /** Take over fields another manager owns. @default false */
  readonly force?: boolean;
  /** Send no write for an object that already holds what is given (see `ApplyOptions`). @default false */
  readonly skipUnchanged?: boolean;
}

/**
 * What {@link installCredentialProvider} did.
 *
 * @public
 */
export interface InstallCredentialProviderResult {
  readonly secretNamespace: ApplyResult;
  readonly secret: ApplyResult;
  readonly packageNamespace: ApplyResult;
  readonly package: ApplyResult;
}

/**
 * Sets up the credential provider in one call, in the order that works: the Secret's namespace
 * and the Secret on the target cluster first (the chart's DaemonSet mounts it), then the
 * Package's namespace and the Package on the management cluster. Every step is a server-side
 * apply, so running it again changes nothing, and a run cut short can simply be repeated.
 *
 * @public
 */
export async function installCredentialProvider(
  init: InstallCredentialProviderInit,
): Promise<InstallCredentialProviderResult> {
  const common = {
    fieldManager: init.fieldManager ?? DEFAULT_FIELD_MANAGER,
    ...dropUndefined({
      force: init.force,
      signal: init.signal,
      timeoutMs: init.timeoutMs,
      skipUnchanged: init.skipUnchanged,
    }),
  };
  const target = init.target ?? init.management;
  const secretNamespace = await ensureNamespace(init.secret.metadata.namespace, {
    ...common,
    kubeConfig: target,
  });
  const [secret] = await applyObjects([init.secret], {
    ...common,
    kubeConfig: target,
  });
  const packageNamespace = await ensureNamespace(init.package.metadata.namespace, {
    ...common,
    kubeConfig: init.management,
  });
  const [pkg] = await applyObjects([init.package], {
    ...common,
    kubeConfig: init.management,
  });
  if (secret === undefined || pkg === undefined)
    throw new Error('unreachable: applied objects without results');
  return { secretNamespace, secret, packageNamespace, package: pkg };
}
