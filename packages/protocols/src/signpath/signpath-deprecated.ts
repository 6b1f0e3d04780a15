// Deprecated SignPath decoders in their old private param shape, kept until the apps call the decoders that
// answer crypto-core SignatureParams; delete this file once nothing imports it.
import type { HashName } from '@sigil/crypto-core/hash';
import type { RsaHashName } from '@sigil/crypto-core/rsa';
import type { SignatureParams } from '@sigil/crypto-core/sign';
import type { EcdsaSignatureFormat } from '@sigil/crypto-core/signature-format';
import { signPathHashSigningAlgorithm, signPathPayloadAlgorithm } from './signpath-algorithms.js';
import type { SignPathHashSigningData, SignPathPayload } from './signpath-schema.js';

/**
 * How to sign one SignPath hash, in the shape the decoders answered before they answered crypto-core params.
 * @deprecated Use crypto-core's `SignatureParams`, as {@link decodeSignPathPayload} and
 * {@link decodeSignPathHashSigningData} return them.
 */
export type SignPathSignatureParams =
  | { readonly scheme: 'pkcs1' | 'pss'; readonly hash: RsaHashName }
  | { readonly scheme: 'ecdsa'; readonly hash: HashName; readonly format: EcdsaSignatureFormat };

function legacyOf(params: SignatureParams): SignPathSignatureParams {
  switch (params.scheme) {
    case 'rsa-pkcs1':
      return { scheme: 'pkcs1', hash: params.hash };
    case 'rsa-pss':
      return { scheme: 'pss', hash: params.hash };
    case 'ecdsa':
      return { scheme: 'ecdsa', hash: params.hash, format: params.format };
    default:
      throw new TypeError(`SignPath decodes no ${params.scheme} params`);
  }
}

/**
 * The signing parameters of a payload.json, in the old shape.
 * @deprecated Use {@link decodeSignPathPayload}, which also decodes the digest and answers crypto-core params.
 * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM, ERR_SIGNPATH_PAYLOAD
 */
export function signPathPayloadParams(
  payload: Pick<SignPathPayload, 'signatureAlgorithm' | 'rsaHashAlgorithm' | 'ecdsaSignatureFormat'>,
  digestLength: number,
): SignPathSignatureParams {
  return legacyOf(signPathPayloadAlgorithm(payload, digestLength));
}

/**
 * The signing parameters of SignHash's `hashSigningData`, in the old shape.
 * @deprecated Use {@link decodeSignPathHashSigningData}, which also decodes the digest and answers crypto-core params.
 * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM, ERR_SIGNPATH_PAYLOAD
 */
export function signPathHashSigningParams(
  data: Pick<SignPathHashSigningData, 'signatureAlgorithm' | 'rsaOptions' | 'ecdsaOptions'>,
  digestLength: number,
): SignPathSignatureParams {
  return legacyOf(signPathHashSigningAlgorithm(data, digestLength));
}
