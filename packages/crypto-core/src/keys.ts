// Key formats: PKCS#1, PKCS#8, SPKI and SEC1 (DER or PEM), JWK, and RFC 7638 JWK thumbprints.
import { ed25519 } from '@noble/curves/ed25519.js';
import { abigint, abytes, aobject, aoneOf, astring } from './assert.js';
import {
  contextTag,
  type DerElement,
  DerReader,
  DerTag,
  derBitString,
  derContext,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
} from './der.js';
import { type EcCurveParams, ecCurveByOid, ecCurveParams } from './ec-curves.js';
import { decodeEcPoint, ecPublicKeyFromPrivate } from './ecdsa.js';
import { ed25519PublicKeyFromSeed } from './eddsa.js';
import {
  base64urlToBytes,
  bigIntToBytes,
  bytesToBase64url,
  bytesToBigInt,
  equalBytes,
  utf8ToBytes,
} from './encoding.js';
import { CryptoError, type CryptoErrorCode } from './errors.js';
import { getHash, type HashName, hashByOid } from './hash.js';
import {
  EC_CURVES,
  type EcCurve,
  type EcPrivateKey,
  type EcPublicKey,
  type Key,
  type OkpPrivateKey,
  type OkpPublicKey,
  type PrivateKey,
  type PublicKey,
  type RsaPrivateKey,
  type RsaPublicKey,
  type SymmetricKey,
} from './key-types.js';
import { isPem, pemDecode, pemEncode } from './pem.js';
import { rsaPrivateKeyFromComponents, validateRsaPrivateKey } from './rsa.js';

// ---------------------------------------------------------------------------------------------------------
// Public types

/** The DER key formats crypto-core reads and writes. */
export const KEY_FORMATS = ['pkcs1', 'pkcs8', 'spki', 'sec1'] as const;
/** A DER key format: PKCS#1 (RSA), PKCS#8 (private), SPKI (public), SEC1 (EC private). */
export type KeyFormat = (typeof KEY_FORMATS)[number];

/**
 * The restrictions an id-RSASSA-PSS key carries (RFC 4055 §3.1, RFC 8017 §A.2.3): the key may only be
 * used for RSASSA-PSS with this hash, this MGF1 hash and at least this salt length.
 */
export interface RsaPssKeyParams {
  readonly hash: HashName;
  readonly mgfHash: HashName;
  readonly saltLength: number;
}

/** An RSA key imported from an id-RSASSA-PSS structure with parameters; it is still an RSA key. */
export type RsaPssRestricted<K extends RsaPublicKey = RsaPublicKey> = K & { readonly pss: RsaPssKeyParams };

/** A JSON Web Key (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2) as crypto-core reads and writes it. */
export interface Jwk {
  kty: string;
  kid?: string;
  use?: string;
  alg?: string;
  key_ops?: string[];
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  k?: string;
  [member: string]: unknown;
}

/** Options of `exportJwk`. */
export interface ExportJwkOptions {
  /** Export only the public members of a private key (default false: a private key exports private members). */
  readonly publicOnly?: boolean;
  /** Key ID (RFC 7517 §4.5). */
  readonly kid?: string;
  /** Algorithm the key is for (RFC 7517 §4.4); must fit the key. */
  readonly alg?: string;
  /** Public key use (RFC 7517 §4.2); crypto-core keys are signing keys, so only `sig`. */
  readonly use?: 'sig';
}

// ---------------------------------------------------------------------------------------------------------
// OIDs and tables

const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1'; // RFC 8017 §A.1
const OID_RSASSA_PSS = '1.2.840.113549.1.1.10'; // RFC 8017 §A.2.3
const OID_MGF1 = '1.2.840.113549.1.1.8'; // RFC 8017 §B.2.1
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1'; // RFC 5480 §2.1.1
const OID_ED25519 = '1.3.101.112'; // RFC 8410 §3

/** Hashes allowed in RSASSA-PSS parameters (RFC 8017 §A.2.3 OAEP-PSSDigestAlgorithms). */
const PSS_HASHES = ['SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'] as const;
// RFC 4055 §3.1 defaults: sha1, mgf1SHA1, saltLength 20, trailerField 1.
const PSS_DEFAULTS: RsaPssKeyParams = { hash: 'SHA-1', mgfHash: 'SHA-1', saltLength: 20 };

const PEM_LABELS = {
  pkcs8: 'PRIVATE KEY',
  spki: 'PUBLIC KEY',
  pkcs1Private: 'RSA PRIVATE KEY',
  pkcs1Public: 'RSA PUBLIC KEY',
  sec1: 'EC PRIVATE KEY',
} as const;

/** JWS `alg` values (RFC 7518 §3.1, RFC 8037 §3.1, RFC 8812 §3.2) that fit each key family. */
const JWK_ALGS = {
  RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  OKP: ['EdDSA', 'Ed25519'],
  oct: ['HS256', 'HS384', 'HS512'],
} as const;

const ED25519_LENGTH = 32;

// ---------------------------------------------------------------------------------------------------------
// Small helpers

function keyError(code: CryptoErrorCode, message: string, cause?: unknown): CryptoError {
  return new CryptoError(code, message, cause === undefined ? undefined : { cause });
}

/** DER bytes from DER or from PEM with `labels`; returns the label found (undefined for DER). */
function derOf(
  input: Uint8Array | string,
  labels: readonly string[],
  name: string,
): { der: Uint8Array; label?: string } {
  if (typeof input === 'string') {
    const block = pemDecode(input);
    if (!labels.includes(block.label)) {
      throw keyError(
        'ERR_PEM_DECODE',
        `${name}: expected PEM label ${labels.map((label) => JSON.stringify(label)).join(' or ')}, found ${JSON.stringify(block.label)}`,
      );
    }
    return { der: block.der, label: block.label };
  }
  abytes(input, name);
  return { der: input };
}

