// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of RSA, RSA-PSS, EC (RFC 5480) and Ed25519 (RFC 8410) keys, DER or PEM.
import { type DerReader, derBitString, derParseSequence, derSequence } from '../der.js';
import type { PrivateKey, PublicKey } from '../key-types.js';
import { keyAlgorithmDer, readKeyAlgorithm } from './algorithm.js';
import { derOf, PEM_LABELS } from './format.js';
import { assertKey, checkedEcPublicKey, checkedOkpPublicKey, publicKeyOf } from './key-objects.js';
import { readRsaPublicKey, rsaPublicKeyDer } from './pkcs1.js';
import { withPss } from './rsa-pss.js';

function readSpki(reader: DerReader): PublicKey {
  const algorithm = readKeyAlgorithm(reader);
  const bits = reader.readBitString();
  switch (algorithm.kind) {
    case 'rsa':
      // RFC 3279 §2.3.1: the BIT STRING holds RSAPublicKey.
      return withPss(derParseSequence(bits, readRsaPublicKey), algorithm.pss);
    case 'ec':
      // RFC 5480 §2.2: the ECPoint; compressed points are accepted and stored uncompressed.
      return checkedEcPublicKey(algorithm.curve, bits);
    case 'ed25519':
      // RFC 8410 §4: the 32-byte public key itself.
      return checkedOkpPublicKey(bits);
  }
}

/** The subjectPublicKey BIT STRING content of a public key (what RFC 5280 §4.2.1.2 hashes). */
export function subjectPublicKeyBits(key: PublicKey | PrivateKey): Uint8Array {
  assertKey(key, 'key');
  const pub = publicKeyOf(key);
  switch (pub.kty) {
    case 'RSA':
      return rsaPublicKeyDer(pub);
    case 'EC':
      return pub.point.slice();
    case 'OKP':
      return pub.publicKey.slice();
  }
}

/**
 * Imports a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), as DER or PEM `PUBLIC KEY`: rsaEncryption
 * (RFC 3279), id-RSASSA-PSS (RFC 4055; the key carries its restrictions in `pss`), id-ecPublicKey with a named
 * curve (RFC 5480; the point must be on the curve, compressed points are decompressed), Ed25519 (RFC 8410).
 * @throws {TypeError} when input is neither a Uint8Array nor a string
 * @throws {CryptoError} ERR_PEM_DECODE, ERR_DER_DECODE, ERR_UNSUPPORTED_KEY, ERR_RSA_KEY_INVALID,
 * ERR_INVALID_INPUT
 */
export function importSpki(input: Uint8Array | string): PublicKey {
  const { der } = derOf(input, [PEM_LABELS.spki], 'input');
  return derParseSequence(der, readSpki);
}

/**
 * Exports the public key (of a private key, its public half) as SubjectPublicKeyInfo DER. EC points are
 * written uncompressed; a PSS-restricted RSA key keeps its id-RSASSA-PSS parameters.
 * @throws {TypeError|RangeError} when key is not a well-formed asymmetric key
 * @throws {CryptoError} ERR_UNSUPPORTED_KEY for a symmetric key
 */
export function exportSpki(key: PublicKey | PrivateKey): Uint8Array {
  assertKey(key, 'key');
  const pub = publicKeyOf(key);
  return derSequence(keyAlgorithmDer(pub), derBitString(subjectPublicKeyBits(pub)));
}
