import { requireObject } from './input.ts';
import { dropUndefined } from './defined.ts';
import { DURATION_HINT, parseGoDurationNanos } from './duration.ts';
import { ISSUE_CODES, isValidationError, type ValidationIssue } from './errors.ts';
import { validateImagePattern } from './image-pattern.ts';
import {
  createIssueCollector,
  describeType,
  isRecord,
  quote,
  readRecord,
  readString,
  readStringMap,
  rejectUnknownKeys,
  type IssueCollector,
} from './issues.ts';
import { checkDns1123Label, checkDns1123Subdomain, checkQualifiedKey } from './names.ts';
import { parseYaml, toQuotedValuesYaml } from './yaml.ts';

/**
 * Group, version and kind of the EKS Anywhere curated-package `Package` resource.
 *
 * @public
 */
export const PACKAGE_GVK = {
  apiVersion: 'packages.eks.amazonaws.com/v1alpha1',
  kind: 'Package',
} as const;

/** Name of the curated package that configures kubelet image credential providers. @public */
export const CREDENTIAL_PROVIDER_PACKAGE_NAME = 'credential-provider-package';

/** Namespace prefix of Packages on the management cluster: `eksa-packages-<clusterName>`. @public */
export const PACKAGE_NAMESPACE_PREFIX = 'eksa-packages-';

/**
 * The management cluster's namespace for a cluster's Packages: `eksa-packages-<clusterName>`.
 *
 * @public
 */
export function packageNamespace(clusterName: string): string {
  return `${PACKAGE_NAMESPACE_PREFIX}${clusterName}`;
}

/** Namespace the chart installs into and where its credential Secret must live. @public */
export const DEFAULT_TARGET_NAMESPACE = 'eksa-packages';

/** Registry of the credential-provider image (must be pullable before ECR credentials exist). @public */
export const DEFAULT_SOURCE_REGISTRY = 'public.ecr.aws/eks-anywhere';

/** Default `matchImages`: every private ECR registry in the commercial partition. @public */
export const DEFAULT_MATCH_IMAGES: readonly string[] = ['*.dkr.ecr.*.amazonaws.com'];

/** Default `defaultCacheDuration`, as in the chart's values and the docs' examples. @public */
export const DEFAULT_CACHE_DURATION = '5h';

/** Default Package name, as in the EKS Anywhere docs' examples. @public */
export const DEFAULT_PACKAGE_NAME = 'my-credential-provider-package';

/** Annotations the EKS Anywhere docs put on the credential-provider Package. @public */
export const DEFAULT_PACKAGE_ANNOTATIONS: Readonly<Record<string, string>> = {
  'helm.sh/resource-policy': 'keep',
  'anywhere.eks.aws.com/internal': 'true',
};

