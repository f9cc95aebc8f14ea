import { describe, expect, it } from 'vitest';
import { imageHost, parseProviderArgs } from './provider.ts';

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
    expect(Object.keys(await import('./provider.ts')).sort()).toEqual([
      'imageHost',
      'parseProviderArgs',
      'runProvider',
    ]);
  });
});

describe('parseProviderArgs', () => {
  it.each([
    [[], []],
    [['get-credentials'], []],
    [
      ['get-credentials', '--profile-for=*.dkr.ecr.eu-west-1.amazonaws.com=eu'],
      [{ pattern: '*.dkr.ecr.eu-west-1.amazonaws.com', profile: 'eu' }],
    ],
    [
      ['--profile-for', '123456789012.dkr.ecr.*.amazonaws.com=a', '--profile-for=public.ecr.aws=b'],
      [
        { pattern: '123456789012.dkr.ecr.*.amazonaws.com', profile: 'a' },
        { pattern: 'public.ecr.aws', profile: 'b' },
      ],
    ],
  ])('%j', (args, rules) => {
    expect(parseProviderArgs(args).rules).toEqual(rules);
  });

  it('reads --timeout as a Go duration', () => {
    expect(parseProviderArgs(['--timeout=1.5s']).timeoutMs).toBe(1500);
    expect(parseProviderArgs(['--timeout', '59s']).timeoutMs).toBe(59_000);
  });

  it.each([
    [['--verbose'], /unknown argument "--verbose"/],
    [['--timeout=60s'], /--timeout needs a duration above 0 and under the kubelet's 60s/],
    [['--timeout=0s'], /--timeout needs/],
    [['--timeout=soon'], /--timeout needs.*got "soon"/],
    [['--timeout'], /--timeout needs/],
    [['--profile-for'], /--profile-for needs PATTERN=PROFILE/],
    [['--profile-for=nopattern'], /--profile-for needs PATTERN=PROFILE.*got "nopattern"/],
    [['--profile-for==p'], /--profile-for needs PATTERN=PROFILE/],
    [['--profile-for=x.example.com='], /--profile-for needs PATTERN=PROFILE/],
    [['--profile-for=http://[::1/x=p'], /--profile-for pattern "http:\/\/\[::1\/x"/],
  ])('refuses %j', (args, message) => {
    expect(() => parseProviderArgs(args)).toThrow(message);
  });
});
