// JSON Web Keys (RFC 7517; RFC 7518 §6 RSA, EC and oct members; RFC 8037 §2 OKP): import and export.
import { aobject, aoneOf, astring } from '../assert.js';
import { ecCurveParams } from '../ec-curves.js';
import { ED25519_KEY_BYTES } from '../eddsa.js';
import { base64urlToBytes, bigIntToBytes, bytesToBase64url, bytesToBigInt } from '../encoding.js';
import { CryptoError } from '../errors.js';
import { EC_CURVES, type EcCurve, type Key, RSA_PRIVATE_MEMBERS } from '../key-types.js';
import { rsaPrivateKeyFromComponents } from '../rsa.js';
import {
  assertKey,
  checkedEcPrivateKey,
  checkedEcPublicKey,
  checkedOkpPrivateKey,
  checkedOkpPublicKey,
  checkedRsaPrivateKey,
  checkedRsaPublicKey,
} from './key-objects.js';
import { rsaPssParamsOf } from './rsa-pss.js';

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

/** JWS `alg` values (RFC 7518 §3.1, RFC 8037 §3.1) that fit each key family; EC keys take their curve's. */
const JWK_ALGS = {
  RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  OKP: ['EdDSA', 'Ed25519'],
  oct: ['HS256', 'HS384', 'HS512'],
} as const;

function jwkError(message: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_JWK_INVALID', message, cause === undefined ? undefined : { cause });
}

/** Runs `build`, reporting a key that the members do not make (any other CryptoError) as ERR_JWK_INVALID. */
function fromMembers<K extends Key>(build: () => K): K {
  try {
    return build();
  } catch (cause) {
    if (cause instanceof CryptoError && cause.code !== 'ERR_JWK_INVALID')
      throw jwkError(cause.message, cause);
    throw cause;
  }
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
    throw jwkError(`JWK "alg" ${JSON.stringify(jwk.alg)} does not fit an ${jwk.kty} key`);
  }
}

/** RFC 7518 §6.3. */
function importRsaJwk(jwk: Jwk): Key {
  checkJwkCommon(jwk, JWK_ALGS.RSA);
  if (jwk.oth !== undefined)
    throw new CryptoError('ERR_UNSUPPORTED_KEY', 'multi-prime RSA JWK ("oth") is not supported');
  const n = jwkInteger(jwk, 'n');
  const e = jwkInteger(jwk, 'e');
  const present = RSA_PRIVATE_MEMBERS.filter((member) => jwk[member] !== undefined);
  return fromMembers(() => {
    if (present.length === 0) return checkedRsaPublicKey(n, e);
    // RFC 7518 §6.3.2: d alone is a valid private key (p and q are recovered, NIST SP 800-56B App. C.2);
    // once any of the other members is present, all of them must be.
    if (present.length === 1 && present[0] === 'd') {
      return rsaPrivateKeyFromComponents({ n, e, d: jwkInteger(jwk, 'd') });
    }
    if (present.length !== RSA_PRIVATE_MEMBERS.length) {
      const missing = RSA_PRIVATE_MEMBERS.filter((member) => jwk[member] === undefined);
      throw jwkError(`RSA private JWK is missing ${missing.map((member) => `"${member}"`).join(', ')}`);
    }
    return checkedRsaPrivateKey(n, e, (member) => jwkInteger(jwk, member));
  });
}

/** RFC 7518 §6.2. */
function importEcJwk(jwk: Jwk): Key {
  if (typeof jwk.crv !== 'string') throw jwkError('EC JWK must have a "crv" string');
  if (!(EC_CURVES as readonly string[]).includes(jwk.crv)) {
    throw new CryptoError('ERR_UNSUPPORTED_KEY', `unsupported EC JWK curve ${JSON.stringify(jwk.crv)}`);
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
  return fromMembers(() =>
    jwk.d === undefined
      ? checkedEcPublicKey(params.curve, point)
      : checkedEcPrivateKey(params.curve, jwkBytes(jwk, 'd', params.fieldBytes), point),
  );
}

/** RFC 8037 §2. */
function importOkpJwk(jwk: Jwk): Key {
  if (typeof jwk.crv !== 'string') throw jwkError('OKP JWK must have a "crv" string');
  // RFC 8037 §2 also defines Ed448, X25519 and X448; crypto-core signs with Ed25519 only.
  if (jwk.crv !== 'Ed25519')
    throw new CryptoError('ERR_UNSUPPORTED_KEY', `unsupported OKP JWK curve ${JSON.stringify(jwk.crv)}`);
  checkJwkCommon(jwk, JWK_ALGS.OKP);
  const x = jwkBytes(jwk, 'x', ED25519_KEY_BYTES);
  return fromMembers(() =>
    jwk.d === undefined
      ? checkedOkpPublicKey(x)
      : checkedOkpPrivateKey(jwkBytes(jwk, 'd', ED25519_KEY_BYTES), x),
  );
}

/** RFC 7518 §6.4. */
function importOctJwk(jwk: Jwk): Key {
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
      throw new CryptoError('ERR_UNSUPPORTED_KEY', `unsupported JWK kty ${JSON.stringify(jwk.kty)}`);
  }
}

/** The required public members of a key, in the order of RFC 7638 §3.2 (lexicographic). */
export function publicJwkMembers(key: Key): Jwk {
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
    throw new CryptoError('ERR_UNSUPPORTED_KEY', 'a JWK cannot carry RSASSA-PSS key restrictions');
  }
  if (options.publicOnly === true && key.kty === 'oct') {
    throw new CryptoError('ERR_UNSUPPORTED_KEY', 'a symmetric key has no public part');
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
      throw jwkError(`"alg" ${JSON.stringify(jwk.alg)} does not fit an ${key.kty} key`);
    }
  }
  return jwk;
}
