/**
 * Per-workload ECR access on a cluster (KEP-4412): the RBAC that lets the nodes request
 * service-account tokens for the audience, and each service account annotated with its IAM role.
 */
import {
  createEcrServiceAccount,
  createTokenAudienceRbac,
  DEFAULT_ECR_TOKEN_AUDIENCE,
  ECR_ROLE_ARN_ANNOTATION,
  ISSUE_CODES,
  ValidationError,
  dropUndefined,
  requireObject,
  type ServiceAccountObject,
} from '@eksa-credprov/core';
import { applyObjects, type ApplyResult } from './apply.ts';
import { isKubeApiError } from './errors.ts';
import { DEFAULT_FIELD_MANAGER, ensureNamespace } from './install.ts';
import { callContext, type KubeCallOptions } from './options.ts';

/**
 * Input for {@link ensureServiceAccountEcrAccess}.
 *
 * @public
 */
export interface ServiceAccountEcrAccessInit extends KubeCallOptions {
  /** The IAM role the service accounts' pods pull with (`ensureServiceAccountRole`'s `roleArn`). */
  readonly roleArn: string;
  /** The service accounts to annotate, created when missing (with their namespace). */
  readonly serviceAccounts: readonly { readonly namespace: string; readonly name: string }[];
  /** The tokens' audience, as in the kubelet's `tokenAttributes`. @default `"sts.amazonaws.com"` */
  readonly audience?: string;
  /** @default `"eksa-credprov"` */
  readonly fieldManager?: string;
}

/**
 * What {@link ensureServiceAccountEcrAccess} did.
 *
 * @public
 */
export interface ServiceAccountEcrAccess {
  /** The ClusterRole and ClusterRoleBinding for `system:nodes`. */
  readonly rbac: readonly ApplyResult[];
  readonly serviceAccounts: readonly ApplyResult[];
}

/**
 * Sets up a cluster for per-workload ECR access in one idempotent call: the RBAC that lets its
 * kubelets request tokens for the audience (`request-serviceaccounts-token-audience`, which the
 * API server's `ServiceAccountNodeAudienceRestriction` check asks for), then each service account
 * annotated `eks.amazonaws.com/ecr-role-arn` with the role. Server-side applies: only the
 * annotation is this SDK's on a service account that exists; running it again changes nothing.
 *
 * @throws `ValidationError` (from `@eksa-credprov/core`) naming a bad name or role ARN;
 * {@link KubeApiError} for what the server refused.
 * @public
 */
export async function ensureServiceAccountEcrAccess(
  init: ServiceAccountEcrAccessInit,
): Promise<ServiceAccountEcrAccess> {
  requireObject(init, 'ensureServiceAccountEcrAccess');
  const list: unknown = init.serviceAccounts;
  if (!Array.isArray(list))
    throw new ValidationError('invalid per-workload ECR access', [
      {
        path: 'serviceAccounts',
        code: ISSUE_CODES.REQUIRED,
        message: 'is required: a list of { namespace, name } (it may be empty)',
      },
    ]);
  const accounts: ServiceAccountObject[] = init.serviceAccounts.map((sa) =>
    createEcrServiceAccount({ ...sa, roleArn: init.roleArn }),
  );
  const rbacObjects = createTokenAudienceRbac({
    audience: init.audience ?? DEFAULT_ECR_TOKEN_AUDIENCE,
  });
  const common = {
    fieldManager: init.fieldManager ?? DEFAULT_FIELD_MANAGER,
    ...dropUndefined({
      kubeConfig: init.kubeConfig,
      signal: init.signal,
      timeoutMs: init.timeoutMs,
    }),
  };
  const rbac = await applyObjects(rbacObjects, common);
  for (const namespace of new Set(accounts.map((a) => a.metadata.namespace)))
    await ensureNamespace(namespace, common);
  const serviceAccounts = await applyObjects(accounts, common);
  return { rbac, serviceAccounts };
}

/**
 * Undoes {@link ensureServiceAccountEcrAccess}: removes this SDK's role annotation from each
 * service account (the service accounts stay), and, when `removeRbac` is true, the audience's
 * ClusterRole and ClusterRoleBinding (other workloads of the same audience need them: remove them
 * with the last). Safe to run again.
 *
 * @public
 */
export async function removeServiceAccountEcrAccess(
  init: Omit<ServiceAccountEcrAccessInit, 'roleArn'> & { readonly removeRbac?: boolean },
): Promise<{ readonly serviceAccounts: number; readonly rbac: number }> {
  requireObject(init, 'removeServiceAccountEcrAccess');
  const ctx = await callContext(init);
  let serviceAccounts = 0;
  for (const sa of init.serviceAccounts) {
    // A JSON merge patch that removes the annotation, whoever set it: the access is withdrawn.
    try {
      await ctx.transport.request({
        method: 'PATCH',
        path: `/api/v1/namespaces/${encodeURIComponent(sa.namespace)}/serviceaccounts/${encodeURIComponent(sa.name)}`,
        contentType: 'application/merge-patch+json',
        body: { metadata: { annotations: { [ECR_ROLE_ARN_ANNOTATION]: null } } },
        idempotent: true,
        deadline: ctx.deadline,
        signal: ctx.signal,
      });
      serviceAccounts++;
    } catch (e) {
      if (!(isKubeApiError(e) && e.status === 404)) throw e;
    }
  }
  let rbac = 0;
  if (init.removeRbac === true) {
    for (const object of createTokenAudienceRbac({
      audience: init.audience ?? DEFAULT_ECR_TOKEN_AUDIENCE,
    }).reverse()) {
      const plural = object.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings';
      try {
        await ctx.transport.request({
          method: 'DELETE',
          path: `/apis/rbac.authorization.k8s.io/v1/${plural}/${encodeURIComponent(object.metadata.name)}`,
          idempotent: true,
          deadline: ctx.deadline,
          signal: ctx.signal,
        });
        rbac++;
      } catch (e) {
        if (!(isKubeApiError(e) && e.status === 404)) throw e;
      }
    }
  }
  return { serviceAccounts, rbac };
}