/** A reader over the content of an EXPLICIT [n] element. */
function explicitContent(element: DerElement): DerReader {
  return new DerReader(element.value, element.offset + element.encoded.length - element.value.length);
}

/** Runs a DER parse over `der`: one outer SEQUENCE, nothing after it. */
function parseSequence<T>(der: Uint8Array, parse: (reader: DerReader) => T): T {
  const outer = new DerReader(der);
  const reader = outer.readSequence();
  const result = parse(reader);
  reader.end();
  outer.end();
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Key validation

/** RFC 8017 §3.1: n odd, 3 <= e < n, e odd. Sizes are the signing engine's policy, not checked here. */
function checkRsaPublic(n: bigint, e: bigint): void {
  if (n < 3n || (n & 1n) === 0n)
    throw keyError('ERR_RSA_KEY_INVALID', 'RSA modulus must be odd and greater than 2');
  if (e < 3n || e >= n || (e & 1n) === 0n) {
    throw keyError('ERR_RSA_KEY_INVALID', 'RSA public exponent must be odd and in [3, n)');
  }
}

/** The uncompressed public point d·G; d must be field-size and in [1, n-1] (SEC 1 §3.2.1). */
function ecPublicFromScalar(params: EcCurveParams, d: Uint8Array): Uint8Array {
  const value = bytesToBigInt(d);
  if (d.length !== params.fieldBytes || value === 0n || value >= params.n) {
    throw keyError('ERR_INVALID_INPUT', `EC private scalar is not in [1, n-1] for ${params.curve}`);
  }
  return ecPublicKeyFromPrivate(params.curve, d).point;
}

/** RFC 8032 §5.1.3: a 32-byte Ed25519 public key must decode to a curve point. */
function checkEd25519Public(publicKey: Uint8Array): void {
  try {
    ed25519.Point.fromBytes(publicKey);
  } catch (cause) {
    throw keyError('ERR_INVALID_INPUT', 'Ed25519 public key is not a valid point', cause);
  }
}

function makeEcPublic(curve: EcCurve, bytes: Uint8Array): EcPublicKey {
  return { kty: 'EC', curve, point: decodeEcPoint(curve, bytes) };
}

/** An EC private key from its scalar; `publicBytes`, when the encoding carried it, must match. */
function makeEcPrivate(curve: EcCurve, d: Uint8Array, publicBytes?: Uint8Array): EcPrivateKey {
  const params = ecCurveParams(curve);
  const point = ecPublicFromScalar(params, d);
  if (publicBytes !== undefined && !equalBytes(decodeEcPoint(curve, publicBytes), point)) {
    throw keyError('ERR_KEY_MISMATCH', 'EC public key does not match the private scalar');
  }
  return { kty: 'EC', curve, point, d: d.slice() };
}

function makeOkpPublic(publicKey: Uint8Array): OkpPublicKey {
  if (publicKey.length !== ED25519_LENGTH)
    throw keyError('ERR_INVALID_INPUT', 'Ed25519 public key must be 32 bytes');
  checkEd25519Public(publicKey);
  return { kty: 'OKP', curve: 'Ed25519', publicKey: publicKey.slice() };
}

/** RFC 8032 §5.1.5: the public key is derived from the seed; `publicBytes`, when carried, must match. */
function makeOkpPrivate(seed: Uint8Array, publicBytes?: Uint8Array): OkpPrivateKey {
  if (seed.length !== ED25519_LENGTH)
    throw keyError('ERR_INVALID_INPUT', 'Ed25519 private key must be 32 bytes');
  const { publicKey } = ed25519PublicKeyFromSeed(seed);
  if (publicBytes !== undefined && !equalBytes(publicBytes, publicKey)) {
    throw keyError('ERR_KEY_MISMATCH', 'Ed25519 public key does not match the private key');
  }
  return { kty: 'OKP', curve: 'Ed25519', publicKey, seed: seed.slice() };
}

/** Checks a key object handed to an exporter: types and sizes, RSA consistency, EC point on the curve. */
function assertKey(key: unknown, name: string): asserts key is Key {
  aobject(key, name);
  const k = key as Record<string, unknown>;
  aoneOf(k.kty, ['RSA', 'EC', 'OKP', 'oct'] as const, `${name}.kty`);
  switch (k.kty) {
    case 'RSA': {
      abigint(k.n, `${name}.n`);
      abigint(k.e, `${name}.e`);
      if ('d' in k) {
        for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const)
          abigint(k[member], `${name}.${member}`);
        validateRsaPrivateKey(k as unknown as RsaPrivateKey);
      } else {
        checkRsaPublic(k.n as bigint, k.e as bigint);
      }
      if (k.pss !== undefined) assertPssParams(k.pss, `${name}.pss`);
      return;
    }
    case 'EC': {
      aoneOf(k.curve, EC_CURVES, `${name}.curve`);
      const params = ecCurveParams(k.curve);
      abytes(k.point, `${name}.point`, 1 + 2 * params.fieldBytes);
      if (k.point[0] !== 4) throw new RangeError(`${name}.point must be an uncompressed point (0x04 prefix)`);
      // The point must be on the curve; d·G = point is checked on import, not recomputed on every export.
      decodeEcPoint(k.curve, k.point);
      if ('d' in k) abytes(k.d, `${name}.d`, params.fieldBytes);
      return;
    }
    case 'OKP': {
      aoneOf(k.curve, ['Ed25519'] as const, `${name}.curve`);
      abytes(k.publicKey, `${name}.publicKey`, ED25519_LENGTH);
      // publicKey = seed's public key is established on import, not recomputed on every export.
      if ('seed' in k) abytes(k.seed, `${name}.seed`, ED25519_LENGTH);
      return;
    }
    default:
      abytes(k.key, `${name}.key`);
      if (k.key.length === 0) throw new RangeError(`${name}.key must not be empty`);
  }
}

