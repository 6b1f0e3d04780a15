// RSASSA-PKCS1-v1_5 and RSASSA-PSS (RFC 8017 §8), their encodings (§9), MGF1, and RSA key generation.
import { abigint, abytes, anumber, aobject, aoneOf, astring } from './assert.js';
import { bitLength, concatBytes, equalBytes } from './encoding.js';
import { CryptoError } from './errors.js';
import { getHash, type HashName } from './hash.js';
import { RSA_PRIVATE_MEMBERS, type RsaPrivateKey, type RsaPublicKey } from './key-types.js';
import { engineChecksFaults, pureRsaEngine, type RsaEngine, rsaPublicOperation } from './rsa-engine.js';
import {
  defaultRandom,
  gcd,
  generatePrime,
  i2osp,
  lcm,
  modInverse,
  os2ip,
  type RandomSource,
  recoverPrimeFactors,
} from './rsa-math.js';
import { digestOf, type SignInput } from './sign-input.js';

/** The two RSASSA schemes of RFC 8017 §8. */
export type RsaScheme = 'pkcs1' | 'pss';

/** Hashes RSA signatures may use. */
export const RSA_HASHES = Object.freeze(['SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'] as const);
/** A hash RSA signatures may use. */
export type RsaHashName = (typeof RSA_HASHES)[number] & HashName;

/** Smallest modulus crypto-core signs or verifies with. */
export const RSA_MIN_MODULUS_BITS = 1024;
/** Smallest modulus generateRsaKey produces without `allowWeakSize`. */
export const RSA_MIN_GENERATED_BITS = 2048;
const RSA_MAX_MODULUS_BITS = 16384;

/** Parameters of rsaSign. */
export interface RsaSignParams {
  readonly scheme: RsaScheme;
  readonly hash: RsaHashName;
  /** PSS salt length in bytes; defaults to the hash output length. */
  readonly saltLength?: number;
  /** PSS MGF1 hash; defaults to `hash`. */
  readonly mgfHash?: RsaHashName;
  /** Random source for the PSS salt. */
  readonly random?: RandomSource;
}

/** Parameters of rsaVerify. */
export interface RsaVerifyParams {
  readonly scheme: RsaScheme;
  readonly hash: RsaHashName;
  /** PSS salt length in bytes, or 'auto' to accept any; defaults to the hash output length. */
  readonly saltLength?: number | 'auto';
  /** PSS MGF1 hash; defaults to `hash`. */
  readonly mgfHash?: RsaHashName;
}

function assertEngine(engine: unknown): asserts engine is RsaEngine {
  aobject(engine, 'engine');
  if (typeof engine.privateOperation !== 'function' || typeof engine.publicOperation !== 'function') {
    throw new TypeError('engine must have privateOperation and publicOperation');
  }
}

/** MGF1 (RFC 8017 appendix B.2.1): `length` bytes of mask from `seed`. */
export function mgf1(seed: Uint8Array, length: number, hash: RsaHashName): Uint8Array {
  abytes(seed, 'seed');
  anumber(length, 'length', 0, 1 << 30);
  const descriptor = getHash(hash);
  const hLen = descriptor.outputLength;
  // Step 1 (maskLen > 2^32 hLen) is excluded by the range check above.
  const mask = new Uint8Array(Math.ceil(length / hLen) * hLen);
  const block = new Uint8Array(seed.length + 4);
  block.set(seed);
  // Step 3: T = Hash(mgfSeed || C) for C = 0 .. ceil(maskLen / hLen) - 1.
  for (let counter = 0, offset = 0; offset < length; counter++, offset += hLen) {
    block[seed.length] = counter >>> 24;
    block[seed.length + 1] = (counter >>> 16) & 0xff;
    block[seed.length + 2] = (counter >>> 8) & 0xff;
    block[seed.length + 3] = counter & 0xff;
    mask.set(descriptor.digest(block), offset);
  }
  // Step 4: the leading maskLen octets.
  return mask.subarray(0, length);
}