/** Tolerations the docs give the DaemonSet so it also runs on control-plane nodes. @public */
export const DEFAULT_TOLERATIONS: readonly Toleration[] = [
  { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
];

/** Image pull policies. @public */
export const IMAGE_PULL_POLICIES = {
  IfNotPresent: 'IfNotPresent',
  Always: 'Always',
  Never: 'Never',
} as const;
/** @public */
export type ImagePullPolicy = (typeof IMAGE_PULL_POLICIES)[keyof typeof IMAGE_PULL_POLICIES];

/** States the package controller reports in `status.state`. @public */
export const PACKAGE_STATES = {
  initializing: 'initializing',
  installing: 'installing',
  installingDependencies: 'installing dependencies',
  installed: 'installed',
  updating: 'updating',
  uninstalling: 'uninstalling',
  unknown: 'unknown',
} as const;
/** @public */
export type PackageState = (typeof PACKAGE_STATES)[keyof typeof PACKAGE_STATES];

// ECR authorization tokens last 12 hours; caching longer serves expired passwords.
const ECR_TOKEN_LIFETIME_NS = 12n * 3_600_000_000_000n;

/**
 * Kubernetes object metadata, as far as this SDK reads it. Other fields (uid, resourceVersion,
 * ...) are kept when an object is parsed.
 *
 * @public
 */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** A pod toleration. @public */
export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

/** `spec` of a Package. `config` is a YAML string of Helm values, not an object. @public */
export interface PackageSpec {
  readonly packageName: string;
  readonly packageVersion?: string;
  readonly config?: string;
  readonly targetNamespace?: string;
}

/** `status` of a Package, written by the package controller. @public */
export interface PackageStatus {
  readonly state?: PackageState;
  readonly currentVersion?: string;
  readonly targetVersion?: string;
  readonly detail?: string;
  readonly upgradesAvailable?: readonly { readonly version: string; readonly tag: string }[];
  readonly source?: {
    readonly registry: string;
    readonly repository: string;
    readonly digest: string;
    readonly version: string;
  };
  readonly spec?: PackageSpec;
}

/**
 * The EKS Anywhere `Package` custom resource (`packages.eks.amazonaws.com/v1alpha1`).
 *
 * @public
 */
export interface Package {
  readonly apiVersion: typeof PACKAGE_GVK.apiVersion;
  readonly kind: typeof PACKAGE_GVK.kind;
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly spec: PackageSpec;
  readonly status?: PackageStatus;
}

/**
 * One entry of the chart's `credential` list.
 *
 * @public
 */
export interface CredentialConfig {
  /** Patterns the kubelet matches images against (kubelet `matchImages`). */
  readonly matchImages: readonly string[];
  /** AWS profile in the Secret's config file (`AWS_PROFILE`). */
  readonly profile: string;
  /** Secret in the target namespace holding the AWS credentials. */
  readonly secretName: string;
  /** How long the kubelet caches credentials when the provider gives no duration (Go duration). */
  readonly defaultCacheDuration: string;
}

/** The chart's `proxy` values, passed to the provider on each node. @public */
export interface ProxyConfig {
  readonly HTTP_PROXY?: string;
  readonly HTTPS_PROXY?: string;
  readonly NO_PROXY?: string;
}

/** The chart's `image` values. @public */
export interface ImageConfig {
  readonly repository?: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly pullPolicy?: ImagePullPolicy;
}

/** Container resources. @public */
export interface ResourceRequirements {
  readonly limits?: Readonly<Record<string, string | number>>;
  readonly requests?: Readonly<Record<string, string | number>>;
}

/**
 * The credential-provider-package chart values, resolved (what `spec.config` holds).
 *
 * @public
 */
export interface CredentialProviderPackageConfig {
  readonly tolerations: readonly Toleration[];
  readonly sourceRegistry: string;
  readonly image?: ImageConfig;
  readonly credential: readonly CredentialConfig[];
  readonly proxy?: ProxyConfig;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly affinity?: Readonly<Record<string, unknown>>;
  readonly resources?: ResourceRequirements;
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Chart values this SDK does not model (such as `serviceAccount`), kept as they are. */
  readonly extraValues?: Readonly<Record<string, unknown>>;
}

/**
 * Input for one `credential` entry; every field has a default.
 *
 * @public
 */
export interface CredentialConfigInit {
  /** @default `["*.dkr.ecr.*.amazonaws.com"]` */
  readonly matchImages?: readonly string[];
  /** @default `"default"` */
  readonly profile?: string;
  /** @default `"aws-secret"` */
  readonly secretName?: string;
  /** @default `"5h"` */
  readonly defaultCacheDuration?: string;
}

/**
 * Input for the chart values. Omitted fields get the docs' defaults; fields left out of both are
 * not written, so the chart's own defaults apply.
 *
 * @public
 */
export interface CredentialProviderPackageConfigInit {
  /** @default the control-plane and master `NoSchedule` tolerations ({@link DEFAULT_TOLERATIONS}) */
  readonly tolerations?: readonly Toleration[];
  /** @default `"public.ecr.aws/eks-anywhere"` */
  readonly sourceRegistry?: string;
  readonly image?: ImageConfig;
  /** One entry (the chart uses only the first). @default one entry with every default */
  readonly credential?: readonly CredentialConfigInit[];
  readonly proxy?: ProxyConfig;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly affinity?: Readonly<Record<string, unknown>>;
  readonly resources?: ResourceRequirements;
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Further chart values, written as given after the modelled ones. */
  readonly extraValues?: Readonly<Record<string, unknown>>;
}

/**
 * Input for {@link createCredentialProviderPackage}.
 *
 * @public
 */
export interface CredentialProviderPackageInit {
  /** The cluster the package configures; the Package lives in `eksa-packages-<clusterName>`. */
  readonly clusterName: string;
  /** Package name, also the Helm release name (at most 53 characters). @default `"my-credential-provider-package"` */
  readonly name?: string;
  /** Namespace the chart installs into, on the target cluster. @default `"eksa-packages"` */
  readonly targetNamespace?: string;
  /** @default `{"helm.sh/resource-policy": "keep", "anywhere.eks.aws.com/internal": "true"}` */
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  /** Package version from the bundle; omitted means the latest. */
  readonly packageVersion?: string;
  readonly config?: CredentialProviderPackageConfigInit;
  /**
   * Keep more than one `credential` entry. The chart uses only the first and ignores the rest,
   * so this is refused unless you opt in.
   * @default false
   */
  readonly allowMultipleCredentials?: boolean;
  /** Receives warnings (such as a cache duration over the ECR token lifetime). */
  readonly onWarning?: (warning: ValidationIssue) => void;
}

/**
 * Fills the defaults of the chart values. Pure; does not validate.
 *
 * @public
 */
export function resolveCredentialProviderPackageConfig(
  init: CredentialProviderPackageConfigInit = {},
): CredentialProviderPackageConfig {
  requireObject(init, 'resolveCredentialProviderPackageConfig');
  const credential = (init.credential ?? [{}]).map((c): CredentialConfig => ({
    matchImages: c.matchImages ?? DEFAULT_MATCH_IMAGES,
    profile: c.profile ?? 'default',
    secretName: c.secretName ?? 'aws-secret',
    defaultCacheDuration: c.defaultCacheDuration ?? DEFAULT_CACHE_DURATION,
  }));
  return dropUndefined({
    tolerations: init.tolerations ?? DEFAULT_TOLERATIONS,
    sourceRegistry: init.sourceRegistry ?? DEFAULT_SOURCE_REGISTRY,
    image: init.image,
    credential,
    proxy: init.proxy,
    nodeSelector: init.nodeSelector,
    affinity: init.affinity,
    resources: init.resources,
    podAnnotations: init.podAnnotations,
    extraValues: init.extraValues,
  });
}

/**
 * Builds the `Package` that installs the credential-provider-package on a cluster, in the
 * management cluster's namespace `eksa-packages-<clusterName>`.
 *
 * `spec.config` is rendered as YAML with every string quoted, so match patterns such as
 * `*.dkr.ecr.*.amazonaws.com` stay strings (unquoted, YAML reads them as aliases, as in the
 * docs' own Roles Anywhere example) and `defaultCacheDuration` and `profile` are never numbers.
 *
 * @throws {@link ValidationError} listing every problem (bad names, durations, match patterns the
 * kubelet rejects or that never match, more than one credential entry, ...). Warnings go to
 * `init.onWarning`.
 * @example
 * ```ts
 * const pkg = createCredentialProviderPackage({
 *   clusterName: 'prod',
 *   config: { credential: [{ secretName: 'aws-config', matchImages: ['*.dkr.ecr.*.amazonaws.com'] }] },
 * });
 * ```
 * @see https://anywhere.eks.amazonaws.com/docs/packages/credential-provider-package/
 * @public
 */
export function createCredentialProviderPackage(init: CredentialProviderPackageInit): Package {
  requireObject(init, 'createCredentialProviderPackage');
  const issues = createIssueCollector();
  const config = resolveCredentialProviderPackageConfig(init.config);
  checkClusterName(init.clusterName, issues.at('clusterName'));
  checkPackageFields(init, issues);
  checkConfig(config, issues.at('config'), init.allowMultipleCredentials === true);
  issues.throwIfErrors('invalid credential-provider Package');
  for (const w of issues.warnings) init.onWarning?.(w);
  return renderPackage(init, config);
}

function renderPackage(
  init: CredentialProviderPackageInit,
  config: CredentialProviderPackageConfig,
): Package {
  const annotations = init.annotations ?? DEFAULT_PACKAGE_ANNOTATIONS;
  const metadata = dropUndefined({
    name: init.name ?? DEFAULT_PACKAGE_NAME,
    namespace: packageNamespace(init.clusterName),
    labels: init.labels,
    annotations: Object.keys(annotations).length === 0 ? undefined : annotations,
  });
  return {
    apiVersion: PACKAGE_GVK.apiVersion,
    kind: PACKAGE_GVK.kind,
    metadata,
    spec: dropUndefined({
      packageName: CREDENTIAL_PROVIDER_PACKAGE_NAME,
      packageVersion: init.packageVersion,
      targetNamespace: init.targetNamespace ?? DEFAULT_TARGET_NAMESPACE,
      config: renderConfig(config),
    }),
  };
}

function renderConfig(config: CredentialProviderPackageConfig): string {
  const { extraValues, credential, ...modelled } = config;
  const values: Record<string, unknown> = {
    tolerations: modelled.tolerations,
    sourceRegistry: modelled.sourceRegistry,
    image: modelled.image,
    credential: credential.map((c) => ({
      matchImages: c.matchImages,
      profile: c.profile,
      secretName: c.secretName,
      defaultCacheDuration: c.defaultCacheDuration,
    })),
    proxy: modelled.proxy,
    nodeSelector: modelled.nodeSelector,
    affinity: modelled.affinity,
    resources: modelled.resources,
    podAnnotations: modelled.podAnnotations,
    ...extraValues,
  };
  return toQuotedValuesYaml(values);
}

/** Where each builder field sits in a Package, for messages about a parsed one. */
const PACKAGE_FIELD_PATHS = {
  clusterName: 'metadata.namespace',
  name: 'metadata.name',
  targetNamespace: 'spec.targetNamespace',
  packageVersion: 'spec.packageVersion',
  annotations: 'metadata.annotations',
  labels: 'metadata.labels',
} as const;

type FieldPaths = Record<Exclude<keyof typeof PACKAGE_FIELD_PATHS, 'clusterName'>, string>;

const INIT_FIELD_PATHS: FieldPaths = {
  name: 'name',
  targetNamespace: 'targetNamespace',
  packageVersion: 'packageVersion',
  annotations: 'annotations',
  labels: 'labels',
};

function checkClusterName(clusterName: unknown, at: IssueCollector): void {
  if (typeof clusterName !== 'string' || clusterName === '') {
    at.error(
      ISSUE_CODES.REQUIRED,
      'is required: the name of the EKS Anywhere cluster to configure',
    );
    return;
  }
  const bad = checkDns1123Label(clusterName, 63 - PACKAGE_NAMESPACE_PREFIX.length);
  if (bad !== undefined) {
    at.error(
      ISSUE_CODES.INVALID_NAME,
      `${quote(clusterName)} ${bad}; it becomes part of the namespace "${PACKAGE_NAMESPACE_PREFIX}<clusterName>" (a 63-character RFC 1123 label)`,
    );
  }
}

/** Checks the Package fields other than the cluster name. */
function checkPackageFields(
  init: Omit<CredentialProviderPackageInit, 'clusterName'>,
  issues: IssueCollector,
  paths: FieldPaths = INIT_FIELD_PATHS,
): void {
  if (init.name !== undefined) {
    // The package controller uses the Package name as the Helm release name (53 characters max).
    const bad = checkDns1123Subdomain(init.name, 53);
    if (bad !== undefined)
      issues
        .at(paths.name)
        .error(
          ISSUE_CODES.INVALID_NAME,
          `${quote(init.name)} ${bad}; it is also the Helm release name`,
        );
  }
  if (init.targetNamespace !== undefined) {
    const bad = checkDns1123Label(init.targetNamespace);
    if (bad !== undefined)
      issues
        .at(paths.targetNamespace)
        .error(ISSUE_CODES.INVALID_NAME, `${quote(init.targetNamespace)} ${bad}`);
  }
  if (init.packageVersion !== undefined && !/^\S+$/.test(init.packageVersion)) {
    issues
      .at(paths.packageVersion)
      .error(
        ISSUE_CODES.INVALID_VALUE,
        'must be a version or sha256 digest from the bundle, without spaces; omit it for the latest',
      );
  }
  for (const field of ['annotations', 'labels'] as const) {
    const map = readStringMap(init[field], issues.at(paths[field]));
    for (const key of Object.keys(map ?? {})) {
      const bad = checkQualifiedKey(key);
      if (bad !== undefined)
        issues.at(paths[field], key).error(ISSUE_CODES.INVALID_NAME, `key ${quote(key)} ${bad}`);
    }
  }
}

function checkConfig(
  config: CredentialProviderPackageConfig,
  at: IssueCollector,
  allowMultiple: boolean,
): void {
  checkSourceRegistry(config.sourceRegistry, at.at('sourceRegistry'));
  checkTolerations(config.tolerations, at.at('tolerations'));
  if (config.image !== undefined) checkImage(config.image, at.at('image'));
  checkCredentials(config.credential, at.at('credential'), allowMultiple);
  if (config.proxy !== undefined) checkProxy(config.proxy, at.at('proxy'));
  readStringMap(config.nodeSelector, at.at('nodeSelector'));
  readStringMap(config.podAnnotations, at.at('podAnnotations'));
  readRecord(config.affinity, at.at('affinity'));
  if (config.resources !== undefined) checkResources(config.resources, at.at('resources'));
  if (config.extraValues !== undefined) {
    for (const key of Object.keys(config.extraValues)) {
      if (MODELLED_KEYS.includes(key)) {
        at.at('extraValues', key).error(
          ISSUE_CODES.INVALID_VALUE,
          `set ${key} through config.${key}, not extraValues`,
        );
      }
    }
  }
}

const MODELLED_KEYS = [
  'tolerations',
  'sourceRegistry',
  'image',
  'credential',
  'proxy',
  'nodeSelector',
  'affinity',
  'resources',
  'podAnnotations',
];

function checkSourceRegistry(value: unknown, at: IssueCollector): void {
  const s = readString(value, at);
  if (s === undefined) return;
  if (s === '') {
    at.error(
      ISSUE_CODES.REQUIRED,
      `must not be empty: without it the package controller substitutes its private ECR registry, from which nodes cannot pull the provider image before they have ECR credentials; write "${DEFAULT_SOURCE_REGISTRY}"`,
    );
  } else if (s.includes('://'))
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(s)} must be a registry host and path without a scheme, e.g. "${DEFAULT_SOURCE_REGISTRY}"`,
    );
  else if (/\s/.test(s) || s.endsWith('/'))
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(s)} must be a registry host and path without spaces or a trailing "/"`,
    );
}

