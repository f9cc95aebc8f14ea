// The public API of @eksa-credprov/core. Every export is named here (no `export *`), so this file
// is the whole surface; src/index.test.ts snapshots it.

// First: refuse an unsupported Node.js before anything else is evaluated (the one check, which
// kube and aws import as @eksa-credprov/core/node-version).
import '../node-version.cjs';

export {
  CredprovError,
  ERROR_CODES,
  ISSUE_CODES,
  ValidationError,
  isCredprovError,
  isValidationError,
  type CredprovErrorInit,
  type ErrorCode,
  type IssueCode,
  type ValidationIssue,
} from './errors.ts';
export { dropUndefined, type Defined } from './defined.ts';
export { requireObject, requireString } from './input.ts';
export { checkDns1123Label, checkDns1123Subdomain } from './names.ts';
export {
  checkRolesAnywhereArns,
  checkSessionDuration,
  type RolesAnywhereArns,
} from './roles-anywhere-checks.ts';
export { createIssueCollector, type IssueCollector } from './issues.ts';
export { formatGoDuration, parseGoDuration } from './duration.ts';
export { imageRegistryHost } from './image-host.ts';
export { safeText, type SafeTextOptions } from './safe-text.ts';
export {
  matchImage,
  parseImagePattern,
  validateImagePattern,
  type ImagePattern,
} from './image-pattern.ts';
export {
  AWS_PARTITIONS,
  awsPartition,
  isAwsRegion,
  parseArn,
  partitionOfRegion,
  type Arn,
  type ArnKind,
  type AwsPartition,
} from './aws-names.ts';
export {
  formatAwsConfigFile,
  type AwsConfigFileInit,
  type AwsConfigFileKind,
} from './aws-config-write.ts';
export {
  parseAwsSharedConfig,
  type AwsConfigIgnoredSection,
  type AwsConfigProfile,
  type AwsSharedConfig,
} from './aws-config.ts';
export {
  CREDENTIAL_PROVIDER_PACKAGE_NAME,
  DEFAULT_CACHE_DURATION,
  DEFAULT_MATCH_IMAGES,
  DEFAULT_PACKAGE_ANNOTATIONS,
  DEFAULT_PACKAGE_NAME,
  DEFAULT_SOURCE_REGISTRY,
  DEFAULT_TOLERATIONS,
  IMAGE_PULL_POLICIES,
  PACKAGE_GVK,
  PACKAGE_STATES,
  type CredentialConfig,
  type CredentialConfigInit,
  type CredentialProviderPackageConfig,
  type CredentialProviderPackageConfigInit,
  type CredentialProviderPackageInit,
  type ImageConfig,
  type ImagePullPolicy,
  type Package,
  type PackageSpec,
  type PackageState,
  type PackageStatus,
  type ParseCredentialProviderPackageOptions,
  type ParsedCredentialProviderPackage,
  type ProxyConfig,
  type ResourceRequirements,
  type Toleration,
} from './package-types.ts';
export {
  DEFAULT_TARGET_NAMESPACE,
  PACKAGE_NAMESPACE_PREFIX,
  packageNamespace,
  type ObjectMeta,
} from './kube-object.ts';
export {
  createCredentialProviderPackage,
  resolveCredentialProviderPackageConfig,
} from './package-create.ts';
export {
  isPackage,
  parseCredentialProviderPackage,
  validateCredentialProviderPackage,
} from './package-parse.ts';
export {
  AWS_SECRET_FORMS,
  DEFAULT_AWS_SECRET_NAME,
  createAwsCredentialsSecret,
  parseAwsCredentialsSecret,
  type AwsCredentialsSecretInit,
  type AwsSecretForm,
  type ParsedAwsCredentialsSecret,
} from './secret.ts';
export { SECRET_GVK, type Secret } from './kube-secret.ts';
export {
  DEFAULT_ROLES_ANYWHERE_SECRET_NAME,
  KUBELET_CLIENT_CERTIFICATE_PATH,
  SIGNING_HELPER_COMMAND,
  createRolesAnywhereCredfile,
  createRolesAnywhereSecret,
  parseRolesAnywhereCredfile,
  parseRolesAnywhereProfile,
  type ParsedRolesAnywhereCredfile,
  type RolesAnywhereCredfileInit,
  type RolesAnywhereSecretInit,
} from './credfile.ts';
export {
  KUBELET_CONFIG_API_VERSIONS,
  NODE_PACKAGE_DIR,
  createKubeletCredentialProviderConfig,
  type ExecEnvVar,
  type KubeletConfigApiVersion,
  type KubeletCredentialProvider,
  type KubeletCredentialProviderConfig,
  type KubeletCredentialProviderConfigInit,
  type KubeletCredentialProviderInit,
  type ServiceAccountTokenAttributes,
} from './kubelet-config.ts';
export {
  CACHE_KEY_TYPES,
  CREDENTIAL_PROVIDER_API_VERSIONS,
  createCredentialProviderRequest,
  createCredentialProviderResponse,
  parseCredentialProviderRequest,
  parseCredentialProviderResponse,
  type AuthConfig,
  type CacheKeyType,
  type CredentialProviderApiVersion,
  type CredentialProviderRequest,
  type CredentialProviderRequestInit,
  type CredentialProviderResponse,
  type CredentialProviderResponseInit,
} from './protocol.ts';
export { createDockerConfigSecret, type DockerConfigSecretInit } from './docker-config-secret.ts';
export { MAX_YAML_BYTES, MAX_YAML_ITEMS, parseYaml, toYaml } from './yaml.ts';
export {
  DEFAULT_ECR_TOKEN_AUDIENCE,
  ECR_ROLE_ARN_ANNOTATION,
  createEcrServiceAccount,
  createTokenAudienceRbac,
  ecrTokenAttributes,
  type ClusterRbacObject,
  type ServiceAccountObject,
} from './service-account.ts';
