import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidationError, type ValidationIssue } from './errors.ts';
import {
  AUTH_KEY_NORMALISATION,
  DOCKER_HUB_FALLBACK,
  IS_DEFAULT_REGISTRY,
  KEYRING_GLOB_FOUND,
  KEYRING_LOOKUP_ORDER,
  KEYRING_MISS,
  PATTERNS_ACCEPTED,
  PATTERNS_REJECTED,
  PLUGIN_PROVIDE,
  URLS_MATCH,
} from './image-pattern.fixture.ts';
import { matchImage, parseImagePattern, validateImagePattern } from './image-pattern.ts';
import { isDefaultRegistryMatch, lookupAuthKeys, normalizeAuthKey } from './keyring.ts';

describe('matchImage: upstream TestURLsMatch', () => {
  it.each(URLS_MATCH)('%s vs %s -> %s', (pattern, image, want) => {
    expect(matchImage(pattern, image)).toBe(want);
  });
});

describe('keyring: upstream TestDockerKeyringForGlob, TestKeyringMiss, lookup order', () => {
  it.each(KEYRING_GLOB_FOUND)('key %s finds %s/foo/bar', (key, target) => {
    expect(lookupAuthKeys([key], `${target}/foo/bar`)).toHaveLength(1);
  });
  it.each(KEYRING_MISS)('key %s misses %s', (key, target) => {
    expect(lookupAuthKeys([key], `${target}/foo/bar`)).toEqual([]);
  });
  it.each(AUTH_KEY_NORMALISATION)('normalises %s to %s', (key, want) => {
    expect(normalizeAuthKey(key)).toBe(want);
  });
  it.each(KEYRING_LOOKUP_ORDER)('lookup %s returns keys in kubelet order', (image, want) => {
    expect(lookupAuthKeys(['bar.example.com/pong', 'bar.example.com'], image)).toEqual(want);
  });
  it.each(DOCKER_HUB_FALLBACK)('index.docker.io fallback for %s: %s', (image, found) => {
    expect(lookupAuthKeys(['https://index.docker.io/v1/'], image).length > 0).toBe(found);
  });
  it.each(IS_DEFAULT_REGISTRY)('IsDefaultRegistryMatch(%j) = %s', (image, want) => {
    expect(isDefaultRegistryMatch(image)).toBe(want);
  });
  it('TestIssue3797: quay.io/v1/ serves quay.io images', () => {
    for (const image of ['quay.io', 'quay.io/foo', 'quay.io/foo/bar']) {
      expect(lookupAuthKeys(['https://quay.io/v1/'], image)).toEqual(['quay.io']);
    }
  });
});

describe('matchImage: upstream plugin Test_Provide gate', () => {
  it.each(PLUGIN_PROVIDE)('matchImages %s admits %s', (pattern, image) => {
    expect(matchImage(pattern, image)).toBe(true);
  });
});

describe('matchImage: kubelet semantics beyond the tables', () => {
  it.each([
    ['port must be equal both ways', 'registry.io', 'registry.io:5000/x', false],
    ['port must be equal both ways', 'registry.io:5000', 'registry.io/x', false],
    ['path is a plain string prefix', 'registry.io/foo', 'registry.io/foobar', true],
    ['case-sensitive host', 'Registry.IO', 'registry.io/x', false],
    ['a scheme is not stripped', 'https://registry.io', 'registry.io/x', false],
    ['"*" matches an empty run', 'reg*.io', 'reg.io/x', true],
    ['"*" in a path is literal', 'registry.io/*', 'registry.io/app', false],
    [
      'ECR glob',
      '*.dkr.ecr.*.amazonaws.com',
      '123456789012.dkr.ecr.us-west-2.amazonaws.com/app',
      true,
    ],
    [
      'ECR glob vs China partition',
      '*.dkr.ecr.*.amazonaws.com',
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app',
      false,
    ],
    ['IPv6 literal with port', '[::1]:5000', '[::1]:5000/team/app', true],
    ['a rejected pattern never matches', 'reg[a-z].io', 'rega.io', false],
    ['an unparsable image never matches', '*', 'bad image', false],
    ['userinfo is dropped from the host', 'user@registry.io', 'registry.io/x', true],
    ['"?" cuts the pattern', 'registry.io?x', 'registry.io/anything', true],
  ])('%s: %s vs %s', (_why, pattern, image, want) => {
    expect(matchImage(pattern, image)).toBe(want);
  });
});

