// ECDSA (SEC 1 v2 §4.1) over P-256, P-384, P-521 and secp256k1 through @noble/curves, RFC 6979 nonces by default.
import { type ECDSA, ecdsa } from '@noble/curves/abstract/weierstrass.js';
import { abytes, aobject, aoneOf, astring } from './assert.js';
import { EC_CURVE_PARAMS, type EcCurveParams, ecCurveParams } from './ec-curves.js';
import { bytesToBigInt } from './encoding.js';
import { CryptoError } from './errors.js';
import { getHash, HASH_NAMES, type HashName } from './hash.js';
import { EC_CURVES, type EcCurve, type EcPrivateKey, type EcPublicKey } from './key-types.js';
import { digestOf, type SignInput } from './sign-input.js';
import {
  ECDSA_SIGNATURE_FORMATS,
  type EcdsaSignature,
  type EcdsaSignatureFormat,
  encodeEcdsaSignature,
  parseEcdsaSignature,
} from './signature-format.js';

export {
  EC_CURVE_PARAMS,
  type EcCurveParams,
  type EcdsaJoseAlgorithm,
  ecCurveByOid,
  ecCurveParams,
} from './ec-curves.js';

/** Options of {@link ecdsaSign}. */
export interface EcdsaSignParams {
  /** Hash applied to `input.message`; `input.digest` must have its output length. */
  readonly hash: HashName;
  /** Output encoding, `'der'` by default. */
  readonly format?: EcdsaSignatureFormat;
  /**
   * RFC 6979 §3.6 additional data k'. Off by default (plain RFC 6979, deterministic); `true` draws fresh
   * random bytes for every signature, a Uint8Array is mixed in as given.
   */
  readonly hedged?: boolean | Uint8Array;
  /**
   * Replace s by n - s when s > n/2. Default per curve: `true` for secp256k1 (the Bitcoin/Ethereum rule,
   * BIP 62/146), `false` for P-256/384/521, so that RFC 6979 App. A.2 outputs are reproduced exactly.
   */
  readonly lowS?: boolean;
}

/** Options of {@link ecdsaVerify}. */
export interface EcdsaVerifyParams {
  /** Hash applied to `input.message`; `input.digest` must have its output length. */
  readonly hash: HashName;
  /** Encoding of `signature`, `'der'` by default. */
  readonly format?: EcdsaSignatureFormat;
  /**
   * Reject s > n/2. Default `false` on every curve: SEC 1 §4.1.4 and OpenSSL accept both halves.
   * Set it for Bitcoin-style non-malleable verification.
   */
  readonly lowS?: boolean;
}

// Fixed-base table window for k·G. noble builds a width-6 table by default; width 8 makes k·G (the bulk
// of keygen and signing) about 1.3x faster for a one-time build of 0.1-0.5 s. Built once per curve, on the
// first secret-scalar operation, so importing this module costs nothing.
const BASE_TABLE_WINDOW = 8;
const curvesWithBaseTable = new Set<EcCurve>();

function withBaseTable(params: EcCurveParams): ECDSA {
  if (!curvesWithBaseTable.has(params.curve)) {
    params.noble.Point.BASE.precompute(BASE_TABLE_WINDOW, false);
    curvesWithBaseTable.add(params.curve);
  }
  return params.noble;
}

// RFC 6979 §3.2 runs HMAC-DRBG with the message hash H. noble's presets fix H per curve (SHA-256 for
// P-256, ...), so signing uses one instance per (curve, hash) over the same Point, hence the same base table.
const signers = new Map<string, ECDSA>();

function signerFor(params: EcCurveParams, hash: HashName): ECDSA {
  const id = `${params.curve}/${hash}`;
  let signer = signers.get(id);
  if (signer === undefined) {
    signer = ecdsa(withBaseTable(params).Point, getHash(hash).noble);
    signers.set(id, signer);
  }
  return signer;
}

