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
