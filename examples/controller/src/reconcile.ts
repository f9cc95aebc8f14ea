/**
 * One reconcile of one `Cluster`: set up what its annotations ask for with the SDK's own
 * functions (the same objects `installCredentialProvider` and `roles-anywhere setup` produce), or
 * remove what was set up when it is deleted or opts out. Nothing is written when nothing differs.
 */
import {
  DEFAULT_AWS_SECRET_NAME,
  DEFAULT_PACKAGE_NAME,
  DEFAULT_ROLES_ANYWHERE_SECRET_NAME,
  DEFAULT_TARGET_NAMESPACE,
  createCredentialProviderPackage,
  createRolesAnywhereSecret,
  packageNamespace,
  parseAwsCredentialsSecret,
  type Secret,
} from '@eksa-credprov/core';
import {
  CURATED_PACKAGES_ACCOUNT_ID,
  createEcrReadPolicy,
  defaultRoleName,
  ensureRolesAnywhereSetup,
  teardownRolesAnywhereSetup,
} from '@eksa-credprov/aws';
import {
  applyObjects,
  deleteObjects,
  deletePackage,
  getClusterCaCertificate,
  getWorkloadClusterKubeConfig,
  installCredentialProvider,
  isKubeApiError,
  type EventRecorder,
  type EventSubject,
  type Informer,
} from '@eksa-credprov/kube';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  APPLIED_ANNOTATION,
  CREDENTIALS_ANNOTATION,
  FINALIZER,
  readApplied,
  readIntent,
  type AppliedRecord,
  type ClusterIntent,
} from './intent.ts';

/** The parts of an EKS Anywhere `Cluster` (anywhere.eks.amazonaws.com/v1alpha1) read here. */
export interface Cluster extends EventSubject {
  readonly metadata: EventSubject['metadata'] & {
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
    readonly deletionTimestamp?: string;
  };
  readonly spec?: { readonly managementCluster?: { readonly name?: string } };
}

/** A Secret in the controller's namespace, as the informer holds it. */
export interface SourceSecret {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
  readonly type?: string;
  readonly data?: Readonly<Record<string, string>>;
}

/** What one reconcile did, for events, metrics and logs. */
export type ReconcileOutcome =
  | { readonly result: 'configured' | 'unchanged'; readonly summary: string }
  | { readonly result: 'removed'; readonly summary: string }
  | { readonly result: 'invalid'; readonly summary: string }
  | { readonly result: 'ignored' };

/** What a reconcile needs. */
export interface ReconcilerDeps {
  readonly management: KubeConfig;
  /** The controller's namespace (the source Secrets). */
  readonly namespace: string;
  readonly clusters: Informer<Cluster>;
  readonly secrets: Informer<SourceSecret>;
  readonly events: EventRecorder;
  readonly fieldManager: string;
  readonly region?: string | undefined;
  readonly timeoutMs: number;
}

/** A cluster's own name is its management cluster's: EKS Anywhere's self-managed cluster. */
function selfManaged(cluster: Cluster): boolean {
  const m = cluster.spec?.managementCluster?.name;
  return m === undefined || m === '' || m === cluster.metadata.name;
}

/** The record of what an intent sets up. */
function recordFor(intent: ClusterIntent, cluster: string, secretName: string): AppliedRecord {
  return {
    mode: intent.mode,
    targetNamespace: intent.targetNamespace,
    secretName,
    packageName: DEFAULT_PACKAGE_NAME,
    ...(intent.mode === 'roles-anywhere'
      ? { roleName: intent.roleName ?? defaultRoleName(cluster), region: intent.region }
      : {}),
  };
}

const word = (action: string): string => (action === 'changed' ? 'updated' : action);
/** An AWS resource of the Roles Anywhere set-up, as the events say it. */
const awsWord = (resource: string): string =>
  resource === 'trustAnchor' ? 'trust anchor' : resource;