/**
 * EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of an already computed digest: 0x00 01 FF..FF 00 || DigestInfo.
 * @throws {CryptoError} ERR_RSA_ENCODE when emLen is too short for the DigestInfo ("key too small")
 */
export function emsaPkcs1v15Encode(digest: Uint8Array, hash: RsaHashName, emLen: number): Uint8Array {
  const descriptor = getHash(hash);
  abytes(digest, 'digest', descriptor.outputLength);
  anumber(emLen, 'emLen');
  // Step 2: T = DigestInfo(hash OID, H).
  const prefix = descriptor.digestInfoPrefix;
  const tLen = prefix.length + digest.length;
  // Step 3.
  if (emLen < tLen + 11) {
    throw new CryptoError('ERR_RSA_ENCODE', `intended encoded message length too short for ${hash}`);
  }
  // Steps 4-5: EM = 0x00 || 0x01 || PS || 0x00 || T, PS = emLen - tLen - 3 octets 0xff.
  const em = new Uint8Array(emLen);
  em[1] = 0x01;
  em.fill(0xff, 2, emLen - tLen - 1);
  em.set(prefix, emLen - tLen);
  em.set(digest, emLen - digest.length);
  return em;
}

/**
 * EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of a message digest with the given salt, for emBits = modBits - 1.
 * @throws {CryptoError} ERR_RSA_ENCODE when emLen < hLen + sLen + 2
 */
export function emsaPssEncode(
  mHash: Uint8Array,
  emBits: number,
  salt: Uint8Array,
  hash: RsaHashName,
  mgfHash: RsaHashName = hash,
): Uint8Array {
  const descriptor = getHash(hash);
  const hLen = descriptor.outputLength;
  abytes(mHash, 'mHash', hLen);
  abytes(salt, 'salt');
  anumber(emBits, 'emBits', 1);
  const emLen = Math.ceil(emBits / 8);
  const sLen = salt.length;
  // Step 3.
  if (emLen < hLen + sLen + 2) {
    throw new CryptoError('ERR_RSA_ENCODE', `modulus too small for ${hash} with a ${sLen}-byte salt`);
  }
  // Steps 5-6: H = Hash(0x00 * 8 || mHash || salt).
  const h = descriptor.digest(concatBytes(new Uint8Array(8), mHash, salt));
  // Steps 7-8: DB = PS || 0x01 || salt, of emLen - hLen - 1 octets.
  const dbLen = emLen - hLen - 1;
  const db = new Uint8Array(dbLen);
  db[dbLen - sLen - 1] = 0x01;
  db.set(salt, dbLen - sLen);
  // Steps 9-10: maskedDB = DB xor MGF(H, emLen - hLen - 1).
  const mask = mgf1(h, dbLen, mgfHash);
  for (let i = 0; i < dbLen; i++) db[i]! ^= mask[i]!;
  // Step 11: clear the leftmost 8 emLen - emBits bits.
  db[0]! &= 0xff >>> (8 * emLen - emBits);
  // Step 12: EM = maskedDB || H || 0xbc.
  const em = new Uint8Array(emLen);
  em.set(db);
  em.set(h, dbLen);
  em[emLen - 1] = 0xbc;
  return em;
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2); `saltLength` 'auto' accepts any salt length. Fails closed. */
function emsaPssVerify(
  mHash: Uint8Array,
  em: Uint8Array,
  emBits: number,
  saltLength: number | 'auto',
  hash: RsaHashName,
  mgfHash: RsaHashName,
): boolean {
  const descriptor = getHash(hash);
  const hLen = descriptor.outputLength;
  const emLen = em.length;
  // Step 3.
  if (emLen < hLen + (saltLength === 'auto' ? 0 : saltLength) + 2) return false;
  // Step 4: the rightmost octet must be 0xbc.
  if (em[emLen - 1] !== 0xbc) return false;
  // Step 5.
  const dbLen = emLen - hLen - 1;
  const h = em.subarray(dbLen, dbLen + hLen);
  // Step 6: the leftmost 8 emLen - emBits bits of maskedDB must be zero.
  const topMask = 0xff >>> (8 * emLen - emBits);
  if ((em[0]! & ~topMask) !== 0) return false;
  // Steps 7-9: DB = maskedDB xor MGF(H, dbLen), leftmost bits cleared.
  const db = mgf1(h, dbLen, mgfHash).slice();
  for (let i = 0; i < dbLen; i++) db[i]! ^= em[i]!;
  db[0]! &= topMask;
  // Step 10: PS zero octets, then 0x01.
  let separator = 0;
  while (separator < dbLen && db[separator] === 0) separator++;
  if (separator === dbLen || db[separator] !== 0x01) return false;
  const sLen = dbLen - separator - 1;
  if (saltLength !== 'auto' && sLen !== saltLength) return false;
  // Steps 11-14: H' = Hash(0x00 * 8 || mHash || salt) must equal H.
  const salt = db.subarray(dbLen - sLen);
  return equalBytes(descriptor.digest(concatBytes(new Uint8Array(8), mHash, salt)), h);
}

