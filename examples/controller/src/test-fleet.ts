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
import { createAwsCredentialsSecret } from '@eksa-credprov/core';
import { applyObjects, ensureNamespace } from '@eksa-credprov/kube';
import {
  awsTestEnv,
  kubeConfigFor,
  kubeRequest,
  makeCaCertificate,
  testEnv,
} from '@eksa-credprov/testenv';
import { CREDENTIALS_ANNOTATION, TARGET_NAMESPACE_ANNOTATION } from './intent.ts';
import { CONTROLLER_NODE_OPTIONS, createControllerManifests } from './manifests.ts';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');
const admin = kubeConfigFor('admin');
const FIELD_MANAGER = 'fleet-test';

/** The AWS keys the tests give moto, the controller's environment and the source Secret. */
export const TEST_KEYS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
} as const;

/** The keys-form Secret, in the controller's namespace, that `secret:aws-keys` names. */
export const SOURCE_SECRET = 'aws-keys';

/**
 * Installs the controller's manifests into `namespace` (as the admin would) with the source
 * Secret {@link SOURCE_SECRET}, and returns a kubeconfig file (mode 0600) for its
 * ServiceAccount: the identity the controller runs as.
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
  await applyObjects(
    [
      createAwsCredentialsSecret({
        form: 'keys',
        ...TEST_KEYS,
        region: 'us-west-2',
        name: SOURCE_SECRET,
        namespace,
      }),
    ],
    { kubeConfig: admin, fieldManager: FIELD_MANAGER },
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

/**
 * `count` opted-in Clusters `<prefix><NNNN>-<suffix>` in `namespace`, each with its own target
 * namespace `t-<name>`: `roles-anywhere` (with a fresh CA) where `rolesAnywhere(i)` holds, else
 * `secret:aws-keys`.
 */
export function fleetOf(
  count: number,
  init: {
    readonly prefix: string;
    readonly suffix: string;
    readonly namespace: string;
    readonly rolesAnywhere?: (index: number) => boolean;
  },
): FleetCluster[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `${init.prefix}${String(i).padStart(4, '0')}-${init.suffix}`;
    const ra = init.rolesAnywhere?.(i) ?? false;
    return {
      name,
      namespace: init.namespace,
      annotations: {
        [CREDENTIALS_ANNOTATION]: ra ? 'roles-anywhere' : `secret:${SOURCE_SECRET}`,
        [TARGET_NAMESPACE_ANNOTATION]: `t-${name}`,
      },
      ...(ra ? { ca: makeCaCertificate(name) } : {}),
    };
  });
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

/** The API server's own count of requests (`apiserver_request_total`), Leases aside. */
export interface ApiRequests {
  /** Every verb. */
  readonly all: number;
  /** Writes (POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION) by resource (`resource/sub`). */
  readonly writes: ReadonlyMap<string, number>;
}

/**
 * The API server's request counts, Leases aside: leader election renews its Lease by design,
 * and the API server renews its own.
 */
export async function apiRequests(): Promise<ApiRequests> {
  const res = await kubeRequest({ method: 'GET', path: '/metrics' });
  let all = 0;
  const writes = new Map<string, number>();
  for (const line of res.text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{') || line.includes('resource="leases"'))
      continue;
    const n = Number(line.slice(line.lastIndexOf(' ') + 1));
    all += n;
    const verb = /verb="([A-Z]+)"/.exec(line)?.[1] ?? '';
    if (!['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE', 'DELETECOLLECTION'].includes(verb)) continue;
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '';
    const subresource = /subresource="([^"]*)"/.exec(line)?.[1] ?? '';
    const key = subresource === '' ? resource : `${resource}/${subresource}`;
    writes.set(key, (writes.get(key) ?? 0) + n);
  }
  return { all, writes };
}

/** The writes between two {@link apiRequests} counts, by resource. */
export function writesBetween(before: ApiRequests, after: ApiRequests): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of after.writes) {
    const d = n - (before.writes.get(key) ?? 0);
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
        AWS_ACCESS_KEY_ID: TEST_KEYS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_KEYS.secretAccessKey,
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
