/**
 * SHA-256 and HMAC-SHA256 for request signing, and node:crypto loaded only where it is needed.
 * In a Bun executable, loading node:crypto costs about 5 ms (Bun builds its Node-compatible
 * streams for it), which is a sixth of a static-keys run; Bun's own `Bun.CryptoHasher` costs
 * under 1 ms. So the signing hashes use Bun's hasher under Bun and node:crypto under Node, and the
 * key, certificate and signature code loads node:crypto on first use, on the Roles Anywhere path
 * only.
 *
 * @internal
 */

import type * as NodeCrypto from 'node:crypto';

/** The part of Bun's `CryptoHasher` used here (the package does not depend on bun-types). */
type BunCryptoHasher = new (
  algorithm: 'sha256',
  hmacKey?: string | Uint8Array,
) => {
  update(data: string, encoding: 'utf8'): { digest(): Buffer; digest(encoding: 'hex'): string };
};

const bunHasher = (globalThis as { Bun?: { CryptoHasher: BunCryptoHasher } }).Bun?.CryptoHasher;

/** node:crypto, loaded on first use (a cached built-in afterwards). */
export function nodeCrypto(): typeof NodeCrypto {
  return process.getBuiltinModule('node:crypto');
}

/** The SHA-256 of `data` (UTF-8), lower-case hex. */
export function sha256Hex(data: string): string {
  return bunHasher === undefined
    ? nodeCrypto().createHash('sha256').update(data, 'utf8').digest('hex')
    : new bunHasher('sha256').update(data, 'utf8').digest('hex');
}

/** HMAC-SHA256 of `data` (UTF-8) under `key`. */
export function hmacSha256(key: string | Buffer, data: string): Buffer {
  return bunHasher === undefined
    ? nodeCrypto().createHmac('sha256', key).update(data, 'utf8').digest()
    : new bunHasher('sha256', key).update(data, 'utf8').digest();
}