function assertPssParams(value: unknown, name: string): asserts value is RsaPssKeyParams {
  aobject(value, name);
  aoneOf(value.hash, PSS_HASHES, `${name}.hash`);
  aoneOf(value.mgfHash, PSS_HASHES, `${name}.mgfHash`);
  if (
    typeof value.saltLength !== 'number' ||
    !Number.isSafeInteger(value.saltLength) ||
    value.saltLength < 0
  ) {
    throw new RangeError(`${name}.saltLength must be a non-negative integer`);
  }
}

/** `key` with PSS restrictions attached (unchanged when there are none). */
function withPss<K extends RsaPublicKey>(key: K, pss: RsaPssKeyParams | undefined): K {
  return pss === undefined ? key : ({ ...key, pss } as K);
}

function isPrivate(key: Key): key is PrivateKey {
  return (
    (key.kty === 'RSA' && 'd' in key) ||
    (key.kty === 'EC' && 'd' in key) ||
    (key.kty === 'OKP' && 'seed' in key)
  );
}

/**
 * The PSS restrictions of an RSA key imported from an id-RSASSA-PSS structure, or undefined.
 * @throws {TypeError} when key is not an object
 */
export function rsaPssParamsOf(key: Key): RsaPssKeyParams | undefined {
  aobject(key, 'key');
  return key.kty === 'RSA' && 'pss' in key ? (key as unknown as RsaPssRestricted).pss : undefined;
}

/**
 * The public half of a key pair (a public key is returned as a fresh copy). PSS restrictions are kept.
 * @throws {TypeError} when key is not an RSA, EC or OKP key
 * @throws {CryptoError} ERR_UNSUPPORTED_KEY for a symmetric key, which has no public half
 */
export function publicKeyOf(key: RsaPublicKey | RsaPrivateKey): RsaPublicKey;
export function publicKeyOf(key: EcPublicKey | EcPrivateKey): EcPublicKey;
export function publicKeyOf(key: OkpPublicKey | OkpPrivateKey): OkpPublicKey;
export function publicKeyOf(key: PrivateKey | PublicKey): PublicKey;
export function publicKeyOf(key: PrivateKey | PublicKey): PublicKey {
  aobject(key, 'key');
  switch (key.kty) {
    case 'RSA': {
      abigint(key.n, 'key.n');
      abigint(key.e, 'key.e');
      return withPss({ kty: 'RSA', n: key.n, e: key.e }, rsaPssParamsOf(key));
    }
    case 'EC':
      aoneOf(key.curve, EC_CURVES, 'key.curve');
      abytes(key.point, 'key.point');
      return { kty: 'EC', curve: key.curve, point: key.point.slice() };
    case 'OKP':
      abytes(key.publicKey, 'key.publicKey', ED25519_LENGTH);
      return { kty: 'OKP', curve: 'Ed25519', publicKey: key.publicKey.slice() };
    default:
      if ((key as Key).kty === 'oct')
        throw keyError('ERR_UNSUPPORTED_KEY', 'a symmetric key has no public key');
      throw new TypeError('key.kty must be "RSA", "EC" or "OKP"');
  }
}

// ---------------------------------------------------------------------------------------------------------
// AlgorithmIdentifier (RFC 5280 §4.1.1.2) of keys

type KeyAlgorithm =
  | { readonly kind: 'rsa'; readonly pss?: RsaPssKeyParams | undefined }
  | { readonly kind: 'ec'; readonly curve: EcCurve }
  | { readonly kind: 'ed25519' };

/** Reads a hash AlgorithmIdentifier whose parameters are NULL or absent (RFC 4055 §2.1). */
function readHashAlgorithm(reader: DerReader, what: string): HashName {
  const algorithm = reader.readSequence();
  const oid = algorithm.readOid();
  if (!algorithm.atEnd()) algorithm.readNull();
  algorithm.end();
  const hash = hashByOid(oid);
  if (hash === undefined || !(PSS_HASHES as readonly string[]).includes(hash.name)) {
    throw keyError('ERR_UNSUPPORTED_KEY', `unsupported ${what} hash ${oid} in RSASSA-PSS parameters`);
  }
  return hash.name;
}

/** RFC 8017 §A.2.3 RSASSA-PSS-params; each field has a DEFAULT (RFC 4055 §3.1). */
function readPssParams(reader: DerReader): RsaPssKeyParams {
  const params = reader.readSequence();
  let { hash, mgfHash, saltLength } = PSS_DEFAULTS;
  const hashField = params.readOptional(contextTag(0));
  if (hashField !== undefined) {
    const field = explicitContent(hashField);
    hash = readHashAlgorithm(field, 'message');
    field.end();
  }
  const mgfField = params.readOptional(contextTag(1));
  if (mgfField !== undefined) {
    const field = explicitContent(mgfField);
    const mgf = field.readSequence();
    const mgfOid = mgf.readOid();
    if (mgfOid !== OID_MGF1)
      throw keyError('ERR_UNSUPPORTED_KEY', `unsupported mask generation function ${mgfOid}`);
    mgfHash = readHashAlgorithm(mgf, 'MGF1');
    mgf.end();
    field.end();
  }
  const saltField = params.readOptional(contextTag(2));
  if (saltField !== undefined) {
    const salt = explicitContent(saltField);
    const value = salt.readUnsignedInteger();
    salt.end();
    if (value > 0xffffn) throw keyError('ERR_UNSUPPORTED_KEY', 'RSASSA-PSS salt length is too large');
    saltLength = Number(value);
  }
  const trailerField = params.readOptional(contextTag(3));
  if (trailerField !== undefined) {
    const trailer = explicitContent(trailerField);
    // RFC 8017 §A.2.3: trailerField MUST be 1 (0xBC).
    if (trailer.readUnsignedInteger() !== 1n)
      throw keyError('ERR_UNSUPPORTED_KEY', 'RSASSA-PSS trailerField must be 1');
    trailer.end();
  }
  params.end();
  return { hash, mgfHash, saltLength };
}

