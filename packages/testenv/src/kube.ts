/**
 * What the kube tests do to the API server behind the SDK's back: crash and restart it, and write
 * a Package's status as the package controller would.
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { PackageState } from '@eksa-credprov/core';
import { kubeConfigFor, testEnv } from './env.ts';

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
  status: {
    state: PackageState;
    detail?: string;
    currentVersion?: string;
    targetVersion?: string;
  },
): Promise<void> {
  const kc = kubeConfigFor('admin');
  const options: https.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(options);
  const server = kc.getCurrentCluster()?.server ?? '';
  const body = JSON.stringify({
    status: {
      currentVersion: '0.4.15',
      source: { registry: 'r', repository: 'x', digest: 'sha256:0', version: '0.4.15' },
      ...status,
    },
  });
  const url = `${server}/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages-${cluster}/packages/${name}/status`;
  await new Promise<void>((ok, fail) => {
    const req = https.request(
      url,
      {
        ...options,
        method: 'PATCH',
        headers: {
          ...(options.headers as Record<string, string>),
          'content-type': 'application/merge-patch+json',
        },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode === 200) ok();
          else
            fail(
              new Error(`PATCH ${url}: ${res.statusCode ?? 0} ${Buffer.concat(chunks).toString()}`),
            );
        });
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}
