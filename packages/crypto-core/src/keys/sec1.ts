// SEC1 EC private keys (RFC 5915 §3): ECPrivateKey as DER or PEM `EC PRIVATE KEY`, alone or inside PKCS#8.
import {
  type DerReader,
  derBitString,
  derContext,
  derInteger,
  derOctetString,
  derOid,
  derParseSequence,
  derSequence,
} from '../der.js';
import { ecCurveParams } from '../ec-curves.js';
import { CryptoError } from '../errors.js';
import type { EcCurve, EcPrivateKey } from '../key-types.js';
import { readNamedCurve } from './algorithm.js';
import { derOf, PEM_LABELS } from './format.js';
import { assertKey, checkedEcPrivateKey } from './key-objects.js';

/**
 * RFC 5915 §3 ECPrivateKey, read inside its SEQUENCE; `algorithmCurve` is the curve a PKCS#8
 * AlgorithmIdentifier named, if any.
 */
export function readEcPrivateKey(reader: DerReader, algorithmCurve?: EcCurve): EcPrivateKey {
  const version = reader.readSmallInteger();
  if (version !== 1)
    throw new CryptoError('ERR_UNSUPPORTED_KEY', `unsupported ECPrivateKey version ${version}`);
  const privateKey = reader.readOctetString();
  const parametersCurve = reader.readOptionalExplicit(0, readNamedCurve);
  if (parametersCurve !== undefined && algorithmCurve !== undefined && parametersCurve !== algorithmCurve) {
    throw new CryptoError(
      'ERR_KEY_MISMATCH',
      `ECPrivateKey curve ${parametersCurve} differs from the algorithm's ${algorithmCurve}`,
    );
  }
  // RFC 5915 §3: parameters MUST be present outside PKCS#8, which names the curve in its AlgorithmIdentifier.
  const curve = parametersCurve ?? algorithmCurve;
  if (curve === undefined) throw new CryptoError('ERR_DER_DECODE', 'ECPrivateKey without curve parameters');
  const publicBytes = reader.readOptionalExplicit(1, (field) => field.readBitString());
  // RFC 5915 §3: privateKey is an octet string of length ceiling(log2(n) / 8).
  const fieldBytes = ecCurveParams(curve).fieldBytes;
  if (privateKey.length !== fieldBytes) {
    throw new CryptoError(
      'ERR_INVALID_INPUT',
      `${curve} private key must be ${fieldBytes} bytes, got ${privateKey.length}`,
    );
  }
  return checkedEcPrivateKey(curve, privateKey, publicBytes);
}

/** ECPrivateKey DER with the public key; the curve OID only when `withParameters` (not inside PKCS#8). */
export function ecPrivateKeyDer(key: EcPrivateKey, withParameters: boolean): Uint8Array {
  return derSequence(
    derInteger(1n),
    derOctetString(key.d),
    ...(withParameters ? [derContext(0, derOid(ecCurveParams(key.curve).oid))] : []),
    derContext(1, derBitString(key.point)),
  );
}

/**
 * Imports a SEC1 ECPrivateKey (RFC 5915) with named-curve parameters, as DER or PEM `EC PRIVATE KEY`.
 * An embedded public key must match the scalar.
 * @throws {TypeError} when input is neither a Uint8Array nor a string
 * @throws {CryptoError} ERR_PEM_DECODE, ERR_DER_DECODE, ERR_UNSUPPORTED_KEY (curve), ERR_INVALID_INPUT,
 * ERR_KEY_MISMATCH
 */
export function importSec1(input: Uint8Array | string): EcPrivateKey {
  const { der } = derOf(input, [PEM_LABELS.sec1], 'input');
  return derParseSequence(der, (reader) => readEcPrivateKey(reader));
}

/**
 * Exports an EC private key as SEC1 ECPrivateKey DER, with the curve OID and the public key.
 * @throws {TypeError|RangeError} when key is not a well-formed EC private key
 * @throws {CryptoError} ERR_INVALID_INPUT when key.point is not on the curve
 */
export function exportSec1(key: EcPrivateKey): Uint8Array {
  assertKey(key, 'key');
  if (key.kty !== 'EC' || !('d' in key)) throw new TypeError('key must be an EC private key for SEC1');
  return ecPrivateKeyDer(key, true);
}
