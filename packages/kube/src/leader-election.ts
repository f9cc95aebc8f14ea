/**
 * Leader election on a `coordination.k8s.io/v1` Lease, with client-go's semantics
 * (k8s.io/client-go/tools/leaderelection): a candidate acquires the Lease when it is free or its
 * holder has not renewed it within the lease duration, as measured on this candidate's own clock
 * from when it last saw the record change (so clock skew between replicas does not matter); the
 * leader renews every retry period and stops leading when it could not renew within the renew
 * deadline; every write carries the Lease's resourceVersion, so two candidates never both win.
 * `@kubernetes/client-node` has no leader election, hence this module.
 */
import {
  ISSUE_CODES,
  ValidationError,
  requireObject,
  type ValidationIssue,
} from '@eksa-credprov/core';
import type { KubeConfig } from '@kubernetes/client-node';
import { isKubeApiError } from './errors.ts';
import { callQuietly, microTime } from './callbacks.ts';
import { callContext, type CallContext } from './options.ts';

/**
 * Input for {@link startLeaderElection}.
 *
 * @public
 */
export interface LeaderElectionInit {
  /** The cluster holding the Lease. @default loaded as kubectl would */
  readonly kubeConfig?: KubeConfig;
  readonly namespace: string;
  /** The Lease's name: one per controller. */
  readonly name: string;
  /** This candidate's identity, unique among the replicas (host name and PID, say). */
  readonly identity: string;
  /** How long a leader's renewal holds off the others. @default 15000 (client-go's) */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it stops leading. @default 10000 */
  readonly renewDeadlineMs?: number;
  /** How often candidates try to acquire, and the leader to renew. @default 2000 */
  readonly retryPeriodMs?: number;
  /** Give the Lease up on {@link LeaderElector.stop}, so another takes over at once. @default true */
  readonly releaseOnStop?: boolean;
  /** Called once when this candidate becomes the leader; `signal` aborts when it stops leading. */
  readonly onStartedLeading?: (signal: AbortSignal) => void;
  /** Called once when this candidate stops leading (renewal failed, or stopped). */
  readonly onStoppedLeading?: () => void;
  /** Called whenever the observed leader changes (this candidate included). */
  readonly onNewLeader?: (identity: string) => void;
  /**
   * Called when a round could not read or write the Lease for another reason than a lost race
   * (the namespace missing, RBAC, an unreachable server); the election keeps trying.
   */
  readonly onError?: (error: unknown) => void;
}

/**
 * A running election. It ends when this candidate stops leading (as client-go's `Run` returns:
 * a controller that lost its lease exits and starts again) or when stopped.
 *
 * @public
 */
