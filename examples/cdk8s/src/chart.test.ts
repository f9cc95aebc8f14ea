/** The chart synthesised with cdk8s and read back with core's parsers. */
import {
  parseCredentialProviderPackage,
  parseRolesAnywhereCredfile,
  parseYaml,
} from '@eksa-credprov/core';
import { Testing, Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { CredentialProviderChart } from './chart.ts';

const ARNS = {
  region: 'us-west-2',
  roleArn: 'arn:aws:iam::123456789012:role/eksa-w01-ecr-pull',
  profileArn: 'arn:aws:rolesanywhere:us-west-2:123456789012:profile/p-1',
  trustAnchorArn: 'arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/t-1',
};

describe('CredentialProviderChart (cdk8s)', () => {
  it('synthesises a Secret and a Package that core parses back, Secret first', () => {
    const chart = new CredentialProviderChart(Testing.app(), 'w01', {
      package: {
        clusterName: 'w01',
        config: { credential: [{ matchImages: ['*.dkr.ecr.us-west-2.amazonaws.com'] }] },
      },
      rolesAnywhere: ARNS,
    });
    // The YAML cdk8s writes (the same text `cdk8s synth` puts in dist/), through core's parser.
    const yaml = Yaml.stringify(...(Testing.synth(chart) as object[]));
    const [secret, pkg] = parseYaml(yaml) as [Record<string, unknown>, Record<string, unknown>];
    expect(secret).toMatchObject({
      kind: 'Secret',
      metadata: { name: 'aws-config', namespace: 'eksa-packages' },
    });
    const credfile = parseRolesAnywhereCredfile(
      Buffer.from((secret['data'] as { config: string }).config, 'base64').toString(),
    );
    expect(credfile).toMatchObject({ roleArn: ARNS.roleArn, profileArn: ARNS.profileArn });
    const parsed = parseCredentialProviderPackage(pkg);
    expect(parsed.clusterName).toBe('w01');
    expect(parsed.config.credential[0]).toMatchObject({
      secretName: 'aws-config',
      matchImages: ['*.dkr.ecr.us-west-2.amazonaws.com'],
    });
  });

  it('refuses an ARN of the wrong kind when the chart is built', () => {
    expect(
      () =>
        new CredentialProviderChart(Testing.app(), 'bad', {
          package: { clusterName: 'w01' },
          rolesAnywhere: { ...ARNS, roleArn: ARNS.profileArn },
        }),
    ).toThrow(/roleArn/);
  });
});
