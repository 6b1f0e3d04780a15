// SIGIL_CRYPTO_ENGINE over an opened key: `pure` signs with crypto-core alone; `native` is a crypto-core
// SignatureEngine whose primitives are OpenSSL's (node:crypto), so crypto-core's one sign() keeps the dispatch.
import {
  constants,
  createHash,
  createHmac,
  createPrivateKey,
  type KeyObject,
  sign as nodeSign,
  privateDecrypt,
} from 'node:crypto';
import { bigIntToBytes, bitLength, bytesToBigInt } from '@sigil/crypto-core/encoding';
import { isCryptoError } from '@sigil/crypto-core/errors';
import type { HashName } from '@sigil/crypto-core/hash';
import { getHash } from '@sigil/crypto-core/hash';
import type {
  EcPrivateKey,
  Key,
  OkpPrivateKey,
  PrivateKey,
  RsaPrivateKey,
  SymmetricKey,
} from '@sigil/crypto-core/key-types';
import { exportJwk } from '@sigil/crypto-core/keys';
import { type RsaEngine, rsaPublicOperation } from '@sigil/crypto-core/rsa-engine';
import {
  type SignatureParams as CoreSignatureParams,
  DEFAULT_ECDSA_NONCE,
  pureSignatureEngine,
  type SignatureEngine,
  sign,
  verify,
} from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { ServerError } from '../errors.js';
import type { SignatureParams } from './provider.js';

/** A private or symmetric key the local provider can sign with. */
export type SigningKey = PrivateKey | SymmetricKey;

/**
 * crypto-core's parameters for the server's: PSS salts are the hash length unless a surface names another, and an
 * ECDSA nonce is RFC 6979 only when a surface asks for deterministic signatures (`hedged: false`), else the default.
 */
export function coreSignatureParams(params: SignatureParams): CoreSignatureParams {
  switch (params.kty) {
    case 'RSA':
      return params.scheme === 'pkcs1'
        ? { scheme: 'rsa-pkcs1', hash: params.hash }
        : {
            scheme: 'rsa-pss',
            hash: params.hash,
            saltLength: params.saltLength ?? getHash(params.hash).outputLength,
            ...(params.mgfHash === undefined ? {} : { mgfHash: params.mgfHash }),
          };
    case 'EC':
      return {
        scheme: 'ecdsa',
        hash: params.hash,
        format: params.format,
        nonce: params.hedged === false ? 'rfc6979' : DEFAULT_ECDSA_NONCE,
      };
    case 'OKP':
      return { scheme: 'ed25519' };
    case 'oct':
      return { scheme: 'hmac', hash: params.hash };
  }
}

/** Signs with crypto-core alone according to `params` (the pure engine); the key family must match. */
export function signWithKey(key: SigningKey, params: SignatureParams, input: SignInput): Uint8Array {
  return signOn(pureSignatureEngine, key, params, input);
}

/** Verifies with a crypto-core key according to `params`; any mismatch is `false`. */
export function verifyWithKey(
  key: Key,
  params: SignatureParams,
  input: SignInput,
  signature: Uint8Array,
): boolean {
  return verify(key, coreSignatureParams(params), input, signature);
}

/** The crypto engines SIGIL_CRYPTO_ENGINE names. */
export const CRYPTO_ENGINES = ['native', 'pure'] as const;

/** `native` (node:crypto wherever it can sign the input) or `pure` (crypto-core alone). */
export type CryptoEngineName = (typeof CRYPTO_ENGINES)[number];

/** node:crypto's name of a crypto-core hash (`SHA-256` -> `sha256`, `SHA3-256` -> `sha3-256`). */
export function nodeHashName(hash: HashName): string {
  return hash.startsWith('SHA3-') ? hash.toLowerCase() : hash.replace('-', '').toLowerCase();
}

/** An unsealed key as one thread holds it (its OpenSSL form is kept by {@link nativeSignatureEngine}). */
export class OpenedKey {
  readonly key: SigningKey;

