/**
 * Small pieces the controller building blocks (informer, work queue, events, leader election)
 * share.
 *
 * @internal
 */

/**
 * Calls a caller's callback (a handler, `onError`) so that its throwing cannot break the loop
 * that called it: a callback's failure is the callback's.
 */
export function callQuietly(callback: () => void): void {
  try {
    callback();
  } catch {
    // The callback's own failure; the caller's loop goes on.
  }
}

/** A MicroTime as the API server writes it (`2026-12-01T04:20:00.123000Z`). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