/** Cheap structural checks of a public key (types and sizes); full consistency is validateRsaPrivateKey. */
function checkPublicKey(key: RsaPublicKey): number {
  aobject(key, 'key');
  abigint(key.n, 'key.n');
  abigint(key.e, 'key.e');
  const modBits = bitLength(key.n);
  if (modBits < RSA_MIN_MODULUS_BITS || modBits > RSA_MAX_MODULUS_BITS || (key.n & 1n) === 0n) {
    throw new CryptoError(
      'ERR_RSA_KEY_INVALID',
      `RSA modulus must be odd and ${RSA_MIN_MODULUS_BITS}-16384 bits`,
    );
  }
  if (key.e < 3n || (key.e & 1n) === 0n || key.e >= key.n) {
    throw new CryptoError('ERR_RSA_KEY_INVALID', 'RSA public exponent must be odd, >= 3 and < n');
  }
  return modBits;
}

/** Private keys that passed validateRsaPrivateKey (checked once per key object). */
const validatedKeys = new WeakSet<RsaPrivateKey>();

/**
 * Checks that an RSA private key is consistent: n = p·q, dP = d mod (p-1), dQ = d mod (q-1),
 * qInv·q ≡ 1 (mod p), and e·d ≡ 1 modulo p-1 and q-1 (RFC 8017 §3.2). Primality is not re-tested.
 * @throws {TypeError} when a component is missing or not a bigint
 * @throws {CryptoError} ERR_RSA_KEY_INVALID when the key is inconsistent or too small
 */
export function validateRsaPrivateKey(key: RsaPrivateKey): void {
  checkPublicKey(key);
  for (const name of RSA_PRIVATE_MEMBERS) abigint(key[name], `key.${name}`);
  const { n, e, d, p, q, dp, dq, qi } = key;
  const invalid = (reason: string) =>
    new CryptoError('ERR_RSA_KEY_INVALID', `inconsistent RSA private key: ${reason}`);
  if (p < 3n || q < 3n || p === q || p * q !== n) throw invalid('n != p*q');
  if (d <= 0n || d >= n) throw invalid('d out of range');
  if (dp !== d % (p - 1n) || dq !== d % (q - 1n)) throw invalid('dP or dQ does not match d');
  if (qi <= 0n || qi >= p || (qi * q) % p !== 1n) throw invalid('qInv is not q^-1 mod p');
  if ((e * dp) % (p - 1n) !== 1n || (e * dq) % (q - 1n) !== 1n) throw invalid('e*d != 1 mod (p-1), (q-1)');
}

