import {
  createAwsCredentialsSecret,
  createCredentialProviderPackage,
  isCredprovError,
} from '@eksa-credprov/core';
import { describe, expect, it } from 'vitest';
import { applyObjects } from './apply.ts';
import { isKubeApiError, type KubeApiError } from './errors.ts';
import { ensureNamespace, installCredentialProvider } from './install.ts';
import { kubeConfigFor, uniqueName } from '@eksa-credprov/testenv';

const admin = kubeConfigFor('admin');
const fieldManager = 'eksa-credprov-test';

async function rejection(promise: Promise<unknown>): Promise<KubeApiError> {
  try {
    await promise;
  } catch (e) {
    if (isKubeApiError(e)) return e;
    throw e;
  }
  throw new Error('expected a KubeApiError');
}

function secret(namespace: string, name: string, data: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'Opaque',
    stringData: data,
  };
}

describe('applyObjects against a real kube-apiserver', () => {
  it('creates, then changes nothing on re-apply, then reports a change', async () => {
    const cluster = uniqueName('c');
    const pkg = createCredentialProviderPackage({ clusterName: cluster });
    const aws = createAwsCredentialsSecret({
      form: 'keys',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'secret/key',
      region: 'us-west-2',
      namespace: `ns-${cluster}`,
    });
    await ensureNamespace(`eksa-packages-${cluster}`, { kubeConfig: admin });
    await ensureNamespace(`ns-${cluster}`, { kubeConfig: admin });
    const objects = [aws, pkg];
    const first = await applyObjects(objects, { kubeConfig: admin, fieldManager });
    expect(first.map((r) => [r.kind, r.action])).toEqual([
      ['Secret', 'created'],
      ['Package', 'created'],
    ]);
    const again = await applyObjects(objects, { kubeConfig: admin, fieldManager });
    expect(again.map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
    expect(again.map((r) => r.resourceVersion)).toEqual(first.map((r) => r.resourceVersion));

    const changed = createCredentialProviderPackage({
      clusterName: cluster,
      config: { credential: [{ defaultCacheDuration: '4h' }] },
    });
    const third = await applyObjects([changed], { kubeConfig: admin, fieldManager });
    expect(third[0]?.action).toBe('changed');
    expect(third[0]?.resourceVersion).not.toBe(first[1]?.resourceVersion);
  });

  it('reports what the server does with an applied Namespace: one adopting write, then nothing', async () => {
    // v1.37 stores a Namespace created by apply without managedFields; the next apply adds them.
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: uniqueName('ns') } };
    const actions = [];
    for (let i = 0; i < 3; i++)
      actions.push((await applyObjects([ns], { kubeConfig: admin, fieldManager }))[0]?.action);
    expect(actions).toEqual(['created', 'changed', 'unchanged']);
    const name = uniqueName('ens');
    expect((await ensureNamespace(name, { kubeConfig: admin })).action).toBe('created');
    const twice = [
      await ensureNamespace(name, { kubeConfig: admin }),
      await ensureNamespace(name, { kubeConfig: admin }),
    ];
    expect(twice.map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
    expect(twice[0]?.resourceVersion).toBe(twice[1]?.resourceVersion);
  });

  it('dry-run validates without storing', async () => {
    const ns = uniqueName('dry');
    await ensureNamespace(ns, { kubeConfig: admin });
    const [result] = await applyObjects([secret(ns, 's', { a: 'b' })], {
      kubeConfig: admin,
      fieldManager,
      dryRun: true,
    });
    expect(result?.action).toBe('created');
    const [real] = await applyObjects([secret(ns, 's', { a: 'b' })], {
      kubeConfig: admin,
      fieldManager,
    });
    expect(real?.action).toBe('created');
  });

  it('surfaces the CRD schema rejection intact', async () => {
    const cluster = uniqueName('schema');
    await ensureNamespace(`eksa-packages-${cluster}`, { kubeConfig: admin });
    const bad = {
      apiVersion: 'packages.eks.amazonaws.com/v1alpha1',
      kind: 'Package',
      metadata: { name: 'p', namespace: `eksa-packages-${cluster}` },
      spec: { config: 'x: 1' },
    };
    const e = await rejection(applyObjects([bad], { kubeConfig: admin, fieldManager }));
    expect(e.status).toBe(422);
    expect(e.reason).toBe('Invalid');
    expect(e.serverMessage).toContain('spec.packageName: Required value');
    expect(e.message).toMatch(/fix the fields it names/);
  });

  it('says to create a missing namespace', async () => {
    const e = await rejection(
      applyObjects([secret(uniqueName('absent'), 's', { a: 'b' })], {
        kubeConfig: admin,
        fieldManager,
      }),
    );
    expect(e.status).toBe(404);
    expect(e.message).toMatch(
      /namespaces "absent-[0-9a-f]+" not found.*create the namespace first/,
    );
  });

  it('names the verb, resource and namespace RBAC refused for the restricted user', async () => {
    const restricted = kubeConfigFor('restricted');
    const [ok] = await applyObjects([secret('restricted', uniqueName('s'), { a: 'b' })], {
      kubeConfig: restricted,
      fieldManager,
    });
    expect(ok?.action).toBe('created');
    const e = await rejection(
      applyObjects([secret('default', 's', { a: 'b' })], { kubeConfig: restricted, fieldManager }),
    );
    expect(e.status).toBe(403);
    expect(e.message).toMatch(
      /RBAC does not let "restricted" (get|patch) secrets in namespace "default"/,
    );
  });

  it('reports a field owned by another manager, and force takes it', async () => {
    const ns = uniqueName('own');
    await ensureNamespace(ns, { kubeConfig: admin });
    await applyObjects([secret(ns, 's', { REGION: 'us-west-2' })], {
      kubeConfig: admin,
      fieldManager: 'someone-else',
    });
    const e = await rejection(
      applyObjects([secret(ns, 's', { REGION: 'eu-west-1' })], { kubeConfig: admin, fieldManager }),
    );
    expect(e.status).toBe(409);
    expect(e.message).toMatch(/owned by field manager "someone-else".*force: true/);
    const [forced] = await applyObjects([secret(ns, 's', { REGION: 'eu-west-1' })], {
      kubeConfig: admin,
      fieldManager,
      force: true,
    });
    expect(forced?.action).toBe('changed');
  });

  it('refuses objects without apiVersion, kind or name before sending anything', async () => {
    await expect(
      applyObjects([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: '' } }], {
        kubeConfig: admin,
        fieldManager,
      }),
    ).rejects.toThrow(/metadata\.name: is required/);
    await expect(applyObjects([], { kubeConfig: admin, fieldManager: '' })).rejects.toThrow(
      /fieldManager: is required/,
    );
  });

  it('says when a kind is not served', async () => {
    const e = await applyObjects(
      [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }],
      { kubeConfig: admin, fieldManager },
    ).catch((x: unknown) => x);
    expect(isCredprovError(e) && e.message).toMatch(
      /does not serve example.com\/v1: is its CustomResourceDefinition installed/,
    );
  });
});

describe('installCredentialProvider', () => {
  it('puts the Secret on the target and the Package on the management cluster, idempotently', async () => {
    const cluster = uniqueName('w');
    const pkg = createCredentialProviderPackage({
      clusterName: cluster,
      targetNamespace: `tn-${cluster}`,
    });
    const aws = createAwsCredentialsSecret({
      form: 'keys',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'k',
      region: 'us-west-2',
      namespace: `tn-${cluster}`,
    });
    const target = kubeConfigFor('admin');
    const first = await installCredentialProvider({
      management: admin,
      target,
      package: pkg,
      secret: aws,
    });
    expect([
      first.secretNamespace.action,
      first.secret.action,
      first.packageNamespace.action,
      first.package.action,
    ]).toEqual(['created', 'created', 'created', 'created']);
    const second = await installCredentialProvider({
      management: admin,
      target,
      package: pkg,
      secret: aws,
    });
    expect([
      second.secretNamespace.action,
      second.secret.action,
      second.packageNamespace.action,
      second.package.action,
    ]).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });
});
