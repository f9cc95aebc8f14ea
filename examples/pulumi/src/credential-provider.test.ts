/**
 * The Pulumi component, run without the Pulumi CLI or any cloud: pulumi.runtime.setMocks
 * records every resource the program registers, with its inputs, and the test checks them.
 */
import { parseCredentialProviderPackage, parseRolesAnywhereCredfile } from '@eksa-credprov/core';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';

interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}
const created: Recorded[] = [];
const ACCOUNT = '123456789012';
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
/** The key Pulumi marks secret values with in resource inputs. */
const SECRET_SENTINEL = '4dabf18193072939515e22adb298388d';

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = args.inputs as Record<string, unknown>;
        created.push({ type: args.type, name: args.name, inputs });
        const id = `${args.name}-id`;
        const arn =
          args.type === 'aws:rolesanywhere/trustAnchor:TrustAnchor'
            ? `arn:aws:rolesanywhere:us-west-2:${ACCOUNT}:trust-anchor/${id}`
            : args.type === 'aws:rolesanywhere/profile:Profile'
              ? `arn:aws:rolesanywhere:us-west-2:${ACCOUNT}:profile/${id}`
              : args.type === 'aws:iam/role:Role'
                ? `arn:aws:iam::${ACCOUNT}:role/${String(inputs['name'])}`
                : undefined;
        return { id, state: { ...inputs, ...(arn === undefined ? {} : { arn }) } };
      },
      call(args) {
        return args.inputs as Record<string, unknown>;
      },
    },
    'eksa-credprov',
    'test',
    false,
  );
});

/** The value of an Output, once the mocks have resolved it. */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe('CredentialProvider (Pulumi, mocked)', () => {
  it('registers the trust anchor, role, policy, profile, Secret and Package with the builders’ documents', async () => {
    const { CredentialProvider } = await import('./credential-provider.ts');
    const setup = new CredentialProvider('w01', {
      clusterName: 'w01',
      region: 'us-west-2',
      caCertificatePem: CA,
      registryAccountIds: ['111111111111'],
      matchImages: ['111111111111.dkr.ecr.us-west-2.amazonaws.com'],
    });
    const [anchorArn, roleArn, profileArn] = await Promise.all([
      valueOf(setup.trustAnchorArn),
      valueOf(setup.roleArn),
      valueOf(setup.profileArn),
    ]);
    await valueOf(setup.packageName);
    const byType = (type: string): Recorded => {
      const found = created.find((r) => r.type === type);
      if (found === undefined)
        throw new Error(`no ${type} among ${created.map((r) => r.type).join(', ')}`);
      return found;
    };

    expect(byType('aws:rolesanywhere/trustAnchor:TrustAnchor').inputs).toMatchObject({
      name: 'eksa-w01',
      enabled: true,
      source: {
        sourceType: 'CERTIFICATE_BUNDLE',
        sourceData: { x509CertificateData: CA },
      },
      tags: { 'eksa-credprov:cluster': 'w01' },
    });
    const trust = JSON.parse(String(byType('aws:iam/role:Role').inputs['assumeRolePolicy'])) as {
      Statement: {
        Principal: { Service: string };
        Condition: Record<string, Record<string, string>>;
      }[];
    };
    expect(trust.Statement[0]?.Principal.Service).toBe('rolesanywhere.amazonaws.com');
    expect(JSON.stringify(trust)).toContain(anchorArn);
    const policy = JSON.parse(
      String(byType('aws:iam/rolePolicy:RolePolicy').inputs['policy']),
    ) as object;
    expect(JSON.stringify(policy)).toContain('arn:aws:ecr:*:111111111111:repository/*');
    expect(byType('aws:rolesanywhere/profile:Profile').inputs).toMatchObject({
      roleArns: [roleArn],
      enabled: true,
    });

    const secret = byType('kubernetes:core/v1:Secret').inputs as {
      metadata: { name: string; namespace: string };
      data: Record<string, unknown>;
    };
    expect(secret.metadata).toMatchObject({ name: 'aws-config', namespace: 'eksa-packages' });
    // @pulumi/kubernetes marks a Secret's data secret (encrypted in the state): Pulumi's sentinel.
    expect(secret.data[SECRET_SENTINEL]).toBe('1b47061264138c4ac30d75fd1eb44270');
    const config = (secret.data['value'] as { config: string }).config;
    const credfile = parseRolesAnywhereCredfile(Buffer.from(config, 'base64').toString());
    expect(credfile).toMatchObject({ roleArn, profileArn, trustAnchorArn: anchorArn });

    const pkg = byType('kubernetes:packages.eks.amazonaws.com/v1alpha1:Package').inputs;
    const parsed = parseCredentialProviderPackage(pkg);
    expect(parsed.clusterName).toBe('w01');
    expect(parsed.config.credential[0]).toMatchObject({
      secretName: 'aws-config',
      matchImages: ['111111111111.dkr.ecr.us-west-2.amazonaws.com'],
    });
  });

  it('refuses a bad match pattern when the program runs (pulumi preview), naming the field', async () => {
    const { CredentialProvider } = await import('./credential-provider.ts');
    expect(
      () =>
        new CredentialProvider('bad', {
          clusterName: 'bad',
          region: 'us-west-2',
          caCertificatePem: 'x',
          matchImages: ['http://[::1/x'],
        }),
    ).toThrow(/credential\[0\]\.matchImages\[0\]/);
  });
});
