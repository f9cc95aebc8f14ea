import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import {
  parseAwsCredentialsSecret,
  parseCredentialProviderPackage,
  parseRolesAnywhereCredfile,
  parseYaml,
} from '@eksa-credprov/core';
import { describe, expect, it } from 'vitest';

const SCRIPT = resolve(import.meta.dirname, 'roles-anywhere-manifests.ts');

function run(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, ['--conditions=@eksa-credprov/source', SCRIPT, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('examples/quickstart roles-anywhere-manifests (what scripts/demo prints)', () => {
  it('renders the credfile Secret and the Package for a cluster', () => {
    const [secret, pkg] = parseYaml(run(['prod']));
    const parsedPackage = parseCredentialProviderPackage(pkg);
    expect(parsedPackage.clusterName).toBe('prod');
    expect(parsedPackage.config.credential[0]?.secretName).toBe('aws-config');
    const parsedSecret = parseAwsCredentialsSecret(secret);
    if (parsedSecret.form !== 'config') throw new Error('expected the config form');
    const credfile = parseRolesAnywhereCredfile(parsedSecret.config);
    expect(credfile.roleArn).toBe('arn:aws:iam::123456789012:role/eksa-prod-ecr-pull');
    expect(credfile.certificatePath).toBe('/var/lib/kubelet/pki/kubelet-client-current.pem');
  });

  it('takes the ARNs from the environment', () => {
    const roleArn = 'arn:aws:iam::210987654321:role/custom';
    const [secret] = parseYaml(
      run([], { ROLE_ARN: roleArn, AWS_REGION: 'eu-west-1', AWS_ACCOUNT_ID: '210987654321' }),
    );
    const parsed = parseAwsCredentialsSecret(secret);
    expect(parsed.form === 'config' && parseRolesAnywhereCredfile(parsed.config).roleArn).toBe(
      roleArn,
    );
  });

  it('prints the validation errors and exits 1 on bad input', () => {
    let stderr = '';
    let status = 0;
    try {
      execFileSync(
        process.execPath,
        ['--conditions=@eksa-credprov/source', SCRIPT, 'Bad_Cluster'],
        { encoding: 'utf8', stdio: 'pipe' },
      );
    } catch (e) {
      ({ stderr, status } = e as { stderr: string; status: number });
    }
    expect(status).toBe(1);
    expect(stderr).toMatch(/clusterName: "Bad_Cluster" must consist of lower-case letters/);
  });
});