function checkTolerations(value: unknown, at: IssueCollector): void {
  if (!Array.isArray(value)) {
    at.error(
      ISSUE_CODES.INVALID_TYPE,
      `must be a list of tolerations, found ${describeType(value)}`,
    );
    return;
  }
  value.forEach((t: unknown, i) => {
    const item = at.at(i);
    const rec = readRecord(t, item);
    if (rec === undefined) return;
    rejectUnknownKeys(rec, ['key', 'operator', 'value', 'effect', 'tolerationSeconds'], item);
    readString(rec['key'], item.at('key'));
    const op = readString(rec['operator'], item.at('operator'));
    if (op !== undefined && op !== 'Exists' && op !== 'Equal')
      item
        .at('operator')
        .error(ISSUE_CODES.INVALID_VALUE, `${quote(op)} must be "Exists" or "Equal"`);
    const v = readString(rec['value'], item.at('value'));
    if (op === 'Exists' && v !== undefined && v !== '')
      item.at('value').error(ISSUE_CODES.INVALID_VALUE, 'must be empty when operator is "Exists"');
    const effect = readString(rec['effect'], item.at('effect'));
    if (
      effect !== undefined &&
      effect !== '' &&
      !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)
    ) {
      item
        .at('effect')
        .error(
          ISSUE_CODES.INVALID_VALUE,
          `${quote(effect)} must be "NoSchedule", "PreferNoSchedule" or "NoExecute"`,
        );
    }
    const secs = rec['tolerationSeconds'];
    if (secs !== undefined && !Number.isInteger(secs))
      item
        .at('tolerationSeconds')
        .error(
          ISSUE_CODES.INVALID_TYPE,
          `must be a whole number of seconds, found ${describeType(secs)}`,
        );
  });
}

