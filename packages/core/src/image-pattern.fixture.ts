/**
 * Upstream conformance tables for the kubelet's image matcher, restated from
 * k8s.io/kubernetes pkg/credentialprovider/keyring_test.go and plugin/plugin_test.go
 * (see ../shared/reference/kubelet-credential-provider.md §1.2–§1.4).
 */

/** `TestURLsMatch`: [pattern, image, match]. */
export const URLS_MATCH: readonly (readonly [string, string, boolean])[] = [
  ['*.kubernetes.io', 'prefix.kubernetes.io', true],
  ['prefix.*.io', 'prefix.kubernetes.io', true],
  ['prefix.kubernetes.*', 'prefix.kubernetes.io', true],
  ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', true],
  ['*.kubernetes.io/blah', 'prefix.kubernetes.io/blah', true],
  ['prefix.*.io/foo', 'prefix.kubernetes.io/foo/bar', true],
  ['*.kubernetes.io:1111/blah', 'prefix.kubernetes.io:1111/blah', true],
  ['prefix.*.io:1111/foo', 'prefix.kubernetes.io:1111/foo/bar', true],
  ['*.kubernetes.io', 'kubernetes.io', false],
  ['*.*.kubernetes.io', 'prefix.kubernetes.io', false],
  ['*.*.kubernetes.io', 'kubernetes.io', false],
  ['*kubernetes.io', 'a.kubernetes.io', false],
  ['*kubernetes.io', 'kubernetes.io', true],
  ['*.*.*.kubernetes.io', 'a.b.c.kubernetes.io', true],
  ['kubernetes.io', 'kubernetes.com', false],
  ['k*.io', 'quay.io', false],
  ['*.kubernetes.io:1234/blah', 'prefix.kubernetes.io:1111/blah', false],
  ['prefix.*.io/foo', 'prefix.kubernetes.io:1111/foo/bar', false],
];

/** `TestDockerKeyringForGlob`: stored key, lookup target (`/foo/bar` appended); all found. */
export const KEYRING_GLOB_FOUND: readonly (readonly [string, string])[] = [
  ['https://hello.kubernetes.io', 'hello.kubernetes.io'],
  ['https://*.docker.io', 'prefix.docker.io'],
  ['https://prefix.*.io', 'prefix.docker.io'],
  ['https://prefix.docker.*', 'prefix.docker.io'],
  ['https://*.docker.io/path', 'prefix.docker.io/path'],
  ['https://prefix.*.io/path', 'prefix.docker.io/path/subpath'],
  ['https://prefix.docker.*/path', 'prefix.docker.io/path'],
  ['https://*.docker.io:8888', 'prefix.docker.io:8888'],
  ['https://prefix.*.io:8888', 'prefix.docker.io:8888'],
  ['https://prefix.docker.*:8888', 'prefix.docker.io:8888'],
  ['https://*.docker.io/path:1111', 'prefix.docker.io/path:1111'],
  ['https://*.docker.io/v1/', 'prefix.docker.io/path:1111'],
  ['https://*.docker.io/v2/', 'prefix.docker.io/path:1111'],
  ['https://prefix.docker.*/path:1111', 'prefix.docker.io/path:1111'],
  ['prefix.docker.io:1111', 'prefix.docker.io:1111/path'],
  ['*.docker.io:1111', 'prefix.docker.io:1111/path'],
];

/** `TestKeyringMiss`: stored key, lookup (`/foo/bar` appended); none found. */
export const KEYRING_MISS: readonly (readonly [string, string])[] = [
  ['https://hello.kubernetes.io', 'world.mesos.org/foo/bar'],
  ['https://*.docker.com', 'prefix.docker.io'],
  ['https://suffix.*.io', 'prefix.docker.io'],
  ['https://prefix.docker.c*', 'prefix.docker.io'],
  ['https://prefix.*.io/path:1111', 'prefix.docker.io/path/subpath:1111'],
  ['suffix.*.io', 'prefix.docker.io'],
];

