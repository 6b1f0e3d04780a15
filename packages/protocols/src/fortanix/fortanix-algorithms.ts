// Fortanix DSM's algorithm table: `hash_alg` × `mode` × key type mapped to crypto-core signing parameters.
import type { HashName } from '@sigil/crypto-core/hash';
import type { EcCurve, PrivateKey, PublicKey } from '@sigil/crypto-core/key-types';
import { RSA_HASHES, type RsaHashName } from '@sigil/crypto-core/rsa';
import { ProtocolError } from '../errors.js';
import type { FortanixHashAlgorithm, FortanixSignatureMode } from './fortanix-schema.js';

/**
 * The `hash_alg` values crypto-core computes. Seed 003 also lists BLAKE2*, RIPEMD160, SSL3, STREEBOG* and SHA3_224,
 * which Sigil does not implement: they get ERR_FORTANIX_ALGORITHM.
 */
export const FORTANIX_HASHES = {
  SHA1: 'SHA-1',
  SHA224: 'SHA-224',
  SHA256: 'SHA-256',
  SHA384: 'SHA-384',
  SHA512: 'SHA-512',
  SHA3_256: 'SHA3-256',
  SHA3_384: 'SHA3-384',
  SHA3_512: 'SHA3-512',
} as const satisfies Partial<Record<FortanixHashAlgorithm, HashName>>;

/** DSM `elliptic_curve` names (Fortanix `EllipticCurve`) for the curves crypto-core signs with. */
export const FORTANIX_CURVES = {
  NistP256: 'P-256',
  NistP384: 'P-384',
  NistP521: 'P-521',
  SecP256K1: 'secp256k1',
  Ed25519: 'Ed25519',
} as const satisfies Record<string, EcCurve | 'Ed25519'>;

/** A DSM elliptic curve Sigil signs with. */
export type FortanixCurve = keyof typeof FORTANIX_CURVES;

/** The DSM key type of a signing key: `obj_type`, and `elliptic_curve` for EC keys (Ed25519 is an EC key in DSM). */
export type FortanixKeyType =
  | { readonly objType: 'RSA' }
  | { readonly objType: 'EC'; readonly ellipticCurve: string };

/**
 * How to sign for one request. RSA PSS uses MGF1 with `mode.PSS.mgf.mgf1.hash` and a salt as long as the hash.
 * ECDSA signatures are DER (X9.62), as DSM returns them. Ed25519 signs the data itself.
 */
export type FortanixSignatureParams =
  | { readonly kty: 'RSA'; readonly scheme: 'pkcs1'; readonly hash: RsaHashName }
  | { readonly kty: 'RSA'; readonly scheme: 'pss'; readonly hash: RsaHashName; readonly mgfHash: RsaHashName }
  | { readonly kty: 'EC'; readonly curve: EcCurve; readonly hash: HashName; readonly format: 'der' }
  | { readonly kty: 'OKP'; readonly curve: 'Ed25519' };

function algorithmError(message: string): ProtocolError {
  return new ProtocolError('ERR_FORTANIX_ALGORITHM', message, { status: 400 });
}

// crypto-core signs RSA with SHA-1 and SHA-2 only: a SHA3_* hash_alg on an RSA key is refused by name, as a 400.
function rsaHash(hash: HashName): RsaHashName {
  if ((RSA_HASHES as readonly string[]).includes(hash)) return hash as RsaHashName;
  throw algorithmError(`RSA signing with ${hash} is not supported`);
}

/**
 * The crypto-core hash of a `hash_alg`.
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for a name not in {@link FORTANIX_HASHES}
 */
export function fortanixHash(hashAlg: unknown): HashName {
  if (typeof hashAlg === 'string' && Object.hasOwn(FORTANIX_HASHES, hashAlg)) {
    return FORTANIX_HASHES[hashAlg as keyof typeof FORTANIX_HASHES];
  }
  throw algorithmError(`unsupported hash_alg ${JSON.stringify(hashAlg)}`);
}

/**
 * The signing parameters for a key type, `hash_alg` and `mode`. `mode` is "only relevant for RSA signatures; it
 * should not be specified for all other signature algorithms"; without it an RSA key signs PKCS#1 v1.5 (DSM's
 * choice under a wildcard padding policy).
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for an unknown hash, curve or key type; ERR_FORTANIX_MODE for a
 * mode on a non-RSA key
 */
export function fortanixSignatureParams(
  keyType: FortanixKeyType,
  hashAlg: unknown,
  mode?: FortanixSignatureMode,
): FortanixSignatureParams {
  if (keyType.objType === 'EC') {
    if (!Object.hasOwn(FORTANIX_CURVES, keyType.ellipticCurve)) {
      throw algorithmError(`unsupported elliptic_curve ${JSON.stringify(keyType.ellipticCurve)}`);
    }
    if (mode !== undefined) {
      throw new ProtocolError('ERR_FORTANIX_MODE', 'mode is only relevant for RSA keys', { status: 400 });
    }
    const curve = FORTANIX_CURVES[keyType.ellipticCurve as FortanixCurve];
    if (curve === 'Ed25519') return { kty: 'OKP', curve };
    return { kty: 'EC', curve, hash: fortanixHash(hashAlg), format: 'der' };
  }
  if (keyType.objType !== 'RSA') {
    throw algorithmError(
      `cannot sign with a ${JSON.stringify((keyType as { objType: unknown }).objType)} key`,
    );
  }
  const hash = rsaHash(fortanixHash(hashAlg));
  if (mode === undefined || 'PKCS1_V15' in mode) return { kty: 'RSA', scheme: 'pkcs1', hash };
  if ('PSS' in mode)
    return { kty: 'RSA', scheme: 'pss', hash, mgfHash: rsaHash(fortanixHash(mode.PSS.mgf.mgf1.hash)) };
  throw new ProtocolError('ERR_FORTANIX_MODE', `unsupported mode ${JSON.stringify(mode)}`, { status: 400 });
}

/** The DSM key type of a crypto-core key (the table read backwards). */
export function fortanixKeyTypeOf(key: PublicKey | PrivateKey): FortanixKeyType {
  if (key.kty === 'RSA') return { objType: 'RSA' };
  const curve = key.curve;
  const name = (Object.keys(FORTANIX_CURVES) as FortanixCurve[]).find(
    (candidate) => FORTANIX_CURVES[candidate] === curve,
  );
  return { objType: 'EC', ellipticCurve: name ?? curve };
}
