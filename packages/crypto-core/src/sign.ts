// The one signing entry point: sign() and verify() over one SignatureParams union for every scheme crypto-core has.
import { abytes, aobject, aoneOf, astring } from './assert.js';
import { ecdsaSign, ecdsaVerify } from './ecdsa.js';
import { ed25519Sign, ed25519Verify } from './eddsa.js';
import { CryptoError } from './errors.js';
import { getHash, HASH_NAMES, type HashName } from './hash.js';
import { HMAC_HASHES, hmacSign, hmacVerify } from './hmac.js';
import type { EcPrivateKey, Key, OkpPrivateKey, PrivateKey, SymmetricKey } from './key-types.js';
import { RSA_HASHES, type RsaHashName, rsaSign, rsaVerify } from './rsa.js';
import { pureRsaEngine, type RsaEngine } from './rsa-engine.js';
import type { SignInput } from './sign-input.js';
import { ECDSA_SIGNATURE_FORMATS, type EcdsaSignatureFormat } from './signature-format.js';

/**
 * How an ECDSA nonce k is chosen: `'rfc6979'` derives it from the key and the digest alone (deterministic,
 * RFC 6979 §3.2); `'hedged'` mixes fresh random bytes into that derivation (RFC 6979 §3.6), so a broken random
 * source still never repeats k and a fault attack meets a different k each time.
 */
export type EcdsaNonce = 'rfc6979' | 'hedged';

/** The ECDSA nonces {@link sign} takes. */
export const ECDSA_NONCES = Object.freeze(['rfc6979', 'hedged'] as const satisfies readonly EcdsaNonce[]);

/**
 * The nonce every Sigil surface uses when a request does not ask for one: hedged. It is what OpenSSL does too
 * (it mixes random bytes, the private key and the digest into k), so the native and the pure engine agree.
 * Requests that need reproducible signatures (Fortanix `deterministic_signature`) ask for `'rfc6979'`.
 */
export const DEFAULT_ECDSA_NONCE: EcdsaNonce = 'hedged';

/** RSASSA-PKCS1-v1_5 (RFC 8017 §8.2). */
export interface RsaPkcs1Params {
  readonly scheme: 'rsa-pkcs1';
  readonly hash: RsaHashName;
}

/** RSASSA-PSS (RFC 8017 §8.1) with MGF1. */
export interface RsaPssParams {
  readonly scheme: 'rsa-pss';
  readonly hash: RsaHashName;
  /** MGF1's hash; `hash` when absent. */
  readonly mgfHash?: RsaHashName;
  /**
   * The salt length in bytes. Signing needs a number; verifying takes a number (only that length verifies) or
   * `'auto'` (any length, RFC 8017 §9.1.2 read without a fixed sLen).
   */
  readonly saltLength: number | 'auto';
}

/** ECDSA (SEC 1 §4.1) on the key's curve. */
export interface EcdsaParams {
  readonly scheme: 'ecdsa';
  readonly hash: HashName;
  /** How the signature is encoded: DER (RFC 3279) or IEEE P1363 r||s (JOSE's form). */
  readonly format: EcdsaSignatureFormat;
  /** How k is chosen when signing ({@link DEFAULT_ECDSA_NONCE} when a surface does not say); unused by verify. */
  readonly nonce: EcdsaNonce;
}

/** Pure Ed25519 (RFC 8032 §5.1) over the message itself. */
export interface Ed25519Params {
  readonly scheme: 'ed25519';
}

/** HMAC (RFC 2104) with the full-length tag. */
export interface HmacParams {
  readonly scheme: 'hmac';
  readonly hash: HashName;
}

/** How one signature is made or checked, whatever asked for it: the lingua franca of every Sigil layer. */
export type SignatureParams = RsaPkcs1Params | RsaPssParams | EcdsaParams | Ed25519Params | HmacParams;

/** The schemes of {@link SignatureParams}. */
export type SignatureScheme = SignatureParams['scheme'];

/** Every signature scheme, in a stable order. */
export const SIGNATURE_SCHEMES = Object.freeze([
  'rsa-pkcs1',
  'rsa-pss',
  'ecdsa',
  'ed25519',
  'hmac',
] as const satisfies readonly SignatureScheme[]);

/** The key family (JWK `kty`) each scheme signs with. */
export const SCHEME_KEY_TYPES = Object.freeze({
  'rsa-pkcs1': 'RSA',
  'rsa-pss': 'RSA',
  ecdsa: 'EC',
  ed25519: 'OKP',
  hmac: 'oct',
} as const satisfies Record<SignatureScheme, Key['kty']>);

