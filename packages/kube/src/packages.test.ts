import { describe, expect, it } from 'vitest';
import { hintFor } from './errors.ts';
import type { Package, PackageSpec, PackageStatus } from '@eksa-credprov/core';
import { formatPackageTable, humanDuration } from './package-table.ts';
import { isPackageFailed } from './package-wait.ts';
import { toInfo, type PackageInfo } from './packages.ts';

const CONFIG = 'credential:\n  - matchImages: ["*.dkr.ecr.*.amazonaws.com"]\n';
const spec = (extra: Partial<PackageSpec> = {}): PackageSpec => ({
  packageName: 'credential-provider-package',
  targetNamespace: 'eksa-packages',
  config: CONFIG,
  ...extra,
});
const packageWith = (s: PackageSpec, status: PackageStatus | undefined): Package => ({
  apiVersion: 'packages.eks.amazonaws.com/v1alpha1',
  kind: 'Package',
  metadata: { name: 'p', namespace: 'eksa-packages-mgmt' },
  spec: s,
  ...(status === undefined ? {} : { status }),
});

// How package-manager v0.4.17 leaves status.spec (controllers and pkg/packages/manager.go): copied
// when it installs and when it sees a config change; left alone when a change needs no reinstall.
describe('PackageInfo.upToDate', () => {
  const installed = (seen: PackageSpec, extra: PackageStatus = {}): PackageStatus => ({
    state: 'installed',
    currentVersion: '0.1.1',
    targetVersion: '0.1.1 (latest)',
    spec: seen,
    ...extra,
  });
  it.each<[string, PackageSpec, PackageStatus | undefined, boolean]>([
    ['no status at all', spec(), undefined, true],
    ['a status with no spec (older controllers)', spec(), { state: 'installed' }, true],
    [
      'the empty spec written with a detail before it acts',
      spec(),
      { detail: 'no activeBundle set in PackageBundleController', spec: { packageName: '' } },
      true,
    ],
    ['the spec it installed', spec(), installed(spec()), true],
    [
      'the same config written another way',
      spec(),
      installed(spec({ config: "credential:\n- matchImages: ['*.dkr.ecr.*.amazonaws.com']\n" })),
      true,
    ],
    [
      'a config change it has not seen',
      spec({ config: 'credential: []\n' }),
      installed(spec()),
      false,
    ],
    ['a config it cannot parse, changed', spec({ config: 'a: [' }), installed(spec()), false],
    [
      'a version change it has not seen',
      spec({ packageVersion: '0.1.0' }),
      installed(spec()),
      false,
    ],
    ['the installed version, named', spec({ packageVersion: '0.1.1' }), installed(spec()), true],
    ['"latest" for latest', spec({ packageVersion: 'latest' }), installed(spec()), true],
    [
      'back to latest, not yet seen',
      spec(),
      installed(spec({ packageVersion: '0.1.0' }), {
        currentVersion: '0.1.0',
        targetVersion: '0.1.0',
      }),
      false,
    ],
    [
      'back to latest, which is what is installed',
      spec(),
      installed(spec({ packageVersion: '0.1.1' }), { targetVersion: '0.1.1 (latest)' }),
      true,
    ],
    [
      'a new target namespace (the controller ignores it)',
      spec({ targetNamespace: 'other' }),
      installed(spec()),
      true,
    ],
  ])('%s -> %s', (_, s, status, want) => {
    expect(toInfo(packageWith(s, status)).upToDate).toBe(want);
  });
});

describe('isPackageFailed (the default failWhen of waitForPackage)', () => {
  it.each<[string, PackageSpec, PackageStatus, boolean]>([
    [
      'state unknown',
      spec(),
      { state: 'unknown', detail: 'Packages namespaces must start with: eksa-packages' },
      true,
    ],
    [
      'a version not in the bundle',
      spec({ packageVersion: '9.9.9' }),
      {
        detail: 'Package credential-provider-package@9.9.9 is not in the active bundle (v1-35-1).',
      },
      true,
    ],
    [
      'latest not in the bundle',
      spec(),
      {
        detail: 'Package credential-provider-package@latest is not in the active bundle (v1-35-1).',
      },
      true,
    ],
    [
      'a package not in the bundle',
      spec(),
      { detail: 'Package Credential-Provider-Package is not in the active bundle (v1-35-1).' },
      true,
    ],
    [
      'the detail of a version since corrected',
      spec({ packageVersion: '0.1.0' }),
      {
        state: 'installed',
        detail: 'Package credential-provider-package@9.9.9 is not in the active bundle (v1-35-1).',
      },
      false,
    ],
    [
      'waiting for dependencies',
      spec(),
      { state: 'installing dependencies', detail: 'Waiting for dependencies: x' },
      false,
    ],
    [
      'no active bundle yet',
      spec(),
      { detail: 'no activeBundle set in PackageBundleController' },
      false,
    ],
    ['installed', spec(), { state: 'installed' }, false],
  ])('%s -> %s', (_, s, status, want) => {
    expect(isPackageFailed(toInfo(packageWith(s, status)))).toBe(want);
  });
});

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
    upToDate: true,
    resourceVersion: '1',
    object: {} as PackageInfo['object'],
    ...extra,
  });

  it.each([
    ['one line', 'one line'],
    ['first\nsecond', 'first...'],
    ['first\r\nsecond', 'first...'],
    ['a\fb', 'a...'],
    ['\x1b[31mred\x1b[0m', '^[[31mred^[[0m'],
  ])('writes the detail %j as kubectl does: %j', (detail, shown) => {
    const text = formatPackageTable([pkg('p', { detail })], { now });
    expect(text.split('\n')[1]?.endsWith(`   ${shown}`)).toBe(true);
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
