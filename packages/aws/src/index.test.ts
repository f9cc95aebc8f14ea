import { describe, expect, it } from 'vitest';

// The public API of this package, so that an accidental change shows up in review.
describe('@eksa-credprov/aws export list', () => {
  it('@eksa-credprov/aws', async () => {
    expect(Object.keys(await import('./index.ts')).sort()).toMatchInlineSnapshot(`
      [
        "AwsApiError",
        "CURATED_PACKAGES_ACCOUNT_ID",
        "DEFAULT_SESSION_DURATION_SECONDS",
        "ECR_READ_ACTIONS",
        "ECR_READ_POLICY_NAME",
        "ECR_ROLE_ARN_ENV",
        "OWNER_TAG",
        "WEB_IDENTITY_SESSION_NAME",
        "checkClusterCaCertificate",
        "createEcrReadPolicy",
        "createRolesAnywhereTrustPolicy",
        "createSessionRequest",
        "createWebIdentityTrustPolicy",
        "defaultRoleName",
        "defaultRolesAnywhereName",
        "ensureRolesAnywhereSetup",
        "ensureServiceAccountRole",
        "fromRolesAnywhere",
        "getEcrAuthorizationToken",
        "isAwsApiError",
        "oidcThumbprint",
        "parseEcrHost",
        "rolesAnywhereRoleDescription",
        "teardownRolesAnywhereSetup",
        "teardownServiceAccountRole",
      ]
    `);
  });

  it('@eksa-credprov/aws/provider', async () => {
    expect(Object.keys(await import('./provider.ts')).sort()).toMatchInlineSnapshot(`
      [
        "imageHost",
        "parseProviderArgs",
        "runProvider",
      ]
    `);
  });
});
