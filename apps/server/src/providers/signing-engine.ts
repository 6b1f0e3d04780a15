// SIGIL_CRYPTO_ENGINE over an opened key: `pure` signs with crypto-core alone; `native` hands OpenSSL (node:crypto)
// every input it can take and crypto-core the rest (ECDSA over a digest hashed elsewhere, deterministic ECDSA).
import {
  constants,
  createHash,
  createHmac,
  createPrivateKey,
  type KeyObject,
  sign as nodeSign,
  privateDecrypt,
  randomBytes,
} from 'node:crypto';
import { ecdsaSign, ecdsaVerify } from '@sigil/crypto-core/ecdsa';
import { ed25519Sign, ed25519Verify } from '@sigil/crypto-core/eddsa';
import { bitLength } from '@sigil/crypto-core/encoding';
import { getHash, type HashName } from '@sigil/crypto-core/hash';
import { hmacSign, hmacVerify } from '@sigil/crypto-core/hmac';
import type { Key, PrivateKey, SymmetricKey } from '@sigil/crypto-core/key-types';
import { exportJwk } from '@sigil/crypto-core/keys';
import { emsaPkcs1v15Encode, emsaPssEncode, rsaSign, rsaVerify } from '@sigil/crypto-core/rsa';
import { pureRsaEngine } from '@sigil/crypto-core/rsa-engine';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { ServerError } from '../errors.js';
import type { SignatureParams } from './provider.js';

/** A private or symmetric key the local provider can sign with. */
export type SigningKey = PrivateKey | SymmetricKey;

/** Signs with crypto-core alone according to `params` (the pure engine); the key family must match. */
export function signWithKey(key: SigningKey, params: SignatureParams, input: SignInput): Uint8Array {
  if (params.kty === 'RSA' && key.kty === 'RSA') {
    return rsaSign(
      key,
      {
        scheme: params.scheme,
        hash: params.hash,
        ...(params.mgfHash === undefined ? {} : { mgfHash: params.mgfHash }),
        ...(params.saltLength === undefined ? {} : { saltLength: params.saltLength }),
      },
      input,
      pureRsaEngine,
    );
  }
  if (params.kty === 'EC' && key.kty === 'EC') {
    return ecdsaSign(
      key,
      {
        hash: params.hash,
        format: params.format,
        hedged: params.hedged ?? false,
      },
      input,
    );
  }
  if (params.kty === 'OKP' && key.kty === 'OKP' && 'message' in input) return ed25519Sign(key, input.message);
  if (params.kty === 'oct' && key.kty === 'oct' && 'message' in input) {
    return hmacSign(key, params.hash, input.message);
  }
  throw new ServerError('ERR_ALGORITHM_MISMATCH', `a ${params.kty} signature needs a matching key and input`);
}

/** Verifies with a crypto-core key according to `params`; any mismatch is `false`. */
export function verifyWithKey(
  key: Key,
  params: SignatureParams,
  input: SignInput,
  signature: Uint8Array,
): boolean {
  try {
    if (params.kty === 'RSA' && key.kty === 'RSA') {
      return rsaVerify(
        key,
        {
          scheme: params.scheme,
          hash: params.hash,
          ...(params.mgfHash === undefined ? {} : { mgfHash: params.mgfHash }),
          ...(params.saltLength === undefined ? {} : { saltLength: params.saltLength }),
        },
        input,
        signature,
      );
    }
    if (params.kty === 'EC' && key.kty === 'EC') {
      return ecdsaVerify(key, { hash: params.hash, format: params.format }, input, signature);
    }
    if (params.kty === 'OKP' && key.kty === 'OKP' && 'message' in input) {
      return ed25519Verify(key, input.message, signature);
    }
    if (params.kty === 'oct' && key.kty === 'oct' && 'message' in input) {
      return hmacVerify(key, params.hash, input.message, signature);
    }
    return false;
  } catch {
    return false;
  }
}

/** The crypto engines SIGIL_CRYPTO_ENGINE names. */
export const CRYPTO_ENGINES = ['native', 'pure'] as const;

/** `native` (node:crypto wherever it can sign the input) or `pure` (crypto-core alone). */
export type CryptoEngineName = (typeof CRYPTO_ENGINES)[number];

/** node:crypto's name of a crypto-core hash (`SHA-256` -> `sha256`, `SHA3-256` -> `sha3-256`). */
export function nodeHashName(hash: HashName): string {
  return hash.startsWith('SHA3-') ? hash.toLowerCase() : hash.replace('-', '').toLowerCase();
}

