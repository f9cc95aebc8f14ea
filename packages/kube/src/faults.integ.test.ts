import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAwsCredentialsSecret,
  createCredentialProviderPackage,
  isCredprovError,
} from '@eksa-credprov/core';
import { describe, expect, it } from 'vitest';
import { applyObjects } from './apply.ts';
import { ensureNamespace } from './install.ts';
import { loadKubeConfig } from './kubeconfig.ts';
import { callContext } from './options.ts';
import { getPackage } from './packages.ts';
import {
  closedPort,
  connectProxy,
  killApiServer,
  kubeConfigFor,
  testEnv,
  uniqueName,
} from '@eksa-credprov/testenv';

const admin = kubeConfigFor('admin');

async function names(path: string): Promise<string[]> {
  const ctx = await callContext({ kubeConfig: kubeConfigFor('admin'), timeoutMs: 60_000 });
  const res = await ctx.transport.request({
    method: 'GET',
    path,
    idempotent: true,
    deadline: ctx.deadline,
    signal: undefined,
  });
  return (res.body as { items: { metadata: { name: string } }[] }).items.map(
    (i) => i.metadata.name,
  );
}

describe('faults', () => {
  it('a kubeconfig pointing at a closed port fails with a clear error when the deadline passes', async () => {
    const port = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), 'closed-'));
    const file = join(dir, 'kubeconfig');
    writeFileSync(
      file,
      readFileSync(testEnv().kubeconfig, 'utf8').replace(
        /server: https:\/\/127\.0\.0\.1:\d+/,
        `server: https://127.0.0.1:${port}`,
      ),
    );
    const kubeConfig = loadKubeConfig({ kubeconfigPath: file });
    const e = await getPackage('x', { kubeConfig, clusterName: 'c', timeoutMs: 1500 }).catch(
      (x: unknown) => x,
    );
    expect(isCredprovError(e) && e.code).toBe('KUBE_UNREACHABLE');
    expect(String(e)).toMatch(
      new RegExp(
        `https://127\\.0\\.0\\.1:${port}/apis/.*connection refused \\(\\d+ attempts\\); check the kubeconfig's server address`,
      ),
    );
  });

  it('a kubeconfig whose CA does not match fails at once with a TLS message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'badca-'));
    const file = join(dir, 'kubeconfig');
    // Another CA: the client certificate of a fresh self-signed pair would do; any valid PEM that
    // did not sign the serving certificate fails verification.
    const otherCa = Buffer.from(
      readFileSync(
        join(
          testEnv().apiserver.command[testEnv().apiserver.command.indexOf('--dir') + 1] ?? '',
          'serving.crt',
        ),
      ),
    ).toString('base64');
    writeFileSync(
      file,
      readFileSync(testEnv().kubeconfig, 'utf8').replace(
        /certificate-authority-data: \S+/,
        `certificate-authority-data: ${otherCa}`,
      ),
    );
    const e = await getPackage('x', {
      kubeConfig: loadKubeConfig({ kubeconfigPath: file }),
      clusterName: 'c',
      timeoutMs: 1500,
    }).catch((x: unknown) => x);
    expect(isCredprovError(e) && e.code).toBe('KUBE_UNREACHABLE');
    expect(String(e)).toMatch(/TLS verification failed .*certificate-authority-data/);
  });

  it('the API server killed and restarted while applying 200 objects: every object ends up present exactly once', async () => {
    const cluster = uniqueName('restart');
    const secretNamespace = `s-${cluster}`;
    await ensureNamespace(secretNamespace, { kubeConfig: admin });
    await ensureNamespace(`eksa-packages-${cluster}`, { kubeConfig: admin });
    const objects = Array.from({ length: 100 }, (_, i) => [
      createAwsCredentialsSecret({
        form: 'keys',
        accessKeyId: 'AKIAEXAMPLE',
        secretAccessKey: `key-${i}`,
        region: 'us-west-2',
        name: `aws-secret-${i}`,
        namespace: secretNamespace,
      }),
      createCredentialProviderPackage({ clusterName: cluster, name: `pkg-${i}` }),
    ]).flat();
    expect(objects).toHaveLength(200);

    const applying = applyObjects(objects, {
      kubeConfig: kubeConfigFor('admin'),
      fieldManager: 'restart-test',
      concurrency: 2,
      timeoutMs: 120_000,
    });
    // Kill once the apply is under way, but before it is done.
    let present = 0;
    for (let i = 0; i < 200 && present < 10; i++) {
      present = (await names(`/api/v1/namespaces/${secretNamespace}/secrets`)).length;
    }
    const server = killApiServer();
    await new Promise((r) => setTimeout(r, 1500));
    server.restart();
    const results = await applying;

    expect(present).toBeGreaterThanOrEqual(10);
    expect(present).toBeLessThan(100);
    expect(results).toHaveLength(200);
    const secrets = await names(`/api/v1/namespaces/${secretNamespace}/secrets`);
    const packages = await names(
      `/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages-${cluster}/packages`,
    );
    expect(secrets.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `aws-secret-${i}`).sort());
    expect(packages.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `pkg-${i}`).sort());
    // Nothing lost or mixed up: each Secret holds its own value.
    const ctx = await callContext({ kubeConfig: admin });
    const s42 = await ctx.transport.request({
      method: 'GET',
      path: `/api/v1/namespaces/${secretNamespace}/secrets/aws-secret-42`,
      idempotent: true,
      deadline: ctx.deadline,
      signal: undefined,
    });
    expect(
      Buffer.from(
        (s42.body as { data: Record<string, string> }).data['AWS_SECRET_ACCESS_KEY'] ?? '',
        'base64',
      ).toString(),
    ).toBe('key-42');
  });
});

describe('a kubeconfig with proxy-url', () => {
  it('reaches the API server through an HTTP CONNECT proxy on loopback, as kubectl does', async () => {
    const proxy = await connectProxy();
    try {
      const kc = kubeConfigFor('admin');
      const cluster = kc.getCurrentCluster();
      if (cluster === null) throw new Error('no current cluster');
      kc.clusters = kc.clusters.map((c) =>
        c.name === cluster.name ? { ...c, proxyUrl: proxy.url } : c,
      );
      const namespace = uniqueName('proxied');
      const result = await ensureNamespace(namespace, { kubeConfig: kc });
      expect(result.action).toBe('created');
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(cluster.server).host]));
    } finally {
      await proxy.close();
    }
  });

  it('refuses a proxy-url that is not an http, https or socks URL, naming it', async () => {
    const kc = kubeConfigFor('admin');
    const name = kc.getCurrentCluster()?.name;
    kc.clusters = kc.clusters.map((c) => (c.name === name ? { ...c, proxyUrl: 'ftp://proxy' } : c));
    const e = await ensureNamespace(uniqueName('never'), { kubeConfig: kc }).catch(
      (x: unknown) => x,
    );
    expect(isCredprovError(e) && e.code).toBe('KUBECONFIG_INVALID');
    expect(String(e)).toMatch(
      /proxy-url "ftp:\/\/proxy" is not an http:\/\/, https:\/\/ or socks5:\/\/ URL/,
    );
  });
});