/**
 * Primitive operations another implementation (OpenSSL through node:crypto, say) can take over; {@link sign} keeps
 * the dispatch, the checks and the encodings, and calls these where the params allow. A missing hook, or one that
 * answers `undefined`, leaves the operation to crypto-core.
 */
export interface SignatureEngine {
  /** A short name for logs and benchmarks. */
  readonly name: string;
  /** The hash of a whole message, for the schemes that sign a digest (RSA, ECDSA). */
  digest?(hash: HashName, message: Uint8Array): Uint8Array | undefined;
  /** RSASP1 for both RSASSA schemes; crypto-core builds the encoded message and checks the result. */
  readonly rsa?: RsaEngine;
  /** ECDSA over a whole message with a hedged nonce (only called when `params.nonce` is `'hedged'`). */
  ecdsaMessage?(
    key: EcPrivateKey,
    hash: HashName,
    message: Uint8Array,
    format: EcdsaSignatureFormat,
  ): Uint8Array | undefined;
  /** Pure Ed25519 over a message. */
  ed25519?(key: OkpPrivateKey, message: Uint8Array): Uint8Array | undefined;
  /** The full HMAC tag of a message. */
  hmac?(key: SymmetricKey, hash: HashName, message: Uint8Array): Uint8Array | undefined;
}

/** crypto-core alone: the pure RSA engine (CRT, blinding, verify-after-sign) and @noble for the rest. */
export const pureSignatureEngine: SignatureEngine = Object.freeze({ name: 'pure', rsa: pureRsaEngine });

/**
 * Checks that `params` is a well-formed {@link SignatureParams}.
 * @throws {TypeError} when it is not an object or a field has the wrong type
 * @throws {RangeError} for an unknown scheme, hash, format or nonce
 */
export function assertSignatureParams(params: unknown): asserts params is SignatureParams {
  aobject(params, 'params');
  // A string first: sign(key, input, params), the order of no primitive, then fails with a TypeError.
  astring(params.scheme, 'params.scheme');
  aoneOf(params.scheme, SIGNATURE_SCHEMES, 'params.scheme');
  switch (params.scheme) {
    case 'rsa-pkcs1':
      aoneOf(params.hash, RSA_HASHES, 'params.hash');
      return;
    case 'rsa-pss':
      aoneOf(params.hash, RSA_HASHES, 'params.hash');
      if (params.mgfHash !== undefined) aoneOf(params.mgfHash, RSA_HASHES, 'params.mgfHash');
      if (params.saltLength !== 'auto' && typeof params.saltLength !== 'number') {
        throw new TypeError("params.saltLength must be a number or 'auto'");
      }
      return;
    case 'ecdsa':
      aoneOf(params.hash, HASH_NAMES, 'params.hash');
      aoneOf(params.format, ECDSA_SIGNATURE_FORMATS, 'params.format');
      aoneOf(params.nonce, ECDSA_NONCES, 'params.nonce');
      return;
    case 'ed25519':
      return;
    case 'hmac':
      aoneOf(params.hash, HMAC_HASHES, 'params.hash');
      return;
  }
}

/**
 * The key family `params` needs, checked against `key`.
 * @throws {CryptoError} ERR_KEY_MISMATCH when the key's family does not sign with this scheme
 */
export function assertKeyFitsParams(key: Key, params: SignatureParams): void {
  aobject(key, 'key');
  const kty = SCHEME_KEY_TYPES[params.scheme];
  if (key.kty !== kty) {
    throw new CryptoError('ERR_KEY_MISMATCH', `${params.scheme} needs an ${kty} key, got ${String(key.kty)}`);
  }
}

// Ed25519 and HMAC take the message itself (RFC 8032 §5.1.6 hashes inside the scheme; RFC 2104 likewise).
function messageOf(input: SignInput, scheme: SignatureScheme): Uint8Array {
  aobject(input, 'input');
  if (
    'message' in input &&
    input.message !== undefined &&
    !('digest' in input && input.digest !== undefined)
  ) {
    abytes(input.message, 'input.message');
    return input.message;
  }
  throw new CryptoError('ERR_INVALID_INPUT', `${scheme} signs a message, not a digest`);
}

// A message hashed by the engine when it has a digest hook (crypto-core checks the digest's length either way).
function digestInput(engine: SignatureEngine, hash: HashName, input: SignInput): SignInput {
  if (engine.digest === undefined || !('message' in input) || input.message === undefined) return input;
  abytes(input.message, 'input.message');
  const digest = engine.digest(hash, input.message);
  return digest === undefined ? input : { digest };
}

function privateKeyOf<K extends PrivateKey | SymmetricKey>(key: Key, has: string): K {
  if (!(has in key)) throw new CryptoError('ERR_KEY_MISMATCH', `signing needs a private ${key.kty} key`);
  return key as K;
}

