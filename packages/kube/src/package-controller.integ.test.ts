/**
 * The Package status as the real EKS Anywhere package controller writes it (package-manager
 * v0.4.17, built from the Go module proxy), not as the tests write it, before any bundle can be
 * pulled: its registry is an address where nothing listens. What it says, and what the SDK makes
 * of it. package-lifecycle.integ.test.ts has the rest of the lifecycle, with a registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialProviderPackage, isCredprovError } from '@eksa-credprov/core';
import {
  closedPort,
  kubeConfigFor,
  kubeRequest,
  startPackageController,
  testKeysSecret,
  uniqueName,
  until,
  type PackageController,
} from '@eksa-credprov/testenv';
import { ensureNamespace, installCredentialProvider } from './install.ts';
import { getPackage } from './packages.ts';
import { waitForPackage } from './package-wait.ts';

const admin = kubeConfigFor('admin');
const cluster = uniqueName('pc');
const PBC = `/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages/packagebundlecontrollers/${cluster}`;
let controller: PackageController;
let registry = '';

/** The value `read` gives once `done` holds it; failing, the controller's last log lines. */
async function seen<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  let value: T | undefined;
  await until(async () => done((value = await read())), what, 60_000).catch((e: unknown) => {
    throw new Error(`${String(e)}\n${controller.log().slice(-3000)}`);
  });
  return value as T;
}

beforeAll(async () => {
  // A registry address where nothing listens.
  registry = `127.0.0.1:${String(await closedPort())}`;
  await ensureNamespace('eksa-packages', { kubeConfig: admin });
  const res = await kubeRequest({
    method: 'POST',
    path: '/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages/packagebundlecontrollers',
    body: {
      apiVersion: 'packages.eks.amazonaws.com/v1alpha1',
      kind: 'PackageBundleController',
      metadata: { name: cluster, namespace: 'eksa-packages' },
      spec: { defaultRegistry: registry, defaultImageRegistry: registry },
    },
  });
  if (res.status !== 201) throw new Error(`PackageBundleController: ${res.status} ${res.text}`);
  controller = startPackageController(cluster);
});

afterAll(async () => {
  await controller.stop();
  await kubeRequest({ method: 'DELETE', path: PBC });
});

describe('the real package controller, before any bundle', () => {
  it('reports its PackageBundleController disconnected, naming the bundle it pulls over HTTPS', async () => {
    const status = await seen(
      async () =>
        (
          (await kubeRequest({ method: 'GET', path: PBC })).json as {
            status?: { state?: string; detail?: string };
          }
        ).status,
      (s) => s?.state === 'disconnected',
      'the PackageBundleController disconnected',
    );
    expect(status?.detail).toMatch(
      new RegExp(
        `pulling package bundle: fetch manifest: Get "https://${registry.replace(/\./g, '\\.')}/v2/eks-anywhere-packages-bundles/manifests/v1-\\d+-latest": dial tcp .*connection refused`,
      ),
    );
  });

  it('writes a Package detail and no state; getPackage shows it and waitForPackage names it', async () => {
    const secret = testKeysSecret();
    const pkg = createCredentialProviderPackage({ clusterName: cluster });
    await installCredentialProvider({ management: admin, package: pkg, secret });
    const info = await seen(
      () => getPackage(pkg.metadata.name, { kubeConfig: admin, clusterName: cluster }),
      (p) => p.detail !== undefined && p.detail !== '',
      'a detail from the controller',
    );
    // Contradicts an assumption of ours: without a bundle the controller writes no state at all.
    expect(info.state).toBeUndefined();
    expect(info.detail).toBe('no activeBundle set in PackageBundleController');
    const e = await waitForPackage(pkg.metadata.name, {
      kubeConfig: admin,
      clusterName: cluster,
      timeoutMs: 2000,
    }).catch((x: unknown) => x);
    expect(isCredprovError(e) && e.code).toBe('TIMEOUT');
    expect(String(e)).toMatch(
      /last seen: no state \(no activeBundle set in PackageBundleController\)/,
    );
  });
});
