// The public API of @eksa-credprov/aws. Every export is named here (no `export *`), so this file
// is the whole surface; src/index.test.ts snapshots it.

// First: refuse an unsupported Node.js before any dependency runs (see core's node-version.cjs).
import '@eksa-credprov/core/node-version';

export { AwsApiError, isAwsApiError, type AwsApiErrorInit } from './aws-api-error.ts';
export { parseEcrHost, type EcrHost } from './ecr-host.ts';
export {
  getEcrAuthorizationToken,
  type EcrAuthorizationToken,
  type EcrAuthorizationTokenInit,
} from './ecr-token.ts';
export {
  fromRolesAnywhere,
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
  type RolesAnywhereInit,
} from './from-roles-anywhere.ts';
export {
  ECR_READ_ACTIONS,
  createEcrReadPolicy,
  createRolesAnywhereTrustPolicy,
  type EcrReadPolicyInit,
  type PolicyDocument,
  type PolicyStatement,
  type RolesAnywhereTrustPolicyInit,
} from './policies.ts';
export {
  createSessionRequest,
  type SessionRequestInit,
  type SignedRequest,
} from './session-request.ts';
export {
  CURATED_PACKAGES_ACCOUNT_ID,
  DEFAULT_SESSION_DURATION_SECONDS,
  ECR_READ_POLICY_NAME,
  OWNER_TAG,
  checkClusterCaCertificate,
  defaultRoleName,
  defaultRolesAnywhereName,
  ensureRolesAnywhereSetup,
  rolesAnywhereRoleDescription,
  teardownRolesAnywhereSetup,
  type RolesAnywhereSetup,
  type RolesAnywhereSetupInit,
  type SetupAction,
} from './setup.ts';
export {
  createWebIdentityTrustPolicy,
  ensureServiceAccountRole,
  oidcThumbprint,
  teardownServiceAccountRole,
  type ServiceAccountRef,
  type ServiceAccountRole,
  type ServiceAccountRoleInit,
  type WebIdentityTrustPolicyInit,
} from './service-account-role.ts';
export { ECR_ROLE_ARN_ENV, WEB_IDENTITY_SESSION_NAME } from './web-identity.ts';