function checkPrivateKey(key: RsaPrivateKey): number {
  const modBits = checkPublicKey(key);
  if (!validatedKeys.has(key)) {
    validateRsaPrivateKey(key);
    validatedKeys.add(key);
  }
  return modBits;
}

/**
 * Checks the params of rsaSign and rsaVerify. They come before the input, so a call in the old order (input
 * first) fails here with a TypeError naming `params.scheme`.
 */
function checkParams(params: unknown): asserts params is RsaVerifyParams {
  aobject(params, 'params');
  astring(params.scheme, 'params.scheme');
  aoneOf(params.scheme, ['pkcs1', 'pss'] as const, 'params.scheme');
  astring(params.hash, 'params.hash');
  aoneOf(params.hash, RSA_HASHES, 'params.hash');
  if (params.mgfHash !== undefined) aoneOf(params.mgfHash, RSA_HASHES, 'params.mgfHash');
}

/**
 * RSASSA-PKCS1-V1_5-SIGN (RFC 8017 §8.2.1) or RSASSA-PSS-SIGN (§8.1.1) of a message or a digest.
 * The private result is checked against the public key before it is returned (verify-after-sign).
 * @throws {TypeError} / {RangeError} for malformed arguments (wrong types, digest length, salt length)
 * @throws {CryptoError} ERR_RSA_KEY_INVALID for a bad key, ERR_RSA_ENCODE when the key is too small for the
 *   hash and salt, ERR_RSA_FAULT when the private operation produced a wrong result
 */
export function rsaSign(
  key: RsaPrivateKey,
  params: RsaSignParams,
  input: SignInput,
  engine: RsaEngine = pureRsaEngine,
): Uint8Array {
  checkParams(params);
  assertEngine(engine);
  const modBits = checkPrivateKey(key);
  const k = Math.ceil(modBits / 8);
  const mHash = digestOf(input, params.hash);
  let em: Uint8Array;
  if (params.scheme === 'pkcs1') {
    // §8.2.1 step 1.
    em = emsaPkcs1v15Encode(mHash, params.hash, k);
  } else {
    const hLen = getHash(params.hash).outputLength;
    const saltLength = params.saltLength ?? hLen;
    anumber(saltLength, 'params.saltLength', 0, k);
    const random = params.random ?? defaultRandom;
    if (typeof random !== 'function') throw new TypeError('params.random must be a function');
    const salt = random(saltLength);
    abytes(salt, 'params.random() result', saltLength);
    // §8.1.1 step 1, emBits = modBits - 1 (§9.1.1 step 4 draws the salt).
    em = emsaPssEncode(mHash, modBits - 1, salt, params.hash, params.mgfHash ?? params.hash);
  }
  // §8.2.1 step 2 / §8.1.1 step 2: m = OS2IP(EM), s = RSASP1(K, m), S = I2OSP(s, k).
  const m = os2ip(em);
  const s = engine.privateOperation(key, m);
  if (
    !engineChecksFaults(engine) &&
    (typeof s !== 'bigint' || s < 0n || s >= key.n || rsaPublicOperation(key, s) !== m)
  ) {
    throw new CryptoError('ERR_RSA_FAULT', `RSA engine ${engine.name} returned an incorrect signature`);
  }
  return i2osp(s, k);
}

/**
 * RSASSA-PKCS1-V1_5-VERIFY (RFC 8017 §8.2.2) or RSASSA-PSS-VERIFY (§8.1.2). Returns false for any
 * problem with the signature, the key or the input (it fails closed).
 * PKCS#1 v1.5 is checked by re-encoding the expected EM and comparing it whole, never by parsing.
 * @throws {TypeError} / {RangeError} only for malformed params (unknown scheme or hash)
 */
