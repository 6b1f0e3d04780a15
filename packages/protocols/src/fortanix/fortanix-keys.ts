// Fortanix DSM security objects and crypto-core keys both ways: a whole Sobject (OpenAPI `Sobject`) built from a key
// and what its holder says about it, its key members alone, and the key read back from a Sobject.
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
import type {
  FORTANIX_OBJECT_ORIGINS,
  FortanixKeyOperation,
  FortanixPrincipal,
  FortanixSobject,
} from './fortanix-schema.js';

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

/**
 * A DSM timestamp (OpenAPI `Sobject.created_at`, example `20170509T070912Z`): UTC to the second.
 * @throws {RangeError} for an invalid date
 */
export function fortanixTimestamp(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime()))
    throw new RangeError('date must be a valid Date');
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll('-', '')
    .replaceAll(':', '');
}

/** What a Sobject says besides its key material: where it lives, who made it, its state and names. */
export interface FortanixSobjectAttributes {
  /** `acct_id`: the account holding the object. */
  readonly acctId: string;
  /** `creator`: who made the object. */
  readonly creator: FortanixPrincipal;
  /** `created_at`. */
  readonly createdAt: Date;
  /** `enabled`; `state` follows it (`Active` or `Deactivated`). */
  readonly enabled: boolean;
  /** `origin`: `FortanixHSM` (made in DSM), `Transient`, `External` (made elsewhere). */
  readonly origin: (typeof FORTANIX_OBJECT_ORIGINS)[number];
  /** `key_ops`; `SIGN` and `VERIFY` by default. */
  readonly keyOps?: readonly FortanixKeyOperation[];
  /** `public_only`: DSM holds no private half. False by default. */
  readonly publicOnly?: boolean;
  /** Persisted objects only. */
  readonly kid?: string | undefined;
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly groupId?: string | undefined;
  /** Transient objects only: the blob that names them in later calls. */
  readonly transientKey?: string | undefined;
}

/**
 * The Sobject (OpenAPI `Sobject`) of a signing key: every member the OpenAPI requires (`acct_id`, `created_at`,
 * `creator`, `enabled`, `key_ops`, `obj_type`, `origin`, `public_only`), the ones a client needs to use the key
 * (`kid`, `name`, `key_size` or `elliptic_curve`, `pub_key`) and `state`. Only the public half of `key` is read.
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for a key DSM does not sign with here
 */
export function fortanixSobject(
  key: PublicKey | PrivateKey,
  attributes: FortanixSobjectAttributes,
): FortanixSobject {
  const optional = {
    kid: attributes.kid,
    name: attributes.name,
    description: attributes.description,
    group_id: attributes.groupId,
    transient_key: attributes.transientKey,
  };
  return {
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    ...fortanixSobjectKeyFields(key),
    acct_id: attributes.acctId,
    creator: attributes.creator,
    created_at: fortanixTimestamp(attributes.createdAt),
    enabled: attributes.enabled,
    state: attributes.enabled ? 'Active' : 'Deactivated',
    key_ops: [...(attributes.keyOps ?? ['SIGN', 'VERIFY'])],
    origin: attributes.origin,
    public_only: attributes.publicOnly ?? false,
  };
}
