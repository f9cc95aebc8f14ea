import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  isCredprovError,
  isValidationError,
  parseRolesAnywhereCredfile,
} from '@eksa-credprov/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRolesAnywhere } from './from-roles-anywhere.ts';
import {
  checkClusterCaCertificate,
  ensureRolesAnywhereSetup,
  teardownRolesAnywhereSetup,
  type RolesAnywhereSetupInit,
} from './setup.ts';
import {
  awsTestEnv,
  control,
  forwardingProxy,
  listAll,
  makeCaCertificate,
  testPki,
} from '@eksa-credprov/testenv';

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
let iam: IAMClient;

function init(extra: Partial<RolesAnywhereSetupInit> = {}): RolesAnywhereSetupInit {
  return {
    clusterName: 'mgmt',
    caCertificatePem: testPki().caCert,
    region: 'us-west-2',
    roleName: 'eksa-mgmt-ecr-pull',
    clients: { iam, credentials, rolesAnywhereEndpoint: awsTestEnv().rolesanywhere },
    ...extra,
  };
}

const counts = async (): Promise<{ anchors: number; profiles: number; roles: number }> => ({
  anchors: (await listAll('/trustanchors', 'trustAnchors')).length,
  profiles: (await listAll('/profiles', 'profiles')).length,
  roles: ((await iam.send(new ListRolesCommand({}))).Roles ?? []).length,
});

beforeAll(async () => {
  iam = new IAMClient({ region: 'us-east-1', endpoint: awsTestEnv().moto, credentials });
  await fetch(`${awsTestEnv().moto}/moto-api/reset`, { method: 'POST' });
  await control('POST', '/_emulator/reset');
});
afterAll(() => {
  iam.destroy();
});

