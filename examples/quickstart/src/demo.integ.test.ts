/**
 * scripts/demo end to end, as the README runs it, against the components scripts/test started
 * (so the demo neither starts nor stops them): without the package controller, then with it (as
 * scripts/demo starts it on its own); and its --offline form.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPackageStack, type PackageStack } from '@eksa-credprov/testenv';

const DEMO = resolve(import.meta.dirname, '../../../scripts/demo');

function demo(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(
      DEMO,
      [...args],
      { env: { ...process.env, EKSA_CREDPROV_BOOTSTRAPPED: '1' }, timeout: 300_000 },
      (error, stdout, stderr) => {
        ok({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr });
      },
    );
  });
}

describe('scripts/demo', () => {
  it('tells the whole Roles Anywhere story and cleans up after itself', async () => {
    const run = await demo([]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const title of ['==> 1.', '==> 2.', '==> 3.', '==> 4.', '==> 5.', '==> Summary'])
      expect(run.stdout).toContain(title);
    expect(run.stdout).toMatch(/trust anchor\s+created/);
    expect(run.stdout).toMatch(/trust anchor\s+unchanged/);
    expect(run.stdout).toMatch(
      /auth\s+123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com: username AWS, password <redacted, \d+ characters>/,
    );
    expect(run.stdout).toMatch(/trust anchor\s+deleted/);
    expect(run.stdout).not.toMatch(/PRIVATE KEY/);
  });

  it('--offline renders the credfile and manifests without any server', async () => {
    const run = await demo(['--offline']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# The credfile/);
    expect(run.stdout).toContain('credential_process = aws_signing_helper credential-process');
    expect(run.stdout).toContain('kind: Package');
    expect(run.stdout).toContain('kind: Secret');
  });
});

// After the others: the package controller reconciles every Package on the API server.
describe('scripts/demo with the real package controller', () => {
  let stack: PackageStack;
  beforeAll(async () => {
    stack = await startPackageStack('demo');
  }, 180_000);
  afterAll(async () => {
    await stack.stop();
  });

  it('reaches installed: the controller installs the chart from the local registry', async () => {
    const run = await demo([]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [latest] = stack.versions;
    expect(run.stdout).toContain(
      `the chart from bundle ${stack.bundleName} in the local TLS registry ${stack.registry}`,
    );
    expect(run.stdout).toMatch(new RegExp(`installed\\s+${latest?.name ?? '-'}\n`));
    expect(run.stdout).toMatch(
      new RegExp(
        `my-credential-provider-package\\s+credential-provider-package\\s+\\d+s\\s+installed\\s+${latest?.name ?? '-'}`,
      ),
    );
    expect(run.stdout).toContain(
      'Helm release my-credential-provider-package: DaemonSet eksa-packages/my-credential-provider-package',
    );
    expect(run.stdout).toMatch(
      /package\s+deleted\s+eksa-packages-demo\/my-credential-provider-package \(uninstalled\)/,
    );
    expect(run.stdout).toContain('installed by the real package controller');
  });
});
