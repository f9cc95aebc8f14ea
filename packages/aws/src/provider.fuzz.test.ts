/**
 * 10,000 generated stdin payloads through the provider's code path (runProvider, what the bin
 * calls): it never throws, never hangs, never writes partial JSON, and fails with exactly one
 * line on stderr, never a stack trace. No network: the config file does not exist.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runProvider } from './provider.ts';

const versions = [
  'credentialprovider.kubelet.k8s.io/v1',
  'credentialprovider.kubelet.k8s.io/v1beta1',
  'credentialprovider.kubelet.k8s.io/v1alpha1',
  'credentialprovider.kubelet.k8s.io/v2',
  'v1',
  '',
];
const images = fc.oneof(
  fc.constantFrom(
    '123456789012.dkr.ecr.us-west-2.amazonaws.com/app',
    'public.ecr.aws/x',
    'registry.example.com/a',
    '',
    ' ',
    'http://h',
    '[::1]:5000/x',
    '%zz',
    'a\u0000b',
  ),
  fc.string({ maxLength: 40 }),
);
const field = fc.constantFrom(
  'kind',
  'apiVersion',
  'image',
  'Image',
  'serviceAccountToken',
  'serviceAccountAnnotations',
  'extra',
  'cacheKeyType',
);
const request = fc
  .record({
    kind: fc.constantFrom('CredentialProviderRequest', 'CredentialProviderResponse', 'X', ''),
    apiVersion: fc.constantFrom(...versions),
    image: images,
    extra: fc.dictionary(
      field,
      fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null), fc.constant({})),
    ),
  })
  .map(({ kind, apiVersion, image, extra }) =>
    JSON.stringify({ kind, apiVersion, image, ...extra }),
  );
const duplicate = request.map((r) => r.replace(/^\{/, '{"image":"a",'));
const wellFormed = fc
  .record({ apiVersion: fc.constantFrom(...versions.slice(0, 3)), image: images })
  .map(({ apiVersion, image }) =>
    JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion, image }),
  );
const payload = fc.oneof(
  { weight: 3, arbitrary: wellFormed },
  { weight: 4, arbitrary: request },
  { weight: 1, arbitrary: duplicate },
  { weight: 2, arbitrary: fc.json() },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: request.map((r) => r.slice(0, Math.floor(r.length / 2))) },
);

describe('eksa-ecr-credential-provider on 10,000 generated stdin payloads', () => {
  it('always answers with valid JSON or exactly one line of error', async () => {
    const samples = fc.sample(payload, { numRuns: 10_000, seed: 20261129 });
    let failures = 0;
    let reached = 0;
    for (const stdin of samples) {
      const result = await runProvider({
        stdin,
        env: { AWS_CONFIG_FILE: '/nonexistent/aws-creds', AWS_REGION: 'us-west-2' },
        timeoutMs: 5000,
      });
      expect([0, 1]).toContain(result.exitCode);
      if (result.exitCode === 1) {
        failures++;
        expect(result.stdout).toBe('');
        const lines = result.stderr.split('\n').filter((l) => l !== '');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^eksa-ecr-credential-provider: \S/);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        if (!result.stderr.includes('invalid CredentialProviderRequest')) reached++;
      } else {
        expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
      }
    }
    // With no credentials anywhere, nothing can succeed; the generator must still reach the
    // credential step (valid requests), not only fail parsing.
    expect(failures).toBe(10_000);
    expect(reached).toBeGreaterThan(1000);
  }, 120_000);
});
