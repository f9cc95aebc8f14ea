/**
 * The work queue against client-go's workqueue semantics: de-duplication, one worker per key,
 * re-queue of a key added while in progress, exponential per-key backoff that a success forgets.
 * Delays are observed by order and counts, never by asserting elapsed time.
 */
import { describe, expect, it } from 'vitest';
import { isValidationError } from '@eksa-credprov/core';
import { createWorkQueue } from './work-queue.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createWorkQueue', () => {
  it('works on a key added many times before a worker takes it once', async () => {
    const seen: string[] = [];
    const gate = deferred();
    const queue = createWorkQueue({
      concurrency: 1,
      process: async (key) => {
        if (key === 'block') await gate.promise;
        seen.push(key);
      },
    });
    queue.add('block');
    await new Promise((r) => setTimeout(r, 10));
    expect(queue.active).toBe(1);
    for (let i = 0; i < 5; i++) {
      queue.add('a');
      queue.add('b');
    }
    expect(queue.depth).toBe(2);
    gate.resolve();
    await queue.idle();
    expect(seen).toEqual(['block', 'a', 'b']);
    await queue.shutDown();
  });

  it('never works on one key in two workers, and works again on a key added while in progress', async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    const gate = deferred();
    const queue = createWorkQueue({
      concurrency: 4,
      process: async () => {
        calls++;
        running++;
        most = Math.max(most, running);
        if (calls === 1) await gate.promise;
        running--;
      },
    });
    queue.add('k');
    await new Promise((r) => setTimeout(r, 10));
    expect(queue.active).toBe(1);
    queue.add('k');
    queue.add('k');
    expect(queue.depth).toBe(0);
    gate.resolve();
    await queue.idle();
    expect(calls).toBe(2);
    expect(most).toBe(1);
    await queue.shutDown();
  });

  it('retries a failing key with a doubling backoff and forgets it after a success', async () => {
    const failures: number[] = [];
    let attempts = 0;
    const queue = createWorkQueue({
      baseDelayMs: 1,
      process: () => {
        attempts++;
        return attempts <= 4 ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
      onError: (_key, _error, n) => failures.push(n),
    });
    queue.add('k');
    const end = Date.now() + 10_000;
    while (attempts < 5 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    await queue.idle();
    expect(attempts).toBe(5);
    expect(failures).toEqual([1, 2, 3, 4]);
    expect(queue.failures('k')).toBe(0);
    await queue.shutDown();
  });

  it('keeps the earliest of several delayed adds, and requeues on requeueAfterMs', async () => {
    let calls = 0;
    const queue = createWorkQueue({
      process: () => {
        calls++;
        return Promise.resolve(calls === 1 ? { requeueAfterMs: 5 } : undefined);
      },
    });
    queue.addAfter('k', 60_000);
    queue.addAfter('k', 1);
    expect(queue.delayed).toBe(1);
    const end = Date.now() + 10_000;
    while (calls < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(calls).toBe(2);
    expect(queue.failures('k')).toBe(0);
    await queue.shutDown();
    expect(queue.delayed).toBe(0);
  });

  it('caps the backoff at maxDelayMs', async () => {
    const queue = createWorkQueue({
      baseDelayMs: 1000,
      maxDelayMs: 1500,
      process: () => Promise.resolve(),
    });
    queue.addRateLimited('k');
    queue.addRateLimited('k');
    expect(queue.failures('k')).toBe(2);
    expect(queue.delayed).toBe(1);
    await queue.shutDown();
  });

  it('aborts the workers’ signal on shut-down and takes no more keys', async () => {
    let aborted = false;
    const queue = createWorkQueue({
      process: (_key, signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    });
    queue.add('k');
    await new Promise((r) => setTimeout(r, 10));
    await queue.shutDown();
    expect(aborted).toBe(true);
    queue.add('x');
    expect(queue.depth).toBe(0);
  });

  it.each([
    [{}, 'process'],
    [{ process: () => Promise.resolve(), concurrency: 0 }, 'concurrency'],
    [{ process: () => Promise.resolve(), concurrency: 1.5 }, 'concurrency'],
  ])('refuses %o naming %s', (init, field) => {
    try {
      createWorkQueue(init as never);
      expect.unreachable();
    } catch (e) {
      expect(isValidationError(e)).toBe(true);
      expect((e as { issues: { path: string }[] }).issues[0]?.path).toBe(field);
    }
  });
});
