/**
 * A watch-based cache of one collection (client-go's reflector and informer, in small): list,
 * then watch from the list's resourceVersion with bookmarks; a 410 Gone lists again and reports
 * the difference; a broken connection watches again from the last resourceVersion seen, after a
 * backoff.
 *
 * `@kubernetes/client-node` has an informer (`makeInformer`, its `ListWatch`), and this module
 * does not use it, for three reasons found in its code (v2.0.1): a list or watch that fails on a
 * connection error (an API server that restarts) stops the informer until the caller starts it
 * again; it never asks for bookmarks, so a quiet collection's resourceVersion grows stale and the
 * next reconnect costs a full list; and it sends through undici with its own connection handling,
 * not this package's transport (one keep-alive pool per kubeconfig, the kubeconfig's proxy-url,
 * credential refresh on 401, the same errors as every other call here).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ISSUE_CODES, ValidationError, requireObject } from '@eksa-credprov/core';
import { callQuietly } from './callbacks.ts';
import { isKubeApiError } from './errors.ts';
import { callContext, type CallContext } from './options.ts';

/**
 * The part of an object an informer reads.
 *
 * @public
 */
export interface ObjectWithMeta {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
}

/**
 * Input for {@link startInformer}.
 *
 * @public
 */
export interface InformerInit<T extends ObjectWithMeta> {
  /** The cluster. @default loaded as kubectl would */
  readonly kubeConfig?: KubeConfig;
  /**
   * The collection's path, such as `/apis/anywhere.eks.amazonaws.com/v1alpha1/clusters` (every
   * namespace) or `/api/v1/namespaces/eksa-credprov/secrets` (one).
   */
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Objects per list page. @default 500 */
  readonly pageSize?: number;
  /**
   * Calls `onUpdate(obj, obj)` for every cached object this often, as client-go's resync does,
   * so that a controller looks at everything again. @default 0 (never)
   */
  readonly resyncMs?: number;
  readonly onAdd?: (object: T) => void;
  /** Called when an object's resourceVersion changed, and on each resync with `old === object`. */
  readonly onUpdate?: (old: T, object: T) => void;
  /** Called with the last state seen (after a relist, the cached one). */
  readonly onDelete?: (object: T) => void;
  /** A list or watch failed; the informer backs off and tries again by itself. */
  readonly onError?: (error: unknown) => void;
  /** Stops the informer. */
  readonly signal?: AbortSignal;
}

/**
 * A running informer: its cache, and whether the first list has filled it.
 *
 * @public
 */
export interface Informer<T extends ObjectWithMeta> {
  /** The object with this key (`namespace/name`, or `name` for a cluster-scoped one). */
  get(key: string): T | undefined;
  /** Every cached object. */
  list(): T[];
  /** Every cached key. */
  keys(): string[];
  /** True once the first list is in the cache. */
  readonly hasSynced: boolean;
  /** Resolves once the first list is in the cache (rejects if stopped before). */
  readonly synced: Promise<void>;
  /** The last resourceVersion seen (a list's, an event's or a bookmark's). */
  readonly resourceVersion: string;
  /** Lists made (the first, and one per 410 Gone). */
  readonly lists: number;
  /** Stops watching; the cache stays readable. */
  stop(): Promise<void>;
  /** Resolves when the informer has stopped. */
  readonly done: Promise<void>;
}

/**
 * An object's key in an informer and work queue: `namespace/name`, or `name` when it has no
 * namespace (client-go's `MetaNamespaceKeyFunc`).
 *
 * @public
 */
export function objectKey(object: ObjectWithMeta): string {
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace ?? '';
  return namespace === '' ? name : `${namespace}/${name}`;
}

/** Backoff of reconnects: client-go's reflector backs off from 800 ms to 30 s. */
const BACKOFF_START_MS = 800;
const BACKOFF_MAX_MS = 30_000;

interface ListBody<T> {
  readonly items?: T[];
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
}

interface WatchEvent<T> {
  readonly type?: string;
  readonly object?: T & { readonly code?: number; readonly message?: string };
}

/** A watch that ended because the server said the resourceVersion is too old. */
class Expired extends Error {}

/**
 * Starts an informer on a collection: it lists it, then watches it, keeping an in-memory cache
 * and calling the handlers on every change, until stopped. Errors never stop it; they go to
 * `onError`, and it tries again with a backoff (800 ms doubling to 30 s, as client-go).
 *
 * Handlers run synchronously as events arrive: a controller puts the key on a work queue
 * ({@link createWorkQueue}) and does the work there.
 *
 * @example
 * ```ts
 * const clusters = startInformer<Cluster>({
 *   path: '/apis/anywhere.eks.amazonaws.com/v1alpha1/clusters',
 *   onAdd: (c) => queue.add(objectKey(c)),
 *   onUpdate: (_, c) => queue.add(objectKey(c)),
 *   onDelete: (c) => queue.add(objectKey(c)),
 * });
 * await clusters.synced;
 * ```
 * @throws `ValidationError` (from `@eksa-credprov/core`) for a path that is not an API path.
 * @public
 */
