/** The bin's command line: usage errors name the flag and exit 2; `manifests` prints YAML. */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '@eksa-credprov/core';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');

function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(
      process.execPath,
      ['--conditions=@eksa-credprov/source', MAIN, ...args],
      { env: { PATH: process.env['PATH'] ?? '', KUBECONFIG: '/nonexistent' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        ok({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr });
      },
    );
  });
}

describe('eksa-credprov-controller', () => {
  it('prints its usage with --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/eksa-credprov\.io\/credentials/);
    expect(r.stdout).toMatch(/--cluster-namespace NS/);
  });

  it.each([
    [
      ['--lease-duration=soon'],
      /--lease-duration must be a duration such as 15s or 2m, not "soon"/,
    ],
    [['--concurrency=-1'], /--concurrency must be a whole number, not "-1"/],
    [['--no-such-flag'], /Unknown option '--no-such-flag'/],
    [
      ['--lease-duration=3s', '--renew-deadline=5s'],
      /--lease-duration must be longer than --renew-deadline/,
    ],
    [['--retry-period=9s'], /--renew-deadline must be longer than 1\.2 × --retry-period/],
    [['manifests'], /manifests needs --image/],
  ])('refuses %j, saying what to write', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('prints the manifests as YAML documents', async () => {
    const r = await run([
      'manifests',
      '--image',
      'registry.example/c:1',
      '--namespace',
      'ops',
      '--replicas',
      '3',
    ]);
    expect(r.code).toBe(0);
    const docs = parseYaml(r.stdout) as { kind: string; metadata: { namespace?: string } }[];
    expect(docs.map((d) => d.kind)).toContain('Deployment');
    expect(docs.find((d) => d.kind === 'Deployment')).toMatchObject({
      metadata: { namespace: 'ops' },
      spec: { replicas: 3 },
    });
  });
});
