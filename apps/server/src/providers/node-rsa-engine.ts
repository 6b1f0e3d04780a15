// The `native` RSA engine: the private operation through node:crypto (OpenSSL, constant-time, blinded); crypto-core
// keeps the padding and checks every result against the public key (verify-after-sign).
import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';
import { bigIntToBytes, bitLength, bytesToBigInt } from '@sigil/crypto-core/encoding';
import type { RsaPrivateKey } from '@sigil/crypto-core/key-types';
import { exportJwk } from '@sigil/crypto-core/keys';
import { pureRsaEngine, type RsaEngine, rsaPublicOperation } from '@sigil/crypto-core/rsa-engine';

/** The crypto engines SIGIL_CRYPTO_ENGINE names. */
export const CRYPTO_ENGINES = ['native', 'pure'] as const;

/** `native` (node:crypto for the RSA private operation) or `pure` (crypto-core alone). */
export type CryptoEngineName = (typeof CRYPTO_ENGINES)[number];

/** RSASP1 through OpenSSL: a raw (unpadded) private operation x^d mod n. */
export const nodeRsaEngine: RsaEngine = {
  name: 'node:crypto',
  privateOperation(key: RsaPrivateKey, x: bigint): bigint {
    const keyObject = createPrivateKey({
      key: exportJwk(key) as import('node:crypto').JsonWebKey,
      format: 'jwk',
    });
    const length = Math.ceil(bitLength(key.n) / 8);
    const result = privateDecrypt(
      { key: keyObject, padding: constants.RSA_NO_PADDING },
      bigIntToBytes(x, length),
    );
    return bytesToBigInt(result);
  },
  publicOperation: rsaPublicOperation,
};

/** The RSA engine of a SIGIL_CRYPTO_ENGINE name. */
export function rsaEngineNamed(name: CryptoEngineName): RsaEngine {
  return name === 'native' ? nodeRsaEngine : pureRsaEngine;
}
