// The DER key formats, their PEM labels, and how every key codec takes its input: DER, or PEM with its label.
import { abytes } from '../assert.js';
import { CryptoError } from '../errors.js';
import { pemDecode } from '../pem.js';

/** The DER key formats crypto-core reads and writes. */
export const KEY_FORMATS = Object.freeze(['pkcs1', 'pkcs8', 'spki', 'sec1'] as const);
/** A DER key format: PKCS#1 (RSA), PKCS#8 (private), SPKI (public), SEC1 (EC private). */
export type KeyFormat = (typeof KEY_FORMATS)[number];

/**
 * PEM labels: RFC 7468 §10 `PRIVATE KEY`, §11 `ENCRYPTED PRIVATE KEY`, §13 `PUBLIC KEY`; RFC 5915 §4
 * `EC PRIVATE KEY`; PKCS#1's two are OpenSSL's (RFC 7468 §1 lists them as legacy).
 */
export const PEM_LABELS = {
  pkcs8: 'PRIVATE KEY',
  encryptedPkcs8: 'ENCRYPTED PRIVATE KEY',
  spki: 'PUBLIC KEY',
  pkcs1Private: 'RSA PRIVATE KEY',
  pkcs1Public: 'RSA PUBLIC KEY',
  sec1: 'EC PRIVATE KEY',
} as const;

/**
 * DER bytes from DER or from PEM with one of `labels`; returns the label found (undefined for DER).
 * @throws {TypeError} when input is neither a Uint8Array nor a string
 * @throws {CryptoError} ERR_PEM_DECODE for bad armour or another label
 */
export function derOf(
  input: Uint8Array | string,
  labels: readonly string[],
  name: string,
): { der: Uint8Array; label?: string } {
  if (typeof input === 'string') {
    const block = pemDecode(input);
    if (!labels.includes(block.label)) {
      throw new CryptoError(
        'ERR_PEM_DECODE',
        `${name}: expected PEM label ${labels.map((label) => JSON.stringify(label)).join(' or ')}, found ${JSON.stringify(block.label)}`,
      );
    }
    return { der: block.der, label: block.label };
  }
  abytes(input, name);
  return { der: input };
}
