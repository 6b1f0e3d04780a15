// PKCS#8 private keys (RFC 5208 §5, RFC 5958 §2) holding RSA, EC or Ed25519 (RFC 8410 §7), DER or PEM `PRIVATE KEY`.
import {
  contextTag,
  type DerReader,
  DerTag,
  derDecode,
  derInteger,
  derOctetString,
  derParseSequence,
  derSequence,
} from '../der.js';
import { decodeEcPoint } from '../ecdsa.js';
import { equalBytes } from '../encoding.js';
import { CryptoError } from '../errors.js';
import { isPrivateKey, type PrivateKey } from '../key-types.js';
import { isPem, pemDecode } from '../pem.js';
import { keyAlgorithmDer, readKeyAlgorithm } from './algorithm.js';
import { derOf, PEM_LABELS } from './format.js';
import { assertKey, checkedOkpPrivateKey, publicKeyOf } from './key-objects.js';
import { readRsaPrivateKey, readRsaPublicKey, rsaPrivateKeyDer } from './pkcs1.js';
import { withPss } from './rsa-pss.js';
import { ecPrivateKeyDer, readEcPrivateKey } from './sec1.js';

function readPkcs8(reader: DerReader): PrivateKey {
  // RFC 5958 §2: version v1(0) or v2(1); only v2 may carry publicKey.
  const version = reader.readSmallInteger();
  if (version !== 0 && version !== 1)
    throw new CryptoError('ERR_UNSUPPORTED_KEY', `unsupported PKCS#8 version ${version}`);
  const algorithm = readKeyAlgorithm(reader);
  const privateKey = reader.readOctetString();
  reader.readOptional(contextTag(0)); // attributes [0] IMPLICIT SET: not used
  let publicBytes: Uint8Array | undefined;
  const publicField = reader.readOptional(contextTag(1, false)); // publicKey [1] IMPLICIT BIT STRING
  if (publicField !== undefined) {
    if (version !== 1) throw new CryptoError('ERR_DER_DECODE', 'PKCS#8 v1 must not carry a public key');
    if (publicField.value.length === 0 || publicField.value[0] !== 0) {
      throw new CryptoError('ERR_DER_DECODE', 'PKCS#8 public key BIT STRING has unused bits');
    }
    publicBytes = publicField.value.subarray(1);
  }
  switch (algorithm.kind) {
    case 'rsa': {
      // RFC 8017 App. A.1.2: privateKey holds RSAPrivateKey; a carried public key is RSAPublicKey.
      const key = derParseSequence(privateKey, readRsaPrivateKey);
      if (publicBytes !== undefined) {
        const carried = derParseSequence(publicBytes, readRsaPublicKey);
        if (carried.n !== key.n || carried.e !== key.e) {
          throw new CryptoError('ERR_KEY_MISMATCH', 'PKCS#8 public key does not match the RSA private key');
        }
      }
      return withPss(key, algorithm.pss);
    }
    case 'ec': {
      // RFC 5915 §3: privateKey holds ECPrivateKey; the AlgorithmIdentifier names the curve.
      const key = derParseSequence(privateKey, (inner) => readEcPrivateKey(inner, algorithm.curve));
      if (publicBytes !== undefined && !equalBytes(decodeEcPoint(key.curve, publicBytes), key.point)) {
        throw new CryptoError('ERR_KEY_MISMATCH', 'PKCS#8 public key does not match the EC private key');
      }
      return key;
    }
    case 'ed25519':
      // RFC 8410 §7: privateKey holds CurvePrivateKey ::= OCTET STRING (the 32-byte seed).
      return checkedOkpPrivateKey(derDecode(privateKey, DerTag.OCTET_STRING).value, publicBytes);
  }
}

/**
 * Imports a PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208, RFC 5958), as DER or PEM `PRIVATE KEY`:
 * RSA (rsaEncryption or id-RSASSA-PSS), EC with a named curve, Ed25519 (RFC 8410). Private keys are checked
 * for consistency, and a carried public key must match.
 * @throws {TypeError} when input is neither a Uint8Array nor a string
 * @throws {CryptoError} ERR_PEM_DECODE, ERR_DER_DECODE, ERR_UNSUPPORTED_KEY (algorithm, curve, encrypted
 * PKCS#8), ERR_RSA_KEY_INVALID, ERR_INVALID_INPUT, ERR_KEY_MISMATCH
 */
export function importPkcs8(input: Uint8Array | string): PrivateKey {
  if (typeof input === 'string' && isPem(input) && pemDecode(input).label === PEM_LABELS.encryptedPkcs8) {
    throw new CryptoError('ERR_UNSUPPORTED_KEY', 'encrypted PKCS#8 (RFC 5958 §3) is not supported');
  }
  const { der } = derOf(input, [PEM_LABELS.pkcs8], 'input');
  return derParseSequence(der, readPkcs8);
}

/**
 * Exports a private key as PKCS#8 PrivateKeyInfo DER (version 0, no attributes). EC keys embed an
 * ECPrivateKey without parameters (the AlgorithmIdentifier names the curve) but with the public key.
 * @throws {TypeError|RangeError} when key is not a well-formed private key
 * @throws {CryptoError} ERR_RSA_KEY_INVALID for an inconsistent RSA key, ERR_INVALID_INPUT for a point off the curve
 */
export function exportPkcs8(key: PrivateKey): Uint8Array {
  assertKey(key, 'key');
  if (!isPrivateKey(key)) throw new TypeError('key must be a private key for PKCS#8');
  let privateKey: Uint8Array;
  switch (key.kty) {
    case 'RSA':
      privateKey = rsaPrivateKeyDer(key);
      break;
    case 'EC':
      privateKey = ecPrivateKeyDer(key, false);
      break;
    case 'OKP':
      privateKey = derOctetString(key.seed);
      break;
  }
  return derSequence(derInteger(0n), keyAlgorithmDer(publicKeyOf(key)), derOctetString(privateKey));
}
