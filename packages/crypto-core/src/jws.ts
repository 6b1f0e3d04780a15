// JWS (RFC 7515) compact serialization and the JOSE algorithm table (RFC 7518 §3, RFC 8037, RFC 8812).
import { aobject, astring } from './assert.js';
import { base64urlToBytes, bitLength, bytesToBase64url, bytesToUtf8, utf8ToBytes } from './encoding.js';
import { CryptoError } from './errors.js';
import type { HashName } from './hash.js';
import type { EcCurve, Key, PrivateKey, PublicKey, SymmetricKey } from './key-types.js';
import type { RsaHashName } from './rsa.js';
import {
  DEFAULT_ECDSA_NONCE,
  type EcdsaParams,
  type Ed25519Params,
  type HmacParams,
  type RsaPkcs1Params,
  type RsaPssParams,
  sign,
  verify,
} from './sign.js';

/**
 * How one JOSE `alg` value signs: the key family, the curve where the family has several, and the signature
 * parameters. ES* use {@link DEFAULT_ECDSA_NONCE}; PS* a salt as long as the hash (RFC 7518 §3.5), and nothing
 * else verifies.
 */
export type JwsAlgorithmSpec =
  | {
      readonly kty: 'RSA';
      readonly params: RsaPkcs1Params | (RsaPssParams & { readonly saltLength: number });
    }
  | { readonly kty: 'EC'; readonly curve: EcCurve; readonly params: EcdsaParams }
  | { readonly kty: 'OKP'; readonly curve: 'Ed25519'; readonly params: Ed25519Params }
  | { readonly kty: 'oct'; readonly params: HmacParams };

// Entries are frozen all the way down: the table is shared by every caller, so nobody may change how an alg signs.
const rsaPkcs1 = (hash: RsaHashName) =>
  Object.freeze({ kty: 'RSA', params: Object.freeze({ scheme: 'rsa-pkcs1', hash }) } as const);
const rsaPss = (hash: RsaHashName, saltLength: number) =>
  Object.freeze({ kty: 'RSA', params: Object.freeze({ scheme: 'rsa-pss', hash, saltLength }) } as const);
const ecdsa = (curve: EcCurve, hash: HashName) =>
  Object.freeze({
    kty: 'EC',
    curve,
    params: Object.freeze({ scheme: 'ecdsa', hash, format: 'p1363', nonce: DEFAULT_ECDSA_NONCE }),
  } as const);
const hmac = (hash: HashName) =>
  Object.freeze({ kty: 'oct', params: Object.freeze({ scheme: 'hmac', hash }) } as const);

/** The JOSE algorithm table (RFC 7518 §3.1, RFC 8037 §3.1, RFC 8812 §3.2): the lingua franca of the rest of Sigil. */
export const JWS_ALGORITHMS = Object.freeze({
  RS256: rsaPkcs1('SHA-256'),
  RS384: rsaPkcs1('SHA-384'),
  RS512: rsaPkcs1('SHA-512'),
  PS256: rsaPss('SHA-256', 32),
  PS384: rsaPss('SHA-384', 48),
  PS512: rsaPss('SHA-512', 64),
  ES256: ecdsa('P-256', 'SHA-256'),
  ES384: ecdsa('P-384', 'SHA-384'),
  ES512: ecdsa('P-521', 'SHA-512'),
  ES256K: ecdsa('secp256k1', 'SHA-256'),
  EdDSA: Object.freeze({
    kty: 'OKP',
    curve: 'Ed25519',
    params: Object.freeze({ scheme: 'ed25519' }),
  } as const),
  HS256: hmac('SHA-256'),
  HS384: hmac('SHA-384'),
  HS512: hmac('SHA-512'),
} as const satisfies Record<string, JwsAlgorithmSpec>);

/** A JOSE `alg` value crypto-core signs and verifies. `none` is never one. */
export type JwsAlgorithm = keyof typeof JWS_ALGORITHMS;

/** All supported `alg` values. */
export const JWS_ALGORITHM_NAMES: readonly JwsAlgorithm[] = Object.freeze(
  Object.keys(JWS_ALGORITHMS) as JwsAlgorithm[],
);

