/**
 * Events (`events.k8s.io/v1`) on the objects a controller acts on, as client-go's event recorder
 * writes them: `kubectl describe` and `kubectl events` show them. A repeat of the same event on
 * the same object updates the first one's `series` instead of writing another Event.
 */
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { ISSUE_CODES, ValidationError, requireObject } from '@eksa-credprov/core';
import { callQuietly, microTime } from './callbacks.ts';
import { callContext, type CallContext } from './options.ts';

/**
 * The object an event is about.
 *
 * @public
 */
export interface EventSubject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
  };
}

/**
 * One event.
 *
 * @public
 */
export interface EventInit {
  /** `Normal`, or `Warning` for what someone should look at. */
  readonly type: 'Normal' | 'Warning';
  /** Why, in UpperCamelCase: `Configured`, `ReconcileFailed`. */
  readonly reason: string;
  /** What was done or tried, in UpperCamelCase: `Reconcile`, `Teardown`. */
  readonly action: string;
  /** A sentence for humans (cut to 1024 bytes, the API's limit). */
  readonly note: string;
}

/**
 * Input for {@link createEventRecorder}.
 *
 * @public
 */
export interface EventRecorderInit {
  /** @default loaded as kubectl would */
  readonly kubeConfig?: KubeConfig;
  /** The controller's name, such as `eksa-credprov.io/controller`. */
  readonly reportingController: string;
  /** This replica, such as its pod name. */
  readonly reportingInstance: string;
  /** Repeats within this long update the first event's series. @default 600000 */
  readonly seriesWindowMs?: number;
  /** An event could not be written (events are best effort: never thrown). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Writes events.
 *
 * @public
 */
export interface EventRecorder {
  /** Records an event on `subject`; resolves when written (or failed, reported to `onError`). */
  record(subject: EventSubject, event: EventInit): Promise<void>;
}

const NOTE_LIMIT = 1024;

/** The note within the API's limit of 1024 bytes, ending in "..." when cut. */
function cut(note: string): string {
  if (Buffer.byteLength(note) <= NOTE_LIMIT) return note;
  let kept = note.slice(0, NOTE_LIMIT - 3);
  while (Buffer.byteLength(kept) > NOTE_LIMIT - 3) kept = kept.slice(0, -1);
  return `${kept}...`;
}

/**
 * Creates an event recorder.
 *
 * @example
 * ```ts
 * const events = createEventRecorder({ reportingController: 'eksa-credprov.io/controller', reportingInstance: pod });
 * await events.record(cluster, { type: 'Normal', reason: 'Configured', action: 'Reconcile', note: 'Secret created' });
 * ```
 * @throws `ValidationError` (from `@eksa-credprov/core`) for a missing controller or instance.
 * @public
 */
export function createEventRecorder(init: EventRecorderInit): EventRecorder {
  requireObject(init, 'createEventRecorder');
  for (const field of ['reportingController', 'reportingInstance'] as const)
    if (typeof init[field] !== 'string' || init[field] === '')
      throw new ValidationError('invalid event recorder', [
        { path: field, code: ISSUE_CODES.REQUIRED, message: 'is required' },
      ]);
  const window = init.seriesWindowMs ?? 600_000;
  const recent = new Map<
    string,
    { name: string; namespace: string; first: number; count: number }
  >();
  let ctx: CallContext | undefined;

  const forget = (now: number): void => {
    for (const [key, seen] of recent) if (now - seen.first > window) recent.delete(key);
  };

  return {
    async record(subject, event) {
      const now = Date.now();
      try {
        ctx ??= await callContext(
          init.kubeConfig === undefined ? {} : { kubeConfig: init.kubeConfig },
        );
        const namespace = subject.metadata.namespace ?? 'default';
        const note = cut(event.note);
        const key = JSON.stringify([
          subject.kind,
          namespace,
          subject.metadata.name,
          subject.metadata.uid,
          event.type,
          event.reason,
          event.action,
          note,
        ]);
        forget(now);
        const seen = recent.get(key);
        const base = { deadline: now + 10_000 } as const;
        if (seen !== undefined) {
          seen.count++;
          await ctx.transport.request({
            ...base,
            method: 'PATCH',
            path: `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(seen.namespace)}/events/${encodeURIComponent(seen.name)}`,
            contentType: 'application/merge-patch+json',
            body: { series: { count: seen.count, lastObservedTime: microTime(now) } },
            idempotent: true,
          });
          return;
        }
        const name = `${subject.metadata.name}.${now.toString(16)}${randomBytes(2).toString('hex')}`;
        await ctx.transport.request({
          ...base,
          method: 'POST',
          path: `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`,
          body: {
            apiVersion: 'events.k8s.io/v1',
            kind: 'Event',
            metadata: { name, namespace },
            eventTime: microTime(now),
            reportingController: init.reportingController,
            reportingInstance: init.reportingInstance,
            action: event.action,
            reason: event.reason,
            note,
            type: event.type,
            regarding: {
              apiVersion: subject.apiVersion,
              kind: subject.kind,
              name: subject.metadata.name,
              namespace,
              ...(subject.metadata.uid === undefined ? {} : { uid: subject.metadata.uid }),
              ...(subject.metadata.resourceVersion === undefined
                ? {}
                : { resourceVersion: subject.metadata.resourceVersion }),
            },
          },
          idempotent: false,
        });
        recent.set(key, { name, namespace, first: now, count: 1 });
      } catch (e) {
        callQuietly(() => init.onError?.(e));
      }
    },
  };
}
