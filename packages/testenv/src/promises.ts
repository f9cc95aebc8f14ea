/**
 * What `promise` rejected with; a promise that fulfils fails the test instead (a
 * `.catch((e) => e)` would hand back its value and let an assertion pass on the wrong thing).
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure, but the call succeeded');
    },
    (e: unknown) => e,
  );
}

/**
 * Polls until `check` holds, for at most `limitMs` (a bound on the wait, never a timing
 * assertion); then fails naming `what`.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 120_000,
): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not reached within ${String(limitMs)} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
