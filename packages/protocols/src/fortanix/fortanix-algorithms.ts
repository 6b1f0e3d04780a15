// Fortanix DSM's algorithm table, both ways: key type × `hash_alg` × `mode` × `deterministic_signature` to
// crypto-core SignatureParams and back, the key type table (`obj_type`, `elliptic_curve`) both ways, and labels.
import type { HashName } from '@sigil/crypto-core/hash';
import type { EcCurve, PrivateKey, PublicKey } from '@sigil/crypto-core/key-types';
import type { RsaHashName } from '@sigil/crypto-core/rsa';
import {
  assertSignatureParams,
  DEFAULT_ECDSA_NONCE,
  hashOutputLength,
  type SignatureParams,
} from '@sigil/crypto-core/sign';
import { invertTable, lookupName, rsaHashOf } from '../algorithm-table.js';
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

/** DSM `elliptic_curve` names (OpenAPI `EllipticCurve`) for the curves crypto-core signs with. */
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

/** A crypto-core key family DSM holds: what {@link fortanixKeyTypeOf} reads and {@link fortanixKeyFamily} answers. */
export type FortanixKeyFamily =
  | { readonly kty: 'RSA' }
  | { readonly kty: 'EC'; readonly curve: EcCurve }
  | { readonly kty: 'OKP'; readonly curve: 'Ed25519' };

const HASH_ALG_OF = invertTable(FORTANIX_HASHES);
const CURVE_NAME_OF = invertTable(FORTANIX_CURVES);

/** What a request asks of DSM: a signature (`/crypto/v1/sign`) or a check of one (`/crypto/v1/verify`). */
export type FortanixOperation = 'sign' | 'verify';

/**
 * The PSS salt length of a DSM operation, the one rule both directions of the table follow. No request names a
 * salt length: OpenAPI `RsaSignaturePaddingPss` is only `{mgf}`, and neither a sign or verify request nor a key's
 * `RsaSignaturePaddingPolicyPss` has one. DSM signs with a salt as long as the hash. A verifier cannot be told which
 * length to expect, and DSM is built on mbed TLS (Fortanix maintains its Rust bindings), whose plain PSS verify
 * accepts any salt length (`MBEDTLS_RSA_SALT_LEN_ANY`): a verify request is read as `'auto'` (RFC 8017 §9.1.2
 * without a fixed sLen), so Sigil's surface, its mock and DSM give the same answer for any salt.
 */
function pssSaltLength(hash: RsaHashName, operation: FortanixOperation): number | 'auto' {
  return operation === 'verify' ? 'auto' : hashOutputLength(hash);
}

const algorithmError = (message: string) =>
  new ProtocolError('ERR_FORTANIX_ALGORITHM', message, { status: 400 });
const modeError = (message: string) => new ProtocolError('ERR_FORTANIX_MODE', message, { status: 400 });

/**
 * The crypto-core hash of a `hash_alg`.
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for a name not in {@link FORTANIX_HASHES}
 */
export function fortanixHash(hashAlg: unknown): HashName {
  return lookupName<HashName>(FORTANIX_HASHES, hashAlg, 'hash_alg', algorithmError);
}

/**
 * The `hash_alg` of a crypto-core hash (the hash table read backwards).
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for a hash DSM does not name (MD5)
 */
export function fortanixHashAlgorithm(hash: HashName): FortanixHashAlgorithm {
  const name = HASH_ALG_OF.get(hash);
  if (name === undefined) throw algorithmError(`Fortanix DSM names no hash_alg for ${hash}`);
  return name;
}