function readKeyAlgorithm(reader: DerReader): KeyAlgorithm {
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
    case OID_EC_PUBLIC_KEY: {
      // RFC 5480 §2.1.1: ECParameters; only namedCurve is supported (implicitCurve, specifiedCurve are not).
      if (algorithm.peekTag() !== DerTag.OID)
        throw keyError('ERR_UNSUPPORTED_KEY', 'EC parameters must be a named curve');
      const curveOid = algorithm.readOid();
      const params = ecCurveByOid(curveOid);
      if (params === undefined) throw keyError('ERR_UNSUPPORTED_KEY', `unsupported EC curve ${curveOid}`);
      result = { kind: 'ec', curve: params.curve };
      break;
    }
    case OID_ED25519:
      result = { kind: 'ed25519' }; // RFC 8410 §3: parameters MUST be absent.
      break;
    default:
      throw keyError('ERR_UNSUPPORTED_KEY', `unsupported key algorithm ${oid}`);
  }
  algorithm.end();
  return result;
}

function hashAlgorithmDer(hash: HashName): Uint8Array {
  return derSequence(derOid(getHash(hash).oid), derNull());
}

/** RSASSA-PSS-params with DEFAULT values omitted (X.690 §11.5). */
function pssParamsDer(pss: RsaPssKeyParams): Uint8Array {
  const fields: Uint8Array[] = [];
  if (pss.hash !== 'SHA-1') fields.push(derContext(0, hashAlgorithmDer(pss.hash)));
  if (pss.mgfHash !== 'SHA-1')
    fields.push(derContext(1, derSequence(derOid(OID_MGF1), hashAlgorithmDer(pss.mgfHash))));
  if (pss.saltLength !== 20) fields.push(derContext(2, derInteger(BigInt(pss.saltLength))));
  return derSequence(...fields);
}

function keyAlgorithmDer(key: PublicKey): Uint8Array {
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

// ---------------------------------------------------------------------------------------------------------
// PKCS#1 (RFC 8017 §A.1)

function readRsaPublicKey(reader: DerReader): RsaPublicKey {
  const n = reader.readUnsignedInteger();
  const e = reader.readUnsignedInteger();
  checkRsaPublic(n, e);
  return { kty: 'RSA', n, e };
}

function readRsaPrivateKey(reader: DerReader): RsaPrivateKey {
  const version = reader.readSmallInteger();
  // RFC 8017 §A.1.2: version 1 (multi-prime) carries otherPrimeInfos, which crypto-core does not support.
  if (version !== 0)
    throw keyError('ERR_UNSUPPORTED_KEY', `unsupported RSAPrivateKey version ${version} (multi-prime)`);
  const [n, e, d, p, q, dp, dq, qi] = Array.from({ length: 8 }, () => reader.readUnsignedInteger()) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const key: RsaPrivateKey = { kty: 'RSA', n, e, d, p, q, dp, dq, qi };
  validateRsaPrivateKey(key);
  return key;
}

function rsaPublicKeyDer(key: RsaPublicKey): Uint8Array {
  return derSequence(derInteger(key.n), derInteger(key.e));
}

function rsaPrivateKeyDer(key: RsaPrivateKey): Uint8Array {
  const { n, e, d, p, q, dp, dq, qi } = key;
  return derSequence(derInteger(0n), ...[n, e, d, p, q, dp, dq, qi].map((value) => derInteger(value)));
}

/**
 * Imports a PKCS#1 RSAPublicKey or RSAPrivateKey (RFC 8017 §A.1), as DER or as PEM labelled
 * `RSA PUBLIC KEY` / `RSA PRIVATE KEY`. Private keys are checked for consistency.
 * @throws {TypeError} when input is neither a Uint8Array nor a string
 * @throws {CryptoError} ERR_PEM_DECODE, ERR_DER_DECODE, ERR_RSA_KEY_INVALID, ERR_UNSUPPORTED_KEY (multi-prime)
 */
export function importPkcs1(input: Uint8Array | string): RsaPublicKey | RsaPrivateKey {
  const { der, label } = derOf(input, [PEM_LABELS.pkcs1Private, PEM_LABELS.pkcs1Public], 'input');
  // RSAPrivateKey starts with a version and has nine INTEGERs; RSAPublicKey has exactly two.
  const isPublic = label === undefined ? isPkcs1Public(der) : label === PEM_LABELS.pkcs1Public;
  return parseSequence(der, isPublic ? readRsaPublicKey : readRsaPrivateKey);
}

/** True when PKCS#1 DER holds RSAPublicKey (exactly two elements) rather than RSAPrivateKey. */
function isPkcs1Public(der: Uint8Array): boolean {
  const reader = new DerReader(der).readSequence();
  let count = 0;
  for (; !reader.atEnd() && count < 3; count++) reader.read();
  return count === 2;
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
    throw keyError('ERR_UNSUPPORTED_KEY', 'PKCS#1 cannot carry RSASSA-PSS restrictions; use SPKI or PKCS#8');
  }
  return 'd' in key ? rsaPrivateKeyDer(key) : rsaPublicKeyDer(key);
}

// ---------------------------------------------------------------------------------------------------------
// SEC1 ECPrivateKey (RFC 5915 §3)

