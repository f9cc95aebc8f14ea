// Configures the credential provider on several workload clusters at once, from the management
// cluster alone: for each cluster, read its kubeconfig from eksa-system/<cluster>-kubeconfig,
// put the AWS credential Secret on it, and apply its Package on the management cluster. Safe to
// run again (server-side apply); one cluster failing does not stop the others.
//
//   CLUSTERS=w01,w02,w03 AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
//     node examples/automation/src/configure-clusters.ts
import { pathToFileURL } from 'node:url';
import {
  createAwsCredentialsSecret,
  createCredentialProviderPackage,
  type AwsCredentialsSecretInit,
} from '@eksa-credprov/core';
import {
  getWorkloadClusterKubeConfig,
  installCredentialProvider,
  loadKubeConfig,
  type InstallCredentialProviderResult,
} from '@eksa-credprov/kube';
import type { KubeConfig } from '@kubernetes/client-node';

/** What to do for the clusters. */
export interface ConfigureClustersInit {
  readonly management: KubeConfig;
  readonly clusters: readonly string[];
  /** The Secret's keys and region (the same for every cluster here). */
  readonly credentials: Pick<
    AwsCredentialsSecretInit,
    'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'region'
  >;
  readonly matchImages?: readonly string[];
  /** Namespace the chart installs into on each cluster. @default `eksa-packages` */
  readonly targetNamespace?: (cluster: string) => string;
  /** Clusters configured at the same time. @default 4 */
  readonly concurrency?: number;
  /** Per-call time limit. @default 30000 */
  readonly timeoutMs?: number;
}

/** The outcome for one cluster: what changed, or why it failed. */
export type ClusterOutcome =
  | {
      readonly cluster: string;
      readonly ok: true;
      readonly result: InstallCredentialProviderResult;
    }
  | { readonly cluster: string; readonly ok: false; readonly error: string };

async function configureOne(init: ConfigureClustersInit, cluster: string): Promise<ClusterOutcome> {
  try {
    const namespace = init.targetNamespace?.(cluster);
    const timeout = init.timeoutMs === undefined ? {} : { timeoutMs: init.timeoutMs };
    const target = await getWorkloadClusterKubeConfig(cluster, {
      kubeConfig: init.management,
      ...timeout,
    });
    const secret = createAwsCredentialsSecret({
      form: 'keys',
      ...init.credentials,
      ...(namespace === undefined ? {} : { namespace }),
    });
    const pkg = createCredentialProviderPackage({
      clusterName: cluster,
      ...(namespace === undefined ? {} : { targetNamespace: namespace }),
      config: {
        credential: [
          {
            secretName: secret.metadata.name,
            ...(init.matchImages === undefined ? {} : { matchImages: init.matchImages }),
          },
        ],
      },
    });
    const result = await installCredentialProvider({
      management: init.management,
      target,
      package: pkg,
      secret,
      ...timeout,
    });
    return { cluster, ok: true, result };
  } catch (e) {
    // The SDK's messages name what failed and never hold the keys.
    return { cluster, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Configures every cluster, a few at a time; never throws for one cluster's failure. */
export async function configureClusters(init: ConfigureClustersInit): Promise<ClusterOutcome[]> {
  const queue = [...init.clusters];
  const outcomes = new Map<string, ClusterOutcome>();
  const worker = async (): Promise<void> => {
    for (let cluster = queue.shift(); cluster !== undefined; cluster = queue.shift())
      outcomes.set(cluster, await configureOne(init, cluster));
  };
  await Promise.all(Array.from({ length: Math.max(1, init.concurrency ?? 4) }, worker));
  return init.clusters.map(
    (c) =>
      outcomes.get(c) ?? { cluster: c, ok: false, error: 'not configured (no worker reached it)' },
  );
}

/** One line per cluster: `w01  ok  secret created, package unchanged`. */
export function formatOutcomes(outcomes: readonly ClusterOutcome[]): string {
  const width = Math.max(...outcomes.map((o) => o.cluster.length));
  return outcomes
    .map((o) =>
      o.ok
        ? `${o.cluster.padEnd(width)}  ok      secret ${o.result.secret.action}, package ${o.result.package.action}`
        : `${o.cluster.padEnd(width)}  FAILED  ${o.error}`,
    )
    .join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = process.env;
  const need = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === '') {
      process.stderr.write(`configure-clusters: set ${name}\n`);
      process.exit(2);
    }
    return v;
  };
  const outcomes = await configureClusters({
    management: loadKubeConfig(),
    clusters: need('CLUSTERS')
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== ''),
    credentials: {
      region: need('AWS_REGION'),
      accessKeyId: need('AWS_ACCESS_KEY_ID'),
      secretAccessKey: need('AWS_SECRET_ACCESS_KEY'),
      ...(env['AWS_SESSION_TOKEN'] === undefined ? {} : { sessionToken: env['AWS_SESSION_TOKEN'] }),
    },
  });
  process.stdout.write(`${formatOutcomes(outcomes)}\n`);
  process.exitCode = outcomes.every((o) => o.ok) ? 0 : 1;
}