describe('parseImagePattern', () => {
  it.each(PATTERNS_ACCEPTED)('accepts %s as the kubelet does', (pattern) => {
    expect(parseImagePattern(pattern).pattern).toBe(pattern);
  });

  it.each(PATTERNS_REJECTED)("rejects %j with Go's reason", (pattern, goError) => {
    let thrown: unknown;
    try {
      parseImagePattern(pattern);
    } catch (e) {
      thrown = e;
    }
    expect(isValidationError(thrown)).toBe(true);
    const issues = (thrown as { issues: ValidationIssue[] }).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]?.code).toBe('invalid_image_pattern');
    expect(issues[0]?.message).toContain(goError);
  });

  it('returns host, port, labels and path', () => {
    expect(parseImagePattern('*.dkr.ecr.*.amazonaws.com:443/team/app')).toEqual({
      pattern: '*.dkr.ecr.*.amazonaws.com:443/team/app',
      host: '*.dkr.ecr.*.amazonaws.com',
      port: '443',
      labels: ['*', 'dkr', 'ecr', '*', 'amazonaws', 'com'],
      path: '/team/app',
    });
    expect(parseImagePattern('[::1]:5000').host).toBe('::1');
    expect(parseImagePattern('caf%C3%A9.example').host).toBe('café.example');
  });

  it('says how to fix a character class', () => {
    expect(() => parseImagePattern('reg[a-z].io')).toThrow(/character classes are not supported/);
  });
});

describe('validateImagePattern', () => {
  it.each([
    ['https://registry.io', /does not strip a scheme.*write "registry.io"/],
    ['registry.io?tag', /"\?" starts a URL query/],
    ['registry.io#x', /"#" starts a URL fragment/],
    ['registry.io/team app', /white space/],
    ['registry.io/*', /literal.*"registry.io"/],
    ['/team', /no registry host/],
    ['reg[a-z].io', /rejected by the kubelet/],
    ['registry.io ', /rejected by the kubelet/],
  ])('%j is reported', (pattern, message) => {
    const issues = validateImagePattern(pattern);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.message).join('\n')).toMatch(message);
  });

  it.each([
    '*.dkr.ecr.*.amazonaws.com',
    'public.ecr.aws',
    'registry.example.com:5000/team',
    '[::1]:5000',
  ])('%s is fine', (pattern) => {
    expect(validateImagePattern(pattern)).toEqual([]);
  });
});

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const host = fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join('.'));
const path = fc
  .array(fc.stringMatching(/^[a-z0-9._-]{1,8}$/), { maxLength: 3 })
  .map((p) => p.map((s) => `/${s}`).join(''));
const port = fc.option(fc.integer({ min: 1, max: 65535 }).map(String), { nil: undefined });
const image = fc
  .record({ host, port, path })
  .map(({ host: h, port: p, path: r }) => `${h}${p === undefined ? '' : `:${p}`}${r}`);

describe('matchImage properties', () => {
  it('a pattern without "*" matches itself', () => {
    fc.assert(fc.property(image, (i) => matchImage(i, i)));
  });

  it('replacing any host label with "*" still matches', () => {
    fc.assert(
      fc.property(host, path, fc.nat(), (h, p, n) => {
        const labels = h.split('.');
        labels[n % labels.length] = '*';
        return matchImage(labels.join('.') + p, `${h}${p}/more`);
      }),
    );
  });

  it('host plus any prefix of the image path matches', () => {
    fc.assert(
      fc.property(host, path, fc.nat(), (h, p, cut) =>
        matchImage(h + p.slice(0, cut % (p.length + 1)), h + p),
      ),
    );
  });

  it('different label counts never match', () => {
    fc.assert(
      fc.property(
        host,
        path,
        (h, p) => !matchImage(`*.${h}`, h + p) && !matchImage(h, `x.${h}${p}`),
      ),
    );
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        (p, i) => typeof matchImage(p, i) === 'boolean',
      ),
    );
  });
});