/** Creates the reconciler: `reconcile(key)` for the work queue, and per-process memory. */
export function createReconciler(deps: ReconcilerDeps): {
  reconcile: (key: string, signal: AbortSignal) => Promise<ReconcileOutcome>;
} {
  /** Clusters this process has reported on (an "unchanged" event is said once per process). */
  const reported = new Set<string>();
  const call = (signal: AbortSignal): { timeoutMs: number; signal: AbortSignal } => ({
    timeoutMs: deps.timeoutMs,
    signal,
  });

  /**
   * The workload cluster's kubeconfig, read afresh each time and not kept: kept, each cluster's
   * parsed kubeconfig and connection pool (about 55 KB with its TLS context) would grow with the
   * fleet, to save one GET and one TLS handshake per reconcile. Idle connections close after 5 s.
   */
  const targetOf = async (cluster: Cluster, signal: AbortSignal): Promise<KubeConfig> =>
    selfManaged(cluster)
      ? deps.management
      : getWorkloadClusterKubeConfig(cluster.metadata.name, {
          kubeConfig: deps.management,
          ...call(signal),
        });

  /** Writes (server-side apply, as this controller) our finalizer and record, or drops both. */
  const claim = async (
    cluster: Cluster,
    record: AppliedRecord | undefined,
    signal: AbortSignal,
  ): Promise<void> => {
    await applyObjects(
      [
        {
          apiVersion: cluster.apiVersion,
          kind: cluster.kind,
          metadata: {
            name: cluster.metadata.name,
            ...(cluster.metadata.namespace === undefined
              ? {}
              : { namespace: cluster.metadata.namespace }),
            ...(record === undefined
              ? {}
              : {
                  finalizers: [FINALIZER],
                  annotations: { [APPLIED_ANNOTATION]: JSON.stringify(record) },
                }),
          },
        },
      ],
      { kubeConfig: deps.management, fieldManager: deps.fieldManager, ...call(signal) },
    );
  };

  const setUp = async (
    cluster: Cluster,
    intent: ClusterIntent,
    signal: AbortSignal,
  ): Promise<{ record: AppliedRecord; said: string[] }> => {
    const name = cluster.metadata.name;
    const said: string[] = [];
    let secret: Secret;
    let profile: string | undefined;
    if (intent.mode === 'secret') {
      const source = deps.secrets.get(`${deps.namespace}/${intent.secretName}`);
      if (source === undefined)
        throw new Error(
          `there is no Secret ${deps.namespace}/${intent.secretName}: create it in the controller's namespace (keys or config form), or fix the ${CREDENTIALS_ANNOTATION} annotation`,
        );
      const parsed = parseAwsCredentialsSecret({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: source.metadata,
        type: source.type,
        data: source.data,
      });
      if (parsed.form === 'config' && !parsed.profiles.includes('default'))
        profile = parsed.profiles[0];
      secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: source.metadata.name, namespace: intent.targetNamespace },
        type: source.type ?? 'Opaque',
        data: { ...source.data },
      };
    } else {
      const ca = await getClusterCaCertificate(name, {
        kubeConfig: deps.management,
        ...call(signal),
      });
      const ra = await ensureRolesAnywhereSetup({
        clusterName: name,
        caCertificatePem: ca,
        region: intent.region,
        roleName: intent.roleName ?? defaultRoleName(name),
        policy: createEcrReadPolicy({
          registryAccountIds: intent.registryAccounts ?? [CURATED_PACKAGES_ACCOUNT_ID],
        }),
      });
      for (const [what, action] of Object.entries(ra.actions))
        if (action !== 'unchanged') {
          said.push(`${awsWord(what)} ${word(action)}`);
        }
      secret = createRolesAnywhereSecret({
        region: intent.region,
        roleArn: ra.roleArn,
        profileArn: ra.profileArn,
        trustAnchorArn: ra.trustAnchorArn,
        namespace: intent.targetNamespace,
      });
    }
    const pkg = createCredentialProviderPackage({
      clusterName: name,
      ...(intent.targetNamespace === DEFAULT_TARGET_NAMESPACE
        ? {}
        : { targetNamespace: intent.targetNamespace }),
      config: {
        credential: [
          {
            secretName: secret.metadata.name,
            ...(profile === undefined ? {} : { profile }),
            ...(intent.matchImages === undefined ? {} : { matchImages: intent.matchImages }),
          },
        ],
      },
    });
    const installed = await installCredentialProvider({
      management: deps.management,
      target: await targetOf(cluster, signal),
      package: pkg,
      secret,
      fieldManager: deps.fieldManager,
      skipUnchanged: true,
      ...call(signal),
    });
    const written = (
      [
        [`Secret ${secret.metadata.namespace}/${secret.metadata.name}`, installed.secret],
        [`Package ${pkg.metadata.namespace}/${pkg.metadata.name}`, installed.package],
      ] as const
    )
      .filter(([, result]) => result.action !== 'unchanged')
      .map(([what, result]) => `${what} ${word(result.action)}`);
    said.unshift(...written);
    return { record: recordFor(intent, name, secret.metadata.name), said };
  };

  /** Removes what a record says was set up (each step tolerates what is already gone). */
  const tearDown = async (
    cluster: Cluster,
    what: {
      readonly record: AppliedRecord;
      readonly parts: { secret: boolean; package: boolean; aws: boolean };
    },
    signal: AbortSignal,
  ): Promise<string[]> => {
    const { record, parts } = what;
    const name = cluster.metadata.name;
    const said: string[] = [];
    if (parts.package) {
      const { deleted } = await deletePackage(record.packageName, {
        kubeConfig: deps.management,
        clusterName: name,
        ...call(signal),
      });
      if (deleted) said.push(`Package ${packageNamespace(name)}/${record.packageName} deleted`);
    }
    if (parts.secret) {
      let target: KubeConfig | undefined;
      try {
        target = await targetOf(cluster, signal);
      } catch (e) {
        // A deleted workload cluster's kubeconfig goes with it: its Secret went with the cluster.
        if (!(isKubeApiError(e) && e.status === 404)) throw e;
        said.push(
          'the cluster has no kubeconfig Secret any more, so its Secret is left to go with it',
        );
      }
      if (target !== undefined) {
        const [result] = await deleteObjects(
          [
            {
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name: record.secretName, namespace: record.targetNamespace },
            },
          ],
          { kubeConfig: target, ...call(signal) },
        );
        if (result?.action === 'deleted')
          said.push(`Secret ${record.targetNamespace}/${record.secretName} deleted`);
      }
    }
    if (parts.aws && record.mode === 'roles-anywhere' && record.region !== undefined) {
      const gone = await teardownRolesAnywhereSetup({
        clusterName: name,
        region: record.region,
        roleName: record.roleName ?? defaultRoleName(name),
      });
      for (const [what, deleted] of Object.entries(gone))
        if (deleted) said.push(`${awsWord(what)} deleted`);
    }
    return said;
  };

  const reconcile = async (key: string, signal: AbortSignal): Promise<ReconcileOutcome> => {
    const cluster = deps.clusters.get(key);
    if (cluster === undefined) {
      // Gone: our finalizer (when it was ours) held it until the teardown below had run.
      reported.delete(key);
      return { result: 'ignored' };
    }
    const intent = readIntent(cluster.metadata.annotations, { region: deps.region });
    const applied = readApplied(cluster.metadata.annotations);
    const ours = cluster.metadata.finalizers?.includes(FINALIZER) === true;
    const event = (type: 'Normal' | 'Warning', reason: string, note: string): Promise<void> =>
      deps.events.record(cluster, { type, reason, action: 'Reconcile', note });

    if (cluster.metadata.deletionTimestamp !== undefined || intent === undefined) {
      if (!ours && applied === undefined) return { result: 'ignored' };
      // A finalizer without a record (the controller stopped between the two): the defaults.
      const record = applied ?? {
        mode: 'secret',
        targetNamespace: DEFAULT_TARGET_NAMESPACE,
        secretName: DEFAULT_AWS_SECRET_NAME,
        packageName: DEFAULT_PACKAGE_NAME,
      };
      const said = await tearDown(
        cluster,
        { record, parts: { secret: true, package: true, aws: true } },
        signal,
      );
      await claim(cluster, undefined, signal);
      reported.delete(key);
      const summary = said.length === 0 ? 'nothing was left to remove' : said.join(', ');
      await event(
        'Normal',
        'Removed',
        `${cluster.metadata.deletionTimestamp === undefined ? 'opted out' : 'deleted'}: ${summary}`,
      );
      return { result: 'removed', summary };
    }
    if ('issues' in intent) {
      const summary = intent.issues.map((i) => `${i.path} ${i.message}`).join('; ');
      await event('Warning', 'InvalidAnnotation', summary);
      // Not retried: a change to the annotations brings the Cluster back.
      return { result: 'invalid', summary };
    }
    // Claim before acting, so that a deletion waits for the teardown.
    const wanted = recordFor(
      intent,
      cluster.metadata.name,
      intent.mode === 'secret' ? intent.secretName : DEFAULT_ROLES_ANYWHERE_SECRET_NAME,
    );
    // What the Cluster records after this claim (a previous record stays until replaced below).
    const onCluster = ours ? applied : (applied ?? wanted);
    if (!ours) await claim(cluster, onCluster, signal);
    let outcome: { record: AppliedRecord; said: string[] };
    try {
      outcome = await setUp(cluster, intent, signal);
    } catch (e) {
      await event('Warning', 'ReconcileFailed', e instanceof Error ? e.message : String(e));
      throw e;
    }
    const { record, said } = outcome;
    // The set-up moved (another namespace, Secret, role or mode): remove what the old one left.
    if (applied !== undefined && JSON.stringify(applied) !== JSON.stringify(record)) {
      said.push(
        ...(await tearDown(
          cluster,
          {
            record: applied,
            parts: {
              secret:
                applied.targetNamespace !== record.targetNamespace ||
                applied.secretName !== record.secretName,
              package: false,
              aws:
                applied.mode === 'roles-anywhere' &&
                (record.mode !== 'roles-anywhere' ||
                  applied.roleName !== record.roleName ||
                  applied.region !== record.region),
            },
          },
          signal,
        )),
      );
    }
    if (JSON.stringify(onCluster) !== JSON.stringify(record)) await claim(cluster, record, signal);
    const first = !reported.has(key);
    reported.add(key);
    if (said.length > 0) {
      const summary = said.join(', ');
      await event('Normal', 'Configured', summary);
      return { result: 'configured', summary };
    }
    const summary = `already configured (${record.mode}, Secret ${record.targetNamespace}/${record.secretName})`;
    if (first) await event('Normal', 'Unchanged', summary);
    return { result: 'unchanged', summary };
  };

  return { reconcile };
}
