// SIGIL_CRYPTO_ENGINE over a held key: `pure` signs with crypto-core alone; `native` is a crypto-core
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
import type {
  EcPrivateKey,
  OkpPrivateKey,
  PrivateKey,
  RsaPrivateKey,
  SymmetricKey,
} from '@sigil/crypto-core/key-types';
import { exportJwk } from '@sigil/crypto-core/keys';
import { type RsaEngine, rsaPublicOperation } from '@sigil/crypto-core/rsa-engine';
import {
  pureSignatureEngine,
  type SignatureEngine,
  type SignatureParams,
  sign,
} from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { ServerError } from '../errors.js';

/** A private or symmetric key the local provider can sign with. */
export type SigningKey = PrivateKey | SymmetricKey;

/** The crypto engines SIGIL_CRYPTO_ENGINE names. */
export const CRYPTO_ENGINES = ['native', 'pure'] as const;

/** `native` (node:crypto wherever it can sign the input) or `pure` (crypto-core alone). */
export type CryptoEngineName = (typeof CRYPTO_ENGINES)[number];

/** node:crypto's name of a crypto-core hash (`SHA-256` -> `sha256`, `SHA3-256` -> `sha3-256`). */
export function nodeHashName(hash: HashName): string {
  return hash.startsWith('SHA3-') ? hash.toLowerCase() : hash.replace('-', '').toLowerCase();
}

// Each held key's OpenSSL key object, built on first native use and dropped with the key (the key cache holds it).
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

/**
 * One signature on the chosen engine, through crypto-core's sign(): `native` lends it OpenSSL's primitives, `pure`
 * leaves everything to crypto-core. The server's one way to make a signature with key material it holds.
 * @throws {ServerError} ERR_ALGORITHM_MISMATCH when params, key and input do not fit; CryptoError from crypto-core
 */
export function signWithEngine(
  key: SigningKey,
  params: SignatureParams,
  input: SignInput,
  engine: CryptoEngineName,
): Uint8Array {
  try {
    return sign(key, params, input, engine === 'native' ? nativeSignatureEngine : pureSignatureEngine);
  } catch (error) {
    if (isCryptoError(error, 'ERR_KEY_MISMATCH') || isCryptoError(error, 'ERR_INVALID_INPUT')) {
      throw new ServerError('ERR_ALGORITHM_MISMATCH', `${params.scheme} needs a matching key and input`, {
        cause: error,
      });
    }
    throw error;
  }
}
