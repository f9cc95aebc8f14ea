/**
 * Our provider driven by the kubelet's own plugin code (k8s.io/kubernetes v1.37.2
 * pkg/credentialprovider/plugin, built into testenv/kubelet-plugin): config validation, the
 * matchImages gate, exec, the strict response decoding, and the cache by key type.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createKubeletCredentialProviderConfig, toYaml } from '@eksa-credprov/core';
import { describe, expect, it } from 'vitest';
import {
  PROVIDER_FORMS,
  awsTestEnv,
  testPki,
  TEST_KEYS_PROFILE,
  ECR_HOST,
} from '@eksa-credprov/testenv';

const run = promisify(execFile);
const HARNESS = resolve(import.meta.dirname, '../../../.testenv/bin/kubelet-plugin');
type Form = keyof typeof PROVIDER_FORMS;
const REGISTRY = ECR_HOST;

interface Lookup {
  image: string;
  found: boolean;
  credentials: { username: string; password: string }[];
}

async function kubeletLookup(
  form: Form,
  request: { readonly kubernetesVersion: string; readonly images: string[] },
): Promise<{ lookups: Lookup[]; execs: number }> {
  const { kubernetesVersion, images } = request;
  const dir = mkdtempSync(join(testPki().dir, 'kubelet-'));
  const count = join(dir, 'execs');
  writeFileSync(count, '');
  const awsConfig = join(dir, 'aws-creds');
  writeFileSync(awsConfig, `[default]\n${TEST_KEYS_PROFILE}`, { mode: 0o600 });
  // The kubelet execs <bin-dir>/<name>: a wrapper that counts execs, then runs our provider.
  const wrapper = join(dir, 'eksa-ecr-credential-provider');
  writeFileSync(
    wrapper,
    `#!/bin/sh\necho exec >> ${count}\nexec ${PROVIDER_FORMS[form].join(' ')} "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const config = createKubeletCredentialProviderConfig({
    kubernetesVersion,
    providers: [
      {
        name: 'eksa-ecr-credential-provider',
        matchImages: ['*.dkr.ecr.*.amazonaws.com'],
        defaultCacheDuration: '5h',
        args: ['get-credentials'],
        env: [
          { name: 'AWS_CONFIG_FILE', value: awsConfig },
          { name: 'AWS_PROFILE', value: 'default' },
          { name: 'AWS_ENDPOINT_URL_ECR', value: awsTestEnv().moto },
          { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
          { name: 'HOME', value: dir },
        ],
      },
    ],
  });
  const configFile = join(dir, 'credential-provider-config.yaml');
  writeFileSync(configFile, toYaml(config));
  const { stdout } = await run(HARNESS, ['--config', configFile, '--bin-dir', dir, ...images], {
    timeout: 120_000,
  });
  const lookups = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Lookup);
  return {
    lookups,
    execs: readFileSync(count, 'utf8')
      .split('\n')
      .filter((l) => l !== '').length,
  };
}

// Every delivered form, as the kubelet execs it (scripts/bootstrap builds all but the source).
describe.each(Object.keys(PROVIDER_FORMS) as Form[])(
  'the kubelet plugin code with eksa-ecr-credential-provider (%s)',
  (form) => {
    it.each([
      ['1.33', 'kubelet.config.k8s.io/v1 with credentialprovider v1'],
      ['1.25', 'kubelet.config.k8s.io/v1alpha1 with credentialprovider v1alpha1'],
    ])(
      'Kubernetes %s (%s): credentials for matching images, from one exec thanks to the Registry cache',
      async (version) => {
        const { lookups, execs } = await kubeletLookup(form, {
          kubernetesVersion: version,
          images: [
            `${REGISTRY}/team/app`,
            `${REGISTRY}/team/other`,
            'registry.k8s.io/pause',
            'public.ecr.aws/eks-anywhere/x',
          ],
        });
        const [app, other, k8s, ecrPublic] = lookups;
        expect(app?.found).toBe(true);
        expect(app?.credentials).toHaveLength(1);
        expect(app?.credentials[0]?.username).toBe('AWS');
        expect(app?.credentials[0]?.password.length).toBeGreaterThan(10);
        // Same registry: served from the kubelet's cache (cacheKeyType Registry), no second exec.
        expect(other?.credentials).toEqual(app?.credentials);
        // Not in matchImages: the kubelet does not run the provider at all.
        expect(k8s).toEqual({ image: 'registry.k8s.io/pause', found: false, credentials: [] });
        expect(ecrPublic?.found).toBe(false);
        expect(execs).toBe(1);
      },
    );
  },
);
