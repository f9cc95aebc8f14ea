import { describe, expect, it } from 'vitest';

// The public API of this package, so that an accidental change shows up in review.
describe('@eksa-credprov/aws export list', () => {
  it('@eksa-credprov/aws', async () => {
    expect(Object.keys(await import('./index.ts')).sort()).toMatchInlineSnapshot(`
      [
        "ECR_READ_ACTIONS",
        "OWNER_TAG",
        "createEcrReadPolicy",
        "createRolesAnywhereTrustPolicy",
        "createSessionRequest",
        "ensureRolesAnywhereSetup",
        "fromRolesAnywhere",
        "getEcrAuthorizationToken",
        "parseEcrHost",
        "teardownRolesAnywhereSetup",
      ]
    `);
  });
});
