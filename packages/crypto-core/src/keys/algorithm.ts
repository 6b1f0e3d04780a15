// Key AlgorithmIdentifiers (RFC 5280 §4.1.1.2) in SPKI and PKCS#8: RSA, RSASSA-PSS, named-curve EC, Ed25519.
import { type DerReader, DerTag, derNull, derOid, derSequence } from '../der.js';
import { ecCurveByOid, ecCurveParams } from '../ec-curves.js';
import { CryptoError } from '../errors.js';
import type { EcCurve, PublicKey } from '../key-types.js';
import { pssParamsDer, type RsaPssKeyParams, readPssParams, rsaPssParamsOf } from './rsa-pss.js';

const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1'; // RFC 8017 App. A.1
const OID_RSASSA_PSS = '1.2.840.113549.1.1.10'; // RFC 8017 App. A.2.3
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1'; // RFC 5480 §2.1.1
/** id-Ed25519 (RFC 8410 §3), for keys and for signatures (RFC 8410 §6). */
export const OID_ED25519 = '1.3.101.112';

/** What a key AlgorithmIdentifier says about the key that follows it. */
export type KeyAlgorithm =
  | { readonly kind: 'rsa'; readonly pss?: RsaPssKeyParams | undefined }
  | { readonly kind: 'ec'; readonly curve: EcCurve }
  | { readonly kind: 'ed25519' };

/**
 * RFC 5480 §2.1.1 ECParameters: only namedCurve is supported (implicitCurve and specifiedCurve are not).
 * @throws {CryptoError} ERR_UNSUPPORTED_KEY for other parameters or an unknown curve
 */
export function readNamedCurve(reader: DerReader): EcCurve {
  if (reader.peekTag() !== DerTag.OID)
    throw new CryptoError('ERR_UNSUPPORTED_KEY', 'EC parameters must be a named curve');
  const oid = reader.readOid();
  const params = ecCurveByOid(oid);
  if (params === undefined) throw new CryptoError('ERR_UNSUPPORTED_KEY', `unsupported EC curve ${oid}`);
  return params.curve;
}

/**
 * Reads a key AlgorithmIdentifier.
 * @throws {CryptoError} ERR_DER_DECODE for wrong parameters; ERR_UNSUPPORTED_KEY for an unknown algorithm
 */
export function readKeyAlgorithm(reader: DerReader): KeyAlgorithm {
  const algorithm = reader.readSequence();
  const oid = algorithm.readOid();
  let result: KeyAlgorithm;
  switch (oid) {
    case OID_RSA_ENCRYPTION:
      algorithm.readNull(); // RFC 3279 §2.3.1: parameters MUST be NULL.
      result = { kind: 'rsa' };
      break;
    case OID_RSASSA_PSS:
      // RFC 4055 §1.2: absent parameters mean "no restrictions".
      result = { kind: 'rsa', pss: algorithm.atEnd() ? undefined : readPssParams(algorithm) };
      break;
    case OID_EC_PUBLIC_KEY:
      result = { kind: 'ec', curve: readNamedCurve(algorithm) };
      break;
    case OID_ED25519:
      result = { kind: 'ed25519' }; // RFC 8410 §3: parameters MUST be absent.
      break;
    default:
      throw new CryptoError('ERR_UNSUPPORTED_KEY', `unsupported key algorithm ${oid}`);
  }
  algorithm.end();
  return result;
}

/** The AlgorithmIdentifier of a public key, as SPKI and PKCS#8 write it. */
export function keyAlgorithmDer(key: PublicKey): Uint8Array {
  switch (key.kty) {
    case 'RSA': {
      const pss = rsaPssParamsOf(key);
      if (pss === undefined) return derSequence(derOid(OID_RSA_ENCRYPTION), derNull());
      return derSequence(derOid(OID_RSASSA_PSS), pssParamsDer(pss));
    }
    case 'EC':
      return derSequence(derOid(OID_EC_PUBLIC_KEY), derOid(ecCurveParams(key.curve).oid));
    case 'OKP':
      return derSequence(derOid(OID_ED25519));
  }
}
