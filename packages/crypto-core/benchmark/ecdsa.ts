// ECDSA sign/verify: crypto-core vs node:crypto vs @noble/curves used directly with precomputed base tables.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { EC_CURVE_PARAMS, ecdsaSign, ecdsaVerify, generateEcKey } from '../src/ecdsa.js';
import { bytesToBase64url } from '../src/encoding.js';
import type { EcCurve } from '../src/key-types.js';
import type { BenchCase } from './harness.js';

const CURVES = [
  ['p256', 'P-256', p256],
  ['p384', 'P-384', p384],
  ['p521', 'P-521', p521],
  ['secp256k1', 'secp256k1', secp256k1],
] as const;

/** `ecdsa-<curve>-sign` and `ecdsa-<curve>-verify` over a 32-byte message, P1363 output, no low-S. */
export function cases(): BenchCase[] {
  const message = new Uint8Array(32).fill(7);
  return CURVES.flatMap(([label, curve, noble]) => {
    const { hash, fieldBytes } = EC_CURVE_PARAMS[curve as EcCurve];
    const nodeHash = hash.replace('-', '').toLowerCase();
    const key = generateEcKey(curve);
    const jwk = {
      kty: 'EC',
      crv: curve,
      x: bytesToBase64url(key.point.subarray(1, 1 + fieldBytes)),
      y: bytesToBase64url(key.point.subarray(1 + fieldBytes)),
    };
    const nodePrivate = createPrivateKey({ key: { ...jwk, d: bytesToBase64url(key.d) }, format: 'jwk' });
    const nodePublic = createPublicKey({ key: jwk, format: 'jwk' });
    // The competitor at its best: a width-8 fixed-base table, built before timing starts.
    noble.Point.BASE.precompute(8, false);
    const signature = ecdsaSign(key, { hash, format: 'p1363' }, { message });
    const nodeOptions = { key: nodePrivate, dsaEncoding: 'ieee-p1363' } as const;
    const nodeVerifyOptions = { key: nodePublic, dsaEncoding: 'ieee-p1363' } as const;
    return [
      {
        name: `ecdsa-${label}-sign`,
        impl: 'crypto-core',
        run: () => ecdsaSign(key, { hash, format: 'p1363', lowS: false }, { message }),
      },
      { name: `ecdsa-${label}-sign`, impl: 'node:crypto', run: () => sign(nodeHash, message, nodeOptions) },
      {
        name: `ecdsa-${label}-sign`,
        impl: '@noble/curves',
        run: () => noble.sign(message, key.d, { lowS: false }),
      },
      {
        name: `ecdsa-${label}-verify`,
        impl: 'crypto-core',
        run: () => ecdsaVerify(key, { hash, format: 'p1363' }, { message }, signature),
      },
      {
        name: `ecdsa-${label}-verify`,
        impl: 'node:crypto',
        run: () => verify(nodeHash, message, nodeVerifyOptions, signature),
      },
      {
        name: `ecdsa-${label}-verify`,
        impl: '@noble/curves',
        run: () => noble.verify(signature, message, key.point, { lowS: false }),
      },
    ] satisfies BenchCase[];
  });
}
