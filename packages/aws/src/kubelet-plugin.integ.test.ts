/**
 * Our provider driven by the kubelet's own plugin code (k8s.io/kubernetes v1.37.2
 * pkg/credentialprovider/plugin, built into testenv/kubelet-plugin): config validation, the
 * matchImages gate, exec, the strict response decoding, and the cache by key type.
 */
import { describe, expect, it } from 'vitest';
import { PROVIDER_FORMS, awsTestEnv, runKubeletPlugin, ECR_HOST } from '@eksa-credprov/testenv';

type Form = keyof typeof PROVIDER_FORMS;
const REGISTRY = ECR_HOST;

function kubeletLookup(
  form: Form,
  request: { readonly kubernetesVersion: string; readonly images: string[] },
): ReturnType<typeof runKubeletPlugin> {
  return runKubeletPlugin({
    form,
    kubernetesVersion: request.kubernetesVersion,
    images: request.images,
    provider: { matchImages: ['*.dkr.ecr.*.amazonaws.com'], defaultCacheDuration: '5h' },
    env: [
      { name: 'AWS_PROFILE', value: 'default' },
      { name: 'AWS_ENDPOINT_URL_ECR', value: awsTestEnv().moto },
    ],
  });
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
