#!/usr/bin/env node
/**
 * eksa-credprov-controller: keeps the credential provider configured on every EKS Anywhere
 * cluster of a management cluster that opts in by annotation. See docs/controller.md.
 *
 *   eksa-credprov-controller [--kubeconfig FILE] [--namespace NS] [--id ID] [--region R]
 *                            [--cluster-namespace NS]
 *                            [--metrics-port N] [--lease-duration 15s] [--renew-deadline 10s]
 *                            [--retry-period 2s] [--resync 10m] [--concurrency 16]
 *   eksa-credprov-controller manifests --image IMAGE [--namespace NS] [--replicas N] [--region R]
 *                            [--aws-env-secret NAME]
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { parseGoDuration, toYaml } from '@eksa-credprov/core';
import { loadKubeConfig } from '@eksa-credprov/kube';
import { startController } from './controller.ts';
import { createControllerManifests } from './manifests.ts';

const USAGE = `usage: eksa-credprov-controller [flags]
       eksa-credprov-controller manifests --image IMAGE [flags]

Keeps the credential provider configured on each EKS Anywhere Cluster annotated
eksa-credprov.io/credentials (roles-anywhere, or secret:<name>). See docs/controller.md.

flags:
  --kubeconfig FILE       the management cluster (default: in-cluster, KUBECONFIG, ~/.kube/config)
  --namespace NS          its own namespace: the Lease and the source Secrets (default eksa-credprov)
  --id ID                 leader-election identity (default <host name>_<pid>)
  --region REGION         region of roles-anywhere clusters without eksa-credprov.io/region
  --cluster-namespace NS  watch the Clusters of this namespace only (default: every namespace)
  --metrics-port N        serve /metrics, /healthz, /readyz on this port (default: none)
  --lease-duration D      (default 15s)   --renew-deadline D (default 10s)   --retry-period D (default 2s)
  --resync D              reconcile every Cluster again this often (default 10m)
  --concurrency N         Clusters reconciled at once (default 16)

manifests flags:
  --image IMAGE  --namespace NS  --replicas N  --region REGION  --aws-env-secret NAME
`;

function fail(message: string): never {
  process.stderr.write(`eksa-credprov-controller: ${message}\n`);
  process.exit(2);
}

function duration(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseGoDuration(value);
  } catch {
    return fail(`--${name} must be a duration such as 15s or 2m, not ${JSON.stringify(value)}`);
  }
}

function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    fail(`--${name} must be a whole number, not ${JSON.stringify(value)}`);
  return n;
}

const argv = process.argv.slice(2);
if (argv[0] === 'manifests') {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.slice(1),
      options: {
        image: { type: 'string' },
        namespace: { type: 'string' },
        replicas: { type: 'string' },
        region: { type: 'string' },
        'aws-env-secret': { type: 'string' },
      },
    }));
  } catch (e) {
    fail(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
  }
  if (values.image === undefined) fail('manifests needs --image (the controller image to run)');
  const replicas = count('replicas', values.replicas);
  const objects = createControllerManifests({
    image: values.image,
    ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
    ...(replicas === undefined ? {} : { replicas }),
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(values['aws-env-secret'] === undefined ? {} : { awsEnvSecret: values['aws-env-secret'] }),
  });
  process.stdout.write(objects.map((o) => toYaml(o)).join('---\n'));
} else {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        kubeconfig: { type: 'string' },
        namespace: { type: 'string', default: 'eksa-credprov' },
        id: { type: 'string' },
        region: { type: 'string' },
        'cluster-namespace': { type: 'string' },
        'metrics-port': { type: 'string' },
        'lease-duration': { type: 'string' },
        'renew-deadline': { type: 'string' },
        'retry-period': { type: 'string' },
        resync: { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    fail(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const leaseDurationMs = duration('lease-duration', values['lease-duration']);
  const renewDeadlineMs = duration('renew-deadline', values['renew-deadline']);
  const retryPeriodMs = duration('retry-period', values['retry-period']);
  const resyncMs = duration('resync', values.resync);
  // client-go's rules, said in terms of the flags.
  const [lease, renew, retry] = [
    leaseDurationMs ?? 15_000,
    renewDeadlineMs ?? 10_000,
    retryPeriodMs ?? 2_000,
  ];
  if (!(lease > renew)) fail('--lease-duration must be longer than --renew-deadline');
  if (!(renew > retry * 1.2)) fail('--renew-deadline must be longer than 1.2 × --retry-period');
  const concurrency = count('concurrency', values.concurrency);
  const metricsPort = count('metrics-port', values['metrics-port']);
  let controller;
  try {
    controller = await startController({
      kubeConfig: loadKubeConfig(
        values.kubeconfig === undefined ? {} : { kubeconfigPath: values.kubeconfig },
      ),
      namespace: values.namespace,
      identity: values.id ?? `${hostname()}_${String(process.pid)}`,
      region: values.region ?? process.env['AWS_REGION'],
      clusterNamespace: values['cluster-namespace'],
      metricsPort,
      ...(leaseDurationMs === undefined ? {} : { leaseDurationMs }),
      ...(renewDeadlineMs === undefined ? {} : { renewDeadlineMs }),
      ...(retryPeriodMs === undefined ? {} : { retryPeriodMs }),
      ...(resyncMs === undefined ? {} : { resyncMs }),
      ...(concurrency === undefined ? {} : { concurrency }),
    });
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (controller.metricsUrl !== undefined)
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'serving metrics', url: controller.metricsUrl })}\n`,
    );
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      void controller.stop();
    });
  const { lostLease } = await controller.done;
  // As client-go's controllers: one that lost its Lease exits, and its Deployment starts it again.
  process.exit(lostLease ? 1 : 0);
}