function checkImage(value: unknown, at: IssueCollector): void {
  const rec = readRecord(value, at);
  if (rec === undefined) return;
  rejectUnknownKeys(rec, ['repository', 'tag', 'digest', 'pullPolicy'], at);
  readString(rec['repository'], at.at('repository'));
  readString(rec['tag'], at.at('tag'));
  const digest = readString(rec['digest'], at.at('digest'));
  if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) {
    at.at('digest').error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(digest)} must be "sha256:" and 64 lower-case hex digits`,
    );
  }
  const policy = readString(rec['pullPolicy'], at.at('pullPolicy'));
  if (policy !== undefined && !Object.values<string>(IMAGE_PULL_POLICIES).includes(policy)) {
    at.at('pullPolicy').error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(policy)} must be IfNotPresent, Always or Never`,
    );
  }
}

function checkCredentials(value: unknown, at: IssueCollector, allowMultiple: boolean): void {
  if (!Array.isArray(value)) {
    at.error(
      ISSUE_CODES.INVALID_TYPE,
      `must be a list with one credential entry, found ${describeType(value)}`,
    );
    return;
  }
  if (value.length === 0) {
    at.error(
      ISSUE_CODES.REQUIRED,
      'needs one entry: the chart mounts the Secret named in credential[0]',
    );
  } else if (value.length > 1) {
    const message = `has ${value.length} entries, but the chart only uses credential[0] and silently ignores the rest (its DaemonSet mounts one Secret)`;
    if (allowMultiple) at.warn(ISSUE_CODES.MULTIPLE_CREDENTIALS, message);
    else
      at.error(
        ISSUE_CODES.MULTIPLE_CREDENTIALS,
        `${message}; keep one entry, or pass allowMultipleCredentials: true to keep them anyway`,
      );
  }
  value.forEach((c: unknown, i) => {
    const item = at.at(i);
    const rec = readRecord(c, item);
    if (rec === undefined) return;
    rejectUnknownKeys(rec, ['matchImages', 'profile', 'secretName', 'defaultCacheDuration'], item);
    checkMatchImages(rec['matchImages'], item.at('matchImages'));
    const profile = readString(rec['profile'], item.at('profile'));
    if (profile !== undefined) checkProfileName(profile, item.at('profile'));
    const secretName = readString(rec['secretName'], item.at('secretName'));
    if (secretName !== undefined) {
      const bad = checkDns1123Subdomain(secretName);
      if (bad !== undefined)
        item.at('secretName').error(ISSUE_CODES.INVALID_NAME, `${quote(secretName)} ${bad}`);
    }
    const duration = readString(rec['defaultCacheDuration'], item.at('defaultCacheDuration'));
    if (duration !== undefined) checkCacheDuration(duration, item.at('defaultCacheDuration'));
  });
}

