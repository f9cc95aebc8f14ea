import { describe, expect, it } from 'vitest';
import { hintFor } from './errors.ts';
import { formatPackageTable, humanDuration } from './package-table.ts';
import type { PackageInfo } from './packages.ts';

describe('humanDuration (kubectl AGE)', () => {
  it.each([
    [-5_000, '<invalid>'],
    [-500, '0s'],
    [0, '0s'],
    [45_000, '45s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [200_000, '3m20s'],
    [15 * 60_000, '15m'],
    [179 * 60_000, '179m'],
    [(4 * 60 + 5) * 60_000, '4h5m'],
    [5 * 3_600_000, '5h'],
    [20 * 3_600_000, '20h'],
    [(3 * 24 + 4) * 3_600_000, '3d4h'],
    [3 * 24 * 3_600_000, '3d'],
    [9 * 24 * 3_600_000, '9d'],
    [(2 * 365 + 30) * 24 * 3_600_000, '2y30d'],
    [9 * 365 * 24 * 3_600_000, '9y'],
  ])('%s ms -> %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('formatPackageTable', () => {
  const now = new Date('2026-11-29T12:00:00Z');
  const pkg = (name: string, extra: Partial<PackageInfo>): PackageInfo => ({
    name,
    namespace: 'eksa-packages-mgmt',
    clusterName: 'mgmt',
    packageName: 'credential-provider-package',
    createdAt: new Date('2026-11-29T11:56:40Z'),
    upgradesAvailable: [],
    resourceVersion: '1',
    object: {} as PackageInfo['object'],
    ...extra,
  });

  it('prints the CRD printer columns as kubectl does', () => {
    expect(
      formatPackageTable(
        [
          pkg('my-credential-provider-package', {
            state: 'installed',
            currentVersion: '0.4.15',
            targetVersion: '0.4.15 (latest)',
          }),
          pkg('other', { detail: 'Waiting for dependencies' }),
        ],
        { now },
      ),
    ).toBe(
      [
        'NAME                             PACKAGE                       AGE     STATE       CURRENTVERSION   TARGETVERSION     DETAIL',
        'my-credential-provider-package   credential-provider-package   3m20s   installed   0.4.15           0.4.15 (latest)',
        'other                            credential-provider-package   3m20s                                                  Waiting for dependencies',
        '',
      ].join('\n'),
    );
  });

  it('adds NAMESPACE with allNamespaces, and says when there is nothing', () => {
    expect(formatPackageTable([pkg('a', {})], { now, allNamespaces: true }).split('\n')[0]).toMatch(
      /^NAMESPACE\s+NAME\s+PACKAGE/,
    );
    expect(formatPackageTable([])).toBe('No resources found\n');
  });
});

describe('hints for API errors', () => {
  const info = (reason: string, serverMessage: string): Parameters<typeof hintFor>[0] => ({
    status: 0,
    reason,
    serverMessage,
    request: 'PATCH /x',
  });
  it.each([
    [
      'Forbidden',
      'secrets "aws-secret" is forbidden: User "restricted" cannot patch resource "secrets" in API group "" in the namespace "default"',
      /RBAC does not let "restricted" patch secrets in namespace "default"/,
    ],
    [
      'Forbidden',
      'namespaces is forbidden: User "u" cannot create resource "namespaces" in API group "" at the cluster scope',
      /create namespaces at cluster scope/,
    ],
    [
      'Conflict',
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.REGION',
      /owned by field manager "kubectl-client-side-apply".*force: true/,
    ],
    ['NotFound', 'namespaces "eksa-packages-x" not found', /create the namespace first/],
    ['Unauthorized', 'Unauthorized', /credentials were not accepted/],
  ])('%s: %s', (reason, message, hint) => {
    expect(hintFor(info(reason, message))).toMatch(hint);
  });
});
