/**
 * The servers `scripts/testenv up` started, as it describes them in `.testenv/run/env.json`: the
 * API server (and how to restart it), moto, the IAM Roles Anywhere emulator and the reference
 * signing helper.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** The repository's root directory. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

const ENV_FILE = resolve(REPO_ROOT, '.testenv/run/env.json');

/** What `.testenv/run/env.json` holds. */
export interface TestEnvFile {
  readonly kubeconfig: string;
  readonly moto: string;
  readonly rolesanywhere: string;
  /** The STS emulator in front of moto, verifying web identity tokens (testenv/sts). */
  readonly sts: string;
  readonly signingHelper: string;
  readonly apiserver: {
    readonly port: number;
    readonly command: readonly string[];
    readonly pidFile: string;
    readonly log: string;
  };
  /** The package controller `scripts/testenv up --package-controller CLUSTER` started, if asked. */
  readonly packageController?: {
    readonly clusterName: string;
    readonly registry: string;
    readonly bundleName: string;
  };
}

/** The running test environment; throws with what to run when there is none. */
export function testEnv(): TestEnvFile {
  if (!existsSync(ENV_FILE))
    throw new Error(
      `${ENV_FILE} is missing: start the components with scripts/testenv up (scripts/test does)`,
    );
  const env = JSON.parse(readFileSync(ENV_FILE, 'utf8')) as Partial<TestEnvFile>;
  for (const key of [
    'kubeconfig',
    'moto',
    'rolesanywhere',
    'sts',
    'signingHelper',
    'apiserver',
  ] as const)
    if (env[key] === undefined)
      throw new Error(
        `${ENV_FILE} names no ${key}: restart with scripts/testenv down && scripts/testenv up`,
      );
  return env as TestEnvFile;
}

/** The moto, Roles Anywhere emulator and reference client that `scripts/testenv up` started. */
export function awsTestEnv(): Pick<
  TestEnvFile,
  'moto' | 'rolesanywhere' | 'sts' | 'signingHelper'
> {
  const { moto, rolesanywhere, sts, signingHelper } = testEnv();
  return { moto, rolesanywhere, sts, signingHelper };
}

/**
 * A fresh KubeConfig for the admin (system:masters), the namespace-restricted user, or the
 * kubelet of node `testnode` (system:node:testnode).
 */
export function kubeConfigFor(user: 'admin' | 'restricted' | 'node' = 'admin'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(testEnv().kubeconfig);
  kc.setCurrentContext(user);
  return kc;
}

/** A name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
