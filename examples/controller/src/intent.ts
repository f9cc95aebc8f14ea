/**
 * What a `Cluster` asks for, read from its annotations, and what the controller recorded on it
 * of what it set up (so that removing the annotation still tells it what to remove).
 */
import {
  DEFAULT_TARGET_NAMESPACE,
  ISSUE_CODES,
  checkDns1123Label,
  checkDns1123Subdomain,
  isAwsRegion,
  type ValidationIssue,
} from '@eksa-credprov/core';

/** The annotation a `Cluster` opts in with: `roles-anywhere` or `secret:<name>`. */
export const CREDENTIALS_ANNOTATION = 'eksa-credprov.io/credentials';
/** AWS region of the Roles Anywhere set-up (else the controller's `--region`). */
export const REGION_ANNOTATION = 'eksa-credprov.io/region';
/** IAM role name for `roles-anywhere` (default `eksa-<cluster>-ecr-pull`). */
export const ROLE_NAME_ANNOTATION = 'eksa-credprov.io/role-name';
/** Comma-separated kubelet `matchImages` (default: every private ECR registry). */
export const MATCH_IMAGES_ANNOTATION = 'eksa-credprov.io/match-images';
/** Comma-separated ECR registry accounts the role may read (default the curated-packages account). */
export const REGISTRY_ACCOUNTS_ANNOTATION = 'eksa-credprov.io/registry-accounts';
/** The namespace the chart installs into on the cluster, and the Secret's (default `eksa-packages`). */
export const TARGET_NAMESPACE_ANNOTATION = 'eksa-credprov.io/target-namespace';
/** Written by the controller: what it set up, as JSON. */
export const APPLIED_ANNOTATION = 'eksa-credprov.io/applied';
/** The finalizer that holds a Cluster's deletion until its set-up is removed. */
export const FINALIZER = 'eksa-credprov.io/teardown';

/** Every annotation a user may set. */
export const USER_ANNOTATIONS = [
  CREDENTIALS_ANNOTATION,
  REGION_ANNOTATION,
  ROLE_NAME_ANNOTATION,
  MATCH_IMAGES_ANNOTATION,
  REGISTRY_ACCOUNTS_ANNOTATION,
  TARGET_NAMESPACE_ANNOTATION,
] as const;

/** What a Cluster asks for. */
export type ClusterIntent =
  | {
      readonly mode: 'secret';
      /** The source Secret in the controller's namespace. */
      readonly secretName: string;
      readonly targetNamespace: string;
      readonly matchImages?: readonly string[];
    }
  | {
      readonly mode: 'roles-anywhere';
      readonly region: string;
      readonly roleName?: string;
      readonly registryAccounts?: readonly string[];
      readonly targetNamespace: string;
      readonly matchImages?: readonly string[];
    };

/** What was set up for a Cluster: enough to remove it. */
export interface AppliedRecord {
  readonly mode: 'secret' | 'roles-anywhere';
  readonly targetNamespace: string;
  /** The Secret on the target cluster. */
  readonly secretName: string;
  readonly packageName: string;
  /** For `roles-anywhere`. */
  readonly roleName?: string;
  readonly region?: string;
}

const list = (value: string | undefined): string[] | undefined =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * Reads a Cluster's annotations: `undefined` when it has not opted in, the issues (each naming
 * the annotation and what to write) when it asks for something malformed.
 */
export function readIntent(
  annotations: Readonly<Record<string, string>> | undefined,
  defaults: { readonly region?: string | undefined },
): ClusterIntent | undefined | { readonly issues: readonly ValidationIssue[] } {
  const a = annotations ?? {};
  const credentials = a[CREDENTIALS_ANNOTATION];
  if (credentials === undefined) return undefined;
  const issues: ValidationIssue[] = [];
  const at = (path: string, message: string): void => {
    issues.push({ path, code: ISSUE_CODES.INVALID_VALUE, message });
  };
  const targetNamespace = a[TARGET_NAMESPACE_ANNOTATION] ?? DEFAULT_TARGET_NAMESPACE;
  const badNamespace = checkDns1123Label(targetNamespace);
  if (badNamespace !== undefined)
    at(TARGET_NAMESPACE_ANNOTATION, `${badNamespace}: name a namespace`);
  const matchImages = list(a[MATCH_IMAGES_ANNOTATION]);
  if (matchImages?.length === 0)
    at(MATCH_IMAGES_ANNOTATION, 'is empty: give patterns such as *.dkr.ecr.*.amazonaws.com');
  const common = {
    targetNamespace,
    ...(matchImages === undefined ? {} : { matchImages }),
  };
  if (credentials.startsWith('secret:')) {
    const secretName = credentials.slice('secret:'.length);
    const badName = checkDns1123Subdomain(secretName);
    if (badName !== undefined)
      at(CREDENTIALS_ANNOTATION, `secret:<name> needs a Secret name that ${badName}`);
    return issues.length > 0 ? { issues } : { mode: 'secret', secretName, ...common };
  }
  if (credentials === 'roles-anywhere') {
    const region = a[REGION_ANNOTATION] ?? defaults.region ?? '';
    if (!isAwsRegion(region))
      at(
        REGION_ANNOTATION,
        region === ''
          ? 'is needed for roles-anywhere (or start the controller with --region)'
          : `${JSON.stringify(region)} is not an AWS region such as us-west-2`,
      );
    const roleName = a[ROLE_NAME_ANNOTATION];
    if (roleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(roleName))
      at(ROLE_NAME_ANNOTATION, `${JSON.stringify(roleName)} is not an IAM role name`);
    const registryAccounts = list(a[REGISTRY_ACCOUNTS_ANNOTATION]);
    if (registryAccounts?.some((id) => !/^\d{12}$/.test(id)) === true)
      at(REGISTRY_ACCOUNTS_ANNOTATION, 'must be 12-digit AWS account IDs, comma-separated');
    return issues.length > 0
      ? { issues }
      : {
          mode: 'roles-anywhere',
          region,
          ...(roleName === undefined ? {} : { roleName }),
          ...(registryAccounts === undefined ? {} : { registryAccounts }),
          ...common,
        };
  }
  at(
    CREDENTIALS_ANNOTATION,
    `${JSON.stringify(credentials)} is neither roles-anywhere nor secret:<name>`,
  );
  return { issues };
}

/** The record the controller wrote on a Cluster, if any (and readable). */
export function readApplied(
  annotations: Readonly<Record<string, string>> | undefined,
): AppliedRecord | undefined {
  const text = annotations?.[APPLIED_ANNOTATION];
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<AppliedRecord>;
    if (
      (v.mode === 'secret' || v.mode === 'roles-anywhere') &&
      typeof v.targetNamespace === 'string' &&
      typeof v.secretName === 'string' &&
      typeof v.packageName === 'string'
    )
      return v as AppliedRecord;
  } catch {
    // Not ours any more (edited by hand): treated as absent.
  }
  return undefined;
}
