// ECDSA signature encodings (X9.62 DER, IEEE P1363 r||s, JOSE) converted through one strict { r, s } form.
import { abigint, abytes, aobject, aoneOf } from './assert.js';
import { DerReader, derInteger, derSequence } from './der.js';
import { ecCurveParams } from './ec-curves.js';
import { base64urlToBytes, bigIntToBytes, bytesToBase64url, bytesToBigInt, concatBytes } from './encoding.js';
import { CryptoError } from './errors.js';
import type { EcCurve } from './key-types.js';

/** Byte encodings of an ECDSA signature: `der` = X9.62 Ecdsa-Sig-Value, `p1363` = fixed-size r||s. */
export type EcdsaSignatureFormat = 'der' | 'p1363';

/** The byte formats, for input checks. */
export const ECDSA_SIGNATURE_FORMATS = Object.freeze([
  'der',
  'p1363',
] as const satisfies readonly EcdsaSignatureFormat[]);

/** An ECDSA signature as a pair of integers, 0 < r, s < n. Every conversion goes through this form. */
export interface EcdsaSignature {
  readonly r: bigint;
  readonly s: bigint;
}

function formatError(message: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_SIGNATURE_FORMAT', message, cause === undefined ? undefined : { cause });
}

// SEC 1 §4.1.4 step 1: r and s must both lie in [1, n-1].
function checkRange(signature: EcdsaSignature, n: bigint): EcdsaSignature {
  if (signature.r <= 0n || signature.r >= n) throw formatError('r is not in [1, n-1]');
  if (signature.s <= 0n || signature.s >= n) throw formatError('s is not in [1, n-1]');
  return signature;
}

/**
 * Parses a DER or P1363 signature into `{ r, s }`. DER must be minimal (X.690 §10) with no trailing
 * bytes; P1363 must be exactly twice the field size; both need 0 < r, s < n.
 * @throws {TypeError} when `bytes` is not a Uint8Array
 * @throws {RangeError} for an unknown format or curve
 * @throws {CryptoError} ERR_SIGNATURE_FORMAT on any encoding or range violation
 */
export function parseEcdsaSignature(
  bytes: Uint8Array,
  format: EcdsaSignatureFormat,
  curve: EcCurve,
): EcdsaSignature {
  abytes(bytes, 'signature');
  aoneOf(format, ECDSA_SIGNATURE_FORMATS, 'format');
  const { fieldBytes, n } = ecCurveParams(curve);
  if (format === 'p1363') {
    // IEEE 1363-2000 §7.2.1 / RFC 7518 §3.4: r and s as fixed-size big-endian octet strings.
    if (bytes.length !== 2 * fieldBytes) {
      throw formatError(`P1363 signature for ${curve} must be ${2 * fieldBytes} bytes, got ${bytes.length}`);
    }
    const r = bytesToBigInt(bytes.subarray(0, fieldBytes));
    const s = bytesToBigInt(bytes.subarray(fieldBytes));
    return checkRange({ r, s }, n);
  }
  // X9.62 / RFC 3279 §2.2.3: Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
  let signature: EcdsaSignature;
  try {
    const outer = new DerReader(bytes);
    const sequence = outer.readSequence();
    const r = sequence.readUnsignedInteger();
    const s = sequence.readUnsignedInteger();
    sequence.end();
    outer.end();
    signature = { r, s };
  } catch (cause) {
    throw formatError(`invalid DER signature: ${(cause as Error).message}`, cause);
  }
  return checkRange(signature, n);
}

/**
 * Encodes `{ r, s }` as DER (minimal INTEGERs) or P1363 (each padded to the field size).
 * @throws {TypeError} when r or s is not a bigint
 * @throws {RangeError} for an unknown format or curve
 * @throws {CryptoError} ERR_SIGNATURE_FORMAT when r or s is not in [1, n-1]
 */
export function encodeEcdsaSignature(
  signature: EcdsaSignature,
  format: EcdsaSignatureFormat,
  curve: EcCurve,
): Uint8Array {
  aobject(signature, 'signature');
  abigint(signature.r, 'signature.r');
  abigint(signature.s, 'signature.s');
  aoneOf(format, ECDSA_SIGNATURE_FORMATS, 'format');
  const { fieldBytes, n } = ecCurveParams(curve);
  const { r, s } = checkRange(signature, n);
  if (format === 'p1363') return concatBytes(bigIntToBytes(r, fieldBytes), bigIntToBytes(s, fieldBytes));
  return derSequence(derInteger(r), derInteger(s));
}

/**
 * Converts a signature between byte formats, through `{ r, s }` (so the output is always canonical).
 * @throws {TypeError} when `signature` is not a Uint8Array
 * @throws {RangeError} for an unknown format or curve
 * @throws {CryptoError} ERR_SIGNATURE_FORMAT when the input is not a strict encoding of a valid pair
 */
export function convertEcdsaSignature(
  signature: Uint8Array,
  from: EcdsaSignatureFormat,
  to: EcdsaSignatureFormat,
  curve: EcCurve,
): Uint8Array {
  aoneOf(to, ECDSA_SIGNATURE_FORMATS, 'to');
  return encodeEcdsaSignature(parseEcdsaSignature(signature, from, curve), to, curve);
}

/**
 * Parses a JOSE ECDSA signature (RFC 7518 §3.4: unpadded base64url of P1363 r||s).
 * @throws {TypeError} when `text` is not a string
 * @throws {RangeError} for an unknown curve
 * @throws {CryptoError} ERR_SIGNATURE_FORMAT on bad base64url, a wrong length or r, s out of range
 */
export function parseJoseEcdsaSignature(text: string, curve: EcCurve): EcdsaSignature {
  if (typeof text !== 'string') throw new TypeError('signature must be a string');
  let bytes: Uint8Array;
  try {
    bytes = base64urlToBytes(text);
  } catch (cause) {
    throw formatError('JOSE signature is not valid base64url', cause);
  }
  return parseEcdsaSignature(bytes, 'p1363', curve);
}

/**
 * Encodes `{ r, s }` as a JOSE signature (RFC 7518 §3.4).
 * @throws {TypeError} when r or s is not a bigint
 * @throws {RangeError} for an unknown curve
 * @throws {CryptoError} ERR_SIGNATURE_FORMAT when r or s is not in [1, n-1]
 */
export function encodeJoseEcdsaSignature(signature: EcdsaSignature, curve: EcCurve): string {
  return bytesToBase64url(encodeEcdsaSignature(signature, 'p1363', curve));
}