/** @internal Validates a kubelet `matchImages` list (also used by the kubelet-config builder). */
export function checkMatchImages(value: unknown, at: IssueCollector, emptyIsError = false): void {
  if (!Array.isArray(value)) {
    at.error(
      ISSUE_CODES.INVALID_TYPE,
      `must be a list of image patterns, found ${describeType(value)}`,
    );
    return;
  }
  if (value.length === 0) {
    if (emptyIsError)
      at.error(
        ISSUE_CODES.REQUIRED,
        'needs at least one pattern: the kubelet refuses a provider with an empty matchImages',
      );
    else {
      at.warn(
        ISSUE_CODES.EMPTY_MATCH_IMAGES,
        `is empty: the chart then passes no patterns and the provider image falls back to its built-in default "${DEFAULT_MATCH_IMAGES[0] ?? ''}"; list the registries explicitly so the config says what it does`,
      );
    }
  }
  value.forEach((pattern: unknown, i) => {
    const item = at.at(i);
    if (typeof pattern !== 'string') {
      item.error(ISSUE_CODES.INVALID_TYPE, `must be a string, found ${describeType(pattern)}`);
      return;
    }
    for (const issue of validateImagePattern(pattern)) item.error(issue.code, issue.message);
  });
}

/** @internal */
export function checkProfileName(profile: string, at: IssueCollector): void {
  if (profile === '') at.error(ISSUE_CODES.REQUIRED, 'must not be empty; use "default"');
  else if (!/^[A-Za-z0-9_.+=,@-]+$/.test(profile)) {
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(profile)} is not a usable AWS profile name: use letters, digits and "_ . + = , @ -" only`,
    );
  }
}

/**
 * @internal {@link checkProfileName} for a profile this SDK writes into an AWS config file: the
 * Go provider reads `[profile a=b]`, the AWS SDK for JavaScript ignores that section.
 */
export function checkWritableProfileName(profile: string, at: IssueCollector): void {
  checkProfileName(profile, at);
  if (/[=,]/.test(profile))
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(profile)} cannot be written to an AWS config file that every AWS SDK reads: the AWS SDK for JavaScript ignores a [profile] section whose name has "=" or ","; use letters, digits and "_ . + @ -" only`,
    );
}

