// Deterministic signing keys from a seed: RSA through crypto-core's generator fed a seeded stream, EC and
// Ed25519 from seeded scalars. Keys are cached per (seed, label), so a reset or a second mock reuses them.

import { ecPublicKeyFromPrivate } from '@sigil/crypto-core/ecdsa';
import { ed25519PublicKeyFromSeed } from '@sigil/crypto-core/eddsa';
import { bigIntToBytes, bytesToBigInt } from '@sigil/crypto-core/encoding';
import type {
  EcCurve,
  EcPrivateKey,
  OkpPrivateKey,
  PrivateKey,
  RsaPrivateKey,
} from '@sigil/crypto-core/key-types';
import { importKey } from '@sigil/crypto-core/keys';
import { generateRsaKey } from '@sigil/crypto-core/rsa';
import { createSeededRandom } from './seeded-random.js';

/** What kind of key to derive. */
export type KeySpec =
  | { readonly kty: 'RSA'; readonly bits: number }
  | { readonly kty: 'EC'; readonly curve: EcCurve }
  | { readonly kty: 'OKP'; readonly curve: 'Ed25519' };

// Group orders, for drawing scalars in [1, n-1] (SEC 2; secp256k1 from SEC 2 §2.4.1).
const CURVE_ORDERS: Readonly<Record<EcCurve, { order: bigint; bytes: number }>> = {
  'P-256': { order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n, bytes: 32 },
  'P-384': {
    order:
      0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    bytes: 48,
  },
  'P-521': {
    order:
      0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    bytes: 66,
  },
  secp256k1: { order: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n, bytes: 32 },
};

const cache = new Map<string, PrivateKey>();

function cacheKey(seed: string, label: string, spec: KeySpec): string {
  return JSON.stringify([seed, label, spec]);
}

/** A deterministic EC private key: the first seeded candidate scalar in [1, n-1] (rejection sampling). */
export function seededEcKey(seed: string, label: string, curve: EcCurve): EcPrivateKey {
  const { order, bytes } = CURVE_ORDERS[curve];
  const random = createSeededRandom(seed, `key:${label}:${curve}`);
  for (;;) {
    const candidate = random(bytes);
    // P-521 scalars have 521 bits: clear the top 7 bits of the 66-byte candidate.
    if (curve === 'P-521') candidate[0] = (candidate[0] ?? 0) & 0x01;
    const scalar = bytesToBigInt(candidate);
    if (scalar === 0n || scalar >= order) continue;
    const d = bigIntToBytes(scalar, bytes);
    return { ...ecPublicKeyFromPrivate(curve, d), d };
  }
}

/** A deterministic Ed25519 private key: a seeded 32-byte RFC 8032 seed. */
export function seededEd25519Key(seed: string, label: string): OkpPrivateKey {
  const keySeed = createSeededRandom(seed, `key:${label}:Ed25519`)(32);
  return { ...ed25519PublicKeyFromSeed(keySeed), seed: keySeed };
}

/** A deterministic RSA private key (crypto-core's FIPS 186-5 generator over a seeded stream; ~0.2-2 s). */
export function seededRsaKey(seed: string, label: string, bits: number): RsaPrivateKey {
  return generateRsaKey(bits, { random: createSeededRandom(seed, `key:${label}:RSA-${bits}`) });
}

/** The key `spec` names under `seed` and `label`, derived once and then cached. */
export function seededKey(seed: string, label: string, spec: KeySpec): PrivateKey {
  const id = cacheKey(seed, label, spec);
  const cached = cache.get(id);
  if (cached !== undefined) return cached;
  const key =
    spec.kty === 'RSA'
      ? seededRsaKey(seed, label, spec.bits)
      : spec.kty === 'EC'
        ? seededEcKey(seed, label, spec.curve)
        : seededEd25519Key(seed, label);
  cache.set(id, key);
  return key;
}

/**
 * A private key a fixture file supplies as PEM (PKCS#8, PKCS#1 or SEC1).
 * @throws {TypeError} when the PEM holds a public or symmetric key
 */
export function importPrivateKeyPem(pem: string): PrivateKey {
  const key = importKey(pem);
  if (key.kty === 'oct' || !('d' in key || 'seed' in key))
    throw new TypeError('fixture key must be a private key');
  return key as PrivateKey;
}
