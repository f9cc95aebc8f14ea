/**
 * A controller's work queue, with client-go's semantics (k8s.io/client-go/util/workqueue): a key
 * added many times before a worker takes it is worked on once; a key is never worked on by two
 * workers at once (added while in progress, it is worked on again afterwards); a failure is
 * retried after an exponential per-key backoff, and a success forgets the key's failures.
 * `@kubernetes/client-node` has no work queue, hence this module.
 */
import { ISSUE_CODES, ValidationError, requireObject } from '@eksa-credprov/core';
import { callQuietly } from './callbacks.ts';

/**
 * Input for {@link createWorkQueue}.
 *
 * @public
 */
export interface WorkQueueInit {
  /**
   * Works on one key. A rejection retries the key after its backoff; a result with
   * `requeueAfterMs` works on it again after that long, without counting a failure.
   * `signal` aborts when the queue is shut down.
   */
  readonly process: (
    key: string,
    signal: AbortSignal,
    // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- most workers return nothing
  ) => Promise<void | { readonly requeueAfterMs?: number }>;
  /** Keys worked on at the same time. @default 4 */
  readonly concurrency?: number;
  /** The first retry's delay; each further failure doubles it. @default 5 (client-go's) */
  readonly baseDelayMs?: number;
  /** The longest retry delay. @default 1000000 (client-go's 1000 s) */
  readonly maxDelayMs?: number;
  /** Called for each failure, with how many times in a row the key has now failed. */
  readonly onError?: (key: string, error: unknown, failures: number) => void;
}

/**
 * A running work queue.
 *
 * @public
 */
export interface WorkQueue {
  /** Queues a key (once, however often it is added before a worker takes it). */
  add(key: string): void;
  /** Queues a key after a delay (the earliest of several such calls wins). */
  addAfter(key: string, delayMs: number): void;
  /** Queues a key after its failure backoff, and counts a failure. */
  addRateLimited(key: string): void;
  /** Forgets a key's failures, so its next backoff starts again from the base delay. */
  forget(key: string): void;
  /** How many times in a row the key has failed. */
  failures(key: string): number;
  /** Keys waiting for a worker (client-go's depth). */
  readonly depth: number;
  /** Keys waiting for a delay to pass. */
  readonly delayed: number;
  /** Keys being worked on. */
  readonly active: number;
  /** Resolves the next time nothing is queued or being worked on (delayed keys aside). */
  idle(): Promise<void>;
  /** Stops taking keys, aborts the workers' signals and waits for them to return. */
  shutDown(): Promise<void>;
}

/**
 * Creates a work queue and starts its workers.
 *
 * @example
 * ```ts
 * const queue = createWorkQueue({ concurrency: 8, process: (key, signal) => reconcile(key, signal) });
 * informer options: onAdd: (o) => queue.add(objectKey(o)), ...
 * ```
 * @throws `ValidationError` (from `@eksa-credprov/core`) for a missing `process` or a concurrency
 * below 1.
 * @public
 */
export function createWorkQueue(init: WorkQueueInit): WorkQueue {
  requireObject(init, 'createWorkQueue');
  const concurrency = init.concurrency ?? 4;
  if (typeof init.process !== 'function' || !(Number.isInteger(concurrency) && concurrency >= 1))
    throw new ValidationError('invalid work queue', [
      typeof init.process !== 'function'
        ? { path: 'process', code: ISSUE_CODES.REQUIRED, message: 'is required: a function' }
        : { path: 'concurrency', code: ISSUE_CODES.INVALID_VALUE, message: 'must be 1 or more' },
    ]);
  const baseDelay = init.baseDelayMs ?? 5;
  const maxDelay = init.maxDelayMs ?? 1_000_000;
  const queue: string[] = [];
  const dirty = new Set<string>();
  const processing = new Set<string>();
  const timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  const failureCounts = new Map<string, number>();
  const shutdown = new AbortController();
  let wake: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];

  const notifyIdle = (): void => {
    if (queue.length > 0 || processing.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };
  const add = (key: string): void => {
    if (shutdown.signal.aborted || dirty.has(key)) return;
    dirty.add(key);
    if (processing.has(key)) return;
    queue.push(key);
    wake.shift()?.();
  };
  const addAfter = (key: string, delayMs: number): void => {
    if (shutdown.signal.aborted) return;
    if (!(delayMs > 0)) {
      add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const existing = timers.get(key);
    if (existing !== undefined) {
      if (existing.at <= at) return;
      clearTimeout(existing.timer);
    }
    const timer = setTimeout(() => {
      timers.delete(key);
      add(key);
    }, delayMs);
    timer.unref();
    timers.set(key, { at, timer });
  };
  const addRateLimited = (key: string): void => {
    const failures = failureCounts.get(key) ?? 0;
    failureCounts.set(key, failures + 1);
    addAfter(key, Math.min(maxDelay, baseDelay * 2 ** failures));
  };

  const take = async (): Promise<string | undefined> => {
    while (!shutdown.signal.aborted) {
      const key = queue.shift();
      if (key !== undefined) return key;
      await new Promise<void>((resolve) => wake.push(resolve));
    }
    return undefined;
  };
  const worker = async (): Promise<void> => {
    for (let key = await take(); key !== undefined; key = await take()) {
      dirty.delete(key);
      processing.add(key);
      try {
        const result = await init.process(key, shutdown.signal);
        failureCounts.delete(key);
        if (result !== undefined && (result.requeueAfterMs ?? 0) > 0)
          addAfter(key, result.requeueAfterMs ?? 0);
      } catch (error) {
        if (!shutdown.signal.aborted) {
          addRateLimited(key);
          callQuietly(() => init.onError?.(key, error, failureCounts.get(key) ?? 0));
        }
      } finally {
        processing.delete(key);
        if (dirty.has(key) && !shutdown.signal.aborted) {
          queue.push(key);
          wake.shift()?.();
        }
        notifyIdle();
      }
    }
  };
  const workers = Promise.all(Array.from({ length: concurrency }, worker));

  return {
    add,
    addAfter,
    addRateLimited,
    forget(key) {
      failureCounts.delete(key);
    },
    failures: (key) => failureCounts.get(key) ?? 0,
    get depth() {
      return queue.length;
    },
    get delayed() {
      return timers.size;
    },
    get active() {
      return processing.size;
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        notifyIdle();
      });
    },
    async shutDown() {
      shutdown.abort(new Error('work queue shut down'));
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      queue.length = 0;
      const waiting = wake;
      wake = [];
      for (const w of waiting) w();
      await workers;
      notifyIdle();
    },
  };
}