/** @internal Validates a kubelet `defaultCacheDuration` (also used by the kubelet-config builder). */
export function checkCacheDuration(value: string, at: IssueCollector): void {
  const parsed = parseGoDurationNanos(value);
  if (!parsed.ok) {
    at.error(
      ISSUE_CODES.INVALID_DURATION,
      `${quote(value)} is not a Go duration (${parsed.error}); ${DURATION_HINT}`,
    );
  } else if (parsed.ns < 0n) {
    at.error(
      ISSUE_CODES.NEGATIVE_DURATION,
      `${quote(value)} is negative; the kubelet requires a duration >= 0`,
    );
  } else if (parsed.ns >= ECR_TOKEN_LIFETIME_NS) {
    at.warn(
      ISSUE_CODES.CACHE_DURATION_EXCEEDS_TOKEN_LIFETIME,
      `${quote(value)} is 12h or more, but ECR tokens expire after 12h: when the provider returns no cacheDuration, the kubelet would keep using an expired password; use less than 12h (the chart default is "5h")`,
    );
  } else if (parsed.ns === 0n) {
    at.warn(
      ISSUE_CODES.INVALID_VALUE,
      '"0" turns caching off when the provider sends no cacheDuration: the kubelet then runs the provider on every pull',
    );
  }
}

