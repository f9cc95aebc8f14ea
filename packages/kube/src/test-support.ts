/**
 * Access to the local control plane started by `scripts/testenv up`, for this package's
 * integration tests. Not exported from the package.
 *
 * @internal
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PackageState } from '@eksa-credprov/core';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from './kubeconfig.ts';
import { callContext } from './options.ts';

const ENV_FILE = resolve(import.meta.dirname, '../../../.testenv/run/env.json');

interface EnvFile {
  readonly kubeconfig: string;
  readonly apiserver: {
    readonly port: number;
    readonly command: readonly string[];
    readonly pidFile: string;
    readonly log: string;
  };
}

/** The running test environment; throws with what to run when there is none. */
export function testEnv(): EnvFile {
  if (!existsSync(ENV_FILE))
    throw new Error(
      `${ENV_FILE} is missing: start the API server with scripts/testenv up (scripts/test does)`,
    );
  return JSON.parse(readFileSync(ENV_FILE, 'utf8')) as EnvFile;
}

/** A fresh KubeConfig for the admin (system:masters) or the namespace-restricted user. */
export function kubeConfigFor(user: 'admin' | 'restricted' = 'admin'): KubeConfig {
  return loadKubeConfig({ kubeconfigPath: testEnv().kubeconfig, context: user });
}

/** A name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Kills the API server (SIGKILL, as a crash) and returns a function that starts it again. */
export function killApiServer(): { readonly restart: () => void } {
  const env = testEnv();
  const pid = Number(readFileSync(env.apiserver.pidFile, 'utf8'));
  process.kill(pid, 'SIGKILL');
  return {
    restart() {
      const log = openSync(env.apiserver.log, 'a');
      const [command, ...args] = env.apiserver.command;
      if (command === undefined) throw new Error('no API server command in env.json');
      const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
      child.unref();
      // scripts/testenv down stops the server through this file.
      writeFileSync(env.apiserver.pidFile, String(child.pid));
    },
  };
}

/**
 * Writes a Package's status as the package controller does (the status subresource of the real
 * CRD): there is no controller in the test environment.
 */
export async function setPackageStatus(
  cluster: string,
  name: string,
  status: { state: PackageState; detail?: string; currentVersion?: string; targetVersion?: string },
): Promise<void> {
  const ctx = await callContext({ kubeConfig: kubeConfigFor('admin') });
  await ctx.transport.request({
    method: 'PATCH',
    path: `/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages-${cluster}/packages/${name}/status`,
    contentType: 'application/merge-patch+json',
    body: {
      status: {
        currentVersion: '0.4.15',
        source: { registry: 'r', repository: 'x', digest: 'sha256:0', version: '0.4.15' },
        ...status,
      },
    },
    idempotent: true,
    deadline: Date.now() + 10_000,
    signal: undefined,
  });
}
