import { ISSUE_CODES, ValidationError, type ValidationIssue } from '@eksa-credprov/core';
import { isKubeApiError } from './errors.ts';
import { objectPath, resourceFor } from './discovery.ts';
import { callContext, type CallContext, type KubeCallOptions } from './options.ts';

/**
 * Any Kubernetes object to apply.
 *
 * @public
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/**
 * Options for {@link applyObjects}.
 *
 * @public
 */
export interface ApplyOptions extends KubeCallOptions {
  /** Server-side apply field manager: who owns the fields written. */
  readonly fieldManager: string;
  /** Take over fields owned by another field manager instead of failing with a conflict. @default false */
  readonly force?: boolean;
  /** Ask the server to validate and compute the result without storing it. @default false */
  readonly dryRun?: boolean;
  /** Objects applied at once. @default 8 */
  readonly concurrency?: number;
  /**
   * Send no apply for an object whose every given field already has the given value (labels and
   * annotations included; lists compared whole): it is reported `unchanged` after one GET, and
   * the server sees no write at all. What a controller wants on a resync. Such an object's fields
   * are not taken into this field manager's ownership when another manager set them.
   * @default false
   */
  readonly skipUnchanged?: boolean;
}

/**
 * What applying one object did.
 *
 * @public
 */
export interface ApplyResult {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** `created`, `changed`, or `unchanged` (the server stored nothing: same resourceVersion). */
  readonly action: 'created' | 'changed' | 'unchanged';
  /** The object's resourceVersion after the apply. */
  readonly resourceVersion: string;
}

// Fields the server owns; sending them in an apply is an error or meaningless.
const SERVER_FIELDS = [
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'managedFields',
  'generation',
  'selfLink',
  'deletionTimestamp',
];

/**
 * Server-side applies objects (Secrets, Packages, Namespaces, anything the server serves), and
 * says for each whether it was created, changed or left unchanged. Applying the same objects again
 * changes nothing on the server. Requests that fail because the server is unreachable or answers
 * 429/5xx are retried (an apply is idempotent) until `timeoutMs`.
 *
 * Objects are applied in order, `concurrency` at a time. If one fails, the call waits for those in
 * flight and rejects with that object's error; those applied before it stay applied, and running
 * the same call again is safe.
 *
 * @throws `ValidationError` (from `@eksa-credprov/core`) for objects without apiVersion, kind or name;
 * {@link KubeApiError} for what the server refused (schema violations, RBAC, conflicts with
 * another field manager, a missing namespace), with the server's message intact.
 * @see https://kubernetes.io/docs/reference/using-api/server-side-apply/
 * @public
 */