/** Auth-key normalisation (computed in the reference with Go). */
export const AUTH_KEY_NORMALISATION: readonly (readonly [string, string])[] = [
  ['https://registry.io', 'registry.io'],
  ['http://registry.io/v1/', 'registry.io'],
  ['https://index.docker.io/v1/', 'index.docker.io'],
  ['registry.io/v2/foo', 'registry.io/foo'],
  ['registry.io/', 'registry.io'],
  ['registry.io/v1', 'registry.io/v1'],
  ['https://*.docker.io/v2/', '*.docker.io'],
];

/** `TestDockerKeyringLookup`: keys `bar.example.com/pong` (G) and `bar.example.com` (A). */
export const KEYRING_LOOKUP_ORDER: readonly (readonly [string, readonly string[]])[] = [
  ['bar.example.com', ['bar.example.com']],
  ['bar.example.com/pong', ['bar.example.com/pong', 'bar.example.com']],
  ['bar.example.com/ping', ['bar.example.com']],
  ['bar.example.com/pongz', ['bar.example.com/pong', 'bar.example.com']],
  ['bar.example.com/pong/pang', ['bar.example.com/pong', 'bar.example.com']],
  ['example.com', []],
  ['foo.example.com', []],
];

/** Docker Hub fallback with the key `https://index.docker.io/v1/`: [image, found]. */
export const DOCKER_HUB_FALLBACK: readonly (readonly [string, boolean])[] = [
  ['world.mesos.org/foo/bar', false],
  ['google/docker-registry', true],
  ['jenkins', true],
  ['index.docker.io/v1//google/docker-registry', true],
];

/** `TestIsDefaultRegistryMatch`: [image, isDockerHub]. */
export const IS_DEFAULT_REGISTRY: readonly (readonly [string, boolean])[] = [
  ['foo/bar', true],
  ['docker.io/foo/bar', true],
  ['index.docker.io/foo/bar', true],
  ['foo', true],
  ['', false],
  ['registry.tld/foo/bar', false],
  ['registry:5000/foo/bar', false],
  ['myhostdocker.io/foo/bar', false],
];

/** plugin_test.go `Test_Provide`: [matchImages, image requested]; each must match. */
export const PLUGIN_PROVIDE: readonly (readonly [string, string])[] = [
  ['test.registry.io', 'test.registry.io/foo/bar'],
  ['test.registry.io/foo/bar', 'test.registry.io/foo/bar'],
  ['test.registry.io', 'test.registry.io'],
  ['*.registry.io:8080', 'test.registry.io:8080/foo'],
  ['*.*.registry.io', 'foo.bar.registry.io/foo/bar'],
  ['*.registry.io', 'test.registry.io'],
];

/** Config-load acceptance: patterns the kubelet accepts, and ones it rejects (with Go's error). */
export const PATTERNS_ACCEPTED: readonly string[] = [
  'registry.io/foobar',
  'registry.io/*',
  'foobar.registry.io/*',
  'registry.io/one',
  'beta.registry.io/*',
  '*.dkr.ecr.*.amazonaws.com',
  '[::1]:5000/team',
  '[fe80::1%25en0]',
  'user@registry.io',
  'caf%C3%A9.example',
];

export const PATTERNS_REJECTED: readonly (readonly [string, string])[] = [
  ['%invalid%', 'parse "https://%invalid%": invalid URL escape "%in"'],
  ['reg[a-z].io', 'parse "https://reg[a-z].io": invalid IP-literal'],
  ['registry.io ', 'parse "https://registry.io ": invalid character " " in host name'],
  ['a:b:80', 'parse "https://a:b:80": invalid port ":b:80" after host'],
  ['registry.io:abc', 'parse "https://registry.io:abc": invalid port ":abc" after host'],
  ['[1.2.3.4]', 'parse "https://[1.2.3.4]": invalid IP-literal'],
  ['reg\\istry.io', 'parse "https://reg\\\\istry.io": invalid character "\\\\" in host name'],
  [
    'registry.io\x01',
    'parse "https://registry.io\\x01": net/url: invalid control character in URL',
  ],
];
