// JOSE algorithm names (the native API's `algorithm`, PingOne's header `alg`) to signature parameters for a key.
import { getHash } from '@sigil/crypto-core/hash';
import { getJwsAlgorithm, type JwsAlgorithmSpec } from '@sigil/crypto-core/jws';
import type { SignatureParams } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import type { EcdsaSignatureFormat } from '@sigil/crypto-core/signature-format';
import { ServerError } from '../errors.js';
import type { KeyRecord } from '../store/store.js';

function keyFamily(key: KeyRecord): JwsAlgorithmSpec['kty'] {
  return key.type === 'HMAC' ? 'oct' : key.type;
}

/**
 * The signature parameters for a JOSE algorithm on a key, checking that they fit: RFC 7518's, with PS* salts as long
 * as the hash, ECDSA with crypto-core's DEFAULT_ECDSA_NONCE in `format` (DER unless the surface asks for P1363).
 * @throws {ServerError} ERR_UNSUPPORTED_ALGORITHM, ERR_ALGORITHM_MISMATCH, ERR_DIGEST_NOT_SUPPORTED, ERR_DIGEST_LENGTH
 */
export function joseSignatureParams(
  key: KeyRecord,
  algorithm: string,
  input: SignInput,
  format: EcdsaSignatureFormat = 'der',
): SignatureParams {
  let spec: JwsAlgorithmSpec;
  try {
    spec = getJwsAlgorithm(algorithm);
  } catch (cause) {
    throw new ServerError('ERR_UNSUPPORTED_ALGORITHM', `unsupported algorithm ${JSON.stringify(algorithm)}`, {
      cause,
    });
  }
  if (spec.kty !== keyFamily(key) || ('curve' in spec && spec.curve !== key.curve)) {
    throw new ServerError('ERR_ALGORITHM_MISMATCH', `${algorithm} does not suit ${key.type} key ${key.name}`);
  }
  if (spec.kty === 'RSA' && (key.size ?? 0) < 2048) {
    throw new ServerError('ERR_ALGORITHM_MISMATCH', `${algorithm} needs an RSA key of at least 2048 bits`);
  }
  if ('digest' in input) {
    if (spec.kty === 'OKP' || spec.kty === 'oct') {
      throw new ServerError('ERR_DIGEST_NOT_SUPPORTED', `${algorithm} signs a message, not a digest`);
    }
    const expected = getHash(spec.params.hash).outputLength;
    if (input.digest.length !== expected) {
      throw new ServerError(
        'ERR_DIGEST_LENGTH',
        `a ${spec.params.hash} digest is ${expected} bytes, got ${input.digest.length}`,
      );
    }
  }
  // crypto-core's JOSE table holds the params (PSS salt as long as the hash, the default ECDSA nonce); ECDSA takes
  // the format the surface asks for.
  return spec.kty === 'EC' ? { ...spec.params, format } : spec.params;
}