/**
 * The signing parameters of a sign or verify request on a key of `keyType` (seed 003): RSA PKCS#1 v1.5, or PSS
 * with MGF1 over `mode.PSS.mgf.mgf1.hash` and a salt as long as the hash to sign, any salt (`'auto'`) to verify (see
 * {@link FortanixOperation}; `'sign'` by default); ECDSA as DER, with an RFC 6979 nonce when
 * `deterministic_signature` is true and {@link DEFAULT_ECDSA_NONCE} otherwise (DSM's default is false); Ed25519 over
 * the data itself, whatever `hash_alg` says. `mode` is "only relevant for RSA signatures"; without one an RSA key
 * signs PKCS#1 v1.5 (what DSM picks under a wildcard padding policy). PSS takes a random salt, so it cannot honour
 * `deterministic_signature: true`; PKCS#1 v1.5 is deterministic anyway.
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for an unsupported hash, curve or key type; ERR_FORTANIX_MODE for a
 * mode on a non-RSA key, an unknown mode, or a deterministic PSS signature
 */
export function fortanixSignatureParams(
  keyType: FortanixKeyType,
  hashAlg: unknown,
  mode?: FortanixSignatureMode,
  deterministic?: boolean | null,
  operation: FortanixOperation = 'sign',
): SignatureParams {
  if (keyType.objType === 'EC') {
    const curve = lookupName(FORTANIX_CURVES, keyType.ellipticCurve, 'elliptic_curve', algorithmError);
    if (mode !== undefined) throw modeError('mode is only relevant for RSA keys');
    if (curve === 'Ed25519') return { scheme: 'ed25519' };
    const nonce = deterministic === true ? 'rfc6979' : DEFAULT_ECDSA_NONCE;
    return { scheme: 'ecdsa', hash: fortanixHash(hashAlg), format: 'der', nonce };
  }
  if (keyType.objType !== 'RSA') {
    throw algorithmError(
      `cannot sign with a ${JSON.stringify((keyType as { objType: unknown }).objType)} key`,
    );
  }
  const hash = rsaHashOf(fortanixHash(hashAlg), algorithmError);
  if (mode === undefined || 'PKCS1_V15' in mode) return { scheme: 'rsa-pkcs1', hash };
  if (!('PSS' in mode)) throw modeError(`unsupported mode ${JSON.stringify(mode)}`);
  if (deterministic === true)
    throw modeError('a PSS signature has a random salt: it cannot be deterministic');
  const mgfHash = rsaHashOf(fortanixHash(mode.PSS.mgf.mgf1.hash), algorithmError);
  return { scheme: 'rsa-pss', hash, mgfHash, saltLength: pssSaltLength(hash, operation) };
}

/** The members of a sign request that say how to sign: the table read backwards. */
export interface FortanixSignatureFields {
  readonly hash_alg: FortanixHashAlgorithm;
  /** RSA only. */
  readonly mode?: FortanixSignatureMode;
  /** ECDSA with an RFC 6979 nonce only; absent means DSM's default, false. */
  readonly deterministic_signature?: true;
}

/**
 * The `hash_alg`, `mode` and `deterministic_signature` that ask DSM for `params` to sign or to verify: the one place
 * that decides what DSM can express. RSA gets an explicit mode; Ed25519 gets `SHA512` (its own hash, RFC 8032 §5.1),
 * which DSM does not use; ECDSA signatures come back DER. PSS takes the salt {@link fortanixSignatureParams} reads
 * for `operation`: as long as the hash to sign, `'auto'` to verify.
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for HMAC, a hash DSM does not name (MD5) or crypto-core does not
 * sign RSA with, PSS with another salt than DSM's for `operation`, and ECDSA in P1363 (ask for DER and convert)
 * @throws {TypeError} / {RangeError} for params that are not crypto-core SignatureParams
 */
