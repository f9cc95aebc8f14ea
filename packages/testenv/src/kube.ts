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
  const body = {
    status: {
      currentVersion: '0.4.15',
      source: { registry: 'r', repository: 'x', digest: 'sha256:0', version: '0.4.15' },
      ...status,
    },
  };
  const path = `/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages-${cluster}/packages/${name}/status`;
  const res = await kubeRequest({
    method: 'PATCH',
    path,
    body,
    contentType: 'application/merge-patch+json',
  });
  if (res.status !== 200) throw new Error(`PATCH ${path}: ${res.status} ${res.text}`);
}

/**
 * One request to the testenv API server as `user`, JSON in and out: its status and text (and the
 * parsed JSON when it is JSON). For what the SDK under test must not do for its own tests.
 */
export async function kubeRequest(req: {
  readonly user?: 'admin' | 'restricted' | 'node';
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  /** @default `application/json` */
  readonly contentType?: string;
  /** @default `application/json` */
  readonly accept?: string;
}): Promise<{ status: number; text: string; json: unknown }> {
  const {
    user = 'admin',
    method,
    path,
    body,
    contentType = 'application/json',
    accept = 'application/json',
  } = req;
  const kc = kubeConfigFor(user);
  const options: https.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(options);
  const url = `${kc.getCurrentCluster()?.server ?? ''}${path}`;
  return new Promise((ok, fail) => {
    const req = https.request(
      url,
      {
        ...options,
        method,
        headers: {
          ...(options.headers as Record<string, string>),
          'content-type': contentType,
          accept,
        },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          ok({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    req.on('error', fail);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