/** True when `alg` is a supported JOSE algorithm name. */
export function isJwsAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(JWS_ALGORITHMS, alg);
}

/**
 * The table entry for `alg`.
 * @throws {CryptoError} ERR_UNSUPPORTED_ALGORITHM for `none` or an unknown name
 */
export function getJwsAlgorithm(alg: string): JwsAlgorithmSpec {
  astring(alg, 'alg');
  if (!isJwsAlgorithm(alg))
    throw new CryptoError('ERR_UNSUPPORTED_ALGORITHM', `unsupported JWS alg ${JSON.stringify(alg)}`);
  return JWS_ALGORITHMS[alg];
}

// RFC 7518 §3.3 and §3.5: RSA keys for RS*/PS* must be at least 2048 bits.
const MIN_RSA_BITS = 2048;

/**
 * Checks that `key` can be used with `alg`: the family, the curve, and RSA's minimum size.
 * @throws {CryptoError} ERR_KEY_MISMATCH when they do not go together
 */
export function assertKeyMatchesAlgorithm(alg: string, key: Key): void {
  const spec = getJwsAlgorithm(alg);
  aobject(key, 'key');
  if (key.kty !== spec.kty) {
    throw new CryptoError('ERR_KEY_MISMATCH', `alg ${alg} needs an ${spec.kty} key, got ${String(key.kty)}`);
  }
  if ('curve' in spec && 'curve' in key && key.curve !== spec.curve) {
    throw new CryptoError('ERR_KEY_MISMATCH', `alg ${alg} needs curve ${spec.curve}, got ${key.curve}`);
  }
  if (key.kty === 'RSA' && bitLength(key.n) < MIN_RSA_BITS) {
    throw new CryptoError('ERR_KEY_MISMATCH', `alg ${alg} needs an RSA key of at least ${MIN_RSA_BITS} bits`);
  }
}

/**
 * Signs JWS signing input bytes (`ASCII(BASE64URL(header) || '.' || BASE64URL(payload))`) with `alg`,
 * returning the raw JWS Signature (ECDSA as R||S, RFC 7518 §3.4).
 * @throws {CryptoError} ERR_UNSUPPORTED_ALGORITHM, ERR_KEY_MISMATCH, or the signer's errors
 */
export function signJwsSigningInput(
  alg: string,
  key: PrivateKey | SymmetricKey,
  signingInput: Uint8Array,
): Uint8Array {
  assertKeyMatchesAlgorithm(alg, key);
  return sign(key, getJwsAlgorithm(alg).params, { message: signingInput });
}

/**
 * Verifies a raw JWS Signature over signing input bytes. Fails closed: any problem is `false`.
 */
export function verifyJwsSigningInput(
  alg: string,
  key: PublicKey | PrivateKey | SymmetricKey,
  signingInput: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    assertKeyMatchesAlgorithm(alg, key);
    return verify(key, getJwsAlgorithm(alg).params, { message: signingInput }, signature);
  } catch {
    return false;
  }
}

/** A JOSE header: `alg` is required; other members pass through. */
export interface JwsHeader {
  readonly alg: string;
  readonly [member: string]: unknown;
}

/** The parts of a compact JWS. */
export interface ParsedJws {
  readonly header: JwsHeader;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /** ASCII(BASE64URL(header) || '.' || BASE64URL(payload)): what the signature covers. */
  readonly signingInput: Uint8Array;
}

/**
 * `BASE64URL(UTF8(JSON(header))) || '.' || BASE64URL(payload)` (RFC 7515 §5.1 steps 1-6).
 * @throws {CryptoError} ERR_JWS_INVALID when the header has no string `alg`
 */
export function buildJwsSigningInput(header: JwsHeader, payload: Uint8Array | string): string {
  aobject(header, 'header');
  if (typeof header.alg !== 'string') throw new CryptoError('ERR_JWS_INVALID', 'header.alg must be a string');
  const payloadBytes = typeof payload === 'string' ? utf8ToBytes(payload) : payload;
  return `${bytesToBase64url(utf8ToBytes(JSON.stringify(header)))}.${bytesToBase64url(payloadBytes)}`;
}

