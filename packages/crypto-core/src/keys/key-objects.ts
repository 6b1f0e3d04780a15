// Key objects from decoded members, checked (RFC 8017 §3, SEC 1 §3.2, RFC 8032 §5.1.5); exporters' key checks.
import { ed25519 } from '@noble/curves/ed25519.js';
import { abigint, abytes, aobject, aoneOf } from '../assert.js';
import { ecCurveParams } from '../ec-curves.js';
import { decodeEcPoint, ecPublicKeyFromPrivate } from '../ecdsa.js';
import { ED25519_KEY_BYTES, ed25519PublicKeyFromSeed } from '../eddsa.js';
import { equalBytes } from '../encoding.js';
import { CryptoError } from '../errors.js';
import {
  EC_CURVES,
  type EcCurve,
  type EcPrivateKey,
  type EcPublicKey,
  type Key,
  type OkpPrivateKey,
  type OkpPublicKey,
  type PrivateKey,
  type PublicKey,
  RSA_PRIVATE_MEMBERS,
  type RsaPrivateKey,
  type RsaPublicKey,
} from '../key-types.js';
import { validateRsaPrivateKey } from '../rsa.js';
import { assertPssParams, rsaPssParamsOf, withPss } from './rsa-pss.js';

/**
 * RFC 8017 §3.1: n odd, 3 <= e < n, e odd. Sizes are the signing engine's policy, not checked here.
 * @throws {CryptoError} ERR_RSA_KEY_INVALID
 */
export function checkedRsaPublicKey(n: bigint, e: bigint): RsaPublicKey {
  if (n < 3n || (n & 1n) === 0n)
    throw new CryptoError('ERR_RSA_KEY_INVALID', 'RSA modulus must be odd and greater than 2');
  if (e < 3n || e >= n || (e & 1n) === 0n) {
    throw new CryptoError('ERR_RSA_KEY_INVALID', 'RSA public exponent must be odd and in [3, n)');
  }
  return { kty: 'RSA', n, e };
}

/**
 * An RSA private key from n, e and its private members, which `member` gives in {@link RSA_PRIVATE_MEMBERS}
 * order; consistent per RFC 8017 §3.2.
 * @throws {CryptoError} ERR_RSA_KEY_INVALID
 */
export function checkedRsaPrivateKey(
  n: bigint,
  e: bigint,
  member: (name: (typeof RSA_PRIVATE_MEMBERS)[number]) => bigint,
): RsaPrivateKey {
  const members = Object.fromEntries(RSA_PRIVATE_MEMBERS.map((name) => [name, member(name)]));
  const key = { kty: 'RSA', n, e, ...members } as RsaPrivateKey;
  validateRsaPrivateKey(key);
  return key;
}

/**
 * An EC public key from a compressed or uncompressed point on `curve` (SEC 1 §2.3.4), stored uncompressed.
 * @throws {CryptoError} ERR_INVALID_INPUT when it is not a point on the curve
 */
export function checkedEcPublicKey(curve: EcCurve, bytes: Uint8Array): EcPublicKey {
  return { kty: 'EC', curve, point: decodeEcPoint(curve, bytes) };
}

/**
 * An EC private key from its scalar d in [1, n-1] of field size (SEC 1 §3.2.1); `publicBytes`, when the encoding
 * carried them, must be d·G.
 * @throws {CryptoError} ERR_INVALID_INPUT for a bad scalar or point; ERR_KEY_MISMATCH when they disagree
 */
export function checkedEcPrivateKey(curve: EcCurve, d: Uint8Array, publicBytes?: Uint8Array): EcPrivateKey {
  let point: Uint8Array;
  try {
    point = ecPublicKeyFromPrivate(curve, d).point;
  } catch (cause) {
    throw new CryptoError('ERR_INVALID_INPUT', `EC private scalar is not in [1, n-1] for ${curve}`, {
      cause,
    });
  }
  if (publicBytes !== undefined && !equalBytes(decodeEcPoint(curve, publicBytes), point)) {
    throw new CryptoError('ERR_KEY_MISMATCH', 'EC public key does not match the private scalar');
  }
  return { kty: 'EC', curve, point, d: d.slice() };
}

/**
 * An Ed25519 public key: 32 bytes that decode to a curve point (RFC 8032 §5.1.3).
 * @throws {CryptoError} ERR_INVALID_INPUT
 */
export function checkedOkpPublicKey(publicKey: Uint8Array): OkpPublicKey {
  if (publicKey.length !== ED25519_KEY_BYTES)
    throw new CryptoError('ERR_INVALID_INPUT', 'Ed25519 public key must be 32 bytes');
  try {
    ed25519.Point.fromBytes(publicKey);
  } catch (cause) {
    throw new CryptoError('ERR_INVALID_INPUT', 'Ed25519 public key is not a valid point', { cause });
  }
  return { kty: 'OKP', curve: 'Ed25519', publicKey: publicKey.slice() };
}

