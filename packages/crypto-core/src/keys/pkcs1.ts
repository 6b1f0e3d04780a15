// PKCS#1 RSA keys (RFC 8017 App. A.1): RSAPublicKey and RSAPrivateKey, as DER or PEM `RSA PUBLIC/PRIVATE KEY`.
import { DerReader, derInteger, derParseSequence, derSequence } from '../der.js';
import { CryptoError } from '../errors.js';
import { RSA_PRIVATE_MEMBERS, type RsaPrivateKey, type RsaPublicKey } from '../key-types.js';
import { derOf, PEM_LABELS } from './format.js';
import { assertKey, checkedRsaPrivateKey, checkedRsaPublicKey } from './key-objects.js';
import { rsaPssParamsOf } from './rsa-pss.js';

/** RFC 8017 App. A.1.1 RSAPublicKey ::= SEQUENCE { modulus, publicExponent }, read inside its SEQUENCE. */
export function readRsaPublicKey(reader: DerReader): RsaPublicKey {
  const n = reader.readUnsignedInteger();
  const e = reader.readUnsignedInteger();
  return checkedRsaPublicKey(n, e);
}

/** RFC 8017 App. A.1.2 RSAPrivateKey, two-prime (version 0), read inside its SEQUENCE. */
export function readRsaPrivateKey(reader: DerReader): RsaPrivateKey {
  const version = reader.readSmallInteger();
  // RFC 8017 App. A.1.2: version 1 (multi-prime) carries otherPrimeInfos, which crypto-core does not support.
  if (version !== 0)
    throw new CryptoError(
      'ERR_UNSUPPORTED_KEY',
      `unsupported RSAPrivateKey version ${version} (multi-prime)`,
    );
  const n = reader.readUnsignedInteger();
  const e = reader.readUnsignedInteger();
  return checkedRsaPrivateKey(n, e, () => reader.readUnsignedInteger());
}

/** RSAPublicKey DER (RFC 8017 App. A.1.1). */
export function rsaPublicKeyDer(key: RsaPublicKey): Uint8Array {
  return derSequence(derInteger(key.n), derInteger(key.e));
}

/** RSAPrivateKey DER, version 0 (RFC 8017 App. A.1.2). */
export function rsaPrivateKeyDer(key: RsaPrivateKey): Uint8Array {
  const integers = [0n, key.n, key.e, ...RSA_PRIVATE_MEMBERS.map((member) => key[member])];
  return derSequence(...integers.map((value) => derInteger(value)));
}

/** True when PKCS#1 DER holds RSAPublicKey (exactly two elements) rather than RSAPrivateKey (nine or more). */
function isPkcs1Public(der: Uint8Array): boolean {
  const reader = new DerReader(der).readSequence();
  let count = 0;
  for (; !reader.atEnd() && count < 3; count++) reader.read();
  return count === 2;
}

/**
 * Imports a PKCS#1 RSAPublicKey or RSAPrivateKey (RFC 8017 App. A.1), as DER or as PEM labelled
 * `RSA PUBLIC KEY` / `RSA PRIVATE KEY`. Private keys are checked for consistency.
 * @throws {TypeError} when input is neither a Uint8Array nor a string
 * @throws {CryptoError} ERR_PEM_DECODE, ERR_DER_DECODE, ERR_RSA_KEY_INVALID, ERR_UNSUPPORTED_KEY (multi-prime)
 */
export function importPkcs1(input: Uint8Array | string): RsaPublicKey | RsaPrivateKey {
  const { der, label } = derOf(input, [PEM_LABELS.pkcs1Private, PEM_LABELS.pkcs1Public], 'input');
  const isPublic = label === undefined ? isPkcs1Public(der) : label === PEM_LABELS.pkcs1Public;
  return derParseSequence(der, isPublic ? readRsaPublicKey : readRsaPrivateKey);
}

/**
 * Exports an RSA key as PKCS#1 DER: RSAPrivateKey for a private key, RSAPublicKey for a public key
 * (pass `publicKeyOf(key)` for the public half).
 * @throws {TypeError|RangeError} when key is not a well-formed RSA key
 * @throws {CryptoError} ERR_RSA_KEY_INVALID for an inconsistent key; ERR_UNSUPPORTED_KEY for a PSS-restricted
 * key, whose restrictions PKCS#1 cannot carry
 */
export function exportPkcs1(key: RsaPublicKey | RsaPrivateKey): Uint8Array {
  assertKey(key, 'key');
  if (key.kty !== 'RSA') throw new TypeError('key must be an RSA key for PKCS#1');
  if (rsaPssParamsOf(key) !== undefined) {
    throw new CryptoError(
      'ERR_UNSUPPORTED_KEY',
      'PKCS#1 cannot carry RSASSA-PSS restrictions; use SPKI or PKCS#8',
    );
  }
  return 'd' in key ? rsaPrivateKeyDer(key) : rsaPublicKeyDer(key);
}