export function fortanixSignatureFields(
  params: SignatureParams,
  operation: FortanixOperation = 'sign',
): FortanixSignatureFields {
  assertSignatureParams(params);
  switch (params.scheme) {
    case 'rsa-pkcs1':
      return { hash_alg: fortanixHashAlgorithm(params.hash), mode: { PKCS1_V15: {} } };
    case 'rsa-pss': {
      const saltLength = pssSaltLength(params.hash, operation);
      if (params.saltLength !== saltLength) {
        const salt = saltLength === 'auto' ? 'any salt' : `a ${saltLength}-byte salt`;
        throw algorithmError(
          `Fortanix DSM ${operation === 'verify' ? 'verifies' : 'signs'} PSS with ${salt}, not ${String(params.saltLength)}`,
        );
      }
      const mgfHash = fortanixHashAlgorithm(params.mgfHash ?? params.hash);
      return {
        hash_alg: fortanixHashAlgorithm(params.hash),
        mode: { PSS: { mgf: { mgf1: { hash: mgfHash } } } },
      };
    }
    case 'ecdsa':
      if (params.format !== 'der') {
        throw algorithmError(
          'Fortanix DSM answers ECDSA signatures in DER: ask for der and convert the result',
        );
      }
      return {
        hash_alg: fortanixHashAlgorithm(params.hash),
        ...(params.nonce === 'rfc6979' ? { deterministic_signature: true as const } : {}),
      };
    case 'ed25519':
      return { hash_alg: 'SHA512' };
    default:
      throw algorithmError(`Fortanix DSM does not sign ${params.scheme} through /crypto/v1/sign`);
  }
}

/**
 * A short name of `params` in DSM's words, for audit records and metrics: `PKCS1_V15/SHA256`,
 * `PSS/SHA256/MGF1-SHA256`, `ECDSA/SHA384`, `ECDSA/SHA384/deterministic`, `Ed25519`. Sign and verify params get the
 * same label: DSM's mode names no salt, so PSS with a `'auto'` salt is labelled as the verify params it is.
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for params DSM cannot express
 */
export function fortanixAlgorithmLabel(params: SignatureParams): string {
  const verifying = params.scheme === 'rsa-pss' && params.saltLength === 'auto';
  const fields = fortanixSignatureFields(params, verifying ? 'verify' : 'sign');
  if (params.scheme === 'ed25519') return 'Ed25519';
  if (fields.mode !== undefined && 'PSS' in fields.mode) {
    return `PSS/${fields.hash_alg}/MGF1-${fields.mode.PSS.mgf.mgf1.hash}`;
  }
  if (fields.mode !== undefined) return `PKCS1_V15/${fields.hash_alg}`;
  return `ECDSA/${fields.hash_alg}${fields.deterministic_signature ? '/deterministic' : ''}`;
}

/**
 * The DSM key type of a crypto-core key or key family: `RSA`, or `EC` with its `elliptic_curve`.
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for a key DSM does not sign with here (HMAC, an unknown curve)
 */
export function fortanixKeyTypeOf(key: FortanixKeyFamily | PublicKey | PrivateKey): FortanixKeyType {
  if (key.kty === 'RSA') return { objType: 'RSA' };
  const name = key.kty === 'EC' || key.kty === 'OKP' ? CURVE_NAME_OF.get(key.curve) : undefined;
  if (name === undefined) {
    const { kty, curve } = key as { kty: unknown; curve?: unknown };
    throw algorithmError(
      `no Fortanix DSM key type for a ${String(kty)} key${curve ? ` on ${String(curve)}` : ''}`,
    );
  }
  return { objType: 'EC', ellipticCurve: name };
}

/**
 * The crypto-core key family of a DSM key type (the key type table read backwards).
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for an `obj_type` or `elliptic_curve` Sigil does not sign with
 */
export function fortanixKeyFamily(keyType: FortanixKeyType): FortanixKeyFamily {
  if (keyType.objType === 'RSA') return { kty: 'RSA' };
  if (keyType.objType !== 'EC') {
    throw algorithmError(
      `cannot sign with a ${JSON.stringify((keyType as { objType: unknown }).objType)} key`,
    );
  }
  const curve = lookupName(FORTANIX_CURVES, keyType.ellipticCurve, 'elliptic_curve', algorithmError);
  return curve === 'Ed25519' ? { kty: 'OKP', curve } : { kty: 'EC', curve };
}
