/**
 * The detached form of the package stack, as `scripts/testenv up --package-controller CLUSTER`
 * starts it (packages/testenv/src/package-stack-main.ts), run here into a run directory of its
 * own: its processes outlive it, it leaves their PIDs and logs there, and records itself in that
 * directory's env.json.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  REGISTRY_CONFIG_DIR,
  REPO_ROOT,
  kubeRequest,
  testEnv,
  uniqueName,
  until,
} from '@eksa-credprov/testenv';

const MAIN = resolve(REPO_ROOT, 'packages/testenv/src/package-stack-main.ts');
const PBCS = '/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages';
const cluster = uniqueName('detached');
const runDir = mkdtempSync(join(tmpdir(), 'testenv-run-'));
let pids: number[] = [];
let bundleName = '';

afterAll(async () => {
  // What scripts/testenv down does for these two, and the PackageBundleController and bundle.
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  await until(
    () =>
      pids.every((pid) => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }),
    'the detached registry and controller stopped',
    30_000,
  );
  await kubeRequest({ method: 'DELETE', path: `${PBCS}/packagebundlecontrollers/${cluster}` });
  if (bundleName !== '')
    await kubeRequest({ method: 'DELETE', path: `${PBCS}/packagebundles/${bundleName}` });
  rmSync(join(REGISTRY_CONFIG_DIR, `${cluster}_ca.crt`), { force: true });
  rmSync(runDir, { recursive: true, force: true });
});

describe('package-stack-main.ts (scripts/testenv up --package-controller)', () => {
  it('starts the registry and controller detached, with PIDs, logs and env.json', async () => {
    copyFileSync(resolve(REPO_ROOT, '.testenv/run/env.json'), join(runDir, 'env.json'));
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((ok) => {
      execFile(
        process.execPath,
        [MAIN, cluster, runDir],
        { timeout: 180_000 },
        (error, stdout, stderr) => {
          ok({ code: error === null ? 0 : 1, stdout, stderr });
        },
      );
    });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    pids = ['oci-registry.pid', 'package-controller.pid'].map((f) =>
      Number(readFileSync(join(runDir, f), 'utf8')),
    );
    // Still running after the starter exited.
    for (const pid of pids) expect(() => process.kill(pid, 0)).not.toThrow();
    const env = JSON.parse(readFileSync(join(runDir, 'env.json'), 'utf8')) as ReturnType<
      typeof testEnv
    >;
    expect(env.kubeconfig).toBe(testEnv().kubeconfig);
    const recorded = env.packageController;
    bundleName = recorded?.bundleName ?? '';
    expect(recorded?.clusterName).toBe(cluster);
    expect(recorded?.registry).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(out.stdout).toBe(
      `package controller for cluster ${cluster}: registry https://${recorded?.registry ?? ''}, bundle ${bundleName}\n`,
    );
    const pbc = (
      await kubeRequest({ method: 'GET', path: `${PBCS}/packagebundlecontrollers/${cluster}` })
    ).json as { spec: { activeBundle: string }; status: { state: string } };
    expect(pbc.status.state).toBe('active');
    expect(pbc.spec.activeBundle).toBe(bundleName);
    // Its logs go to files in the run directory.
    expect(readFileSync(join(runDir, 'package-controller.log'), 'utf8')).toContain(
      'Starting package controller',
    );
    expect(readFileSync(join(runDir, 'oci-registry.log'), 'utf8')).toContain(
      '/v2/eks-anywhere-packages-bundles/manifests/',
    );
  });
});