function checkProxy(value: unknown, at: IssueCollector): void {
  const rec = readRecord(value, at);
  if (rec === undefined) return;
  for (const key of Object.keys(rec)) {
    if (!['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'].includes(key)) {
      at.at(key).error(
        ISSUE_CODES.UNKNOWN_FIELD,
        'the chart reads only HTTP_PROXY, HTTPS_PROXY and NO_PROXY (upper case)',
      );
    }
  }
  for (const key of ['HTTP_PROXY', 'HTTPS_PROXY'] as const) {
    const url = readString(rec[key], at.at(key));
    // Go's httpproxy retries a value without an http/https/socks5 scheme as "http://" + value.
    const usable =
      url !== undefined &&
      (/^(https?|socks5):\/\//i.test(url) ? URL.canParse(url) : URL.canParse(`http://${url}`));
    if (url !== undefined && url !== '' && !usable) {
      at.at(key).error(
        ISSUE_CODES.INVALID_VALUE,
        'is not a usable proxy URL; write one such as "http://proxy.example.com:3128"',
      );
    }
  }
  readString(rec['NO_PROXY'], at.at('NO_PROXY'));
}

function checkResources(value: unknown, at: IssueCollector): void {
  const rec = readRecord(value, at);
  if (rec === undefined) return;
  rejectUnknownKeys(rec, ['limits', 'requests', 'claims'], at);
  for (const key of ['limits', 'requests'] as const) {
    const m = readRecord(rec[key], at.at(key));
    for (const [k, v] of Object.entries(m ?? {})) {
      if (typeof v !== 'string' && typeof v !== 'number') {
        at.at(key, k).error(
          ISSUE_CODES.INVALID_TYPE,
          `must be a quantity such as "100m" or "64Mi", found ${describeType(v)}`,
        );
      }
    }
  }
}

/**
 * A credential-provider `Package` read back into the builder's terms: pass it (changed or not) to
 * {@link createCredentialProviderPackage} to get the Package again.
 *
 * @public
 */
export interface ParsedCredentialProviderPackage {
  readonly clusterName: string;
  readonly name: string;
  readonly targetNamespace?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly packageVersion?: string;
  /** The values in `spec.config`, with chart defaults not filled in. */
  readonly config: CredentialProviderPackageConfig;
  /** `true` when `config.credential` has more than one entry (so the round trip keeps them). */
  readonly allowMultipleCredentials?: true;
  /** What the controller reports, when the Package was read from a cluster. */
  readonly status?: PackageStatus;
  /** Problems that are not errors (see {@link ValidationIssue}). */
  readonly warnings: readonly ValidationIssue[];
}

/** Options for {@link parseCredentialProviderPackage}. @public */
export interface ParseCredentialProviderPackageOptions {
  /** Accept more than one `credential` entry (reported as a warning). @default false */
  readonly allowMultipleCredentials?: boolean;
}

/**
 * Reads a credential-provider `Package` (YAML text, or an object such as one read from a cluster)
 * into typed form, checking it as {@link createCredentialProviderPackage} checks its input.
 *
 * @throws {@link ValidationError} listing every problem, including YAML syntax errors in
 * `spec.config` with their line and column.
 * @public
 */
export function parseCredentialProviderPackage(
  input: unknown,
  options: ParseCredentialProviderPackageOptions = {},
): ParsedCredentialProviderPackage {
  const issues = createIssueCollector();
  const parsed = readPackage(input, issues, options.allowMultipleCredentials === true);
  issues.throwIfErrors('invalid credential-provider Package');
  if (parsed === undefined) throw new Error('unreachable: a Package without errors was not read');
  return { ...parsed, warnings: issues.warnings };
}

/**
 * Checks a credential-provider `Package` (YAML text or object) without throwing.
 *
 * @returns every error and warning found; the Package is valid when `errors` is empty.
 * @public
 */
export function validateCredentialProviderPackage(
  input: unknown,
  options: ParseCredentialProviderPackageOptions = {},
): { readonly errors: readonly ValidationIssue[]; readonly warnings: readonly ValidationIssue[] } {
  const issues = createIssueCollector();
  try {
    readPackage(input, issues, options.allowMultipleCredentials === true);
  } catch (e) {
    if (!isValidationError(e)) throw e;
    for (const i of e.issues) issues.at(i.path).error(i.code, i.message);
  }
  return { errors: issues.errors, warnings: issues.warnings };
}

/**
 * True when `value` looks like a Package (`apiVersion` and `kind` match {@link PACKAGE_GVK}).
 *
 * @public
 */
export function isPackage(value: unknown): value is Package {
  return (
    isRecord(value) &&
    value['apiVersion'] === PACKAGE_GVK.apiVersion &&
    value['kind'] === PACKAGE_GVK.kind &&
    isRecord(value['metadata']) &&
    isRecord(value['spec'])
  );
}

type ReadPackage = Omit<ParsedCredentialProviderPackage, 'warnings'>;

function readPackage(
  input: unknown,
  issues: IssueCollector,
  allowMultiple: boolean,
): ReadPackage | undefined {
  let obj = input;
  if (typeof input === 'string') {
    const docs = parseYaml(input);
    if (docs.length !== 1) {
      issues.error(
        ISSUE_CODES.INVALID_VALUE,
        `expected one YAML document with a Package, found ${docs.length}`,
      );
      return undefined;
    }
    obj = docs[0];
  }
  if (!isRecord(obj)) {
    issues.error(ISSUE_CODES.INVALID_TYPE, `expected a Package object, found ${describeType(obj)}`);
    return undefined;
  }
  if (obj['apiVersion'] !== PACKAGE_GVK.apiVersion || obj['kind'] !== PACKAGE_GVK.kind) {
    issues.error(
      ISSUE_CODES.UNSUPPORTED_KIND,
      `expected apiVersion "${PACKAGE_GVK.apiVersion}" and kind "Package", found ${quote(String(obj['apiVersion']))} and ${quote(String(obj['kind']))}`,
    );
    return undefined;
  }
  rejectUnknownKeys(obj, ['apiVersion', 'kind', 'metadata', 'spec', 'status'], issues);
  const metadata = readRecord(obj['metadata'], issues.at('metadata')) ?? {};
  const spec = readRecord(obj['spec'], issues.at('spec')) ?? {};
  const name = readString(metadata['name'], issues.at('metadata.name'));
  const namespace = readString(metadata['namespace'], issues.at('metadata.namespace'));
  let clusterName = '';
  if (namespace === undefined || namespace === '') {
    issues
      .at('metadata.namespace')
      .error(
        ISSUE_CODES.REQUIRED,
        `is required: Packages live in "${PACKAGE_NAMESPACE_PREFIX}<clusterName>" on the management cluster`,
      );
  } else if (!namespace.startsWith(PACKAGE_NAMESPACE_PREFIX)) {
    issues
      .at('metadata.namespace')
      .error(
        ISSUE_CODES.INVALID_VALUE,
        namespace === DEFAULT_TARGET_NAMESPACE
          ? `"${DEFAULT_TARGET_NAMESPACE}" is the deprecated form; move the Package to "${PACKAGE_NAMESPACE_PREFIX}<clusterName>"`
          : `${quote(namespace)} must be "${PACKAGE_NAMESPACE_PREFIX}<clusterName>" (the controller ignores Packages elsewhere)`,
      );
  } else {
    clusterName = namespace.slice(PACKAGE_NAMESPACE_PREFIX.length);
  }
  const packageName = readString(spec['packageName'], issues.at('spec.packageName'));
  if (packageName?.toLowerCase() !== CREDENTIAL_PROVIDER_PACKAGE_NAME) {
    issues
      .at('spec.packageName')
      .error(
        ISSUE_CODES.UNSUPPORTED_KIND,
        `must be "${CREDENTIAL_PROVIDER_PACKAGE_NAME}", found ${packageName === undefined ? 'nothing' : quote(packageName)}`,
      );
  }
  rejectUnknownKeys(
    spec,
    ['packageName', 'packageVersion', 'config', 'targetNamespace'],
    issues.at('spec'),
  );
  const configText = readString(spec['config'], issues.at('spec.config')) ?? '';
  const config = readConfig(configText, issues);
  const annotations = readStringMap(metadata['annotations'], issues.at('metadata.annotations'));
  const labels = readStringMap(metadata['labels'], issues.at('metadata.labels'));
  const init: CredentialProviderPackageInit = dropUndefined({
    clusterName,
    name,
    targetNamespace: readString(spec['targetNamespace'], issues.at('spec.targetNamespace')),
    annotations: annotations ?? {},
    labels,
    packageVersion: readString(spec['packageVersion'], issues.at('spec.packageVersion')),
  });
  // A missing or misplaced namespace was reported above; check the name only when there is one.
  if (clusterName !== '') checkClusterName(clusterName, issues.at(PACKAGE_FIELD_PATHS.clusterName));
  checkPackageFields(init, issues, PACKAGE_FIELD_PATHS);
  if (config === undefined || name === undefined) return undefined;
  checkConfig(config, issues.at('spec.config'), allowMultiple);
  return dropUndefined({
    ...init,
    name,
    config,
    allowMultipleCredentials: config.credential.length > 1 ? (true as const) : undefined,
    status: isRecord(obj['status']) ? (obj['status'] as PackageStatus) : undefined,
  });
}

function readConfig(
  text: string,
  issues: IssueCollector,
): CredentialProviderPackageConfig | undefined {
  let values: unknown = {};
  if (text.trim() !== '') {
    try {
      const docs = parseYaml(text);
      values = docs[0] ?? {};
    } catch (e) {
      if (isValidationError(e)) {
        for (const i of e.issues) issues.at('spec.config').error(i.code, i.message);
        return undefined;
      }
      throw e;
    }
  }
  if (!isRecord(values)) {
    issues
      .at('spec.config')
      .error(
        ISSUE_CODES.INVALID_TYPE,
        `must be a YAML map of chart values, found ${describeType(values)}`,
      );
    return undefined;
  }
  const extra = Object.fromEntries(
    Object.entries(values).filter(([k]) => !MODELLED_KEYS.includes(k)),
  );
  // Missing keys keep the chart's defaults (not the builder's): the parse reflects what is written.
  return dropUndefined({
    tolerations: (values['tolerations'] ?? []) as readonly Toleration[],
    sourceRegistry: (values['sourceRegistry'] ?? '') as string,
    image: values['image'] as ImageConfig | undefined,
    credential: readCredentialDefaults(values['credential'], issues),
    proxy: values['proxy'] as ProxyConfig | undefined,
    nodeSelector: values['nodeSelector'] as Record<string, string> | undefined,
    affinity: values['affinity'] as Record<string, unknown> | undefined,
    resources: values['resources'] as ResourceRequirements | undefined,
    podAnnotations: values['podAnnotations'] as Record<string, string> | undefined,
    extraValues: Object.keys(extra).length > 0 ? extra : undefined,
  });
}

// What the chart does when keys are missing from `spec.config`: Helm replaces lists wholesale,
// so a missing `credential` takes the chart's one default entry, while a missing key inside an
// entry renders as an empty env value, and the provider image then applies its own defaults.
const CHART_DEFAULT_CREDENTIAL: CredentialConfig = {
  matchImages: [],
  profile: 'default',
  secretName: 'aws-secret',
  defaultCacheDuration: DEFAULT_CACHE_DURATION,
};
const PROVIDER_IMAGE_DEFAULT_CACHE_DURATION = '30m';

function readCredentialDefaults(
  value: unknown,
  issues: IssueCollector,
): readonly CredentialConfig[] {
  if (value === undefined) return [CHART_DEFAULT_CREDENTIAL];
  if (!Array.isArray(value)) return value as readonly CredentialConfig[];
  return value.map((entry: unknown, i) => {
    if (!isRecord(entry)) return entry as CredentialConfig;
    const at = issues.at('spec.config', 'credential', i);
    const out: Record<string, unknown> = { ...entry };
    if (entry['profile'] === undefined) {
      at.at('profile').error(
        ISSUE_CODES.REQUIRED,
        'is missing: the chart then sets AWS_PROFILE to "" and the provider image uses the profile "eksa-packages", which the Secret does not have; write profile: "default"',
      );
    }
    if (entry['secretName'] === undefined) {
      at.at('secretName').error(
        ISSUE_CODES.REQUIRED,
        'is missing: the DaemonSet would mount a Secret with no name; write secretName: "aws-secret"',
      );
    }
    if (entry['matchImages'] === undefined) out['matchImages'] = [];
    if (entry['defaultCacheDuration'] === undefined) {
      out['defaultCacheDuration'] = PROVIDER_IMAGE_DEFAULT_CACHE_DURATION;
      at.at('defaultCacheDuration').warn(
        ISSUE_CODES.REQUIRED,
        `is missing: the provider image then uses "${PROVIDER_IMAGE_DEFAULT_CACHE_DURATION}"; write it explicitly`,
      );
    }
    return out as unknown as CredentialConfig;
  });
}