// A type parameter, not `readonly KubeObject[]`, so that object literals with any further fields
// (data, spec, ...) are accepted without excess-property errors.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export async function applyObjects<T extends KubeObject>(
  objects: readonly T[],
  options: ApplyOptions,
): Promise<ApplyResult[]> {
  checkObjects(objects, options.fieldManager);
  const ctx = await callContext(options);
  const defaultNamespace =
    ctx.kc.getContextObject(ctx.kc.getCurrentContext())?.namespace ?? 'default';
  const results: ApplyResult[] = new Array<ApplyResult>(objects.length);
  let next = 0;
  const failures: { index: number; error: unknown }[] = [];
  const worker = async (): Promise<void> => {
    while (failures.length === 0 && next < objects.length) {
      const index = next++;
      const object = objects[index];
      if (object === undefined) continue;
      try {
        results[index] = await applyOne(ctx, object, { ...options, defaultNamespace });
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 8, objects.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  // The first object (in input order) that failed decides the error.
  const first = failures.sort((a, b) => a.index - b.index)[0];
  if (first !== undefined) throw first.error;
  return results;
}

/** The problems with objects to apply (`fieldManager` checked too) or delete (`fieldManager` null). */
function checkObjects(objects: readonly KubeObject[], fieldManager: string | null): void {
  const issues: ValidationIssue[] = [];
  if (fieldManager !== null && (typeof fieldManager !== 'string' || fieldManager === '')) {
    issues.push({
      path: 'fieldManager',
      code: ISSUE_CODES.REQUIRED,
      message: 'is required: a name for the owner of the applied fields, such as "eksa-credprov"',
    });
  }
  objects.forEach((o, i) => {
    for (const field of ['apiVersion', 'kind'] as const) {
      if (typeof o[field] !== 'string' || o[field] === '')
        issues.push({
          path: `objects[${i}].${field}`,
          code: ISSUE_CODES.REQUIRED,
          message: 'is required',
        });
    }
    if (
      typeof o.metadata !== 'object' ||
      typeof o.metadata.name !== 'string' ||
      o.metadata.name === ''
    ) {
      issues.push({
        path: `objects[${i}].metadata.name`,
        code: ISSUE_CODES.REQUIRED,
        message: 'is required (generateName cannot be used with apply)',
      });
    }
  });
  if (issues.length > 0)
    throw new ValidationError(
      `cannot ${fieldManager === null ? 'delete' : 'apply'} these objects`,
      issues,
    );
}

async function applyOne(
  ctx: CallContext,
  object: KubeObject,
  options: ApplyOptions & { readonly defaultNamespace: string },
): Promise<ApplyResult> {
  const info = await resourceFor(ctx, object.apiVersion, object.kind);
  const namespace = info.namespaced
    ? (object.metadata.namespace ?? options.defaultNamespace)
    : undefined;
  const path = objectPath(info, {
    apiVersion: object.apiVersion,
    namespace,
    name: object.metadata.name,
  });
  const base = {
    path,
    idempotent: true,
    deadline: ctx.deadline,
    signal: ctx.signal,
    retryUnservedAfterOutage: true,
  } as const;
  let before: string | undefined;
  let live: unknown;
  try {
    const current = await ctx.transport.request({ ...base, method: 'GET' });
    live = current.body;
    before = (current.body as { metadata?: { resourceVersion?: string } }).metadata
      ?.resourceVersion;
  } catch (e) {
    if (!(isKubeApiError(e) && e.status === 404 && e.reason === 'NotFound')) throw e;
  }
  const metadata = Object.fromEntries(
    Object.entries(object.metadata).filter(([k]) => !SERVER_FIELDS.includes(k)),
  );
  const rest = Object.fromEntries(Object.entries(object).filter(([k]) => k !== 'status'));
  const body = {
    ...rest,
    metadata: { ...metadata, ...(namespace === undefined ? {} : { namespace }) },
  };
  if (options.skipUnchanged === true && before !== undefined && holds(live, body))
    return {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      ...(namespace === undefined ? {} : { namespace }),
      action: 'unchanged',
      resourceVersion: before,
    };
  const res = await ctx.transport.request({
    ...base,
    method: 'PATCH',
    contentType: 'application/apply-patch+yaml',
    query: {
      fieldManager: options.fieldManager,
      force: options.force === true ? true : undefined,
      dryRun: options.dryRun === true ? 'All' : undefined,
    },
    body,
  });
  const after =
    (res.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ?? '';
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    ...(namespace === undefined ? {} : { namespace }),
    action: before === undefined ? 'created' : before === after ? 'unchanged' : 'changed',
    resourceVersion: after,
  };
}

/**
 * True when `live` has every field of `wanted` with the same value: objects compared key by key
 * (extra live keys allowed), lists and scalars compared whole.
 *
 * @internal
 */
export function holds(live: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted))
    return (
      Array.isArray(live) &&
      live.length === wanted.length &&
      wanted.every((w, i) => holds(live[i], w) && holds(w, live[i]))
    );
  if (typeof wanted === 'object' && wanted !== null) {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return false;
    return Object.entries(wanted).every(
      ([k, v]) => v === undefined || holds((live as Record<string, unknown>)[k], v),
    );
  }
  return live === wanted;
}

/**
 * What deleting one object did.
 *
 * @public
 */
export interface DeleteResult {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** `deleted`, or `absent` when there was nothing to delete. */
  readonly action: 'deleted' | 'absent';
}

/**
 * Deletes objects (the inverse of {@link applyObjects}), in order, one at a time. An object that
 * is not there is reported `absent`, so running the same call again is safe. Requests that fail
 * because the server is unreachable or answers 429/5xx are retried until `timeoutMs`.
 *
 * @throws `ValidationError` (from `@eksa-credprov/core`) for objects without apiVersion, kind or
 * name; {@link KubeApiError} for what the server refused (RBAC, say).
 * @public
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- as applyObjects
export async function deleteObjects<T extends KubeObject>(
  objects: readonly T[],
  options: KubeCallOptions = {},
): Promise<DeleteResult[]> {
  checkObjects(objects, null);
  const ctx = await callContext(options);
  const defaultNamespace =
    ctx.kc.getContextObject(ctx.kc.getCurrentContext())?.namespace ?? 'default';
  const results: DeleteResult[] = [];
  for (const object of objects) {
    const info = await resourceFor(ctx, object.apiVersion, object.kind);
    const namespace = info.namespaced ? (object.metadata.namespace ?? defaultNamespace) : undefined;
    const where = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      ...(namespace === undefined ? {} : { namespace }),
    };
    try {
      await ctx.transport.request({
        method: 'DELETE',
        path: objectPath(info, {
          apiVersion: object.apiVersion,
          namespace,
          name: object.metadata.name,
        }),
        query: { propagationPolicy: 'Background' },
        idempotent: true,
        deadline: ctx.deadline,
        signal: ctx.signal,
        retryUnservedAfterOutage: true,
      });
      results.push({ ...where, action: 'deleted' });
    } catch (e) {
      if (!(isKubeApiError(e) && e.status === 404 && e.reason === 'NotFound')) throw e;
      results.push({ ...where, action: 'absent' });
    }
  }
  return results;
}
