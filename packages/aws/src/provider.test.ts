import { describe, expect, it } from 'vitest';
import { imageHost } from './provider.ts';

describe('imageHost (the Go provider’s parseHostFromImageReference)', () => {
  it.each([
    [
      '123456789123.dkr.ecr.us-west-2.amazonaws.com/foo/bar:1.0',
      '123456789123.dkr.ecr.us-west-2.amazonaws.com',
    ],
    ['http://foobar', 'foobar'],
    ['localhost:5000/x', 'localhost'],
    [
      '123456789012.dkr.ecr.us-west-2.amazonaws.com:443/foo',
      '123456789012.dkr.ecr.us-west-2.amazonaws.com',
    ],
    [
      '123456789012.dkr.ecr.us-west-2.amazonaws.com/public.ecr.aws/foo',
      '123456789012.dkr.ecr.us-west-2.amazonaws.com',
    ],
    ['public.ecr.aws/eks-anywhere/x', 'public.ecr.aws'],
  ])('%s -> %s', (image, host) => {
    expect(imageHost(image)).toBe(host);
  });

  it('exports the provider API', async () => {
    expect(Object.keys(await import('./provider.ts')).sort()).toEqual(['imageHost', 'runProvider']);
  });
});
