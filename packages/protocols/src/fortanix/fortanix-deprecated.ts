// Deprecated Fortanix item validation in its old private param shape (`kty`), kept until the apps call the item
// decoders that answer crypto-core SignatureParams; delete this file once nothing imports it.
import type { HashName } from '@sigil/crypto-core/hash';
import type { EcCurve } from '@sigil/crypto-core/key-types';
import type { RsaHashName } from '@sigil/crypto-core/rsa';
import type { SignatureParams } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { type FortanixKeyType, fortanixKeyFamily } from './fortanix-algorithms.js';
import { decodeFortanixSignItem, decodeFortanixVerifyItem } from './fortanix-items.js';
import type { FortanixSignRequest, FortanixVerifyRequest } from './fortanix-schema.js';

/**
 * How to sign for one request, in the shape the table answered before it answered crypto-core params.
 * @deprecated Use crypto-core's `SignatureParams`, as {@link decodeFortanixSignItem} returns them.
 */
export type FortanixSignatureParams =
  | { readonly kty: 'RSA'; readonly scheme: 'pkcs1'; readonly hash: RsaHashName }
  | { readonly kty: 'RSA'; readonly scheme: 'pss'; readonly hash: RsaHashName; readonly mgfHash: RsaHashName }
  | { readonly kty: 'EC'; readonly curve: EcCurve; readonly hash: HashName; readonly format: 'der' }
  | { readonly kty: 'OKP'; readonly curve: 'Ed25519' };

/**
 * A sign item that passed validation, in the old shape.
 * @deprecated Use {@link FortanixDecodedSignItem} from {@link decodeFortanixSignItem}.
 */
export interface ValidatedFortanixSignItem {
  readonly params: FortanixSignatureParams;
  /** `{digest}` for `hash`, `{message}` for `data`. */
  readonly input: SignInput;
  /** `deterministic_signature` as sent (DSM's default is false). */
  readonly deterministic: boolean | undefined;
}

/**
 * A verify item that passed validation, in the old shape.
 * @deprecated Use {@link FortanixDecodedVerifyItem} from {@link decodeFortanixVerifyItem}.
 */
export interface ValidatedFortanixVerifyItem {
  readonly params: FortanixSignatureParams;
  readonly input: SignInput;
  readonly signature: Uint8Array;
}

function legacyOf(params: SignatureParams, keyType: FortanixKeyType): FortanixSignatureParams {
  const family = fortanixKeyFamily(keyType);
  switch (params.scheme) {
    case 'rsa-pkcs1':
      return { kty: 'RSA', scheme: 'pkcs1', hash: params.hash };
    case 'rsa-pss':
      return { kty: 'RSA', scheme: 'pss', hash: params.hash, mgfHash: params.mgfHash ?? params.hash };
    case 'ecdsa':
      if (family.kty !== 'EC') throw new TypeError('ECDSA params on a key that is not EC');
      return { kty: 'EC', curve: family.curve, hash: params.hash, format: 'der' };
    case 'ed25519':
      return { kty: 'OKP', curve: 'Ed25519' };
    default:
      throw new TypeError(`Fortanix decodes no ${params.scheme} params`);
  }
}

/**
 * Checks one sign item against its key's type, answering the old shape.
 * @deprecated Use {@link decodeFortanixSignItem}, which answers crypto-core params with the ECDSA nonce decided.
 * @throws {ProtocolError} (status 400) ERR_FORTANIX_ITEM, ERR_FORTANIX_MODE, ERR_FORTANIX_ALGORITHM,
 * ERR_FORTANIX_DIGEST_LENGTH
 */
export function validateFortanixSignItem(
  item: FortanixSignRequest,
  keyType: FortanixKeyType,
): ValidatedFortanixSignItem {
  const { params, input } = decodeFortanixSignItem(item, keyType);
  return {
    params: legacyOf(params, keyType),
    input,
    deterministic: item.deterministic_signature ?? undefined,
  };
}

/**
 * Checks one verify item the same way, and decodes its signature, answering the old shape.
 * @deprecated Use {@link decodeFortanixVerifyItem}.
 * @throws {ProtocolError} as {@link validateFortanixSignItem}
 */
export function validateFortanixVerifyItem(
  item: FortanixVerifyRequest,
  keyType: FortanixKeyType,
): ValidatedFortanixVerifyItem {
  const { params, input, signature } = decodeFortanixVerifyItem(item, keyType);
  return { params: legacyOf(params, keyType), input, signature };
}