export interface LeaderElector {
  /** True while this candidate holds the Lease. */
  readonly isLeader: boolean;
  /** The leader as last observed, if any. */
  readonly leader: string | undefined;
  /** Resolves when the election has ended. */
  readonly done: Promise<void>;
  /** Stops campaigning or leading (and releases the Lease unless `releaseOnStop` is false). */
  stop(): Promise<void>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

function checkInit(init: LeaderElectionInit): void {
  requireObject(init, 'startLeaderElection');
  const lease = init.leaseDurationMs ?? 15_000;
  const renew = init.renewDeadlineMs ?? 10_000;
  const retry = init.retryPeriodMs ?? 2_000;
  const issues: ValidationIssue[] = [];
  for (const field of ['namespace', 'name', 'identity'] as const)
    if (typeof init[field] !== 'string' || init[field] === '')
      issues.push({ path: field, code: ISSUE_CODES.REQUIRED, message: 'is required' });
  // client-go's own checks (leaderelection.NewLeaderElector).
  if (!(lease > renew))
    issues.push({
      path: 'leaseDurationMs',
      code: ISSUE_CODES.INVALID_VALUE,
      message: `must be greater than renewDeadlineMs (${renew})`,
    });
  if (!(renew > retry * 1.2))
    issues.push({
      path: 'renewDeadlineMs',
      code: ISSUE_CODES.INVALID_VALUE,
      message: `must be greater than 1.2 × retryPeriodMs (${retry * 1.2})`,
    });
  if (!(retry >= 1))
    issues.push({
      path: 'retryPeriodMs',
      code: ISSUE_CODES.INVALID_VALUE,
      message: 'must be at least 1',
    });
  if (issues.length > 0) throw new ValidationError('invalid leader election', issues);
}

/**
 * Starts campaigning for the Lease `namespace/name` as `identity`. Only the holder should act:
 * start work in `onStartedLeading` and stop it when its signal aborts.
 *
 * @example
 * ```ts
 * const elector = startLeaderElection({
 *   namespace: 'eksa-credprov', name: 'eksa-credprov-controller', identity: `${hostname()}_${process.pid}`,
 *   onStartedLeading: (signal) => runController(signal),
 * });
 * process.on('SIGTERM', () => void elector.stop());
 * ```
 * @throws `ValidationError` (from `@eksa-credprov/core`) for a missing name or durations
 * client-go would refuse.
 * @public
 */
export function startLeaderElection(init: LeaderElectionInit): LeaderElector {
  checkInit(init);
  const leaseMs = init.leaseDurationMs ?? 15_000;
  const renewMs = init.renewDeadlineMs ?? 10_000;
  const retryMs = init.retryPeriodMs ?? 2_000;
  const stopping = new AbortController();
  let leading = false;
  let leader: string | undefined;
  let observed: { record: string; at: number } | undefined;
  let ctx: CallContext | undefined;
  const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(init.namespace)}/leases`;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      stopping.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  // client-go waits a jittered retry period (factor 1.2) between attempts to acquire.
  const jittered = (): number => retryMs * (1 + Math.random() * 0.2);

  const call = async <T>(
    method: 'GET' | 'POST' | 'PUT',
    target: string,
    body?: unknown,
  ): Promise<T> => {
    ctx ??= await callContext(init.kubeConfig === undefined ? {} : { kubeConfig: init.kubeConfig });
    const res = await ctx.transport.request({
      method,
      path: target,
      ...(body === undefined ? {} : { body }),
      // One attempt per round: the loop is the retry, and a round must not outlive the deadline.
      idempotent: false,
      deadline: Date.now() + retryMs,
      signal: AbortSignal.timeout(Math.max(retryMs, 1000)),
    });
    return res.body as T;
  };

  const report = (e: unknown): void => {
    // A 409 is another candidate winning the round: the election working, not an error.
    if (isKubeApiError(e) && e.status === 409) return;
    callQuietly(() => init.onError?.(e));
  };

  const noteLeader = (holder: string | undefined): void => {
    if (holder === leader) return;
    leader = holder;
    if (holder !== undefined && holder !== '') init.onNewLeader?.(holder);
  };

  /** One round of client-go's tryAcquireOrRenew: true when this candidate holds the Lease after it. */
  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const now = Date.now();
    const spec = (acquire: string, transitions: number): LeaseSpec => ({
      holderIdentity: init.identity,
      leaseDurationSeconds: Math.ceil(leaseMs / 1000),
      acquireTime: acquire,
      renewTime: microTime(now),
      leaseTransitions: transitions,
    });
    let lease: Lease;
    try {
      lease = await call<Lease>('GET', `${path}/${encodeURIComponent(init.name)}`);
    } catch (e) {
      if (!(isKubeApiError(e) && e.status === 404)) {
        report(e);
        return false;
      }
      try {
        await call('POST', path, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: init.name, namespace: init.namespace },
          spec: spec(microTime(now), 0),
        });
      } catch (e) {
        report(e);
        return false;
      }
      observed = { record: JSON.stringify(spec(microTime(now), 0)), at: now };
      noteLeader(init.identity);
      return true;
    }
    const current = lease.spec ?? {};
    const record = JSON.stringify(current);
    if (observed?.record !== record) observed = { record, at: now };
    const holder = current.holderIdentity ?? '';
    const held = (current.leaseDurationSeconds ?? 0) * 1000;
    noteLeader(holder === '' ? undefined : holder);
    if (holder !== '' && holder !== init.identity && observed.at + held > now) return false;
    const mine = holder === init.identity;
    const next = spec(
      mine ? (current.acquireTime ?? microTime(now)) : microTime(now),
      (current.leaseTransitions ?? 0) + (mine ? 0 : 1),
    );
    try {
      await call('PUT', `${path}/${encodeURIComponent(init.name)}`, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { ...lease.metadata },
        spec: next,
      });
    } catch (e) {
      // A conflict (another candidate wrote first) or a failure: not held this round.
      report(e);
      return false;
    }
    observed = { record: JSON.stringify(next), at: now };
    noteLeader(init.identity);
    return true;
  };

  const release = async (): Promise<void> => {
    try {
      const lease = await call<Lease>('GET', `${path}/${encodeURIComponent(init.name)}`);
      if (lease.spec?.holderIdentity !== init.identity) return;
      const now = microTime(Date.now());
      await call('PUT', `${path}/${encodeURIComponent(init.name)}`, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { ...lease.metadata },
        spec: {
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
          leaseTransitions: lease.spec.leaseTransitions ?? 0,
        },
      });
    } catch {
      // Best effort, as in client-go: the Lease then expires by itself.
    }
  };

  // A function, not the property: it changes while the loops await.
  const stopped = (): boolean => stopping.signal.aborted;

  const run = async (): Promise<void> => {
    // Acquire.
    while (!stopped()) {
      if (await tryAcquireOrRenew()) break;
      await sleep(jittered());
    }
    if (stopped()) return;
    leading = true;
    const work = new AbortController();
    init.onStartedLeading?.(work.signal);
    // Renew until a renewal does not succeed within the renew deadline, or stopped.
    let lastRenew = Date.now();
    while (!stopped()) {
      await sleep(retryMs);
      if (stopped()) break;
      let renewed = false;
      while (!stopped() && Date.now() - lastRenew < renewMs) {
        if (await tryAcquireOrRenew()) {
          renewed = true;
          break;
        }
        await sleep(Math.min(retryMs, Math.max(1, renewMs - (Date.now() - lastRenew))));
      }
      if (!renewed) break;
      lastRenew = Date.now();
    }
    leading = false;
    work.abort(new Error('leadership lost'));
    if (stopped() && init.releaseOnStop !== false) await release();
    init.onStoppedLeading?.();
  };

  const done = run();
  return {
    get isLeader() {
      return leading;
    },
    get leader() {
      return leader;
    },
    done,
    async stop() {
      stopping.abort();
      await done;
    },
  };
}