// Input checks of an EC key object; returns its curve's parameters.
function checkEcKey(key: unknown, name: string): EcCurveParams {
  aobject(key, name);
  if (key.kty !== 'EC') throw new TypeError(`${name}.kty must be 'EC'`);
  aoneOf(key.curve, EC_CURVES, `${name}.curve`);
  const params = EC_CURVE_PARAMS[key.curve];
  abytes(key.point, `${name}.point`, 1 + 2 * params.fieldBytes);
  return params;
}

// SEC 1 §3.2.1: a private key is an integer d in [1, n-1], here as fieldBytes big-endian bytes.
function checkScalar(d: unknown, name: string, params: EcCurveParams): void {
  abytes(d, name, params.fieldBytes);
  const value = bytesToBigInt(d);
  if (value === 0n || value >= params.n)
    throw new RangeError(`${name} must be in [1, n-1] for ${params.curve}`);
}

/**
 * Checks the params of ecdsaSign and ecdsaVerify. They come before the input, so a call in the old order (input
 * first) fails here with a TypeError naming `params.hash`.
 */
function checkParams(params: unknown): asserts params is EcdsaVerifyParams {
  aobject(params, 'params');
  astring(params.hash, 'params.hash');
  aoneOf(params.hash, HASH_NAMES, 'params.hash');
}

function checkFormat(format: unknown, name: string): EcdsaSignatureFormat {
  if (format === undefined) return 'der';
  aoneOf(format, ECDSA_SIGNATURE_FORMATS, name);
  return format;
}

function checkBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean`);
  return value;
}

/**
 * A fresh random key pair (SEC 1 §3.2.1) on `curve`.
 * @throws {RangeError} for an unsupported curve
 */
export function generateEcKey(curve: EcCurve): EcPrivateKey {
  const params = ecCurveParams(curve);
  const noble = withBaseTable(params);
  const d = noble.utils.randomSecretKey();
  return { kty: 'EC', curve, point: noble.getPublicKey(d, false), d };
}

/**
 * The public key Q = d·G of a private scalar (SEC 1 §3.2.1 step 3).
 * @throws {TypeError} when `d` is not a Uint8Array
 * @throws {RangeError} for an unsupported curve, when `d` is not field-size bytes, or d is not in [1, n-1]
 */
export function ecPublicKeyFromPrivate(curve: EcCurve, d: Uint8Array): EcPublicKey {
  const params = ecCurveParams(curve);
  checkScalar(d, 'd', params);
  return { kty: 'EC', curve, point: withBaseTable(params).getPublicKey(d, false) };
}

/**
 * Checks an uncompressed point 04||X||Y (SEC 1 §2.3.4) against SEC 1 §3.2.2.1: not infinity, coordinates
 * below p, on the curve (the cofactor is 1 on every supported curve, so n·Q = O follows).
 * @throws {TypeError} when `point` is not a Uint8Array
 * @throws {RangeError} for an unsupported curve or a wrong length
 * @throws {CryptoError} ERR_INVALID_INPUT when the point is not uncompressed or not a valid curve point
 */
export function validateEcPoint(curve: EcCurve, point: Uint8Array): void {
  const params = ecCurveParams(curve);
  abytes(point, 'point', 1 + 2 * params.fieldBytes);
  if (point[0] !== 0x04) throw new CryptoError('ERR_INVALID_INPUT', 'point must be uncompressed (04||X||Y)');
  decodePoint(params, point);
}

/**
 * Decodes a compressed (02/03||X) or uncompressed (04||X||Y) point (SEC 1 §2.3.4), validates it like
 * {@link validateEcPoint} and returns the uncompressed form that `EcPublicKey.point` holds.
 * @throws {TypeError} when `encoded` is not a Uint8Array
 * @throws {RangeError} for an unsupported curve
 * @throws {CryptoError} ERR_INVALID_INPUT when the bytes are not a valid point encoding on `curve`
 */
export function decodeEcPoint(curve: EcCurve, encoded: Uint8Array): Uint8Array {
  const params = ecCurveParams(curve);
  abytes(encoded, 'point');
  const { fieldBytes } = params;
  const prefix = encoded[0];
  const expected =
    prefix === 0x04 ? 1 + 2 * fieldBytes : prefix === 0x02 || prefix === 0x03 ? 1 + fieldBytes : -1;
  if (encoded.length !== expected)
    throw new CryptoError('ERR_INVALID_INPUT', `not a SEC 1 point encoding for ${curve}`);
  return decodePoint(params, encoded).toBytes(false);
}

function decodePoint(params: EcCurveParams, encoded: Uint8Array) {
  try {
    const point = params.noble.Point.fromBytes(encoded);
    point.assertValidity();
    return point;
  } catch (cause) {
    throw new CryptoError('ERR_INVALID_INPUT', `point is not on ${params.curve}`, { cause });
  }
}

/**
 * Signs a message or digest (SEC 1 §4.1.3) with an RFC 6979 nonce, hedged when asked (see
 * {@link EcdsaSignParams} for the low-S policy). Only `key.d` is used; `key.point` is shape-checked.
 * @throws {TypeError} on a wrong key, input or option type
 * @throws {RangeError} on an unknown curve, hash or format, a digest of the wrong length, or d not in [1, n-1]
 */
export function ecdsaSign(key: EcPrivateKey, params: EcdsaSignParams, input: SignInput): Uint8Array {
  const curveParams = checkEcKey(key, 'key');
  checkScalar(key.d, 'key.d', curveParams);
  checkParams(params);
  const format = checkFormat(params.format, 'params.format');
  const lowS = checkBoolean(params.lowS, 'params.lowS', curveParams.curve === 'secp256k1');
  const hedged = params.hedged ?? false;
  if (typeof hedged !== 'boolean') abytes(hedged, 'params.hedged');
  // SEC 1 §4.1.3 step 4: H = Hash(M), or the caller's H.
  const digest = digestOf(input, params.hash);
  // Steps 1-3, 5-6 inside noble: e = bits2int(H) (the leftmost bits of H, step 5), k by RFC 6979 §3.2
  // (HMAC-DRBG over the same hash, with k' of §3.6 when hedged), R = k·G, r = x_R mod n, s = k^-1(e + r·d).
  const compact = signerFor(curveParams, params.hash).sign(digest, key.d, {
    prehash: false,
    lowS,
    format: 'compact',
    extraEntropy: hedged,
  });
  if (format === 'p1363') return compact;
  return encodeEcdsaSignature(
    parseEcdsaSignature(compact, 'p1363', curveParams.curve),
    format,
    curveParams.curve,
  );
}

/**
 * Verifies a signature (SEC 1 §4.1.4). Fails closed: a malformed signature, an invalid point or any
 * failure inside the curve code gives `false`.
 * @throws {TypeError} on a wrong key, input, signature or option type
 * @throws {RangeError} on an unknown curve, hash or format, a point or digest of the wrong length
 */
export function ecdsaVerify(
  key: EcPublicKey,
  params: EcdsaVerifyParams,
  input: SignInput,
  signature: Uint8Array,
): boolean {
  const curveParams = checkEcKey(key, 'key');
  checkParams(params);
  abytes(signature, 'signature');
  const format = checkFormat(params.format, 'params.format');
  const lowS = checkBoolean(params.lowS, 'params.lowS', false);
  const digest = digestOf(input, params.hash);
  let pair: EcdsaSignature;
  try {
    // Step 1: r, s in [1, n-1], strictly encoded.
    pair = parseEcdsaSignature(signature, format, curveParams.curve);
  } catch {
    return false;
  }
  try {
    const compact = format === 'p1363' ? signature : encodeEcdsaSignature(pair, 'p1363', curveParams.curve);
    // Steps 2-8 inside noble: e = bits2int(H), u1 = e·s^-1, u2 = r·s^-1, R = u1·G + u2·Q, accept iff x_R mod n = r.
    // noble decodes and validates Q first (SEC 1 §3.2.2.1) and answers false when it is not a curve point.
    return curveParams.noble.verify(compact, digest, key.point, { prehash: false, lowS, format: 'compact' });
  } catch {
    return false;
  }
}