export function rsaVerify(
  key: RsaPublicKey,
  params: RsaVerifyParams,
  input: SignInput,
  signature: Uint8Array,
  engine: RsaEngine = pureRsaEngine,
): boolean {
  checkParams(params);
  try {
    const modBits = checkPublicKey(key);
    const k = Math.ceil(modBits / 8);
    abytes(signature, 'signature');
    // §8.2.2 step 1 / §8.1.2 step 1: the signature has exactly k octets.
    if (signature.length !== k) return false;
    const mHash = digestOf(input, params.hash);
    // Step 2: s = OS2IP(S) must be < n; m = RSAVP1((n, e), s).
    const s = os2ip(signature);
    if (s >= key.n) return false;
    const m = engine.publicOperation(key, s);
    if (params.scheme === 'pkcs1') {
      // §8.2.2 steps 2c-4: EM = I2OSP(m, k); EM' = EMSA-PKCS1-v1_5-ENCODE(M, k); compare whole.
      return equalBytes(i2osp(m, k), emsaPkcs1v15Encode(mHash, params.hash, k));
    }
    const hLen = getHash(params.hash).outputLength;
    const saltLength = params.saltLength ?? hLen;
    if (saltLength !== 'auto') anumber(saltLength, 'params.saltLength', 0, k);
    // §8.1.2 step 2c: EM = I2OSP(m, emLen) with emLen = ceil((modBits - 1) / 8); m must fit.
    const emBits = modBits - 1;
    const emLen = Math.ceil(emBits / 8);
    if (m >> BigInt(emLen * 8) !== 0n) return false;
    const em = i2osp(m, emLen);
    return emsaPssVerify(mHash, em, emBits, saltLength, params.hash, params.mgfHash ?? params.hash);
  } catch {
    return false;
  }
}

/** Options of generateRsaKey. */
export interface RsaKeyGenOptions {
  /** Public exponent; 65537 by default. Must be odd and in [3, 2^256). */
  readonly publicExponent?: bigint;
  /** Random source for the primes. */
  readonly random?: RandomSource;
  /** Allow 1024-2047-bit moduli (tests only). */
  readonly allowWeakSize?: boolean;
}

/**
 * Generates an RSA key pair of `bits` bits (FIPS 186-5 appendix A.1.3, probable primes) with CRT parameters.
 * @throws {RangeError} when bits is odd, below 2048 (1024 with allowWeakSize) or above 16384, or e is bad
 */
export function generateRsaKey(bits: number, options: RsaKeyGenOptions = {}): RsaPrivateKey {
  aobject(options as unknown, 'options');
  const min = options.allowWeakSize === true ? RSA_MIN_MODULUS_BITS : RSA_MIN_GENERATED_BITS;
  anumber(bits, 'bits', min, RSA_MAX_MODULUS_BITS);
  if (bits % 2 !== 0) throw new RangeError('bits must be even');
  const e = options.publicExponent ?? 65537n;
  abigint(e, 'options.publicExponent', 2n);
  if ((e & 1n) === 0n || e >= 1n << 256n)
    throw new RangeError('options.publicExponent must be odd and < 2^256');
  const random = options.random ?? defaultRandom;
  const half = bits / 2;
  for (;;) {
    // A.1.3 steps 4-5: p and q of nlen/2 bits with gcd(p-1, e) = 1, |p - q| > 2^(nlen/2 - 100).
    let p = generatePrime(half, e, random);
    let q = generatePrime(half, e, random);
    const distance = p > q ? p - q : q - p;
    if (distance <= 1n << BigInt(half - 100)) continue;
    if (p < q) [p, q] = [q, p];
    const n = p * q;
    // A.1.3 step 3 (via A.1.1): d = e^-1 mod lcm(p-1, q-1), with d > 2^(nlen/2).
    const d = modInverse(e, lcm(p - 1n, q - 1n));
    if (d <= 1n << BigInt(half)) continue;
    const key = completeKey(n, e, d, p, q);
    validateRsaPrivateKey(key);
    return key;
  }
}

