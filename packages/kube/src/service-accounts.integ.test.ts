/**
 * Per-workload ECR access on the real API server, checked the way a kubelet meets it: the node
 * identity of the testenv (system:node:testnode) requests a token for the audience, bound to a pod
 * on its node, and the API server's Node authorizer and NodeRestriction
 * (ServiceAccountNodeAudienceRestriction) decide.
 */
import { describe, expect, it } from 'vitest';
import {
  kubeConfigFor,
  kubeRequest,
  serviceAccountWithPod,
  uniqueName,
} from '@eksa-credprov/testenv';
import {
  ensureServiceAccountEcrAccess,
  removeServiceAccountEcrAccess,
} from './service-accounts.ts';

const ROLE = 'arn:aws:iam::123456789012:role/team-builder';

/** The node's TokenRequest for the service account's pod: the HTTP status and the server's words. */
async function nodeRequestsToken(
  namespace: string,
  name: string,
  audience: string,
): Promise<{ status: number; message: string }> {
  const { podName, podUid } = await serviceAccountWithPod(namespace, name);
  const res = await kubeRequest({
    user: 'node',
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: [audience],
        expirationSeconds: 600,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: podName, uid: podUid },
      },
    },
  });
  return { status: res.status, message: (res.json as { message?: string }).message ?? '' };
}

describe('ensureServiceAccountEcrAccess on the real API server', () => {
  it('lets the nodes request tokens for the audience, annotates the service accounts, and is idempotent', async () => {
    const namespace = uniqueName('team');
    const audience = `${uniqueName('aud')}.example.com`;
    const kubeConfig = kubeConfigFor('admin');

    // Before: the API server refuses the kubelet an audience no pod mounts.
    const before = await nodeRequestsToken(namespace, 'builder', audience);
    expect(before.status).toBe(403);
    expect(before.message).toBe(
      `serviceaccounts "builder" is forbidden: system:node:testnode is not authorized to request tokens for audience "${audience}"`,
    );

    const first = await ensureServiceAccountEcrAccess({
      kubeConfig,
      audience,
      roleArn: ROLE,
      serviceAccounts: [
        { namespace, name: 'builder' },
        { namespace, name: 'new-one' },
      ],
    });
    expect(first.rbac.map((r) => [r.kind, r.action])).toEqual([
      ['ClusterRole', 'created'],
      ['ClusterRoleBinding', 'created'],
    ]);
    expect(first.serviceAccounts.map((r) => [r.name, r.action])).toEqual([
      ['builder', 'changed'],
      ['new-one', 'created'],
    ]);
    expect((await nodeRequestsToken(namespace, 'builder', audience)).status).toBe(201);
    const sa = await kubeRequest({
      method: 'GET',
      path: `/api/v1/namespaces/${namespace}/serviceaccounts/builder`,
    });
    expect(
      (sa.json as { metadata: { annotations: Record<string, string> } }).metadata.annotations,
    ).toEqual({ 'eks.amazonaws.com/ecr-role-arn': ROLE });

    const again = await ensureServiceAccountEcrAccess({
      kubeConfig,
      audience,
      roleArn: ROLE,
      serviceAccounts: [
        { namespace, name: 'builder' },
        { namespace, name: 'new-one' },
      ],
    });
    expect([...again.rbac, ...again.serviceAccounts].map((r) => r.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);

    // Undone: the annotation goes, the service account stays; without the RBAC the node is refused again.
    expect(
      await removeServiceAccountEcrAccess({
        kubeConfig,
        audience,
        serviceAccounts: [{ namespace, name: 'builder' }],
        removeRbac: true,
      }),
    ).toEqual({ serviceAccounts: 1, rbac: 2 });
    const after = await kubeRequest({
      method: 'GET',
      path: `/api/v1/namespaces/${namespace}/serviceaccounts/builder`,
    });
    expect(after.status).toBe(200);
    expect(
      (after.json as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[
        'eks.amazonaws.com/ecr-role-arn'
      ],
    ).toBeUndefined();
    expect((await nodeRequestsToken(namespace, 'builder', audience)).status).toBe(403);
    expect(
      await removeServiceAccountEcrAccess({
        kubeConfig,
        audience,
        serviceAccounts: [{ namespace, name: 'gone' }],
        removeRbac: true,
      }),
    ).toEqual({ serviceAccounts: 0, rbac: 0 });
  });
});
