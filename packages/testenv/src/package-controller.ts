/**
 * The real EKS Anywhere package controller (`package-manager server` of
 * github.com/aws/eks-anywhere-packages v0.4.5, built by scripts/build-go-tools into
 * .testenv/bin/package-controller), run against the testenv API server for one test file.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, testEnv } from './env.ts';

/** A running package controller. */
export interface PackageController {
  /** Its log so far. */
  readonly log: () => string;
  /** Stops it (SIGTERM) and waits for it to exit. */
  readonly stop: () => Promise<void>;
}

/**
 * Starts the package controller for management cluster `clusterName` (its `CLUSTER_NAME`: it
 * acts on the PackageBundleController of that name), with the admin kubeconfig. It reconciles
 * every Package on the API server while it runs, so a test file starts it and stops it.
 */
export function startPackageController(clusterName: string): PackageController {
  const bin = join(REPO_ROOT, '.testenv/bin/package-controller');
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: scripts/build-go-tools builds it (scripts/test does)`);
  // Its own empty working directory: the controller loads a .env file from there (godotenv).
  const cwd = mkdtempSync(join(tmpdir(), 'package-controller-'));
  const child = spawn(
    bin,
    ['server', '--metrics-bind-address=127.0.0.1:0', '--health-probe-bind-address=127.0.0.1:0'],
    {
      cwd,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: cwd,
        KUBECONFIG: testEnv().kubeconfig,
        CLUSTER_NAME: clusterName,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  const keep = (chunk: Buffer): void => {
    // Bounded: the controller logs a stack trace with each failed reconcile.
    text = (text + chunk.toString('utf8')).slice(-200_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  return {
    log: () => text,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
