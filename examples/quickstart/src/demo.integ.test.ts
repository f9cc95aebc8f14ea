/**
 * scripts/demo end to end, as the README runs it, against the components scripts/test started
 * (so the demo neither starts nor stops them), and its --offline form.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

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