describe('ensureRolesAnywhereSetup against moto IAM and the emulator', () => {
  it('creates the trust anchor, role, policy and profile, and a node can then get credentials', async () => {
    const setup = await ensureRolesAnywhereSetup(init());
    expect(setup.actions).toEqual({
      trustAnchor: 'created',
      role: 'created',
      policy: 'created',
      profile: 'created',
    });
    expect(setup.roleArn).toBe('arn:aws:iam::123456789012:role/eksa-mgmt-ecr-pull');
    const credfile = parseRolesAnywhereCredfile(setup.credfile);
    expect(credfile).toMatchObject({
      region: 'us-west-2',
      roleArn: setup.roleArn,
      profileArn: setup.profileArn,
      trustAnchorArn: setup.trustAnchorArn,
    });
    // The whole tutorial: a kubelet certificate from the cluster CA now gets credentials.
    const creds = await fromRolesAnywhere({
      certificate: testPki().ecCert,
      privateKey: testPki().ecKeySec1,
      ...credfile,
      endpoint: awsTestEnv().rolesanywhere,
    })();
    expect(creds.accessKeyId).toMatch(/^ASIA/);
  });

  it('changes nothing when run again', async () => {
    const before = await counts();
    const again = await ensureRolesAnywhereSetup(init());
    expect(again.actions).toEqual({
      trustAnchor: 'unchanged',
      role: 'unchanged',
      policy: 'unchanged',
      profile: 'unchanged',
    });
    expect(await counts()).toEqual(before);
  });

  it('updates the trust anchor when the CA changes, and re-enables what was disabled', async () => {
    const first = await ensureRolesAnywhereSetup(init());
    const profileId = first.profileArn.split('/').pop() ?? '';
    await control('POST', `/profile/${profileId}/disable`);
    const changed = await ensureRolesAnywhereSetup(
      init({ caCertificatePem: testPki().otherCaCert }),
    );
    expect(changed.actions).toEqual({
      trustAnchor: 'updated',
      role: 'unchanged',
      policy: 'unchanged',
      profile: 'updated',
    });
    expect(changed.trustAnchorArn).toBe(first.trustAnchorArn);
    const credfile = parseRolesAnywhereCredfile(changed.credfile);
    // Certificates of the new CA work; those of the old one no longer do.
    expect(
      (
        await fromRolesAnywhere({
          certificate: testPki().foreignCert,
          privateKey: testPki().foreignKey,
          ...credfile,
          endpoint: awsTestEnv().rolesanywhere,
        })()
      ).accessKeyId,
    ).toMatch(/^ASIA/);
    await expect(
      fromRolesAnywhere({
        certificate: testPki().ecCert,
        privateKey: testPki().ecKeySec1,
        ...credfile,
        endpoint: awsTestEnv().rolesanywhere,
        maxAttempts: 1,
      })(),
    ).rejects.toThrow(/Untrusted signing certificate/);
    await ensureRolesAnywhereSetup(init());
  });

  it('completes, without duplicates, a run that failed half-way', async () => {
    const cluster = 'halfway';
    const broken = new IAMClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials,
      maxAttempts: 1,
    });
    const e = await ensureRolesAnywhereSetup(
      init({
        clusterName: cluster,
        roleName: 'halfway-role',
        clients: { iam: broken, credentials, rolesAnywhereEndpoint: awsTestEnv().rolesanywhere },
      }),
    ).catch((x: unknown) => x);
    broken.destroy();
    expect(e).toBeInstanceOf(Error);
    const before = await counts();
    const done = await ensureRolesAnywhereSetup(
      init({ clusterName: cluster, roleName: 'halfway-role' }),
    );
    expect(done.actions).toEqual({
      trustAnchor: 'unchanged',
      role: 'created',
      policy: 'created',
      profile: 'created',
    });
    expect(await counts()).toEqual({
      anchors: before.anchors,
      profiles: before.profiles + 1,
      roles: before.roles + 1,
    });
  });

  it('never takes over a same-named resource it did not create', async () => {
    await control('POST', '/trustanchors', {
      name: 'eksa-someone',
      source: {
        sourceType: 'CERTIFICATE_BUNDLE',
        sourceData: { x509CertificateData: testPki().caCert },
      },
      enabled: true,
    });
    const e = await ensureRolesAnywhereSetup(
      init({ clusterName: 'someone', roleName: 'someone-role' }),
    ).catch((x: unknown) => x);
    expect(String(e)).toMatch(
      /Trust anchor "eksa-someone" exists but was not created by eksa-credprov/,
    );
    expect(isCredprovError(e) && e.code).toBe('RESOURCE_NOT_OWNED');
  });

  it.each([
    ['not a certificate', 'hello', /is not a PEM certificate/],
    [
      'several certificates',
      () => testPki().caCert + testPki().otherCaCert,
      /holds 2 certificates/,
    ],
    ['a leaf, not a CA', () => testPki().rsaCert, /is not a CA certificate/],
  ])('refuses a CA PEM that is %s', async (_name, pem, message) => {
    const e = await ensureRolesAnywhereSetup(
      init({ caCertificatePem: typeof pem === 'string' ? pem : pem() }),
    ).catch((x: unknown) => x);
    expect(isValidationError(e)).toBe(true);
    expect(String(e)).toMatch(message);
  });

  it.each([
    ['the test CA', () => testPki().caCert],
    ['an intermediate CA', () => testPki().intermediateCert],
    ['an RSA leaf', () => testPki().rsaCert],
    ['an EC leaf', () => testPki().ecCert],
    [
      'a CA:TRUE certificate whose keyUsage lacks keyCertSign',
      () => makeCaCertificate('judge', { keyUsage: 'no-cert-sign' }),
    ],
    [
      'a CA:TRUE certificate with no keyUsage',
      () => makeCaCertificate('judge', { keyUsage: 'none' }),
    ],
  ])('judges %s as the emulator’s CreateTrustAnchor does', async (_name, pem) => {
    const cert = pem();
    const local = checkClusterCaCertificate(cert).length === 0;
    const remote = await control('POST', '/trustanchors', {
      name: `judge-${Math.random().toString(36).slice(2)}`,
      source: { sourceType: 'CERTIFICATE_BUNDLE', sourceData: { x509CertificateData: cert } },
      enabled: false,
    }).then(
      () => true,
      (e: unknown) => {
        expect(String(e)).toMatch(/must be a CA certificate with keyCertSign/);
        return false;
      },
    );
    expect(local).toBe(remote);
  });

  it('refuses names IAM Roles Anywhere or IAM would reject, saying the rule', async () => {
    const e = await ensureRolesAnywhereSetup(
      init({ trustAnchorName: 'eksa.mgmt', roleName: 'bad role' }),
    ).catch((x: unknown) => x);
    expect(isValidationError(e) && e.issues.map((i) => i.path)).toEqual([
      'trustAnchorName',
      'roleName',
    ]);
    expect(String(e)).toMatch(/"eksa\.mgmt" must be 1-255 letters, digits, spaces, "-" or "_"/);
  });

  it('says which credential sources it tried when there are none', async () => {
    const saved = { ...process.env };
    try {
      process.env = Object.fromEntries(
        Object.entries(saved).filter(([k]) => !k.startsWith('AWS_')),
      );
      Object.assign(process.env, {
        HOME: testPki().dir,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      });
      const e = await ensureRolesAnywhereSetup({
        ...init(),
        clients: { rolesAnywhereEndpoint: awsTestEnv().rolesanywhere },
      }).catch((x: unknown) => x);
      expect(isCredprovError(e) && e.code).toBe('AWS_CREDENTIALS_ERROR');
      expect(String(e)).toMatch(
        /no AWS credentials for the set-up: tried, in order, the environment .*EC2 instance metadata/,
      );
    } finally {
      process.env = saved;
    }
  });

  it('sends its Roles Anywhere calls through HTTP_PROXY and retries a 503, as every other AWS call here', async () => {
    let failed = false;
    const proxy = await forwardingProxy((req, res) => {
      if (failed || req.method !== 'GET' || !(req.url ?? '').includes('/trustanchors'))
        return false;
      failed = true;
      res
        .writeHead(503, { 'x-amzn-errortype': 'ServiceUnavailableException' })
        .end('{"message":"try again"}');
      return true;
    });
    const saved = { ...process.env };
    try {
      delete process.env['NO_PROXY'];
      delete process.env['no_proxy'];
      process.env['HTTP_PROXY'] = proxy.url;
      const setup = await ensureRolesAnywhereSetup(
        init({ clusterName: 'proxied', roleName: 'proxied-role' }),
      );
      expect(setup.actions.trustAnchor).toBe('created');
      const anchorCalls = proxy.seen.filter((l) => /\/trustanchors(\?|$)/.test(l));
      expect(anchorCalls).toEqual([
        `GET ${awsTestEnv().rolesanywhere}/trustanchors`,
        `GET ${awsTestEnv().rolesanywhere}/trustanchors`,
        `POST ${awsTestEnv().rolesanywhere}/trustanchors`,
      ]);
      expect(
        await teardownRolesAnywhereSetup(
          init({ clusterName: 'proxied', roleName: 'proxied-role' }),
        ),
      ).toEqual({ trustAnchor: true, role: true, profile: true });
    } finally {
      process.env = saved;
      await proxy.close();
    }
  });

  it('teardown removes what it created and nothing else, and can run again', async () => {
    const before = await counts();
    expect(await teardownRolesAnywhereSetup(init())).toEqual({
      trustAnchor: true,
      role: true,
      profile: true,
    });
    expect(await counts()).toEqual({
      anchors: before.anchors - 1,
      profiles: before.profiles - 1,
      roles: before.roles - 1,
    });
    expect(await teardownRolesAnywhereSetup(init())).toEqual({
      trustAnchor: false,
      role: false,
      profile: false,
    });
    // The unowned "eksa-someone" anchor is still there.
    const { trustAnchors } = await control<{ trustAnchors: { name: string }[] }>(
      'GET',
      '/trustanchors',
    );
    expect(trustAnchors.some((a) => a.name === 'eksa-someone')).toBe(true);
    expect(
      await teardownRolesAnywhereSetup(init({ clusterName: 'someone', roleName: 'someone-role' })),
    ).toEqual({ trustAnchor: false, role: false, profile: false });
  });
});

