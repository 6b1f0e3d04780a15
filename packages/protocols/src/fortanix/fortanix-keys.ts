// Fortanix DSM security objects and crypto-core keys both ways: the Sobject members that describe a key
// (`obj_type`, `key_size`, `elliptic_curve`, `pub_key`) built from a key, and the key read back from a Sobject.
import { base64ToBytes, bitLength, bytesToBase64 } from '@sigil/crypto-core/encoding';
import type { EcCurve, PrivateKey, PublicKey } from '@sigil/crypto-core/key-types';
import { exportSpki, importSpki, publicKeyOf } from '@sigil/crypto-core/keys';
import { ProtocolError } from '../errors.js';
import {
  type FortanixCurve,
  type FortanixKeyType,
  fortanixKeyFamily,
  fortanixKeyTypeOf,
} from './fortanix-algorithms.js';
import type { FortanixSobject } from './fortanix-schema.js';

// `key_size` of an EC key: the curve's size in bits.
const CURVE_BITS: Readonly<Record<EcCurve | 'Ed25519', number>> = {
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
  secp256k1: 256,
  Ed25519: 256,
};

/** The Sobject members that describe a signing key's material. */
export interface FortanixSobjectKeyFields {
  readonly obj_type: 'RSA' | 'EC';
  /** Bits: the modulus for RSA, the curve's size for EC. */
  readonly key_size: number;
  /** EC keys only. */
  readonly elliptic_curve?: FortanixCurve;
  /** Base64 DER SubjectPublicKeyInfo. */
  readonly pub_key: string;
}

const keyError = (message: string, cause?: unknown) =>
  new ProtocolError('ERR_FORTANIX_KEY', message, cause === undefined ? {} : { cause });

/**
 * `obj_type`, `key_size`, `elliptic_curve` and `pub_key` of a Sobject holding `key` (only its public half is read).
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for a key DSM does not sign with here
 */
export function fortanixSobjectKeyFields(key: PublicKey | PrivateKey): FortanixSobjectKeyFields {
  const publicKey = publicKeyOf(key);
  const pub_key = bytesToBase64(exportSpki(publicKey));
  if (publicKey.kty === 'RSA') return { obj_type: 'RSA', key_size: bitLength(publicKey.n), pub_key };
  const { ellipticCurve } = fortanixKeyTypeOf(publicKey) as { ellipticCurve: FortanixCurve };
  return { obj_type: 'EC', key_size: CURVE_BITS[publicKey.curve], elliptic_curve: ellipticCurve, pub_key };
}

/**
 * The DSM key type of a Sobject: its `obj_type`, and `elliptic_curve` for EC objects.
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for an object Sigil does not sign with (not RSA or EC, or an EC
 * object without a supported curve)
 */
export function fortanixKeyTypeOfSobject(
  sobject: Pick<FortanixSobject, 'obj_type' | 'elliptic_curve'>,
): FortanixKeyType {
  const keyType: FortanixKeyType =
    sobject.obj_type === 'EC'
      ? { objType: 'EC', ellipticCurve: sobject.elliptic_curve ?? '' }
      : ({ objType: sobject.obj_type } as FortanixKeyType);
  fortanixKeyFamily(keyType);
  return keyType;
}

/**
 * The public key of a Sobject (`pub_key`, a DER SubjectPublicKeyInfo), checked against its `obj_type` and
 * `elliptic_curve`.
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for an object Sigil does not sign with; ERR_FORTANIX_KEY when it
 * has no `pub_key`, one that is not a public key, or one of another type or curve than the object says
 */
export function fortanixSobjectPublicKey(
  sobject: Pick<FortanixSobject, 'obj_type' | 'elliptic_curve' | 'pub_key' | 'kid' | 'name'>,
): PublicKey {
  const family = fortanixKeyFamily(fortanixKeyTypeOfSobject(sobject));
  const which = sobject.kid ?? sobject.name ?? 'the security object';
  if (sobject.pub_key === undefined) throw keyError(`${which} has no pub_key`);
  let publicKey: PublicKey;
  try {
    publicKey = importSpki(base64ToBytes(sobject.pub_key));
  } catch (cause) {
    throw keyError(`${which} has a pub_key that is not a DER SubjectPublicKeyInfo`, cause);
  }
  const curve = publicKey.kty === 'RSA' ? undefined : publicKey.curve;
  if (publicKey.kty !== family.kty || curve !== (family.kty === 'RSA' ? undefined : family.curve)) {
    throw keyError(
      `${which}'s pub_key is a ${publicKey.kty} key${curve ? ` on ${curve}` : ''}, not what it says`,
    );
  }
  return publicKey;
}
