/**
 * The automation script against the real kube-apiserver: three "workload clusters" whose
 * kubeconfig Secrets (eksa-system/<cluster>-kubeconfig) point back at the same local server, each
 * with its own target namespace, and one cluster without a kubeconfig Secret.
 */
import { readFileSync } from 'node:fs';
import { applyObjects, ensureNamespace, getPackage } from '@eksa-credprov/kube';
import { CoreV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  kubeConfigFor,
  testEnv,
  uniqueName,
  TEST_SECRET_ACCESS_KEY as SECRET,
} from '@eksa-credprov/testenv';
import { configureClusters, formatOutcomes } from './configure-clusters.ts';

const admin = kubeConfigFor('admin');
const clusters = [uniqueName('w'), uniqueName('w'), uniqueName('w')];
const missing = uniqueName('gone');

beforeAll(async () => {
  const options = { kubeConfig: admin, fieldManager: 'test' };
  await ensureNamespace('eksa-system', options);
  const kubeconfig = Buffer.from(readFileSync(testEnv().kubeconfig, 'utf8')).toString('base64');
  for (const c of clusters) await ensureNamespace(`eksa-packages-${c}`, options);
  await applyObjects(
    clusters.map((c) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${c}-kubeconfig`, namespace: 'eksa-system' },
      type: 'Opaque',
      data: { value: kubeconfig },
    })),
    options,
  );
});

describe('configureClusters', () => {
  const init = {
    management: admin,
    clusters: [...clusters, missing],
    credentials: {
      region: 'us-west-2',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: SECRET,
    },
    targetNamespace: (c: string) => `creds-${c}`,
    concurrency: 2,
    timeoutMs: 10_000,
  };

  it('configures every cluster, reports the one that cannot be, and is idempotent', async () => {
    const first = await configureClusters(init);
    expect(first.map((o) => o.ok)).toEqual([true, true, true, false]);
    for (const o of first.slice(0, 3)) {
      if (!o.ok) throw new Error(o.error);
      expect(o.result.secret.action).toBe('created');
      expect(o.result.package.action).toBe('created');
    }
    const last = first[3];
    expect(last?.ok === false ? last.error : '').toMatch(
      new RegExp(`eksa-system/${missing}-kubeconfig`),
    );

    for (const c of clusters) {
      const pkg = await getPackage('my-credential-provider-package', {
        kubeConfig: admin,
        clusterName: c,
      });
      expect(pkg.object.spec.targetNamespace).toBe(`creds-${c}`);
      const secret = await admin
        .makeApiClient(CoreV1Api)
        .readNamespacedSecret({ name: 'aws-secret', namespace: `creds-${c}` });
      expect(Object.keys(secret.data ?? {}).sort()).toEqual([
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'REGION',
      ]);
    }

    const again = await configureClusters(init);
    const report = formatOutcomes(again);
    expect(report).not.toContain(SECRET);
    for (const c of clusters)
      expect(report).toMatch(new RegExp(`${c}\\s+ok\\s+secret unchanged, package unchanged`));
    expect(report).toMatch(new RegExp(`${missing}\\s+FAILED\\s+`));
  });
});
