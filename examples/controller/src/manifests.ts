/**
 * The objects that run the controller on a management cluster: its namespace, ServiceAccount,
 * least-privilege RBAC and Deployment. The RBAC is exactly what the controller calls (the
 * integration tests run it with nothing more than this identity).
 */
import { FIELD_MANAGER, LEASE_NAME } from './controller.ts';

/** Input for {@link createControllerManifests}. */
export interface ControllerManifestsInit {
  /** The controller's image (built from examples/controller/Dockerfile). */
  readonly image: string;
  /** @default `eksa-credprov` */
  readonly namespace?: string;
  /** @default 2 (one leads, one stands by) */
  readonly replicas?: number;
  /** Region for `roles-anywhere` clusters without a region annotation. */
  readonly region?: string;
  /**
   * A Secret in the namespace whose keys become the pod's environment, such as
   * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for `roles-anywhere` clusters. Without it, the
   * AWS SDK's standard chain finds what the pod has.
   */
  readonly awsEnvSecret?: string;
  /** Namespaces, on the management cluster itself, where it may write the credential Secret. @default [`eksa-packages`] */
  readonly managementTargetNamespaces?: readonly string[];
  /** @default 8080 */
  readonly metricsPort?: number;
}

/** A Kubernetes object as plain data. */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

/**
 * Node.js options the Deployment runs the controller with: young-generation semi-spaces of 4 MB
 * instead of 16. Measured with 1,000 clusters (docs/benchmarks.md): peak RSS 334 MB to 248 MB,
 * and faster (17.0 s to converge instead of 20–22 s), as a controller's garbage is short-lived.
 */
export const CONTROLLER_NODE_OPTIONS = '--max-semi-space-size=4';

/** The name of the ServiceAccount, roles and Deployment. */
export const CONTROLLER_NAME = 'eksa-credprov-controller';

/** The controller's objects, in the order to apply them. */
export function createControllerManifests(init: ControllerManifestsInit): ManifestObject[] {
  if (typeof init.image !== 'string' || init.image === '')
    throw new Error('createControllerManifests: image is required (the controller image to run)');
  const namespace = init.namespace ?? 'eksa-credprov';
  const port = init.metricsPort ?? 8080;
  const labels = { 'app.kubernetes.io/name': CONTROLLER_NAME };
  const meta = (name: string, ns?: string): ManifestObject['metadata'] => ({
    name,
    ...(ns === undefined ? {} : { namespace: ns }),
    labels,
  });
  const subject = [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace }];
  const rbac = 'rbac.authorization.k8s.io/v1';
  const binding = (
    kind: 'RoleBinding' | 'ClusterRoleBinding',
    name: string,
    ns?: string,
  ): ManifestObject => ({
    apiVersion: rbac,
    kind,
    metadata: meta(name, ns),
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: kind === 'RoleBinding' ? 'Role' : 'ClusterRole',
      name,
    },
    subjects: subject,
  });
  const targets = init.managementTargetNamespaces ?? ['eksa-packages'];
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(namespace) },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(CONTROLLER_NAME, namespace) },
    {
      apiVersion: rbac,
      kind: 'ClusterRole',
      metadata: meta(CONTROLLER_NAME),
      rules: [
        // Watch every Cluster; server-side apply of its finalizer and record annotation.
        {
          apiGroups: ['anywhere.eks.amazonaws.com'],
          resources: ['clusters'],
          verbs: ['get', 'list', 'watch', 'patch'],
        },
        // The Package in eksa-packages-<cluster>, by server-side apply (a PATCH that needs
        // create as well when the object is new).
        {
          apiGroups: ['packages.eks.amazonaws.com'],
          resources: ['packages'],
          verbs: ['get', 'create', 'patch', 'delete'],
        },
        // eksa-packages-<cluster>, created when missing.
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'create'] },
        // Events on the Clusters, in their namespaces.
        { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
      ],
    },
    binding('ClusterRoleBinding', CONTROLLER_NAME),
    {
      apiVersion: rbac,
      kind: 'Role',
      metadata: meta(CONTROLLER_NAME, namespace),
      rules: [
        // The source Secrets that secret:<name> names.
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: [LEASE_NAME],
          verbs: ['get', 'update'],
        },
      ],
    },
    binding('RoleBinding', CONTROLLER_NAME, namespace),
    {
      apiVersion: rbac,
      kind: 'Role',
      metadata: meta(`${CONTROLLER_NAME}-cluster-secrets`, 'eksa-system'),
      // <cluster>-kubeconfig and <cluster>-ca: read by name, never listed.
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
    },
    binding('RoleBinding', `${CONTROLLER_NAME}-cluster-secrets`, 'eksa-system'),
    // The management cluster configures itself too: its credential Secret is written there.
    ...targets.flatMap((ns) => [
      {
        apiVersion: rbac,
        kind: 'Role',
        metadata: meta(`${CONTROLLER_NAME}-target`, ns),
        rules: [
          { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'patch', 'delete'] },
        ],
      },
      binding('RoleBinding', `${CONTROLLER_NAME}-target`, ns),
    ]),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(CONTROLLER_NAME, namespace),
      spec: {
        replicas: init.replicas ?? 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: CONTROLLER_NAME,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'controller',
                image: init.image,
                args: [
                  '--namespace=$(POD_NAMESPACE)',
                  '--id=$(POD_NAME)',
                  `--metrics-port=${String(port)}`,
                  ...(init.region === undefined ? [] : [`--region=${init.region}`]),
                ],
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                  },
                  { name: 'NODE_OPTIONS', value: CONTROLLER_NODE_OPTIONS },
                ],
                ...(init.awsEnvSecret === undefined
                  ? {}
                  : { envFrom: [{ secretRef: { name: init.awsEnvSecret } }] }),
                ports: [{ name: 'metrics', containerPort: port }],
                livenessProbe: { httpGet: { path: '/healthz', port: 'metrics' } },
                readinessProbe: { httpGet: { path: '/readyz', port: 'metrics' } },
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { memory: '512Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    },
  ];
}

/** Field manager to apply these manifests with (not the controller's own). */
export const MANIFESTS_FIELD_MANAGER = `${FIELD_MANAGER}-install`;