describe('ensureRolesAnywhereSetup in an account whose lists take several pages', () => {
  const source = {
    sourceType: 'CERTIFICATE_BUNDLE',
    sourceData: { x509CertificateData: '' },
  };
  beforeAll(async () => {
    await control('POST', '/_emulator/reset');
    // Others' anchors and profiles first, so that ours land on the third page of two.
    for (let i = 0; i < 5; i++) {
      await control('POST', '/trustanchors', {
        name: `other-${i}`,
        source: { ...source, sourceData: { x509CertificateData: testPki().otherCaCert } },
        enabled: true,
      });
      await control('POST', '/profiles', {
        name: `other-${i}`,
        roleArns: ['arn:aws:iam::123456789012:role/other'],
        enabled: true,
      });
    }
    await control('POST', '/_emulator/page-size', { pageSize: 2 });
  });
  afterAll(async () => {
    await control('POST', '/_emulator/reset');
  });

  it('finds its own resources past the first page: a re-run changes nothing and creates no duplicate', async () => {
    const first = await ensureRolesAnywhereSetup(
      init({ clusterName: 'paged', roleName: 'paged-role' }),
    );
    expect(first.actions).toMatchObject({ trustAnchor: 'created', profile: 'created' });
    const before = await counts();
    const again = await ensureRolesAnywhereSetup(
      init({ clusterName: 'paged', roleName: 'paged-role' }),
    );
    expect(again.actions).toEqual({
      trustAnchor: 'unchanged',
      role: 'unchanged',
      policy: 'unchanged',
      profile: 'unchanged',
    });
    expect(again.trustAnchorArn).toBe(first.trustAnchorArn);
    expect(again.profileArn).toBe(first.profileArn);
    expect(await counts()).toEqual(before);
  });

  it('teardown finds and removes them past the first page', async () => {
    expect(
      await teardownRolesAnywhereSetup(init({ clusterName: 'paged', roleName: 'paged-role' })),
    ).toEqual({ trustAnchor: true, role: true, profile: true });
    const names = (await listAll<{ name: string }>('/trustanchors', 'trustAnchors')).map(
      (a) => a.name,
    );
    expect(names).toEqual(['other-0', 'other-1', 'other-2', 'other-3', 'other-4']);
    expect(await listAll('/profiles', 'profiles')).toHaveLength(5);
  });
});
