import { KubeConfig } from '@kubernetes/client-node';
import { CredprovError, ERROR_CODES } from '@eksa-credprov/core';
import { KubeApiError, isKubeApiError } from './errors.ts';
import { callContext, type KubeCallOptions } from './options.ts';

/** Namespace of the EKS Anywhere cluster secrets on the management cluster. @public */
export const EKSA_SYSTEM_NAMESPACE = 'eksa-system';

async function readSecretKey(
  where: { readonly name: string; readonly key: string; readonly what: string },
  options: KubeCallOptions,
): Promise<string> {
  const { name: secretName, key, what } = where;
  const ctx = await callContext(options);
  let secret: { data?: Record<string, string> };
  try {
    const res = await ctx.transport.request({
      method: 'GET',
      path: `/api/v1/namespaces/${EKSA_SYSTEM_NAMESPACE}/secrets/${encodeURIComponent(secretName)}`,
      idempotent: true,
      deadline: ctx.deadline,
      signal: ctx.signal,
    });
    secret = res.body as { data?: Record<string, string> };
  } catch (e) {
    if (isKubeApiError(e) && e.status === 404) {
      throw new KubeApiError(
        e,
        `there is no Secret ${EKSA_SYSTEM_NAMESPACE}/${secretName}: check the cluster name, and that the kubeconfig is the management cluster's (EKS Anywhere keeps ${what} there)`,
      );
    }
    throw e;
  }
  const value = secret.data?.[key];
  if (value === undefined || value === '') {
    throw new CredprovError({
      code: ERROR_CODES.KUBE_OBJECT_INVALID,
      message: `Secret ${EKSA_SYSTEM_NAMESPACE}/${secretName} has no "${key}" key holding ${what}`,
    });
  }
  return Buffer.from(value, 'base64').toString('utf8');
}

/**
 * Reads a cluster's CA certificate (the IAM Roles Anywhere trust anchor) from the management
 * cluster: key `tls.crt` of Secret `eksa-system/<clusterName>-ca`.
 *
 * @returns the PEM text.
 * @throws {@link KubeApiError} 404 saying what to check when the Secret is absent.
 * @public
 */
export async function getClusterCaCertificate(
  clusterName: string,
  options: KubeCallOptions = {},
): Promise<string> {
  const pem = await readSecretKey(
    { name: `${clusterName}-ca`, key: 'tls.crt', what: "the cluster's CA" },
    options,
  );
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CredprovError({
      code: ERROR_CODES.KUBE_OBJECT_INVALID,
      message: `${EKSA_SYSTEM_NAMESPACE}/${clusterName}-ca tls.crt is not a PEM certificate`,
    });
  }
  return pem;
}

/**
 * Reads a workload cluster's kubeconfig from the management cluster (Secret
 * `eksa-system/<clusterName>-kubeconfig`, key `value`), so one program can put the Secret on the
 * workload cluster and the Package on the management cluster.
 *
 * @public
 */
export async function getWorkloadClusterKubeConfig(
  clusterName: string,
  options: KubeCallOptions = {},
): Promise<KubeConfig> {
  const text = await readSecretKey(
    { name: `${clusterName}-kubeconfig`, key: 'value', what: "the cluster's kubeconfig" },
    options,
  );
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (e) {
    throw new CredprovError({
      code: ERROR_CODES.KUBECONFIG_INVALID,
      message: `${EKSA_SYSTEM_NAMESPACE}/${clusterName}-kubeconfig does not hold a valid kubeconfig`,
      cause: e,
    });
  }
  return kc;
}