/** An unsealed key, with its node:crypto form built on first native use and kept as long as the key is. */
export class OpenedKey {
  readonly key: SigningKey;
  #native: KeyObject | undefined;

  constructor(key: SigningKey) {
    this.key = key;
  }

  /** The key as an OpenSSL key object (not for HMAC keys, which node takes as bytes). */
  get native(): KeyObject {
    if (this.key.kty === 'oct') throw new TypeError('an HMAC key has no key object');
    this.#native ??= createPrivateKey({
      key: exportJwk(this.key) as import('node:crypto').JsonWebKey,
      format: 'jwk',
    });
    return this.#native;
  }
}

/**
 * RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.1) or RSASSA-PSS (§8.1.1) with the encoding from crypto-core and RSASP1 from
 * OpenSSL. OpenSSL checks its CRT result against the public exponent and recomputes without CRT on a mismatch
 * (rsa_ossl_mod_exp), which is the verify-after-sign the pure engine does itself.
 */
function nativeRsaSign(opened: OpenedKey, params: SignatureParams & { kty: 'RSA' }, input: SignInput) {
  if (opened.key.kty !== 'RSA') return undefined;
  const modBits = bitLength(opened.key.n);
  const k = Math.ceil(modBits / 8);
  const mHash =
    'digest' in input ? input.digest : createHash(nodeHashName(params.hash)).update(input.message).digest();
  // §8.2.1 step 1 / §8.1.1 step 1 (emBits = modBits - 1; the salt is hLen bytes unless told otherwise).
  const em =
    params.scheme === 'pkcs1'
      ? emsaPkcs1v15Encode(mHash, params.hash, k)
      : emsaPssEncode(
          mHash,
          modBits - 1,
          randomBytes(params.saltLength ?? getHash(params.hash).outputLength),
          params.hash,
          params.mgfHash ?? params.hash,
        );
  // §8.2.1 step 2: m = OS2IP(EM) as k octets (a PSS EM is one octet short when modBits = 8j + 1).
  const m = new Uint8Array(k);
  m.set(em, k - em.length);
  return new Uint8Array(privateDecrypt({ key: opened.native, padding: constants.RSA_NO_PADDING }, m));
}

/** The curves OpenSSL signs (all of the server's). */
const NATIVE_CURVES = new Set(['P-256', 'P-384', 'P-521', 'secp256k1']);

/**
 * Signs through node:crypto when it can take this input, else undefined: RSA always; ECDSA over a message unless
 * deterministic RFC 6979 nonces are required (`hedged: false`; OpenSSL draws k at random); Ed25519 and HMAC over a
 * message. ECDSA over a digest stays with crypto-core: node:crypto hashes whatever it signs.
 */
function nativeSign(opened: OpenedKey, params: SignatureParams, input: SignInput): Uint8Array | undefined {
  const { key } = opened;
  switch (params.kty) {
    case 'RSA':
      return nativeRsaSign(opened, params, input);
    case 'EC':
      if (
        key.kty !== 'EC' ||
        !('message' in input) ||
        params.hedged === false ||
        !NATIVE_CURVES.has(key.curve)
      )
        return undefined;
      return new Uint8Array(
        nodeSign(nodeHashName(params.hash), input.message, {
          key: opened.native,
          dsaEncoding: params.format === 'der' ? 'der' : 'ieee-p1363',
        }),
      );
    case 'OKP':
      if (key.kty !== 'OKP' || !('message' in input)) return undefined;
      return new Uint8Array(nodeSign(null, input.message, opened.native));
    case 'oct':
      if (key.kty !== 'oct' || !('message' in input) || params.hash === 'MD5') return undefined;
      return new Uint8Array(createHmac(nodeHashName(params.hash), key.key).update(input.message).digest());
  }
}

/**
 * One signature on the chosen engine. Whatever `native` leaves (and all of `pure`) is crypto-core's, with its own
 * verify-after-sign for RSA.
 * @throws {ServerError} ERR_ALGORITHM_MISMATCH when params, key and input do not fit; CryptoError from crypto-core
 */
export function signOpened(
  opened: OpenedKey,
  params: SignatureParams,
  input: SignInput,
  engine: CryptoEngineName,
): Uint8Array {
  if (engine === 'native') {
    const signature = nativeSign(opened, params, input);
    if (signature !== undefined) return signature;
  }
  return signWithKey(opened.key, params, input);
}
