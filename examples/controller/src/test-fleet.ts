/**
 * A fleet for the controller's tests and benchmark, on the testenv API server: the controller's
 * namespace, RBAC and ServiceAccount token (it runs as that identity, nothing more), EKS
 * Anywhere `Cluster` objects with their `eksa-system` Secrets (every "workload cluster" is the
 * testenv API server itself, each with its own target namespace), controller processes, and the
 * API server's own count of write requests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyObjects, ensureNamespace } from '@eksa-credprov/kube';
import { awsTestEnv, kubeConfigFor, kubeRequest, testEnv } from '@eksa-credprov/testenv';
import { CONTROLLER_NODE_OPTIONS, createControllerManifests } from './manifests.ts';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');
const admin = kubeConfigFor('admin');
const FIELD_MANAGER = 'fleet-test';

/** Polls until `check` holds (bounded; never a timing assertion). */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 120_000,
): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not reached within ${limitMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Installs the controller's manifests into `namespace` (as the admin would) and returns a
 * kubeconfig file (mode 0600) for its ServiceAccount: the identity the controller runs as.
 */
export async function installController(namespace: string): Promise<string> {
  // An EKS Anywhere management cluster has both.
  await ensureNamespace('eksa-system', { kubeConfig: admin });
  await ensureNamespace('eksa-packages', { kubeConfig: admin });
  await applyObjects(
    createControllerManifests({
      image: 'public.ecr.aws/example/eksa-credprov-controller:test',
      namespace,
    }),
    { kubeConfig: admin, fieldManager: FIELD_MANAGER, force: true },
  );
  const res = await kubeRequest({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/serviceaccounts/eksa-credprov-controller/token`,
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 86_400 },
    },
  });
  if (res.status !== 201) throw new Error(`TokenRequest: ${res.status} ${res.text}`);
  const token = (res.json as { status: { token: string } }).status.token;
  const cluster = admin.getCurrentCluster();
  if (cluster === null) throw new Error('no cluster');
  const dir = mkdtempSync(join(tmpdir(), 'controller-'));
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'management',
          cluster: {
            server: cluster.server,
            'certificate-authority-data': cluster.caData,
          },
        },
      ],
      users: [{ name: 'controller', user: { token } }],
      contexts: [{ name: 'controller', context: { cluster: 'management', user: 'controller' } }],
      'current-context': 'controller',
    }),
    { mode: 0o600 },
  );
  return file;
}

/** One fake workload cluster. */
export interface FleetCluster {
  readonly name: string;
  /** The Cluster object's namespace. */
  readonly namespace: string;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Write `eksa-system/<name>-kubeconfig`. @default true */
  readonly kubeconfig?: boolean;
  /** `eksa-system/<name>-ca` tls.crt. @default none */
  readonly ca?: string;
}

/** Creates Clusters and their eksa-system Secrets, `concurrency` at a time. */
export async function createClusters(clusters: readonly FleetCluster[]): Promise<void> {
  const kubeconfigText = readFileSync(testEnv().kubeconfig, 'utf8');
  const objects = clusters.flatMap((c) => [
    ...(c.kubeconfig === false
      ? []
      : [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: `${c.name}-kubeconfig`, namespace: 'eksa-system' },
            stringData: { value: kubeconfigText },
          },
        ]),
    ...(c.ca === undefined
      ? []
      : [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: `${c.name}-ca`, namespace: 'eksa-system' },
            stringData: { 'tls.crt': c.ca },
          },
        ]),
    {
      apiVersion: 'anywhere.eks.amazonaws.com/v1alpha1',
      kind: 'Cluster',
      metadata: {
        name: c.name,
        namespace: c.namespace,
        ...(c.annotations === undefined ? {} : { annotations: { ...c.annotations } }),
      },
      spec: { managementCluster: { name: 'mgmt' }, kubernetesVersion: '1.33' },
    },
  ]);
  for (const ns of new Set(clusters.map((c) => c.namespace)))
    await ensureNamespace(ns, { kubeConfig: admin });
  await applyObjects(objects, {
    kubeConfig: admin,
    fieldManager: FIELD_MANAGER,
    concurrency: 16,
    timeoutMs: 120_000,
  });
}

/** GET as the admin; undefined on 404. */
export async function get<T = Record<string, unknown>>(path: string): Promise<T | undefined> {
  const res = await kubeRequest({ method: 'GET', path });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
  return res.json as T;
}

/** The API server's count of write requests (POST, PUT, PATCH, APPLY, DELETE) by resource. */
export async function apiWrites(): Promise<Map<string, number>> {
  const res = await kubeRequest({ method: 'GET', path: '/metrics' });
  const counts = new Map<string, number>();
  for (const line of res.text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const verb = /verb="([A-Z]+)"/.exec(line)?.[1] ?? '';
    if (!['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE', 'DELETECOLLECTION'].includes(verb)) continue;
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '';
    const subresource = /subresource="([^"]*)"/.exec(line)?.[1] ?? '';
    const key = subresource === '' ? resource : `${resource}/${subresource}`;
    const n = Number(line.slice(line.lastIndexOf(' ') + 1));
    counts.set(key, (counts.get(key) ?? 0) + n);
  }
  return counts;
}

/** The writes between two {@link apiWrites} counts, Leases aside (leader election renews them). */
export function writesBetween(
  before: Map<string, number>,
  after: Map<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of after) {
    if (key === 'leases') continue;
    const d = n - (before.get(key) ?? 0);
    if (d > 0) out[key] = d;
  }
  return out;
}

/** A running controller process. */
export interface ControllerProcess {
  readonly child: ChildProcess;
  readonly id: string;
  /** Its JSON log lines so far. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the metrics URL once it serves it. */
  readonly metricsUrl: Promise<string>;
  /** Resolves with its exit code. */
  readonly exited: Promise<number | null>;
  /** Prometheus text. */
  metrics(): Promise<string>;
}

/** Starts `eksa-credprov-controller` from source, as its ServiceAccount, against testenv and the AWS emulators. */
export function spawnController(init: {
  readonly kubeconfig: string;
  readonly namespace: string;
  readonly id: string;
  readonly args?: readonly string[];
}): ControllerProcess {
  const aws = awsTestEnv();
  const child = spawn(
    process.execPath,
    [
      // As the Deployment runs it (NODE_OPTIONS).
      ...CONTROLLER_NODE_OPTIONS.split(' '),
      '--conditions=@eksa-credprov/source',
      MAIN,
      `--kubeconfig=${init.kubeconfig}`,
      `--namespace=${init.namespace}`,
      `--id=${init.id}`,
      '--metrics-port=0',
      ...(init.args ?? []),
    ],
    {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: tmpdir(),
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_REGION: 'us-west-2',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_IAM: aws.moto,
        AWS_ENDPOINT_URL_STS: aws.moto,
        AWS_ENDPOINT_URL_ROLESANYWHERE: aws.rolesanywhere,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const logs: Record<string, unknown>[] = [];
  let resolveUrl: (url: string) => void = () => undefined;
  const metricsUrl = new Promise<string>((r) => (resolveUrl = r));
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry['msg'] === 'serving metrics') resolveUrl(String(entry['url']));
      } catch {
        logs.push({ level: 'raw', msg: line });
      }
      nl = pending.indexOf('\n');
    }
  });
  const exited = new Promise<number | null>((r) => {
    child.once('exit', (code) => {
      r(code);
    });
  });
  return {
    child,
    id: init.id,
    logs,
    metricsUrl,
    exited,
    async metrics() {
      const res = await fetch(`${await metricsUrl}/metrics`);
      return res.text();
    },
  };
}

/** A metric's value from Prometheus text (the sum over its label sets, or of those matching `labels`). */
export function metricValue(text: string, name: string, labels = ''): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith(' ') || rest.startsWith('{'))) continue;
    if (labels !== '' && !rest.includes(labels)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
