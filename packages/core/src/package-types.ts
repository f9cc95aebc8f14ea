/**
 * The `Package` resource of the credential-provider-package and its chart values: types, defaults
 * and the names the chart and the package controller use.
 */
import type { ValidationIssue } from './errors.ts';
import type { ObjectMeta } from './kube-object.ts';

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
 * The chart values this SDK models, in the order it writes them: the one list of them. Every
 * other value of `spec.config` is kept in `extraValues`.
 *
 * @internal
 */
export const CHART_KEYS = [
  'tolerations',
  'sourceRegistry',
  'image',
  'credential',
  'proxy',
  'nodeSelector',
  'affinity',
  'resources',
  'podAnnotations',
] as const satisfies readonly (keyof CredentialProviderPackageConfig)[];

/** One of {@link CHART_KEYS}. @internal */
export type ChartKey = (typeof CHART_KEYS)[number];
type AssertNever<T extends never> = T;
/**
 * Compiles only while {@link CHART_KEYS} names every modelled field of the config type.
 *
 * @internal
 */
export type ChartKeysCoverTheConfig = AssertNever<
  Exclude<keyof CredentialProviderPackageConfig, ChartKey | 'extraValues'>
>;

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
