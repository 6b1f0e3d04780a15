// The in-memory key shapes shared by every algorithm module and the key format codecs.

/** Named elliptic curves for ECDSA. */
export const EC_CURVES = Object.freeze(['P-256', 'P-384', 'P-521', 'secp256k1'] as const);
/** An ECDSA curve name (JWK `crv` spelling). */
export type EcCurve = (typeof EC_CURVES)[number];

/** RSA public key: modulus and public exponent. */
export interface RsaPublicKey {
  readonly kty: 'RSA';
  readonly n: bigint;
  readonly e: bigint;
}

/** RSA private key with its CRT parameters (RFC 8017 §3.2, second representation). */
export interface RsaPrivateKey extends RsaPublicKey {
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qi: bigint;
}

/** The private members of an RSA key, in RSAPrivateKey's order (RFC 8017 App. A.1.2), which RFC 7518 §6.3.2 keeps. */
export const RSA_PRIVATE_MEMBERS = Object.freeze(['d', 'p', 'q', 'dp', 'dq', 'qi'] as const);

/** EC public key: the uncompressed SEC1 point 04||X||Y. */
export interface EcPublicKey {
  readonly kty: 'EC';
  readonly curve: EcCurve;
  readonly point: Uint8Array;
}

/** EC private key: the scalar, big-endian, padded to the field size. */
export interface EcPrivateKey extends EcPublicKey {
  readonly d: Uint8Array;
}

/** Ed25519 public key (32 bytes). */
export interface OkpPublicKey {
  readonly kty: 'OKP';
  readonly curve: 'Ed25519';
  readonly publicKey: Uint8Array;
}

/** Ed25519 private key: the 32-byte seed of RFC 8032 §5.1.5, with its public key. */
export interface OkpPrivateKey extends OkpPublicKey {
  readonly seed: Uint8Array;
}

/** A symmetric (HMAC) key. */
export interface SymmetricKey {
  readonly kty: 'oct';
  readonly key: Uint8Array;
}

/** Any public key. */
export type PublicKey = RsaPublicKey | EcPublicKey | OkpPublicKey;
/** Any private key. */
export type PrivateKey = RsaPrivateKey | EcPrivateKey | OkpPrivateKey;
/** Any key crypto-core can hold. */
export type Key = PublicKey | PrivateKey | SymmetricKey;

/** True for the private half of a key pair. */
export function isPrivateKey(key: Key): key is PrivateKey {
  return (
    (key.kty === 'RSA' && 'd' in key) ||
    (key.kty === 'EC' && 'd' in key) ||
    (key.kty === 'OKP' && 'seed' in key)
  );
}
