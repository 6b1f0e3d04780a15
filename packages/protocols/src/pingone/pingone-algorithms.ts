// PingOne's algorithm table: the JWS `alg` of a credential's header, mapped through crypto-core's JOSE table.
import { JWS_ALGORITHMS, type JwsAlgorithm, type JwsAlgorithmSpec } from '@sigil/crypto-core/jws';
import { ProtocolError } from '../errors.js';

/**
 * The `alg` values PingOne can put in a credential header: the asymmetric JOSE algorithms, since PingOne holds
 * only the customer's public key (seed 000: the header is "derived from the public key"). HS* never qualify.
 */
export const PINGONE_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'ES256K',
  'EdDSA',
] as const satisfies readonly JwsAlgorithm[];

/** A JWS `alg` PingOne credential signing can use. */
export type PingOneAlgorithm = (typeof PINGONE_ALGORITHMS)[number];

/** True when `alg` is one of {@link PINGONE_ALGORITHMS}. */
export function isPingOneAlgorithm(alg: unknown): alg is PingOneAlgorithm {
  return typeof alg === 'string' && (PINGONE_ALGORITHMS as readonly string[]).includes(alg);
}

/**
 * The crypto-core parameters of a PingOne `alg` (key family, scheme or curve, hash).
 * @throws {ProtocolError} ERR_PINGONE_ALGORITHM for an unknown, symmetric or `none` alg
 */
export function pingOneAlgorithm(alg: unknown): JwsAlgorithmSpec {
  if (!isPingOneAlgorithm(alg)) {
    throw new ProtocolError(
      'ERR_PINGONE_ALGORITHM',
      `unsupported PingOne credential alg ${JSON.stringify(alg)}`,
    );
  }
  return JWS_ALGORITHMS[alg];
}
