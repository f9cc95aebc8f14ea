/**
 * The Kubernetes side of per-workload ECR access (KEP-4412, kubelet credential provider
 * service-account tokens): the kubelet config's `tokenAttributes` for the ECR provider, the RBAC
 * that lets nodes request tokens for the audience, and a service account annotated with its role.
 * Plain objects; `@eksa-credprov/kube` applies them.
 */
import { requireObject } from './input.ts';
import { ISSUE_CODES, ValidationError, type ValidationIssue } from './errors.ts';
import type { ServiceAccountTokenAttributes } from './kubelet-config.ts';
import type { ObjectMeta } from './kube-object.ts';
import { checkArn } from './aws-names.ts';
import { checkDns1123Label, checkDns1123Subdomain } from './names.ts';

/**
 * The service-account annotation naming the IAM role a pod's images are pulled with, as the Go
 * `ecr-credential-provider` reads it.
 *
 * @public
 */
export const ECR_ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/ecr-role-arn';

/** The audience of the tokens by default: STS's own, as EKS uses it. @public */
export const DEFAULT_ECR_TOKEN_AUDIENCE = 'sts.amazonaws.com';

/**
 * The `tokenAttributes` of the ECR provider's entry in the kubelet `CredentialProviderConfig`:
 * tokens for `audience`, the role annotation passed when present (optional: a service account
 * without it, and a pod without a service account, fall back to the node's credentials), and
 * credentials cached per service account (`ServiceAccount`: ECR's 12-hour login outlives the
 * token it was obtained with).
 *
 * @example
 * ```ts
 * createKubeletCredentialProviderConfig({
 *   providers: [{ tokenAttributes: ecrTokenAttributes() }],
 * });
 * ```
 * @public
 */
export function ecrTokenAttributes(
  init: { readonly audience?: string; readonly requireAnnotation?: boolean } = {},
): ServiceAccountTokenAttributes {
  requireObject(init, 'ecrTokenAttributes');
  const require = init.requireAnnotation === true;
  return {
    serviceAccountTokenAudience: init.audience ?? DEFAULT_ECR_TOKEN_AUDIENCE,
    cacheType: 'ServiceAccount',
    requireServiceAccount: require,
    ...(require
      ? { requiredServiceAccountAnnotationKeys: [ECR_ROLE_ARN_ANNOTATION] }
      : { optionalServiceAccountAnnotationKeys: [ECR_ROLE_ARN_ANNOTATION] }),
  };
}

/** A cluster-scoped RBAC object, as far as this SDK builds it. @public */
export interface ClusterRbacObject {
  readonly apiVersion: 'rbac.authorization.k8s.io/v1';
  readonly kind: 'ClusterRole' | 'ClusterRoleBinding';
  readonly metadata: ObjectMeta;
  readonly rules?: readonly {
    readonly apiGroups: readonly string[];
    readonly resources: readonly string[];
    readonly verbs: readonly string[];
  }[];
  readonly roleRef?: { readonly apiGroup: string; readonly kind: string; readonly name: string };
  readonly subjects?: readonly {
    readonly apiGroup: string;
    readonly kind: string;
    readonly name: string;
  }[];
}

/** A name for RBAC objects made from an audience: the audience's characters that names allow. */
function audienceName(audience: string): string {
  const slug = audience
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 200);
  return `eksa-credprov:token-audience:${slug === '' ? 'audience' : slug}`;
}

/**
 * The ClusterRole and ClusterRoleBinding that let the cluster's nodes (group `system:nodes`)
 * request service-account tokens for `audience`: the API server's
 * `ServiceAccountNodeAudienceRestriction` check (verb `request-serviceaccounts-token-audience` on
 * the audience as a resource of the core group) refuses a kubelet any audience no pod mounts.
 *
 * @throws ValidationError for an empty audience.
 * @see https://kubernetes.io/docs/tasks/administer-cluster/kubelet-credential-provider/
 * @public
 */
export function createTokenAudienceRbac(init: { readonly audience: string }): ClusterRbacObject[] {
  requireObject(init, 'createTokenAudienceRbac');
  if (typeof init.audience !== 'string' || init.audience === '')
    throw new ValidationError('invalid token audience RBAC', [
      {
        path: 'audience',
        code: ISSUE_CODES.REQUIRED,
        message: 'is required: the tokens’ audience',
      },
    ]);
  const name = audienceName(init.audience);
  const labels = { 'app.kubernetes.io/managed-by': 'eksa-credprov' };
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels },
      rules: [
        {
          apiGroups: [''],
          resources: [init.audience],
          verbs: ['request-serviceaccounts-token-audience'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' }],
    },
  ];
}

/** A ServiceAccount, as this SDK builds it. @public */
export interface ServiceAccountObject {
  readonly apiVersion: 'v1';
  readonly kind: 'ServiceAccount';
  readonly metadata: ObjectMeta & { readonly namespace: string };
}

/**
 * A service account annotated with the IAM role its pods' images are pulled with
 * (`eks.amazonaws.com/ecr-role-arn`), for server-side apply: only the annotation is this SDK's;
 * the rest of an existing service account is left as it is.
 *
 * @throws ValidationError naming a bad namespace, name or role ARN.
 * @public
 */
export function createEcrServiceAccount(init: {
  readonly namespace: string;
  readonly name: string;
  readonly roleArn: string;
}): ServiceAccountObject {
  requireObject(init, 'createEcrServiceAccount');
  const issues: ValidationIssue[] = [];
  const ns = typeof init.namespace === 'string' ? checkDns1123Label(init.namespace) : 'is required';
  if (ns !== undefined)
    issues.push({ path: 'namespace', code: ISSUE_CODES.INVALID_NAME, message: ns });
  const name = typeof init.name === 'string' ? checkDns1123Subdomain(init.name) : 'is required';
  if (name !== undefined)
    issues.push({ path: 'name', code: ISSUE_CODES.INVALID_NAME, message: name });
  if (checkArn(init.roleArn, 'iam-role').arn === undefined)
    issues.push({
      path: 'roleArn',
      code: ISSUE_CODES.INVALID_VALUE,
      message: 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/NAME',
    });
  if (issues.length > 0) throw new ValidationError('invalid ECR service account', issues);
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: init.name,
      namespace: init.namespace,
      annotations: { [ECR_ROLE_ARN_ANNOTATION]: init.roleArn },
    },
  };
}
