/**
 * The kubelet's `BasicDockerKeyring` (`pkg/credentialprovider/keyring.go`): how the `auth` keys a
 * provider returns are normalised and which of them apply to an image, in the kubelet's order.
 *
 * @internal
 */
import { goUrlParse, toByteString, fromByteString } from './go-url.ts';
import { matchImage } from './image-pattern.ts';

/** Normalises an auth key as `BasicDockerKeyring.Add` does; `undefined` when the kubelet skips it. */
export function normalizeAuthKey(key: string): string | undefined {
  const value = key.startsWith('https://') || key.startsWith('http://') ? key : `https://${key}`;
  const parsed = goUrlParse(toByteString(value));
  if (!parsed.ok) return undefined;
  let path = parsed.url.path;
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return fromByteString(path.length > 0 && path !== '/' ? parsed.url.host + path : parsed.url.host);
}

/** `IsDefaultRegistryMatch`: would the kubelet treat `image` as a Docker Hub image? */
export function isDefaultRegistryMatch(image: string): boolean {
  const slash = image.indexOf('/');
  const first = slash < 0 ? image : image.slice(0, slash);
  if (first.length === 0) return false;
  if (slash < 0) return true;
  if (first === 'docker.io' || first === 'index.docker.io') return true;
  return !/[.:]/.test(first) && first !== 'localhost';
}

/**
 * The normalised keys whose credentials the kubelet tries for `image`, in its order: every
 * matching key, keys sorted in reverse byte order; else the `index.docker.io` key for Docker Hub
 * images.
 */
export function lookupAuthKeys(keys: readonly string[], image: string): string[] {
  const index = [
    ...new Set(keys.map(normalizeAuthKey).filter((k): k is string => k !== undefined)),
  ];
  const bytes = new Map(index.map((k) => [k, toByteString(k)]));
  index.sort((a, b) => {
    const x = bytes.get(a) ?? '';
    const y = bytes.get(b) ?? '';
    return x < y ? 1 : x > y ? -1 : 0;
  });
  const hits = index.filter((k) => matchImage(k, image));
  if (hits.length > 0) return hits;
  return isDefaultRegistryMatch(image) && index.includes('index.docker.io')
    ? ['index.docker.io']
    : [];
}
