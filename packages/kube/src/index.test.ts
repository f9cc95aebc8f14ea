import { describe, expect, it } from 'vitest';

// The public API of this package, so that an accidental change shows up in review.
describe('@eksa-credprov/kube export list', () => {
  it('@eksa-credprov/kube', async () => {
    expect(Object.keys(await import('./index.ts')).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_FIELD_MANAGER",
        "EKSA_SYSTEM_NAMESPACE",
        "HELM_RELEASE_NAMESPACE",
        "KubeApiError",
        "applyObjects",
        "createEventRecorder",
        "createWorkQueue",
        "deleteObjects",
        "deletePackage",
        "ensureNamespace",
        "ensureServiceAccountEcrAccess",
        "formatPackageTable",
        "getClusterCaCertificate",
        "getPackage",
        "getWorkloadClusterKubeConfig",
        "humanDuration",
        "installCredentialProvider",
        "isKubeApiError",
        "isPackageFailed",
        "listPackages",
        "loadKubeConfig",
        "objectKey",
        "removeServiceAccountEcrAccess",
        "startInformer",
        "startLeaderElection",
        "waitForPackage",
      ]
    `);
  });
});