function completeKey(n: bigint, e: bigint, d: bigint, p: bigint, q: bigint): RsaPrivateKey {
  return Object.freeze({
    kty: 'RSA' as const,
    n,
    e,
    d,
    p,
    q,
    dp: d % (p - 1n),
    dq: d % (q - 1n),
    qi: modInverse(q, p),
  });
}

/** The public half of an RSA private key. */
export function rsaPublicKey(key: RsaPublicKey): RsaPublicKey {
  aobject(key, 'key');
  abigint(key.n, 'key.n');
  abigint(key.e, 'key.e');
  return Object.freeze({ kty: 'RSA', n: key.n, e: key.e });
}

/**
 * An RSA private key with CRT parameters from (n, e, d) alone, recovering p and q
 * (NIST SP 800-56B rev. 2 appendix C.2). p > q.
 * @throws {TypeError} when a component is not a bigint
 * @throws {CryptoError} ERR_RSA_KEY_INVALID when (n, e, d) is not a consistent key
 */
export function rsaPrivateKeyFromComponents(
  components: { readonly n: bigint; readonly e: bigint; readonly d: bigint },
  random: RandomSource = defaultRandom,
): RsaPrivateKey {
  aobject(components, 'components');
  const { n, e, d } = components;
  abigint(n, 'n');
  abigint(e, 'e');
  abigint(d, 'd');
  checkPublicKey({ kty: 'RSA', n, e });
  if (d <= 1n || d >= n) throw new CryptoError('ERR_RSA_KEY_INVALID', 'd out of range');
  const [p, q] = recoverPrimeFactors(n, e, d, random);
  if (gcd(e, (p - 1n) * (q - 1n)) !== 1n) throw new CryptoError('ERR_RSA_KEY_INVALID', 'e is not invertible');
  const key = completeKey(n, e, d, p, q);
  validateRsaPrivateKey(key);
  return key;
}

/** A named RSA signature algorithm (a JOSE `alg`) bound to its parameters. */
export interface RsaPreset {
  readonly alg: string;
  readonly params: RsaSignParams & RsaVerifyParams;
  /** rsaSign with this preset's parameters. */
  sign(key: RsaPrivateKey, input: SignInput, random?: RandomSource): Uint8Array;
  /** rsaVerify with this preset's parameters. */
  verify(key: RsaPublicKey, input: SignInput, signature: Uint8Array): boolean;
}

function preset(alg: string, scheme: RsaScheme, hash: RsaHashName): RsaPreset {
  const params = Object.freeze({ scheme, hash });
  return Object.freeze({
    alg,
    params,
    sign: (key: RsaPrivateKey, input: SignInput, random?: RandomSource) =>
      rsaSign(key, random === undefined ? params : { ...params, random }, input),
    verify: (key: RsaPublicKey, input: SignInput, signature: Uint8Array) =>
      rsaVerify(key, params, input, signature),
  });
}

/** RSASSA-PKCS1-v1_5 with SHA-256 (JOSE RS256). */
export const rs256: RsaPreset = preset('RS256', 'pkcs1', 'SHA-256');
/** RSASSA-PKCS1-v1_5 with SHA-384 (JOSE RS384). */
export const rs384: RsaPreset = preset('RS384', 'pkcs1', 'SHA-384');
/** RSASSA-PKCS1-v1_5 with SHA-512 (JOSE RS512). */
export const rs512: RsaPreset = preset('RS512', 'pkcs1', 'SHA-512');
/** RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt (JOSE PS256). */
export const ps256: RsaPreset = preset('PS256', 'pss', 'SHA-256');
/** RSASSA-PSS with SHA-384, MGF1-SHA-384, 48-byte salt (JOSE PS384). */
export const ps384: RsaPreset = preset('PS384', 'pss', 'SHA-384');
/** RSASSA-PSS with SHA-512, MGF1-SHA-512, 64-byte salt (JOSE PS512). */
export const ps512: RsaPreset = preset('PS512', 'pss', 'SHA-512');
