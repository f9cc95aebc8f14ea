// The public API of @eksa-credprov/kube. Every export is named here (no `export *`), so this file
// is the whole surface; src/index.test.ts snapshots it.

// First: refuse an unsupported Node.js before any dependency runs (see core's node-version.cjs).
import '@eksa-credprov/core/node-version';

export {
  applyObjects,
  deleteObjects,
  type ApplyOptions,
  type ApplyResult,
  type DeleteResult,
  type KubeObject,
} from './apply.ts';
export {
  EKSA_SYSTEM_NAMESPACE,
  getClusterCaCertificate,
  getWorkloadClusterKubeConfig,
} from './cluster-secrets.ts';
export { KubeApiError, isKubeApiError } from './errors.ts';
export {
  DEFAULT_FIELD_MANAGER,
  ensureNamespace,
  installCredentialProvider,
  type EnsureNamespaceOptions,
  type InstallCredentialProviderInit,
  type InstallCredentialProviderResult,
} from './install.ts';
export { loadKubeConfig, type LoadKubeConfigOptions } from './kubeconfig.ts';
export type { KubeCallOptions } from './options.ts';
export {
  deletePackage,
  HELM_RELEASE_NAMESPACE,
  type DeletePackageOptions,
  getPackage,
  listPackages,
  type ListPackagesOptions,
  type PackageInfo,
  type PackageOptions,
} from './packages.ts';
export { formatPackageTable, humanDuration } from './package-table.ts';
export { isPackageFailed, waitForPackage, type WaitForPackageOptions } from './package-wait.ts';
export {
  ensureServiceAccountEcrAccess,
  removeServiceAccountEcrAccess,
  type ServiceAccountEcrAccess,
  type ServiceAccountEcrAccessInit,
} from './service-accounts.ts';
export {
  createEventRecorder,
  type EventInit,
  type EventRecorder,
  type EventRecorderInit,
  type EventSubject,
} from './events.ts';
export {
  objectKey,
  startInformer,
  type Informer,
  type InformerInit,
  type ObjectWithMeta,
} from './informer.ts';
export { createWorkQueue, type WorkQueue, type WorkQueueInit } from './work-queue.ts';
export {
  startLeaderElection,
  type LeaderElectionInit,
  type LeaderElector,
} from './leader-election.ts';
