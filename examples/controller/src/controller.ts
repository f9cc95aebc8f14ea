/**
 * The fleet controller: campaigns for a Lease; while it leads, watches every EKS Anywhere
 * `Cluster` and the Secrets of its own namespace, and reconciles each opted-in cluster from a
 * work queue. Serves Prometheus metrics, /healthz and /readyz.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createEventRecorder,
  createWorkQueue,
  objectKey,
  startInformer,
  startLeaderElection,
  type Informer,
  type LeaderElector,
  type WorkQueue,
} from '@eksa-credprov/kube';
import type { KubeConfig } from '@kubernetes/client-node';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CREDENTIALS_ANNOTATION } from './intent.ts';
import { createReconciler, type Cluster, type SourceSecret } from './reconcile.ts';

/** The Cluster collection, every namespace. */
export const CLUSTERS_PATH = '/apis/anywhere.eks.amazonaws.com/v1alpha1/clusters';
/** The Lease, in the controller's namespace. */
export const LEASE_NAME = 'eksa-credprov-controller';
/** Field manager of everything the controller writes. */
export const FIELD_MANAGER = 'eksa-credprov-controller';

/** A structured log line (JSON on stderr by default). */
export type Log = (entry: Readonly<Record<string, unknown>>) => void;

/** Input for {@link startController}. */
export interface ControllerInit {
  /** The management cluster. */
  readonly kubeConfig: KubeConfig;
  /** The controller's namespace: its Lease, and the Secrets `secret:<name>` names. */
  readonly namespace: string;
  /** Leader-election identity, unique among replicas. */
  readonly identity: string;
  /** Region for `roles-anywhere` clusters without a region annotation. */
  readonly region?: string | undefined;
  /** Watch the Clusters of this namespace only. @default every namespace */
  readonly clusterNamespace?: string | undefined;
  /** Port for /metrics, /healthz and /readyz on `metricsHost`; 0 picks one; undefined serves none. */
  readonly metricsPort?: number | undefined;
  /** @default `0.0.0.0` (in a pod, the probes come from the node) */
  readonly metricsHost?: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** Every Cluster is reconciled again this often (drift is repaired). @default 600000 */
  readonly resyncMs?: number;
  /** Clusters reconciled at once. @default 16 */
  readonly concurrency?: number;
  /** Longest retry backoff of a failing cluster. @default 300000 */
  readonly maxRetryDelayMs?: number;
  /** Per-call time limit on API calls. @default 30000 */
  readonly timeoutMs?: number;
  readonly log?: Log;
}

/** A running controller. */
export interface Controller {
  readonly isLeader: boolean;
  /** The metrics server's URL, when one is served. */
  readonly metricsUrl: string | undefined;
  /** Resolves when the controller has stopped: stopped, or it lost its Lease (then exit and restart). */
  readonly done: Promise<{ readonly lostLease: boolean }>;
  stop(): Promise<void>;
}

interface Metrics {
  readonly registry: Registry;
  readonly reconciles: Counter<'result'>;
  readonly errors: Counter;
  readonly duration: Histogram;
  readonly depth: Gauge;
  readonly leader: Gauge;
  readonly configured: Gauge;
}

function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'eksa_credprov_controller_' });
  const registers = [registry];
  return {
    registry,
    reconciles: new Counter({
      name: 'eksa_credprov_controller_reconciles_total',
      help: 'Reconciles of Clusters, by result (configured, unchanged, removed, invalid, error).',
      labelNames: ['result'],
      registers,
    }),
    errors: new Counter({
      name: 'eksa_credprov_controller_reconcile_errors_total',
      help: 'Reconciles that failed and will be retried with backoff.',
      registers,
    }),
    duration: new Histogram({
      name: 'eksa_credprov_controller_reconcile_duration_seconds',
      help: 'How long one reconcile took.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    depth: new Gauge({
      name: 'eksa_credprov_controller_workqueue_depth',
      help: 'Clusters waiting for a worker.',
      registers,
    }),
    leader: new Gauge({
      name: 'eksa_credprov_controller_leader',
      help: '1 while this replica holds the Lease.',
      registers,
    }),
    configured: new Gauge({
      name: 'eksa_credprov_controller_clusters_configured',
      help: 'Clusters whose last reconcile left them configured.',
      registers,
    }),
  };
}

