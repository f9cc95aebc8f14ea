import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isCredprovError } from '@eksa-credprov/core';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKubeConfig } from './kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const config = (cluster: string, context: string, server: string): string => `apiVersion: v1
kind: Config
clusters:
- name: ${cluster}
  cluster: { server: "${server}" }
users:
- name: ${cluster}-user
  user: { token: "t" }
contexts:
- name: ${context}
  context: { cluster: ${cluster}, user: ${cluster}-user, namespace: team }
current-context: ${context}
`;

function errorOf(fn: () => unknown): Error & { code: string } {
  try {
    fn();
  } catch (e) {
    if (isCredprovError(e)) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('loadKubeConfig', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads --kubeconfig alone and selects a context', () => {
    const a = file('a.yaml', config('a', 'ctx-a', 'https://127.0.0.1:6443'));
    const kc = loadKubeConfig({ kubeconfigPath: a });
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(kc.getCurrentContext()).toBe('ctx-a');
  });

  it('merges the KUBECONFIG list, first file winning, as kubectl does', () => {
    const a = file('m1.yaml', config('a', 'ctx-a', 'https://127.0.0.1:1111'));
    const b = file('m2.yaml', config('b', 'ctx-b', 'https://127.0.0.1:2222'));
    process.env['KUBECONFIG'] = [a, join(dir, 'missing.yaml'), b].join(delimiter);
    const kc = loadKubeConfig();
    expect(kc.getCurrentContext()).toBe('ctx-a');
    expect(
      kc
        .getContexts()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['ctx-a', 'ctx-b']);
    expect(loadKubeConfig({ context: 'ctx-b' }).getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:2222',
    );
  });

  it.each([
    [
      'a missing file',
      () => loadKubeConfig({ kubeconfigPath: join(dir, 'nope.yaml') }),
      /does not exist/,
    ],
    [
      'a file that does not parse',
      () =>
        loadKubeConfig({
          kubeconfigPath: file(
            'bad.yaml',
            'users:\n- name: u\n  user:\n    token: s3cr3t-token\n  oops: [\n',
          ),
        }),
      // The line and the reason, never the file's text (kubectl prints no code frame either).
      /^cannot read kubeconfig .*bad\.yaml: YAML syntax error at line 6, column 1: [^\n]*$/,
    ],
    [
      'a missing context',
      () =>
        loadKubeConfig({
          kubeconfigPath: file('c.yaml', config('c', 'ctx-c', 'https://x')),
          context: 'prod',
        }),
      /context "prod" is not in .* it has "ctx-c"/,
    ],
    [
      'no current context',
      () =>
        loadKubeConfig({
          kubeconfigPath: file(
            'd.yaml',
            config('d', 'ctx-d', 'https://x').replace('current-context: ctx-d', ''),
          ),
        }),
      /has no current context/,
    ],
    [
      'a context naming no cluster',
      () =>
        loadKubeConfig({
          kubeconfigPath: file(
            'e.yaml',
            config('e', 'ctx-e', 'https://x').replace('cluster: e,', 'cluster: other,'),
          ),
        }),
      /names no cluster/,
    ],
    [
      'KUBECONFIG naming only missing files',
      () => {
        process.env['KUBECONFIG'] = join(dir, 'gone.yaml');
        return loadKubeConfig();
      },
      /none of the files in KUBECONFIG/,
    ],
  ])('refuses %s with KUBECONFIG_INVALID', (_name, fn, message) => {
    const e = errorOf(fn);
    expect(e.code).toBe('KUBECONFIG_INVALID');
    expect(e.message).toMatch(message);
  });

  it('says where to look when there is no kubeconfig at all', () => {
    delete process.env['KUBECONFIG'];
    delete process.env['KUBERNETES_SERVICE_HOST'];
    process.env['HOME'] = dir;
    expect(errorOf(() => loadKubeConfig()).message).toMatch(
      /no kubeconfig found: pass kubeconfigPath, set KUBECONFIG/,
    );
  });
});