/** Reads ECPrivateKey; `algorithmCurve` is the curve from a PKCS#8 AlgorithmIdentifier, if any. */
function readEcPrivateKey(reader: DerReader, algorithmCurve?: EcCurve): EcPrivateKey {
  const version = reader.readSmallInteger();
  if (version !== 1) throw keyError('ERR_UNSUPPORTED_KEY', `unsupported ECPrivateKey version ${version}`);
  const privateKey = reader.readOctetString();
  let curve = algorithmCurve;
  const parametersField = reader.readOptional(contextTag(0));
  if (parametersField !== undefined) {
    const parameters = explicitContent(parametersField);
    if (parameters.peekTag() !== DerTag.OID)
      throw keyError('ERR_UNSUPPORTED_KEY', 'EC parameters must be a named curve');
    const curveOid = parameters.readOid();
    parameters.end();
    const params = ecCurveByOid(curveOid);
    if (params === undefined) throw keyError('ERR_UNSUPPORTED_KEY', `unsupported EC curve ${curveOid}`);
    if (curve !== undefined && curve !== params.curve) {
      throw keyError(
        'ERR_KEY_MISMATCH',
        `ECPrivateKey curve ${params.curve} differs from the algorithm's ${curve}`,
      );
    }
    curve = params.curve;
  }
  // RFC 5915 §3: parameters MUST be present outside PKCS#8, which names the curve in its AlgorithmIdentifier.
  if (curve === undefined) throw keyError('ERR_DER_DECODE', 'ECPrivateKey without curve parameters');
  let publicBytes: Uint8Array | undefined;
  const publicField = reader.readOptional(contextTag(1));
  if (publicField !== undefined) {
    const publicReader = explicitContent(publicField);
    publicBytes = publicReader.readBitString();
    publicReader.end();
  }
  // RFC 5915 §3: privateKey is an octet string of length ceiling(log2(n) / 8).
  const fieldBytes = ecCurveParams(curve).fieldBytes;
  if (privateKey.length !== fieldBytes) {
    throw keyError(
      'ERR_INVALID_INPUT',
      `${curve} private key must be ${fieldBytes} bytes, got ${privateKey.length}`,
    );
  }
  return makeEcPrivate(curve, privateKey, publicBytes);
}