const stderrLog: Log = (entry) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
};

/** Starts the controller. */
export async function startController(init: ControllerInit): Promise<Controller> {
  const log = init.log ?? stderrLog;
  const metrics = createMetrics();
  let informersSynced = false;
  let leadingNow = false;
  let stopping = false;
  let lostLease = false;

  const server =
    init.metricsPort === undefined
      ? undefined
      : http.createServer((req, res) => {
          const path = (req.url ?? '/').split('?')[0];
          if (path === '/healthz') {
            res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
          } else if (path === '/readyz') {
            // A standby replica is ready; the leader once its caches are filled.
            const ready = !leadingNow || informersSynced;
            res
              .writeHead(ready ? 200 : 503, { 'Content-Type': 'text/plain' })
              .end(ready ? 'ok\n' : 'caches not synced\n');
          } else if (path === '/metrics') {
            metrics.registry.metrics().then(
              (text) =>
                res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text),
              () => res.writeHead(500).end(),
            );
          } else {
            res.writeHead(404).end();
          }
        });
  let metricsUrl: string | undefined;
  if (server !== undefined) {
    const host = init.metricsHost ?? '0.0.0.0';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(init.metricsPort, host, () => {
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    metricsUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  }

  /** The work while leading; ends when `signal` aborts. */
  const lead = async (signal: AbortSignal): Promise<void> => {
    metrics.leader.set(1);
    log({ level: 'info', msg: 'leading', identity: init.identity });
    const events = createEventRecorder({
      kubeConfig: init.kubeConfig,
      reportingController: 'eksa-credprov.io/controller',
      reportingInstance: init.identity,
      onError: (e) => {
        log({ level: 'warn', msg: 'event not recorded', error: String(e) });
      },
    });
    const configured = new Set<string>();
    // Keys are queued once both caches are filled (a reconcile reads both).
    const enqueue = (key: string): void => {
      if (informersSynced) queue.add(key);
    };
    const clusters: Informer<Cluster> = startInformer<Cluster>({
      kubeConfig: init.kubeConfig,
      path:
        init.clusterNamespace === undefined
          ? CLUSTERS_PATH
          : `/apis/anywhere.eks.amazonaws.com/v1alpha1/namespaces/${encodeURIComponent(init.clusterNamespace)}/clusters`,
      resyncMs: init.resyncMs ?? 600_000,
      signal,
      onAdd: (c) => {
        enqueue(objectKey(c));
      },
      onUpdate: (_, c) => {
        enqueue(objectKey(c));
      },
      onDelete: (c) => {
        enqueue(objectKey(c));
      },
      onError: (e) => {
        log({ level: 'warn', msg: 'watching Clusters', error: String(e) });
      },
    });
    const secrets: Informer<SourceSecret> = startInformer<SourceSecret>({
      kubeConfig: init.kubeConfig,
      path: `/api/v1/namespaces/${encodeURIComponent(init.namespace)}/secrets`,
      signal,
      // A changed source Secret reconciles the clusters that name it.
      onUpdate: (old, s) => {
        if (old !== s) requeueUsers(s.metadata.name);
      },
      onAdd: (s) => {
        requeueUsers(s.metadata.name);
      },
      onDelete: (s) => {
        requeueUsers(s.metadata.name);
      },
      onError: (e) => {
        log({ level: 'warn', msg: 'watching Secrets', error: String(e) });
      },
    });
    function requeueUsers(secretName: string): void {
      if (!clusters.hasSynced) return;
      for (const c of clusters.list())
        if (c.metadata.annotations?.[CREDENTIALS_ANNOTATION] === `secret:${secretName}`)
          enqueue(objectKey(c));
    }
    const { reconcile } = createReconciler({
      management: init.kubeConfig,
      namespace: init.namespace,
      clusters,
      secrets,
      events,
      fieldManager: FIELD_MANAGER,
      region: init.region,
      timeoutMs: init.timeoutMs ?? 30_000,
    });
    const queue: WorkQueue = createWorkQueue({
      concurrency: init.concurrency ?? 16,
      baseDelayMs: 1000,
      maxDelayMs: init.maxRetryDelayMs ?? 300_000,
      process: async (key, queueSignal) => {
        const end = metrics.duration.startTimer();
        let outcome;
        try {
          outcome = await reconcile(key, AbortSignal.any([signal, queueSignal]));
        } finally {
          end();
        }
        if (outcome.result === 'ignored') {
          configured.delete(key);
        } else {
          metrics.reconciles.inc({ result: outcome.result });
          if (outcome.result === 'configured' || outcome.result === 'unchanged')
            configured.add(key);
          else configured.delete(key);
          if (outcome.result !== 'unchanged')
            log({ level: 'info', msg: outcome.result, cluster: key, summary: outcome.summary });
        }
        metrics.configured.set(configured.size);
      },
      onError: (key, error, failures) => {
        metrics.reconciles.inc({ result: 'error' });
        metrics.errors.inc();
        configured.delete(key);
        metrics.configured.set(configured.size);
        log({
          level: 'error',
          msg: 'reconcile failed',
          cluster: key,
          failures,
          error: String(error),
        });
      },
    });
    try {
      await Promise.all([clusters.synced, secrets.synced]);
    } catch {
      await queue.shutDown();
      return; // stopped before the caches filled
    }
    informersSynced = true;
    for (const key of clusters.keys()) queue.add(key);
    const depthTimer = setInterval(() => {
      metrics.depth.set(queue.depth);
    }, 1000);
    depthTimer.unref();
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else
        signal.addEventListener(
          'abort',
          () => {
            resolve();
          },
          { once: true },
        );
    });
    clearInterval(depthTimer);
    await queue.shutDown();
    await Promise.all([clusters.stop(), secrets.stop()]);
    informersSynced = false;
  };

  let leading: Promise<void> = Promise.resolve();
  let lastElectionError = '';
  const elector: LeaderElector = startLeaderElection({
    kubeConfig: init.kubeConfig,
    namespace: init.namespace,
    name: LEASE_NAME,
    identity: init.identity,
    ...(init.leaseDurationMs === undefined ? {} : { leaseDurationMs: init.leaseDurationMs }),
    ...(init.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: init.renewDeadlineMs }),
    ...(init.retryPeriodMs === undefined ? {} : { retryPeriodMs: init.retryPeriodMs }),
    onStartedLeading: (signal) => {
      leadingNow = true;
      leading = lead(signal).catch((e: unknown) => {
        log({ level: 'error', msg: 'controller failed', error: String(e) });
      });
    },
    onStoppedLeading: () => {
      leadingNow = false;
      metrics.leader.set(0);
      if (!stopping) {
        lostLease = true;
        log({ level: 'error', msg: 'lost the Lease: stopping', identity: init.identity });
      }
    },
    onNewLeader: (identity) => {
      log({ level: 'info', msg: 'leader', identity });
    },
    // Said once per distinct failure, not every retry period.
    onError: (e) => {
      const error = String(e);
      if (error === lastElectionError) return;
      lastElectionError = error;
      log({
        level: 'warn',
        msg: 'leader election',
        lease: `${init.namespace}/${LEASE_NAME}`,
        error,
      });
    },
  });
  const done = elector.done.then(async () => {
    await leading;
    if (server !== undefined)
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      });
    return { lostLease };
  });
  return {
    get isLeader() {
      return elector.isLeader;
    },
    metricsUrl,
    done,
    async stop() {
      stopping = true;
      await elector.stop();
      await done;
    },
  };
}