export function startInformer<T extends ObjectWithMeta>(init: InformerInit<T>): Informer<T> {
  requireObject(init, 'startInformer');
  if (typeof init.path !== 'string' || !/^\/(api|apis)\/[^?#]+$/.test(init.path))
    throw new ValidationError('invalid informer', [
      {
        path: 'path',
        code: ISSUE_CODES.INVALID_VALUE,
        message:
          'must be a collection path such as /api/v1/namespaces/NS/secrets or /apis/GROUP/VERSION/RESOURCE',
      },
    ]);
  const stopping = new AbortController();
  const onOuterAbort = (): void => {
    stopping.abort();
  };
  init.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (init.signal?.aborted === true) stopping.abort();
  const cache = new Map<string, T>();
  let resourceVersion = '';
  let lists = 0;
  let hasSynced = false;
  let resolveSynced: () => void = () => undefined;
  let rejectSynced: (e: unknown) => void = () => undefined;
  const synced = new Promise<void>((resolve, reject) => {
    resolveSynced = resolve;
    rejectSynced = reject;
  });
  synced.catch(() => undefined);
  let ctx: CallContext | undefined;
  const selectors = {
    ...(init.labelSelector === undefined ? {} : { labelSelector: init.labelSelector }),
    ...(init.fieldSelector === undefined ? {} : { fieldSelector: init.fieldSelector }),
  };

  const report = (e: unknown): void => {
    if (!stopping.signal.aborted) callQuietly(() => init.onError?.(e));
  };
  const call = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      report(e);
    }
  };
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      }
      stopping.signal.addEventListener('abort', done, { once: true });
    });

  const upsert = (object: T): void => {
    const key = objectKey(object);
    const old = cache.get(key);
    cache.set(key, object);
    if (old === undefined) call(() => init.onAdd?.(object));
    else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion)
      call(() => init.onUpdate?.(old, object));
  };
  const remove = (object: T): void => {
    cache.delete(objectKey(object));
    call(() => init.onDelete?.(object));
  };

  /** Lists every page; replaces the cache and reports the difference. */
  const list = async (): Promise<void> => {
    ctx ??= await callContext(init.kubeConfig === undefined ? {} : { kubeConfig: init.kubeConfig });
    const items: T[] = [];
    let token: string | undefined;
    let version: string;
    do {
      const res = await ctx.transport.request({
        method: 'GET',
        path: init.path,
        query: { ...selectors, limit: init.pageSize ?? 500, continue: token },
        idempotent: false,
        deadline: Date.now() + 60_000,
        signal: stopping.signal,
      });
      const body = res.body as ListBody<T>;
      items.push(...(body.items ?? []));
      token = body.metadata?.continue === '' ? undefined : body.metadata?.continue;
      version = body.metadata?.resourceVersion ?? '';
    } while (token !== undefined);
    lists++;
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(objectKey(item));
      upsert(item);
    }
    for (const [key, old] of [...cache]) if (!seen.has(key)) remove(old);
    resourceVersion = version;
  };

  /** Watches from `resourceVersion` until the server ends the watch. */
  const watch = async (): Promise<void> => {
    if (ctx === undefined) throw new Error('unreachable: watch before list');
    // client-go asks for a random timeout between 5 and 10 minutes, so watches end at staggered times.
    const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
    const ended = { expired: false };
    await ctx.transport.watch(
      {
        method: 'GET',
        path: init.path,
        query: {
          ...selectors,
          watch: 1,
          allowWatchBookmarks: true,
          resourceVersion,
          timeoutSeconds,
        },
        idempotent: false,
        deadline: Date.now() + (timeoutSeconds + 60) * 1000,
        signal: stopping.signal,
      },
      (raw) => {
        const event = raw as WatchEvent<T>;
        const object = event.object;
        if (object === undefined) return;
        switch (event.type ?? '') {
          case 'ADDED':
          case 'MODIFIED':
            upsert(object);
            break;
          case 'DELETED':
            remove(object);
            break;
          case 'BOOKMARK':
            break;
          case 'ERROR':
            if (object.code === 410) ended.expired = true;
            else report(new Error(`watch ${init.path}: ${object.message ?? 'error event'}`));
            return;
          default:
            return;
        }
        resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
      },
    );
    if (ended.expired) throw new Expired();
  };

  // A function, not the property: it changes while the loop awaits.
  const stopped = (): boolean => stopping.signal.aborted;
  const run = async (): Promise<void> => {
    let backoff = BACKOFF_START_MS;
    let needList = true;
    while (!stopped()) {
      const started = Date.now();
      try {
        if (needList) {
          await list();
          needList = false;
          if (!hasSynced) {
            hasSynced = true;
            resolveSynced();
          }
        }
        await watch();
        backoff = BACKOFF_START_MS;
        continue;
      } catch (e) {
        if (stopped()) break;
        if (e instanceof Expired || (isKubeApiError(e) && e.status === 410)) {
          // The resourceVersion is older than etcd keeps: list again, at once.
          needList = true;
          continue;
        }
        report(e);
      }
      // A watch that stayed up a while resets the backoff, as client-go's does after 2 minutes.
      if (Date.now() - started > 120_000) backoff = BACKOFF_START_MS;
      await sleep(backoff * (1 + Math.random() * 0.2));
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    }
  };

  let resyncTimer: NodeJS.Timeout | undefined;
  if ((init.resyncMs ?? 0) > 0) {
    resyncTimer = setInterval(() => {
      if (!hasSynced) return;
      for (const object of [...cache.values()]) call(() => init.onUpdate?.(object, object));
    }, init.resyncMs);
    resyncTimer.unref();
  }

  const done = run().finally(() => {
    if (resyncTimer !== undefined) clearInterval(resyncTimer);
    init.signal?.removeEventListener('abort', onOuterAbort);
    if (!hasSynced) rejectSynced(new Error(`informer on ${init.path} stopped before it synced`));
  });

  return {
    get: (key) => cache.get(key),
    list: () => [...cache.values()],
    keys: () => [...cache.keys()],
    get hasSynced() {
      return hasSynced;
    },
    synced,
    get resourceVersion() {
      return resourceVersion;
    },
    get lists() {
      return lists;
    },
    async stop() {
      stopping.abort();
      await done;
    },
    done,
  };
}
