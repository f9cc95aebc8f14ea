/**
 * Reading the certificate, chain and private key a node signs with: PEM text in any of the forms
 * the kubelet and aws_signing_helper accept.
 *
 * @internal
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { CredprovError, ERROR_CODES, ISSUE_CODES, ValidationError } from '@eksa-credprov/core';
import { nodeCrypto } from './digest.ts';

/**
 * Every PEM block in `text` with its label: a `-----BEGIN X-----` line, then lines up to the
 * matching `-----END X-----` line. One pass over the lines (a regular expression over the whole
 * text was quadratic in the number of BEGIN lines without an END); a BEGIN inside an open block
 * starts the block again.
 */
export function pemBlocks(text: string): { label: string; pem: string }[] {
  const blocks: { label: string; pem: string }[] = [];
  let open: { label: string; start: number } | undefined;
  let at = 0;
  while (at <= text.length) {
    const next = text.indexOf('\n', at);
    const end = next < 0 ? text.length : next;
    const line = text.slice(at, end).replace(/\r$/, '');
    const begin = /^-----BEGIN ([A-Z0-9 ]+)-----$/.exec(line);
    if (begin !== null) open = { label: begin[1] ?? '', start: at };
    else if (open !== undefined && line === `-----END ${open.label}-----`) {
      blocks.push({ label: open.label, pem: text.slice(open.start, at + line.length) });
      open = undefined;
    }
    if (next < 0) break;
    at = next + 1;
  }
  return blocks;
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError('invalid certificate or key', [
    { path: field, code: ISSUE_CODES.INVALID_VALUE, message },
  ]);
}

/** The first CERTIFICATE block of `text` (other blocks, such as a key, are skipped). */
export function readCertificate(text: string, field = 'certificate'): X509Certificate {
  const block = pemBlocks(text).find((b) => b.label === 'CERTIFICATE');
  if (block === undefined) throw invalid(field, 'has no PEM CERTIFICATE block');
  try {
    return new (nodeCrypto().X509Certificate)(block.pem);
  } catch (e) {
    throw invalid(
      field,
      `holds a CERTIFICATE block that does not parse (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}

/** Every CERTIFICATE block of a chain (intermediates), in order. */
export function readChain(text: string): X509Certificate[] {
  const blocks = pemBlocks(text);
  if (blocks.length === 0 || blocks.some((b) => b.label !== 'CERTIFICATE')) {
    throw invalid(
      'chain',
      'must be PEM CERTIFICATE blocks only (intermediate certificates, not keys)',
    );
  }
  return blocks.map((b) => readCertificate(b.pem, 'chain'));
}

/**
 * The private key in `text`: PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`), SEC1
 * (`EC PRIVATE KEY`) or encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`, with `passphrase`). Other
 * blocks (the certificate, when both are in one file as the kubelet keeps them) are skipped.
 * The key's text never appears in an error.
 */
export function readPrivateKey(text: string, passphrase?: string): KeyObject {
  const block = pemBlocks(text).find((b) => /^(|RSA |EC |ENCRYPTED )PRIVATE KEY$/.test(b.label));
  if (block === undefined)
    throw invalid(
      'privateKey',
      'has no PEM private key block (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)',
    );
  if (block.label === 'ENCRYPTED PRIVATE KEY' && passphrase === undefined) {
    throw invalid('privateKey', 'is encrypted: pass its passphrase');
  }
  try {
    return nodeCrypto().createPrivateKey(
      passphrase === undefined
        ? { key: block.pem, format: 'pem' }
        : { key: block.pem, format: 'pem', passphrase },
    );
  } catch {
    // Node's message can quote key material: say what failed without it.
    throw invalid(
      'privateKey',
      block.label === 'ENCRYPTED PRIVATE KEY'
        ? 'could not be decrypted: check the passphrase'
        : `holds a ${block.label} block that does not parse`,
    );
  }
}

/** Throws unless the private key belongs to the certificate. */
export function checkKeyMatches(certificate: X509Certificate, key: KeyObject): void {
  const fromKey = nodeCrypto().createPublicKey(key).export({ type: 'spki', format: 'der' });
  const fromCert = certificate.publicKey.export({ type: 'spki', format: 'der' });
  if (!fromKey.equals(fromCert)) {
    throw new CredprovError({
      code: ERROR_CODES.VALIDATION_FAILED,
      message: `the private key does not belong to the certificate (subject "${certificate.subject.replace(/\n/g, ', ')}"): use the key the certificate was issued for`,
    });
  }
}

/** The serial number in decimal, as Roles Anywhere's Authorization header wants it. */
export function decimalSerial(certificate: X509Certificate): string {
  return BigInt(`0x${certificate.serialNumber}`).toString(10);
}
