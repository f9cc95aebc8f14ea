/**
 * Reading a CA bundle (`AWS_CA_BUNDLE`, a profile's `ca_bundle`): bounded, and refused when it
 * holds no certificate, as the AWS SDK for Go refuses it. Used by the node-side provider and by
 * the Roles Anywhere set-up.
 *
 * @internal
 */
import { CredprovError, ERROR_CODES } from '@eksa-credprov/core';
import { MAX_CA_BUNDLE_BYTES, describeReadFailure, readBoundedFile } from './bounded-file.ts';
import { pemBlocks } from './certificates.ts';
import { nodeCrypto } from './digest.ts';

/** True when `pem` holds at least one certificate Node can parse. Linear in the text. */
function hasCertificate(pem: string): boolean {
  return pemBlocks(pem).some((block) => {
    if (block.label !== 'CERTIFICATE') return false;
    try {
      new (nodeCrypto().X509Certificate)(block.pem);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The PEM text of the CA bundle `file`, or undefined when no file is named. `source` says where
 * the name came from, for the message.
 *
 * @throws CredprovError `AWS_CREDENTIALS_ERROR` naming the file, when it cannot be read or holds
 * no certificate.
 */
export async function readCaBundle(
  file: string | undefined,
  source = 'AWS_CA_BUNDLE or ca_bundle',
): Promise<string | undefined> {
  if (file === undefined || file === '') return undefined;
  let text: string;
  try {
    text = await readBoundedFile(file, MAX_CA_BUNDLE_BYTES);
  } catch (e) {
    throw new CredprovError({
      code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
      message: `cannot read the CA bundle ${file} (${source}): ${describeReadFailure(e)}`,
      cause: e,
    });
  }
  // As the AWS SDK for Go: a bundle with no certificate is an error, not "trust nothing".
  if (!hasCertificate(text))
    throw new CredprovError({
      code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
      message: `the CA bundle ${file} (${source}) holds no PEM certificate; give it the CA certificates that sign the AWS endpoints' TLS certificates`,
    });
  return text;
}
