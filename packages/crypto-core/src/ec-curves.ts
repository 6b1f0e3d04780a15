// The one table of ECDSA curves: noble implementation, sizes, order, OID (RFC 5480 §2.1.1.1) and JOSE defaults.
import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { aoneOf } from './assert.js';
import type { HashName } from './hash.js';
import { EC_CURVES, type EcCurve } from './key-types.js';

/** JOSE algorithm names for ECDSA (RFC 7518 §3.4, RFC 8812 §3.2). */
export type EcdsaJoseAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'ES256K';

/** Everything crypto-core knows about one ECDSA curve. */
export interface EcCurveParams {
  readonly curve: EcCurve;
  /** The @noble/curves implementation. */
  readonly noble: ECDSA;
  /** Size of a field element (and of r, s in P1363) in bytes: ceil(log2(p) / 8). */
  readonly fieldBytes: number;
  /** Order n of the base point. */
  readonly n: bigint;
  /** Dotted OID of the named curve (SEC 2 §A.2, RFC 5480 §2.1.1.1). */
  readonly oid: string;
  /** JOSE `alg` for this curve. */
  readonly joseAlg: EcdsaJoseAlgorithm;
  /** The hash that `joseAlg` pairs with the curve. */
  readonly hash: HashName;
}

function describe(
  curve: EcCurve,
  noble: ECDSA,
  oid: string,
  joseAlg: EcdsaJoseAlgorithm,
  hash: HashName,
): EcCurveParams {
  // Sizes and order come from the implementation itself, so the table cannot drift from it.
  return Object.freeze({
    curve,
    noble,
    fieldBytes: noble.Point.Fp.BYTES,
    n: noble.Point.Fn.ORDER,
    oid,
    joseAlg,
    hash,
  });
}

/** Curve name -> parameters. Key codecs read `oid` from here. */
export const EC_CURVE_PARAMS: Readonly<Record<EcCurve, EcCurveParams>> = Object.freeze({
  'P-256': describe('P-256', p256, '1.2.840.10045.3.1.7', 'ES256', 'SHA-256'),
  'P-384': describe('P-384', p384, '1.3.132.0.34', 'ES384', 'SHA-384'),
  'P-521': describe('P-521', p521, '1.3.132.0.35', 'ES512', 'SHA-512'),
  secp256k1: describe('secp256k1', secp256k1, '1.3.132.0.10', 'ES256K', 'SHA-256'),
});

/**
 * The parameters of a curve by name.
 * @throws {RangeError} for a curve crypto-core does not support
 */
export function ecCurveParams(curve: EcCurve): EcCurveParams {
  aoneOf(curve, EC_CURVES, 'curve');
  return EC_CURVE_PARAMS[curve];
}

/** The curve with the given dotted OID, or undefined. */
export function ecCurveByOid(oid: string): EcCurveParams | undefined {
  return Object.values(EC_CURVE_PARAMS).find((params) => params.oid === oid);
}
