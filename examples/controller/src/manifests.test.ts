/** The rendered objects: names, namespaces, what the RBAC grants, and the Deployment's safety settings. */
import { describe, expect, it } from 'vitest';
import { createControllerManifests } from './manifests.ts';

describe('createControllerManifests', () => {
  const objects = createControllerManifests({ image: 'registry.example/c:1', region: 'us-west-2' });
  it('renders the namespace, identity, RBAC and Deployment in apply order', () => {
    expect(
      objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`),
    ).toEqual([
      'Namespace /eksa-credprov',
      'ServiceAccount eksa-credprov/eksa-credprov-controller',
      'ClusterRole /eksa-credprov-controller',
      'ClusterRoleBinding /eksa-credprov-controller',
      'Role eksa-credprov/eksa-credprov-controller',
      'RoleBinding eksa-credprov/eksa-credprov-controller',
      'Role eksa-system/eksa-credprov-controller-cluster-secrets',
      'RoleBinding eksa-system/eksa-credprov-controller-cluster-secrets',
      'Role eksa-packages/eksa-credprov-controller-target',
      'RoleBinding eksa-packages/eksa-credprov-controller-target',
      'Deployment eksa-credprov/eksa-credprov-controller',
    ]);
  });

  it('grants no list or watch of Secrets outside its own namespace, and nothing on Cluster status', () => {
    const rules = objects
      .filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')
      .flatMap((o) =>
        (o['rules'] as { resources: string[]; verbs: string[] }[]).map((r) => ({
          where: `${o.kind} ${o.metadata.namespace ?? ''}`,
          ...r,
        })),
      );
    const secretReads = rules.filter(
      (r) => r.resources.includes('secrets') && r.verbs.some((v) => v === 'list' || v === 'watch'),
    );
    expect(secretReads.map((r) => r.where)).toEqual(['Role eksa-credprov']);
    expect(rules.flatMap((r) => r.resources)).not.toContain('clusters/status');
    expect(rules.every((r) => !r.verbs.includes('*') && !r.resources.includes('*'))).toBe(true);
  });

  it('runs as non-root with a read-only root and no capabilities, probing /healthz and /readyz', () => {
    const deployment = objects.at(-1) as unknown as {
      spec: { replicas: number; template: { spec: { containers: Record<string, unknown>[] } } };
    };
    expect(deployment.spec.replicas).toBe(2);
    const [container] = deployment.spec.template.spec.containers;
    expect(container).toMatchObject({
      image: 'registry.example/c:1',
      args: [
        '--namespace=$(POD_NAMESPACE)',
        '--id=$(POD_NAME)',
        '--metrics-port=8080',
        '--region=us-west-2',
      ],
      securityContext: {
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      },
      livenessProbe: { httpGet: { path: '/healthz' } },
      readinessProbe: { httpGet: { path: '/readyz' } },
    });
  });

  it('takes another namespace, replica count and AWS environment Secret', () => {
    const other = createControllerManifests({
      image: 'i',
      namespace: 'ops',
      replicas: 3,
      awsEnvSecret: 'aws-env',
      managementTargetNamespaces: [],
    });
    expect(other.filter((o) => o.metadata.namespace === 'eksa-packages')).toEqual([]);
    expect(other.at(-1)).toMatchObject({
      metadata: { namespace: 'ops' },
      spec: {
        replicas: 3,
        template: { spec: { containers: [{ envFrom: [{ secretRef: { name: 'aws-env' } }] }] } },
      },
    });
  });

  it('needs an image', () => {
    expect(() => createControllerManifests({ image: '' })).toThrow(/image is required/);
  });
});