/**
 * Signs a message or a digest with `key` according to `params`: the one place crypto-core dispatches on a
 * signature scheme. `engine` may take over primitive operations ({@link SignatureEngine}); by default crypto-core
 * does everything itself. RSA results are checked against the public key before they are returned.
 * @throws {TypeError} / {RangeError} for malformed params, key or input (wrong types, digest lengths, salt length)
 * @throws {CryptoError} ERR_KEY_MISMATCH when the key does not fit the scheme or is public; ERR_INVALID_INPUT when
 *   Ed25519 or HMAC is given a digest; the scheme's own errors (ERR_RSA_ENCODE, ERR_RSA_FAULT, ...)
 */
export function sign(
  key: PrivateKey | SymmetricKey,
  params: SignatureParams,
  input: SignInput,
  engine: SignatureEngine = pureSignatureEngine,
): Uint8Array {
  assertSignatureParams(params);
  assertKeyFitsParams(key, params);
  switch (params.scheme) {
    case 'rsa-pkcs1':
    case 'rsa-pss': {
      const rsaKey = privateKeyOf<PrivateKey & { kty: 'RSA' }>(key, 'd');
      if (params.scheme === 'rsa-pss' && params.saltLength === 'auto') {
        throw new RangeError("params.saltLength 'auto' is for verification only");
      }
      const rsaParams =
        params.scheme === 'rsa-pkcs1'
          ? { scheme: 'pkcs1' as const, hash: params.hash }
          : {
              scheme: 'pss' as const,
              hash: params.hash,
              saltLength: params.saltLength as number,
              ...(params.mgfHash === undefined ? {} : { mgfHash: params.mgfHash }),
            };
      return rsaSign(rsaKey, rsaParams, digestInput(engine, params.hash, input), engine.rsa ?? pureRsaEngine);
    }
    case 'ecdsa': {
      const ecKey = privateKeyOf<EcPrivateKey>(key, 'd');
      if (params.nonce === 'hedged' && engine.ecdsaMessage !== undefined && 'message' in input) {
        const message = messageOf(input, params.scheme);
        const signature = engine.ecdsaMessage(ecKey, params.hash, message, params.format);
        if (signature !== undefined) return signature;
      }
      return ecdsaSign(
        ecKey,
        { hash: params.hash, format: params.format, hedged: params.nonce === 'hedged' },
        input,
      );
    }
    case 'ed25519': {
      const okpKey = privateKeyOf<OkpPrivateKey>(key, 'seed');
      const message = messageOf(input, params.scheme);
      return engine.ed25519?.(okpKey, message) ?? ed25519Sign(okpKey, message);
    }
    case 'hmac': {
      const secret = key as SymmetricKey;
      const message = messageOf(input, params.scheme);
      return engine.hmac?.(secret, params.hash, message) ?? hmacSign(secret, params.hash, message);
    }
  }
}

/**
 * Verifies `signature` over a message or a digest with `key` according to `params`. Fails closed: a key that does
 * not fit, a malformed signature or input, or any failure inside the scheme gives `false`. RSA-PSS checks the
 * salt length `params.saltLength` names (`'auto'`: any). HMAC compares in constant time.
 * @throws {TypeError} / {RangeError} only for malformed params
 */
export function verify(key: Key, params: SignatureParams, input: SignInput, signature: Uint8Array): boolean {
  assertSignatureParams(params);
  try {
    assertKeyFitsParams(key, params);
    switch (params.scheme) {
      case 'rsa-pkcs1':
        return key.kty === 'RSA' && rsaVerify(key, { scheme: 'pkcs1', hash: params.hash }, input, signature);
      case 'rsa-pss':
        return (
          key.kty === 'RSA' &&
          rsaVerify(
            key,
            {
              scheme: 'pss',
              hash: params.hash,
              saltLength: params.saltLength,
              ...(params.mgfHash === undefined ? {} : { mgfHash: params.mgfHash }),
            },
            input,
            signature,
          )
        );
      case 'ecdsa':
        return (
          key.kty === 'EC' && ecdsaVerify(key, { hash: params.hash, format: params.format }, input, signature)
        );
      case 'ed25519':
        return key.kty === 'OKP' && ed25519Verify(key, messageOf(input, params.scheme), signature);
      case 'hmac':
        return key.kty === 'oct' && hmacVerify(key, params.hash, messageOf(input, params.scheme), signature);
    }
  } catch {
    return false;
  }
}

/** The byte length of a hash's output: the PSS salt length JOSE (RFC 7518 §3.5) and .NET's `Pss` use. */
export function hashOutputLength(hash: HashName): number {
  return getHash(hash).outputLength;
}
