/**
 * A cdk8s chart holding the credential-provider Package and its AWS credential Secret, built with
 * eksa-credprov's core builders (so the Package's spec.config is valid YAML with quoted match
 * patterns and string durations) and added as ApiObjects.
 */
import {
  createCredentialProviderPackage,
  createRolesAnywhereSecret,
  type CredentialProviderPackageInit,
  type RolesAnywhereSecretInit,
} from '@eksa-credprov/core';
import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';

/** Props of {@link CredentialProviderChart}. */
export interface CredentialProviderChartProps extends ChartProps {
  /** The Package (cluster name, match patterns, ...); its Secret name is the Secret's. */
  readonly package: Omit<CredentialProviderPackageInit, 'onWarning'>;
  /** The IAM Roles Anywhere credfile Secret (region and the three ARNs). */
  readonly rolesAnywhere: RolesAnywhereSecretInit;
}

/** The Package and the credfile Secret, as one chart. */
export class CredentialProviderChart extends Chart {
  readonly package: ApiObject;
  readonly secret: ApiObject;

  constructor(scope: Construct, id: string, props: CredentialProviderChartProps) {
    super(scope, id, props);
    const secret = createRolesAnywhereSecret(props.rolesAnywhere);
    const credential = props.package.config?.credential ?? [{}];
    const pkg = createCredentialProviderPackage({
      ...props.package,
      config: {
        ...props.package.config,
        credential: credential.map((c) => ({ ...c, secretName: secret.metadata.name })),
      },
    });
    this.secret = new ApiObject(this, 'secret', {
      apiVersion: secret.apiVersion,
      kind: secret.kind,
      metadata: secret.metadata,
      // cdk8s writes any extra top-level field of the props as is.
      ...({ type: secret.type, data: secret.data } as object),
    });
    this.package = new ApiObject(this, 'package', {
      apiVersion: pkg.apiVersion,
      kind: pkg.kind,
      metadata: pkg.metadata,
      ...({ spec: pkg.spec } as object),
    });
  }
}