function ecPrivateKeyDer(key: EcPrivateKey, withParameters: boolean): Uint8Array {
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
  return parseSequence(der, (reader) => readEcPrivateKey(reader));
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

// ---------------------------------------------------------------------------------------------------------
// SPKI (RFC 5280 §4.1.2.7)

function readSpki(reader: DerReader): PublicKey {
  const algorithm = readKeyAlgorithm(reader);
  const bits = reader.readBitString();
  switch (algorithm.kind) {
    case 'rsa': {
      const key = parseSequence(bits, readRsaPublicKey);
      return withPss(key, algorithm.pss);
    }
    case 'ec':
      // RFC 5480 §2.2: the ECPoint; compressed points are accepted and stored uncompressed.
      return makeEcPublic(algorithm.curve, bits);
    case 'ed25519':
      return makeOkpPublic(bits);
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
  return parseSequence(der, readSpki);
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

// ---------------------------------------------------------------------------------------------------------
// PKCS#8 (RFC 5208 §5, RFC 5958 §2)

function readPkcs8(reader: DerReader): PrivateKey {
  // RFC 5958 §2: version v1(0) or v2(1); only v2 may carry publicKey.
  const version = reader.readSmallInteger();
  if (version !== 0 && version !== 1)
    throw keyError('ERR_UNSUPPORTED_KEY', `unsupported PKCS#8 version ${version}`);
  const algorithm = readKeyAlgorithm(reader);
  const privateKey = reader.readOctetString();
  reader.readOptional(contextTag(0)); // attributes [0] IMPLICIT SET: not used
  let publicBytes: Uint8Array | undefined;
  const publicField = reader.readOptional(contextTag(1, false));
  if (publicField !== undefined) {
    if (version !== 1) throw keyError('ERR_DER_DECODE', 'PKCS#8 v1 must not carry a public key');
    if (publicField.value.length === 0 || publicField.value[0] !== 0) {
      throw keyError('ERR_DER_DECODE', 'PKCS#8 public key BIT STRING has unused bits');
    }
    publicBytes = publicField.value.subarray(1);
  }
  switch (algorithm.kind) {
    case 'rsa': {
      const key = parseSequence(privateKey, readRsaPrivateKey);
      if (publicBytes !== undefined) {
        const carried = parseSequence(publicBytes, readRsaPublicKey);
        if (carried.n !== key.n || carried.e !== key.e) {
          throw keyError('ERR_KEY_MISMATCH', 'PKCS#8 public key does not match the RSA private key');
        }
      }
      return withPss(key, algorithm.pss);
    }
    case 'ec': {
      const key = parseSequence(privateKey, (inner) => readEcPrivateKey(inner, algorithm.curve));
      if (publicBytes !== undefined && !equalBytes(decodeEcPoint(key.curve, publicBytes), key.point)) {
        throw keyError('ERR_KEY_MISMATCH', 'PKCS#8 public key does not match the EC private key');
      }
      return key;
    }
    case 'ed25519': {
      // RFC 8410 §7: privateKey holds CurvePrivateKey ::= OCTET STRING (the 32-byte seed).
      const inner = new DerReader(privateKey);
      const seed = inner.readOctetString();
      inner.end();
      return makeOkpPrivate(seed, publicBytes);
    }
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
  if (typeof input === 'string' && isPem(input) && pemDecode(input).label === 'ENCRYPTED PRIVATE KEY') {
    throw keyError('ERR_UNSUPPORTED_KEY', 'encrypted PKCS#8 (RFC 5958 §3) is not supported');
  }
  const { der } = derOf(input, [PEM_LABELS.pkcs8], 'input');
  return parseSequence(der, readPkcs8);
}

/**
 * Exports a private key as PKCS#8 PrivateKeyInfo DER (version 0, no attributes). EC keys embed an
 * ECPrivateKey without parameters (the AlgorithmIdentifier names the curve) but with the public key.
 * @throws {TypeError|RangeError} when key is not a well-formed private key
 * @throws {CryptoError} ERR_RSA_KEY_INVALID for an inconsistent RSA key, ERR_INVALID_INPUT for a point off the curve
 */
export function exportPkcs8(key: PrivateKey): Uint8Array {
  assertKey(key, 'key');
  if (!isPrivate(key)) throw new TypeError('key must be a private key for PKCS#8');
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

// ---------------------------------------------------------------------------------------------------------
// PEM and auto-detection

/**
 * Exports a key as PEM in `format`: `pkcs8` -> PRIVATE KEY, `spki` -> PUBLIC KEY, `pkcs1` -> RSA PRIVATE KEY or
 * RSA PUBLIC KEY (by the key given), `sec1` -> EC PRIVATE KEY.
 * @throws {TypeError|RangeError} as the DER exporter of `format`, or for an unknown format
 */
export function exportPem(key: PublicKey | PrivateKey, format: KeyFormat): string {
  aoneOf(format, KEY_FORMATS, 'format');
  switch (format) {
    case 'pkcs8':
      return pemEncode(PEM_LABELS.pkcs8, exportPkcs8(key as PrivateKey));
    case 'spki':
      return pemEncode(PEM_LABELS.spki, exportSpki(key));
    case 'pkcs1': {
      const der = exportPkcs1(key as RsaPublicKey);
      return pemEncode('d' in key ? PEM_LABELS.pkcs1Private : PEM_LABELS.pkcs1Public, der);
    }
    case 'sec1':
      return pemEncode(PEM_LABELS.sec1, exportSec1(key as EcPrivateKey));
  }
}

/**
 * Which DER key structure `der` holds, from the shape of its outer SEQUENCE (no key validation).
 * SPKI: {SEQUENCE, BIT STRING}; PKCS#8: {INTEGER, SEQUENCE, ...}; SEC1: {INTEGER, OCTET STRING, ...};
 * PKCS#1: INTEGERs only.
 * @throws {TypeError} when der is not a Uint8Array
 * @throws {CryptoError} ERR_DER_DECODE when it is not DER; ERR_UNSUPPORTED_KEY for another structure
 */
export function detectKeyFormat(der: Uint8Array): KeyFormat {
  abytes(der, 'der');
  const outer = new DerReader(der);
  const reader = outer.readSequence();
  outer.end();
  const tags: number[] = [];
  while (!reader.atEnd() && tags.length < 3) tags.push(reader.read().tag);
  const [first, second] = tags;
  if (first === DerTag.SEQUENCE && second === DerTag.BIT_STRING) return 'spki';
  if (first === DerTag.INTEGER && second === DerTag.SEQUENCE) return 'pkcs8';
  if (first === DerTag.INTEGER && second === DerTag.OCTET_STRING) return 'sec1';
  if (first === DerTag.INTEGER && second === DerTag.INTEGER) return 'pkcs1';
  throw keyError('ERR_UNSUPPORTED_KEY', 'DER input is not a PKCS#1, PKCS#8, SPKI or SEC1 key');
}

/**
 * Imports a key from whatever it is: a PEM string (by its label), DER bytes (by their structure, see
 * `detectKeyFormat`) or a JWK object.
 * @throws {TypeError} when input is not a string, Uint8Array or object
 * @throws {CryptoError} as the importer of the detected format; ERR_UNSUPPORTED_KEY for an unknown PEM label
 * or DER structure (a CERTIFICATE is not a key: use `parseCertificate` from x509)
 */
export function importKey(input: string | Uint8Array | Jwk): Key {
  if (typeof input === 'string') {
    const { label } = pemDecode(input);
    switch (label) {
      case PEM_LABELS.pkcs8:
      case 'ENCRYPTED PRIVATE KEY':
        return importPkcs8(input);
      case PEM_LABELS.spki:
        return importSpki(input);
      case PEM_LABELS.pkcs1Private:
      case PEM_LABELS.pkcs1Public:
        return importPkcs1(input);
      case PEM_LABELS.sec1:
        return importSec1(input);
      default:
        throw keyError('ERR_UNSUPPORTED_KEY', `PEM label ${JSON.stringify(label)} is not a key`);
    }
  }
  if (input instanceof Uint8Array) {
    switch (detectKeyFormat(input)) {
      case 'spki':
        return importSpki(input);
      case 'pkcs8':
        return importPkcs8(input);
      case 'sec1':
        return importSec1(input);
      case 'pkcs1':
        return importPkcs1(input);
    }
  }
  if (ArrayBuffer.isView(input) || input instanceof ArrayBuffer)
    throw new TypeError('input bytes must be a Uint8Array');
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) return importJwk(input);
  throw new TypeError('input must be a PEM string, DER Uint8Array or JWK object');
}

// ---------------------------------------------------------------------------------------------------------
// JWK (RFC 7517, RFC 7518 §6, RFC 8037 §2)

function jwkError(message: string, cause?: unknown): CryptoError {
  return keyError('ERR_JWK_INVALID', message, cause);
}

/** A required or optional base64url member; `length` for fixed-size members. */
function jwkBytes(jwk: Jwk, member: string, length?: number): Uint8Array {
  const value = jwk[member];
  if (typeof value !== 'string') throw jwkError(`JWK member "${member}" must be a string`);
  let bytes: Uint8Array;
  try {
    bytes = base64urlToBytes(value);
  } catch (cause) {
    throw jwkError(`JWK member "${member}" is not base64url`, cause);
  }
  if (length !== undefined && bytes.length !== length) {
    throw jwkError(`JWK member "${member}" must be ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** RFC 7518 §6.3: RSA members are unsigned big-endian with the minimum number of octets. */
function jwkInteger(jwk: Jwk, member: string): bigint {
  const bytes = jwkBytes(jwk, member);
  if (bytes.length === 0) throw jwkError(`JWK member "${member}" is empty`);
  if (bytes[0] === 0) throw jwkError(`JWK member "${member}" has a leading zero octet (RFC 7518 §6.3)`);
  return bytesToBigInt(bytes);
}

function jwkIntegerText(value: bigint): string {
  return bytesToBase64url(bigIntToBytes(value));
}

const RSA_PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/** Checks the optional members common to every JWK (RFC 7517 §4.2-4.5) and that `alg` fits the key. */
function checkJwkCommon(jwk: Jwk, algs: readonly string[]): void {
  for (const member of ['kid', 'use', 'alg'] as const) {
    if (jwk[member] !== undefined && typeof jwk[member] !== 'string') {
      throw jwkError(`JWK member "${member}" must be a string`);
    }
  }
  // crypto-core keys sign and verify; a key declared for encryption is refused (RFC 7517 §4.2).
  if (jwk.use !== undefined && jwk.use !== 'sig')
    throw jwkError(`JWK "use" is ${JSON.stringify(jwk.use)}, not "sig"`);
  if (jwk.key_ops !== undefined) {
    const ops = jwk.key_ops as unknown;
    if (
      !Array.isArray(ops) ||
      !ops.every((op) => typeof op === 'string') ||
      new Set(ops).size !== ops.length
    ) {
      throw jwkError('JWK "key_ops" must be an array of distinct strings (RFC 7517 §4.3)');
    }
  }
  if (jwk.alg !== undefined && !algs.includes(jwk.alg)) {
    throw jwkError(`JWK "alg" ${JSON.stringify(jwk.alg)} does not fit a ${jwk.kty} key`);
  }
}

function importRsaJwk(jwk: Jwk): RsaPublicKey | RsaPrivateKey {
  checkJwkCommon(jwk, JWK_ALGS.RSA);
  if (jwk.oth !== undefined)
    throw keyError('ERR_UNSUPPORTED_KEY', 'multi-prime RSA JWK ("oth") is not supported');
  const n = jwkInteger(jwk, 'n');
  const e = jwkInteger(jwk, 'e');
  const present = RSA_PRIVATE_MEMBERS.filter((member) => jwk[member] !== undefined);
  try {
    if (present.length === 0) {
      checkRsaPublic(n, e);
      return { kty: 'RSA', n, e };
    }
    // RFC 7518 §6.3.2: d alone is a valid private key (p and q are recovered, NIST SP 800-56B App. C.2);
    // once any of the other members is present, all of them must be.
    if (present.length === 1 && present[0] === 'd') {
      return rsaPrivateKeyFromComponents({ n, e, d: jwkInteger(jwk, 'd') });
    }
    if (present.length !== RSA_PRIVATE_MEMBERS.length) {
      const missing = RSA_PRIVATE_MEMBERS.filter((member) => jwk[member] === undefined);
      throw jwkError(`RSA private JWK is missing ${missing.map((member) => `"${member}"`).join(', ')}`);
    }
    const [d, p, q, dp, dq, qi] = RSA_PRIVATE_MEMBERS.map((member) => jwkInteger(jwk, member)) as [
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
    ];
    const key: RsaPrivateKey = { kty: 'RSA', n, e, d, p, q, dp, dq, qi };
    validateRsaPrivateKey(key);
    return key;
  } catch (cause) {
    if (cause instanceof CryptoError && cause.code === 'ERR_RSA_KEY_INVALID')
      throw jwkError(cause.message, cause);
    throw cause;
  }
}

function importEcJwk(jwk: Jwk): EcPublicKey | EcPrivateKey {
  if (typeof jwk.crv !== 'string') throw jwkError('EC JWK must have a "crv" string');
  if (!(EC_CURVES as readonly string[]).includes(jwk.crv)) {
    throw keyError('ERR_UNSUPPORTED_KEY', `unsupported EC JWK curve ${JSON.stringify(jwk.crv)}`);
  }
  const params = ecCurveParams(jwk.crv as EcCurve);
  checkJwkCommon(jwk, [params.joseAlg]);
  // RFC 7518 §6.2.1.2-3, §6.2.2.1: x, y and d are the full field size.
  const x = jwkBytes(jwk, 'x', params.fieldBytes);
  const y = jwkBytes(jwk, 'y', params.fieldBytes);
  const point = new Uint8Array(1 + 2 * params.fieldBytes);
  point[0] = 4;
  point.set(x, 1);
  point.set(y, 1 + params.fieldBytes);
  try {
    if (jwk.d === undefined) return makeEcPublic(params.curve, point);
    return makeEcPrivate(params.curve, jwkBytes(jwk, 'd', params.fieldBytes), point);
  } catch (cause) {
    if (cause instanceof CryptoError && cause.code !== 'ERR_JWK_INVALID')
      throw jwkError(cause.message, cause);
    throw cause;
  }
}

function importOkpJwk(jwk: Jwk): OkpPublicKey | OkpPrivateKey {
  if (typeof jwk.crv !== 'string') throw jwkError('OKP JWK must have a "crv" string');
  // RFC 8037 §2 also defines Ed448, X25519 and X448; crypto-core signs with Ed25519 only.
  if (jwk.crv !== 'Ed25519')
    throw keyError('ERR_UNSUPPORTED_KEY', `unsupported OKP JWK curve ${JSON.stringify(jwk.crv)}`);
  checkJwkCommon(jwk, JWK_ALGS.OKP);
  const x = jwkBytes(jwk, 'x', ED25519_LENGTH);
  try {
    if (jwk.d === undefined) return makeOkpPublic(x);
    return makeOkpPrivate(jwkBytes(jwk, 'd', ED25519_LENGTH), x);
  } catch (cause) {
    if (cause instanceof CryptoError && cause.code !== 'ERR_JWK_INVALID')
      throw jwkError(cause.message, cause);
    throw cause;
  }
}

function importOctJwk(jwk: Jwk): SymmetricKey {
  checkJwkCommon(jwk, JWK_ALGS.oct);
  const key = jwkBytes(jwk, 'k');
  if (key.length === 0) throw jwkError('JWK member "k" is empty');
  return { kty: 'oct', key };
}

/**
 * Imports a JWK: RSA (RFC 7518 §6.3; a private key has d and either all of p, q, dp, dq, qi, which must be
 * consistent, or none of them, and then p and q are recovered from n, e, d),
 * EC (§6.2; P-256, P-384, P-521, secp256k1; full-size coordinates on the curve, d matching), OKP Ed25519
 * (RFC 8037; x must match d), oct (§6.4). Members are strict base64url. `kid`, `alg`, `use`, `key_ops` are
 * checked (`alg` must fit the key, `use` must be `sig`) but not kept: read them from the JWK.
 * @throws {TypeError} when jwk is not an object
 * @throws {CryptoError} ERR_JWK_INVALID for missing, malformed or inconsistent members; ERR_UNSUPPORTED_KEY
 * for an unknown kty or curve, or multi-prime RSA
 */
export function importJwk(jwk: Jwk): Key {
  aobject(jwk, 'jwk');
  if (ArrayBuffer.isView(jwk) || jwk instanceof ArrayBuffer) throw new TypeError('jwk must be a JSON object');
  if (typeof jwk.kty !== 'string') throw jwkError('JWK must have a "kty" string');
  switch (jwk.kty) {
    case 'RSA':
      return importRsaJwk(jwk);
    case 'EC':
      return importEcJwk(jwk);
    case 'OKP':
      return importOkpJwk(jwk);
    case 'oct':
      return importOctJwk(jwk);
    default:
      throw keyError('ERR_UNSUPPORTED_KEY', `unsupported JWK kty ${JSON.stringify(jwk.kty)}`);
  }
}

/** The required public members of a key, in the order of RFC 7638 §3.2 (lexicographic). */
function publicJwkMembers(key: Key): Jwk {
  switch (key.kty) {
    case 'RSA':
      return { e: jwkIntegerText(key.e), kty: 'RSA', n: jwkIntegerText(key.n) };
    case 'EC': {
      const size = ecCurveParams(key.curve).fieldBytes;
      return {
        crv: key.curve,
        kty: 'EC',
        x: bytesToBase64url(key.point.subarray(1, 1 + size)),
        y: bytesToBase64url(key.point.subarray(1 + size)),
      };
    }
    case 'OKP':
      return { crv: 'Ed25519', kty: 'OKP', x: bytesToBase64url(key.publicKey) };
    case 'oct':
      return { k: bytesToBase64url(key.key), kty: 'oct' };
  }
}

/**
 * Exports a key as a JWK. A private key exports its private members unless `publicOnly`; `kid`, `alg`
 * and `use` are added when given (`alg` must fit the key).
 * @throws {TypeError|RangeError} when key is not a well-formed key, or an option has the wrong type
 * @throws {CryptoError} ERR_UNSUPPORTED_KEY for a PSS-restricted RSA key (a JWK cannot carry the
 * restrictions) or `publicOnly` on a symmetric key; ERR_JWK_INVALID when `alg` does not fit
 */
export function exportJwk(key: Key, options: ExportJwkOptions = {}): Jwk {
  assertKey(key, 'key');
  aobject(options, 'options');
  if (options.kid !== undefined) astring(options.kid, 'options.kid');
  if (options.alg !== undefined) astring(options.alg, 'options.alg');
  if (options.use !== undefined) aoneOf(options.use, ['sig'] as const, 'options.use');
  if (rsaPssParamsOf(key) !== undefined) {
    throw keyError('ERR_UNSUPPORTED_KEY', 'a JWK cannot carry RSASSA-PSS key restrictions');
  }
  if (options.publicOnly === true && key.kty === 'oct') {
    throw keyError('ERR_UNSUPPORTED_KEY', 'a symmetric key has no public part');
  }
  const { kty, ...members } = publicJwkMembers(key);
  const jwk: Jwk = { kty };
  if (options.kid !== undefined) jwk.kid = options.kid;
  if (options.use !== undefined) jwk.use = options.use;
  if (options.alg !== undefined) jwk.alg = options.alg;
  Object.assign(jwk, members);
  const withPrivate = options.publicOnly !== true;
  if (withPrivate && key.kty === 'RSA' && 'd' in key) {
    for (const member of RSA_PRIVATE_MEMBERS) jwk[member] = jwkIntegerText(key[member]);
  } else if (withPrivate && key.kty === 'EC' && 'd' in key) {
    jwk.d = bytesToBase64url(key.d);
  } else if (withPrivate && key.kty === 'OKP' && 'seed' in key) {
    jwk.d = bytesToBase64url(key.seed);
  }
  if (jwk.alg !== undefined) {
    const algs = key.kty === 'EC' ? [ecCurveParams(key.curve).joseAlg] : JWK_ALGS[key.kty];
    if (!(algs as readonly string[]).includes(jwk.alg)) {
      throw jwkError(`"alg" ${JSON.stringify(jwk.alg)} does not fit a ${key.kty} key`);
    }
  }
  return jwk;
}

// ---------------------------------------------------------------------------------------------------------
// RFC 7638 thumbprints

function isKeyObject(value: Record<string, unknown>): boolean {
  return (
    typeof value.n === 'bigint' ||
    value.point instanceof Uint8Array ||
    value.publicKey instanceof Uint8Array ||
    value.key instanceof Uint8Array
  );
}

/**
 * The JWK thumbprint of a key or JWK (RFC 7638 §3): `hash` over the UTF-8 JSON of the required public
 * members in lexicographic order without whitespace, base64url encoded. A JWK is fully validated first.
 * @throws {TypeError|RangeError} when input is not a key or object, or hash is unknown
 * @throws {CryptoError} as `importJwk` for an invalid JWK
 */
export function jwkThumbprint(input: Key | Jwk, hash: HashName = 'SHA-256'): string {
  aobject(input, 'input');
  const descriptor = getHash(hash);
  const key = isKeyObject(input as Record<string, unknown>)
    ? (input as unknown as Key)
    : importJwk(input as Jwk);
  assertKey(key, 'key');
  // RFC 7638 §3.3: required members only; JSON.stringify adds no whitespace and keeps insertion order.
  const json = JSON.stringify(publicJwkMembers(key));
  return bytesToBase64url(descriptor.digest(utf8ToBytes(json)));
}
