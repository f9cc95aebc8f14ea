// Test support shared by the tests of every package and example (private, never published).
// Tests import it as `@eksa-credprov/testenv` instead of reaching into another package's files.

export {
  REPO_ROOT,
  awsTestEnv,
  kubeConfigFor,
  testEnv,
  uniqueName,
  type TestEnvFile,
} from './env.ts';
export { killApiServer, kubeRequest, setPackageStatus } from './kube.ts';
export {
  CHART_REPOSITORY,
  CHART_VERSIONS,
  REGISTRY_CONFIG_DIR,
  startPackageController,
  startPackageStack,
  type PackageController,
  type PackageStack,
} from './package-controller.ts';
export { makeCaCertificate, testFile, testPki, type TestPki } from './pki.ts';
export { rejectionOf, until } from './promises.ts';
export {
  ECR_HOST,
  ECR_IMAGE,
  PROVIDER_FORMS,
  TEST_ACCESS_KEY_ID,
  TEST_KEYS_PROFILE,
  TEST_SECRET_ACCESS_KEY,
  execProvider,
  providerRequest,
  runKubeletPlugin,
  testKeysSecret,
  type KubeletLookup,
  type KubeletPluginRun,
  type ProviderRun,
} from './provider.ts';
export {
  control,
  createAnchorAndProfile,
  lastSession,
  listAll,
  sessions,
  type Session,
} from './rolesanywhere.ts';
export {
  closedPort,
  connectProxy,
  forwardTo,
  forwardingProxy,
  listen,
  server,
  tlsServer,
  type Handler,
  type LocalServer,
} from './servers.ts';
export {
  serviceAccountToken,
  serviceAccountWithPod,
  stsCalls,
  testIssuer,
  testIssuerCa,
  type StsCall,
  type TokenFor,
} from './web-identity.ts';
