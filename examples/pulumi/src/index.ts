// The Pulumi program: `pulumi up` in this folder with the stack configuration
//   pulumi config set clusterName w01
//   pulumi config set region us-west-2
//   pulumi config set --path registryAccountIds[0] 111111111111
//   pulumi config set caCertificatePem -- "$(kubectl get secret -n eksa-system w01-ca -o jsonpath='{.data.tls\.crt}' | base64 -d)"
// and kubeconfigs for the management cluster (KUBECONFIG) and, optionally, the workload cluster
// (config targetKubeconfig).
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { CredentialProvider } from './credential-provider.ts';

const config = new pulumi.Config();
const targetKubeconfig = config.getSecret('targetKubeconfig');
const target =
  targetKubeconfig === undefined
    ? undefined
    : new k8s.Provider('target', { kubeconfig: targetKubeconfig });

const setup = new CredentialProvider('credential-provider', {
  clusterName: config.require('clusterName'),
  region: config.require('region'),
  caCertificatePem: config.require('caCertificatePem'),
  ...(config.getObject<string[]>('registryAccountIds') === undefined
    ? {}
    : { registryAccountIds: config.requireObject<string[]>('registryAccountIds') }),
  ...(target === undefined ? {} : { target }),
});

export const trustAnchorArn = setup.trustAnchorArn;
export const roleArn = setup.roleArn;
export const profileArn = setup.profileArn;