/**
 * Parses `BASE64URL(header).BASE64URL(payload)`: the header must be a JSON object with a string `alg`.
 * @throws {CryptoError} ERR_JWS_INVALID on any malformation
 */
export function parseJwsSigningInput(signingInput: string): { header: JwsHeader; payload: Uint8Array } {
  astring(signingInput, 'signingInput');
  const parts = signingInput.split('.');
  if (parts.length !== 2) throw new CryptoError('ERR_JWS_INVALID', 'signing input must have two segments');
  return { header: decodeHeader(parts[0]!), payload: decodeSegment(parts[1]!, 'payload') };
}

/**
 * Parses a compact JWS (RFC 7515 §7.1) without verifying it.
 * @throws {CryptoError} ERR_JWS_INVALID on any malformation
 */
export function parseCompactJws(token: string): ParsedJws {
  astring(token, 'token');
  const parts = token.split('.');
  if (parts.length !== 3) throw new CryptoError('ERR_JWS_INVALID', 'compact JWS must have three segments');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  return {
    header: decodeHeader(headerPart),
    payload: decodeSegment(payloadPart, 'payload'),
    signature: decodeSegment(signaturePart, 'signature'),
    signingInput: utf8ToBytes(`${headerPart}.${payloadPart}`),
  };
}

function decodeSegment(segment: string, name: string): Uint8Array {
  try {
    return base64urlToBytes(segment);
  } catch (cause) {
    throw new CryptoError('ERR_JWS_INVALID', `${name} is not base64url`, { cause });
  }
}

function decodeHeader(segment: string): JwsHeader {
  let header: unknown;
  try {
    header = JSON.parse(bytesToUtf8(decodeSegment(segment, 'header')));
  } catch (cause) {
    throw new CryptoError('ERR_JWS_INVALID', 'header is not JSON', { cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new CryptoError('ERR_JWS_INVALID', 'header must be a JSON object');
  }
  if (typeof (header as { alg?: unknown }).alg !== 'string') {
    throw new CryptoError('ERR_JWS_INVALID', 'header.alg must be a string');
  }
  // RFC 7515 §4.1.11: a critical extension we do not understand makes the JWS invalid.
  if ('crit' in header) throw new CryptoError('ERR_JWS_INVALID', 'unsupported critical header parameters');
  return header as JwsHeader;
}

/**
 * Signs `payload` as a compact JWS with `header.alg` (RFC 7515 §5.1).
 * @throws {CryptoError} ERR_JWS_INVALID, ERR_UNSUPPORTED_ALGORITHM, ERR_KEY_MISMATCH
 */
export function signCompactJws(
  header: JwsHeader,
  payload: Uint8Array | string,
  key: PrivateKey | SymmetricKey,
): string {
  const signingInput = buildJwsSigningInput(header, payload);
  const signature = signJwsSigningInput(header.alg, key, utf8ToBytes(signingInput));
  return `${signingInput}.${bytesToBase64url(signature)}`;
}

/** Options for {@link verifyCompactJws}. */
export interface VerifyJwsOptions {
  /** The `alg` values the caller accepts; the token's `alg` must be one of them. */
  readonly algorithms: readonly JwsAlgorithm[];
}

/**
 * Verifies a compact JWS (RFC 7515 §5.2) and returns its parts, or `undefined` when it does not verify.
 * The header's `alg` must be in `options.algorithms` and suit the key; `none` never verifies.
 */
export function verifyCompactJws(
  token: string,
  key: PublicKey | PrivateKey | SymmetricKey,
  options: VerifyJwsOptions,
): ParsedJws | undefined {
  aobject(options, 'options');
  if (!Array.isArray(options.algorithms) || options.algorithms.length === 0) {
    throw new TypeError('options.algorithms must be a non-empty array');
  }
  let parsed: ParsedJws;
  try {
    parsed = parseCompactJws(token);
  } catch {
    return undefined;
  }
  const alg = parsed.header.alg;
  if (!isJwsAlgorithm(alg) || !options.algorithms.includes(alg)) return undefined;
  return verifyJwsSigningInput(alg, key, parsed.signingInput, parsed.signature) ? parsed : undefined;
}