  constructor(key: SigningKey) {
    this.key = key;
  }
}

// Each opened key's OpenSSL key object, built on first native use and dropped with the key.
const keyObjects = new WeakMap<PrivateKey, KeyObject>();

function keyObjectOf(key: PrivateKey): KeyObject {
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = createPrivateKey({ key: exportJwk(key) as import('node:crypto').JsonWebKey, format: 'jwk' });
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

/**
 * RSASP1 (RFC 8017 §5.2.1) by OpenSSL: the representative as k octets through `privateDecrypt` without padding.
 * OpenSSL checks its CRT result against e and recomputes without CRT on a mismatch (rsa_ossl_mod_exp); crypto-core
 * checks the result once more before a signature leaves.
 */
const opensslRsaEngine: RsaEngine = Object.freeze({
  name: 'openssl',
  privateOperation(key: RsaPrivateKey, x: bigint): bigint {
    const k = Math.ceil(bitLength(key.n) / 8);
    return bytesToBigInt(
      new Uint8Array(
        privateDecrypt({ key: keyObjectOf(key), padding: constants.RSA_NO_PADDING }, bigIntToBytes(x, k)),
      ),
    );
  },
  publicOperation: rsaPublicOperation,
});

/** The curves OpenSSL signs (all of the server's). */
const OPENSSL_CURVES = new Set(['P-256', 'P-384', 'P-521', 'secp256k1']);

/**
 * OpenSSL's primitives under crypto-core's sign(): hashing, RSASP1, ECDSA over a message (OpenSSL's nonce mixes fresh
 * random bytes with the key and the digest, i.e. hedged; deterministic RFC 6979 and ECDSA over a digest hashed
 * elsewhere stay with crypto-core), Ed25519 and HMAC. MD5 is left to crypto-core.
 */
export const nativeSignatureEngine: SignatureEngine = Object.freeze({
  name: 'native',
  digest: (hash: HashName, message: Uint8Array) =>
    hash === 'MD5' ? undefined : new Uint8Array(createHash(nodeHashName(hash)).update(message).digest()),
  rsa: opensslRsaEngine,
  ecdsaMessage(key: EcPrivateKey, hash: HashName, message: Uint8Array, format: 'der' | 'p1363') {
    if (!OPENSSL_CURVES.has(key.curve) || hash === 'MD5') return undefined;
    const dsaEncoding = format === 'der' ? 'der' : 'ieee-p1363';
    return new Uint8Array(nodeSign(nodeHashName(hash), message, { key: keyObjectOf(key), dsaEncoding }));
  },
  ed25519: (key: OkpPrivateKey, message: Uint8Array) =>
    new Uint8Array(nodeSign(null, message, keyObjectOf(key))),
  hmac: (key: SymmetricKey, hash: HashName, message: Uint8Array) =>
    hash === 'MD5'
      ? undefined
      : new Uint8Array(createHmac(nodeHashName(hash), key.key).update(message).digest()),
});

function signOn(
  engine: SignatureEngine,
  key: SigningKey,
  params: SignatureParams,
  input: SignInput,
): Uint8Array {
  try {
    return sign(key, coreSignatureParams(params), input, engine);
  } catch (error) {
    if (isCryptoError(error, 'ERR_KEY_MISMATCH') || isCryptoError(error, 'ERR_INVALID_INPUT')) {
      throw new ServerError(
        'ERR_ALGORITHM_MISMATCH',
        `a ${params.kty} signature needs a matching key and input`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

/**
 * One signature on the chosen engine, through crypto-core's sign(): `native` lends it OpenSSL's primitives.
 * @throws {ServerError} ERR_ALGORITHM_MISMATCH when params, key and input do not fit; CryptoError from crypto-core
 */
export function signOpened(
  opened: OpenedKey,
  params: SignatureParams,
  input: SignInput,
  engine: CryptoEngineName,
): Uint8Array {
  return signOn(engine === 'native' ? nativeSignatureEngine : pureSignatureEngine, opened.key, params, input);
}