/**
 * An Ed25519 private key from its seed; the public key is derived (RFC 8032 §5.1.5) and `publicBytes`, when
 * carried, must match it.
 * @throws {CryptoError} ERR_INVALID_INPUT for a seed that is not 32 bytes; ERR_KEY_MISMATCH
 */
export function checkedOkpPrivateKey(seed: Uint8Array, publicBytes?: Uint8Array): OkpPrivateKey {
  if (seed.length !== ED25519_KEY_BYTES)
    throw new CryptoError('ERR_INVALID_INPUT', 'Ed25519 private key must be 32 bytes');
  const { publicKey } = ed25519PublicKeyFromSeed(seed);
  if (publicBytes !== undefined && !equalBytes(publicBytes, publicKey)) {
    throw new CryptoError('ERR_KEY_MISMATCH', 'Ed25519 public key does not match the private key');
  }
  return { kty: 'OKP', curve: 'Ed25519', publicKey, seed: seed.slice() };
}

/**
 * Checks a key object handed to an exporter: types and sizes, RSA consistency, EC point on the curve.
 * @throws {TypeError|RangeError} for a malformed key
 * @throws {CryptoError} ERR_RSA_KEY_INVALID for an inconsistent RSA key; ERR_INVALID_INPUT for a point off the curve
 */
export function assertKey(key: unknown, name: string): asserts key is Key {
  aobject(key, name);
  aoneOf(key.kty, ['RSA', 'EC', 'OKP', 'oct'] as const, `${name}.kty`);
  switch (key.kty) {
    case 'RSA': {
      abigint(key.n, `${name}.n`);
      abigint(key.e, `${name}.e`);
      if ('d' in key) {
        for (const member of RSA_PRIVATE_MEMBERS) abigint(key[member], `${name}.${member}`);
        validateRsaPrivateKey(key as unknown as RsaPrivateKey);
      } else {
        checkedRsaPublicKey(key.n, key.e);
      }
      if (key.pss !== undefined) assertPssParams(key.pss, `${name}.pss`);
      return;
    }
    case 'EC': {
      aoneOf(key.curve, EC_CURVES, `${name}.curve`);
      const params = ecCurveParams(key.curve);
      abytes(key.point, `${name}.point`, 1 + 2 * params.fieldBytes);
      if (key.point[0] !== 4)
        throw new RangeError(`${name}.point must be an uncompressed point (0x04 prefix)`);
      // The point must be on the curve; d·G = point is checked on import, not recomputed on every export.
      decodeEcPoint(key.curve, key.point);
      if ('d' in key) abytes(key.d, `${name}.d`, params.fieldBytes);
      return;
    }
    case 'OKP': {
      aoneOf(key.curve, ['Ed25519'] as const, `${name}.curve`);
      abytes(key.publicKey, `${name}.publicKey`, ED25519_KEY_BYTES);
      // publicKey = seed's public key is established on import, not recomputed on every export.
      if ('seed' in key) abytes(key.seed, `${name}.seed`, ED25519_KEY_BYTES);
      return;
    }
    default:
      abytes(key.key, `${name}.key`);
      if (key.key.length === 0) throw new RangeError(`${name}.key must not be empty`);
  }
}

/**
 * The public half of a key pair (a public key is returned as a fresh copy). PSS restrictions are kept.
 * @throws {TypeError} when key is not an RSA, EC or OKP key
 * @throws {CryptoError} ERR_UNSUPPORTED_KEY for a symmetric key, which has no public half
 */
export function publicKeyOf(key: RsaPublicKey | RsaPrivateKey): RsaPublicKey;
export function publicKeyOf(key: EcPublicKey | EcPrivateKey): EcPublicKey;
export function publicKeyOf(key: OkpPublicKey | OkpPrivateKey): OkpPublicKey;
export function publicKeyOf(key: PrivateKey | PublicKey): PublicKey;
export function publicKeyOf(key: PrivateKey | PublicKey): PublicKey {
  aobject(key, 'key');
  switch (key.kty) {
    case 'RSA': {
      abigint(key.n, 'key.n');
      abigint(key.e, 'key.e');
      return withPss({ kty: 'RSA', n: key.n, e: key.e }, rsaPssParamsOf(key));
    }
    case 'EC':
      aoneOf(key.curve, EC_CURVES, 'key.curve');
      abytes(key.point, 'key.point');
      return { kty: 'EC', curve: key.curve, point: key.point.slice() };
    case 'OKP':
      abytes(key.publicKey, 'key.publicKey', ED25519_KEY_BYTES);
      return { kty: 'OKP', curve: 'Ed25519', publicKey: key.publicKey.slice() };
    default:
      if ((key as Key).kty === 'oct')
        throw new CryptoError('ERR_UNSUPPORTED_KEY', 'a symmetric key has no public key');
      throw new TypeError('key.kty must be "RSA", "EC" or "OKP"');
  }
}
