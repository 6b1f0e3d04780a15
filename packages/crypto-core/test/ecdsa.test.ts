// ECDSA: curve table, key helpers, hedged signing, and the bad-input matrix (typed errors, never a crash).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEcPoint,
  EC_CURVE_PARAMS,
  ecCurveByOid,
  ecdsaSign,
  ecdsaVerify,
  ecPublicKeyFromPrivate,
  generateEcKey,
  validateEcPoint,
} from '../src/ecdsa.js';
import { bigIntToBytes, concatBytes, utf8ToBytes } from '../src/encoding.js';
import { isCryptoError } from '../src/errors.js';
import { digest, type HashName } from '../src/hash.js';
import { EC_CURVES, type EcCurve, type EcPrivateKey, type EcPublicKey } from '../src/key-types.js';
import { parseEcdsaSignature } from '../src/signature-format.js';

const message = utf8ToBytes('crypto-core ecdsa');
const keys = Object.fromEntries(EC_CURVES.map((curve) => [curve, generateEcKey(curve)])) as Record<
  EcCurve,
  EcPrivateKey
>;
const publicOf = (key: EcPrivateKey): EcPublicKey => ({ kty: key.kty, curve: key.curve, point: key.point });

function expectCode(action: () => unknown, code: 'ERR_INVALID_INPUT'): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(isCryptoError(thrown, code), String(thrown)).toBe(true);
}

describe('curve table', () => {
  it('has the RFC 5480 OIDs, sizes, orders and JOSE defaults', () => {
    const rows = EC_CURVES.map((curve) => {
      const { oid, fieldBytes, joseAlg, hash, n } = EC_CURVE_PARAMS[curve];
      return [curve, oid, fieldBytes, joseAlg, hash, n.toString(16).length];
    });
    expect(rows).toEqual([
      ['P-256', '1.2.840.10045.3.1.7', 32, 'ES256', 'SHA-256', 64],
      ['P-384', '1.3.132.0.34', 48, 'ES384', 'SHA-384', 96],
      ['P-521', '1.3.132.0.35', 66, 'ES512', 'SHA-512', 131],
      ['secp256k1', '1.3.132.0.10', 32, 'ES256K', 'SHA-256', 64],
    ]);
    expect(ecCurveByOid('1.3.132.0.34')?.curve).toBe('P-384');
    expect(ecCurveByOid('1.3.132.0.33')).toBeUndefined();
  });
});

describe.each(EC_CURVES)('%s', (curve) => {
  const key = keys[curve];
  const { fieldBytes, n, hash } = EC_CURVE_PARAMS[curve];

  it('generates field-size keys whose point is d·G and valid', () => {
    expect(key.d.length).toBe(fieldBytes);
    expect(key.point.length).toBe(1 + 2 * fieldBytes);
    expect(ecPublicKeyFromPrivate(curve, key.d)).toEqual(publicOf(key));
    expect(() => validateEcPoint(curve, key.point)).not.toThrow();
  });

  it('signs a message and its digest identically (deterministic RFC 6979)', () => {
    for (const name of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const satisfies readonly HashName[]) {
      const fromMessage = ecdsaSign(key, { message }, { hash: name });
      const fromDigest = ecdsaSign(key, { digest: digest(name, message) }, { hash: name });
      expect(fromDigest).toEqual(fromMessage);
      expect(ecdsaSign(key, { message }, { hash: name })).toEqual(fromMessage);
      expect(ecdsaVerify(publicOf(key), { message }, fromMessage, { hash: name })).toBe(true);
      expect(ecdsaVerify(publicOf(key), { message }, fromMessage, { hash: name, format: 'p1363' })).toBe(
        false,
      );
    }
  });

  it('hedged signatures differ between calls yet verify', () => {
    const first = ecdsaSign(key, { message }, { hash, format: 'p1363', hedged: true });
    const second = ecdsaSign(key, { message }, { hash, format: 'p1363', hedged: true });
    const deterministic = ecdsaSign(key, { message }, { hash, format: 'p1363' });
    expect(first).not.toEqual(second);
    expect(first).not.toEqual(deterministic);
    for (const signature of [first, second]) {
      expect(ecdsaVerify(publicOf(key), { message }, signature, { hash, format: 'p1363' })).toBe(true);
    }
    const extra = Uint8Array.of(1, 2, 3);
    expect(ecdsaSign(key, { message }, { hash, hedged: extra })).toEqual(
      ecdsaSign(key, { message }, { hash, hedged: extra }),
    );
  });

  it('applies the low-S policy: default high-S accepted on verify, rejected with lowS: true', () => {
    const signature = parseEcdsaSignature(
      ecdsaSign(key, { message }, { hash, format: 'p1363' }),
      'p1363',
      curve,
    );
    const high = signature.s > n / 2n ? signature.s : n - signature.s;
    const highSignature = concatBytes(
      bigIntToBytes(signature.r, fieldBytes),
      bigIntToBytes(high, fieldBytes),
    );
    expect(ecdsaVerify(publicOf(key), { message }, highSignature, { hash, format: 'p1363' })).toBe(true);
    expect(
      ecdsaVerify(publicOf(key), { message }, highSignature, { hash, format: 'p1363', lowS: true }),
    ).toBe(false);
    // secp256k1 signs low-S by default; the NIST curves keep RFC 6979's s unless asked.
    const low = ecdsaSign(key, { message }, { hash, format: 'p1363', lowS: true });
    expect(parseEcdsaSignature(low, 'p1363', curve).s <= n / 2n).toBe(true);
  });

  it('rejects a tampered message, signature or key', () => {
    const signature = ecdsaSign(key, { message }, { hash });
    expect(ecdsaVerify(publicOf(key), { message: utf8ToBytes('other') }, signature, { hash })).toBe(false);
    const tampered = signature.slice();
    tampered[tampered.length - 1]! ^= 1;
    expect(ecdsaVerify(publicOf(key), { message }, tampered, { hash })).toBe(false);
    const other = generateEcKey(curve);
    expect(ecdsaVerify(publicOf(other), { message }, signature, { hash })).toBe(false);
    // A point that is not on the curve fails closed.
    const offCurve = key.point.slice();
    offCurve[offCurve.length - 1]! ^= 1;
    expect(ecdsaVerify({ ...publicOf(key), point: offCurve }, { message }, signature, { hash })).toBe(false);
    expect(ecdsaVerify(publicOf(key), { message }, new Uint8Array(0), { hash })).toBe(false);
  });

  it('validates and decodes points (SEC 1 §2.3.4, §3.2.2.1)', () => {
    const compressed = concatBytes(
      Uint8Array.of(2 + (key.point[key.point.length - 1]! & 1)),
      key.point.subarray(1, 1 + fieldBytes),
    );
    expect(decodeEcPoint(curve, compressed)).toEqual(key.point);
    expect(decodeEcPoint(curve, key.point)).toEqual(key.point);
    const offCurve = key.point.slice();
    offCurve[offCurve.length - 1]! ^= 1;
    expectCode(() => validateEcPoint(curve, offCurve), 'ERR_INVALID_INPUT');
    expectCode(() => decodeEcPoint(curve, offCurve), 'ERR_INVALID_INPUT');
    // x = p (not a field element), zero point, hybrid prefix, bad prefix.
    const p = EC_CURVE_PARAMS[curve].noble.Point.Fp.ORDER;
    const xIsP = concatBytes(
      Uint8Array.of(4),
      bigIntToBytes(p, fieldBytes),
      key.point.subarray(1 + fieldBytes),
    );
    expectCode(() => validateEcPoint(curve, xIsP), 'ERR_INVALID_INPUT');
    expectCode(
      () => validateEcPoint(curve, concatBytes(Uint8Array.of(4), new Uint8Array(2 * fieldBytes))),
      'ERR_INVALID_INPUT',
    );
    expectCode(
      () => validateEcPoint(curve, concatBytes(Uint8Array.of(6), key.point.subarray(1))),
      'ERR_INVALID_INPUT',
    );
    expectCode(
      () => decodeEcPoint(curve, concatBytes(Uint8Array.of(5), key.point.subarray(1, 1 + fieldBytes))),
      'ERR_INVALID_INPUT',
    );
    expectCode(() => decodeEcPoint(curve, Uint8Array.of(0)), 'ERR_INVALID_INPUT');
    expectCode(() => decodeEcPoint(curve, new Uint8Array(0)), 'ERR_INVALID_INPUT');
    expect(() => validateEcPoint(curve, compressed)).toThrow(RangeError);
  });
});

describe('bad input matrix', () => {
  const key = keys['P-256'];
  const publicKey = publicOf(key);
  const signature = ecdsaSign(key, { message }, { hash: 'SHA-256' });
  type Any = never;

  const signCases: ReadonlyArray<readonly [string, () => unknown, ErrorConstructor]> = [
    ['key null', () => ecdsaSign(null as Any, { message }, { hash: 'SHA-256' }), TypeError],
    [
      'key not EC',
      () => ecdsaSign({ ...key, kty: 'RSA' } as Any, { message }, { hash: 'SHA-256' }),
      TypeError,
    ],
    [
      'unknown curve',
      () => ecdsaSign({ ...key, curve: 'P-192' } as Any, { message }, { hash: 'SHA-256' }),
      RangeError,
    ],
    ['d not bytes', () => ecdsaSign({ ...key, d: 'aa' } as Any, { message }, { hash: 'SHA-256' }), TypeError],
    [
      'd too short',
      () => ecdsaSign({ ...key, d: key.d.subarray(1) }, { message }, { hash: 'SHA-256' }),
      RangeError,
    ],
    [
      'd = 0',
      () => ecdsaSign({ ...key, d: new Uint8Array(32) }, { message }, { hash: 'SHA-256' }),
      RangeError,
    ],
    [
      'd = n',
      () =>
        ecdsaSign(
          { ...key, d: bigIntToBytes(EC_CURVE_PARAMS['P-256'].n, 32) },
          { message },
          { hash: 'SHA-256' },
        ),
      RangeError,
    ],
    [
      'point wrong length',
      () => ecdsaSign({ ...key, point: key.point.subarray(1) }, { message }, { hash: 'SHA-256' }),
      RangeError,
    ],
    ['params missing', () => ecdsaSign(key, { message }, undefined as Any), TypeError],
    ['unknown hash', () => ecdsaSign(key, { message }, { hash: 'SHA-999' as Any }), RangeError],
    [
      'unknown format',
      () => ecdsaSign(key, { message }, { hash: 'SHA-256', format: 'jose' as Any }),
      RangeError,
    ],
    ['lowS not boolean', () => ecdsaSign(key, { message }, { hash: 'SHA-256', lowS: 1 as Any }), TypeError],
    [
      'hedged not bytes',
      () => ecdsaSign(key, { message }, { hash: 'SHA-256', hedged: 'yes' as Any }),
      TypeError,
    ],
    ['input null', () => ecdsaSign(key, null as Any, { hash: 'SHA-256' }), TypeError],
    ['input empty', () => ecdsaSign(key, {} as Any, { hash: 'SHA-256' }), TypeError],
    ['message string', () => ecdsaSign(key, { message: 'hi' } as Any, { hash: 'SHA-256' }), TypeError],
    [
      'digest wrong length',
      () => ecdsaSign(key, { digest: new Uint8Array(31) }, { hash: 'SHA-256' }),
      RangeError,
    ],
    [
      'digest of another hash',
      () => ecdsaSign(key, { digest: new Uint8Array(48) }, { hash: 'SHA-256' }),
      RangeError,
    ],
    [
      'message and digest',
      () => ecdsaSign(key, { message, digest: new Uint8Array(32) } as Any, { hash: 'SHA-256' }),
      TypeError,
    ],
    ['generate unknown curve', () => generateEcKey('P-192' as Any), RangeError],
    ['public from short d', () => ecPublicKeyFromPrivate('P-256', new Uint8Array(31)), RangeError],
    ['validate not bytes', () => validateEcPoint('P-256', [4] as Any), TypeError],
    ['decode unknown curve', () => decodeEcPoint('ed25519' as Any, key.point), RangeError],
  ];
  it.each(signCases)('sign/keys: %s', (_name, action, type) => {
    expect(action).toThrow(type);
  });

  const verifyCases: ReadonlyArray<readonly [string, () => unknown, ErrorConstructor]> = [
    [
      'key undefined',
      () => ecdsaVerify(undefined as Any, { message }, signature, { hash: 'SHA-256' }),
      TypeError,
    ],
    [
      'key not EC',
      () => ecdsaVerify({ ...publicKey, kty: 'OKP' } as Any, { message }, signature, { hash: 'SHA-256' }),
      TypeError,
    ],
    [
      'unknown curve',
      () => ecdsaVerify({ ...publicKey, curve: 'P-224' } as Any, { message }, signature, { hash: 'SHA-256' }),
      RangeError,
    ],
    [
      'point compressed',
      () =>
        ecdsaVerify({ ...publicKey, point: key.point.subarray(0, 33) }, { message }, signature, {
          hash: 'SHA-256',
        }),
      RangeError,
    ],
    [
      'signature string',
      () => ecdsaVerify(publicKey, { message }, 'sig' as Any, { hash: 'SHA-256' }),
      TypeError,
    ],
    [
      'digest wrong length',
      () => ecdsaVerify(publicKey, { digest: new Uint8Array(33) }, signature, { hash: 'SHA-256' }),
      RangeError,
    ],
    [
      'unknown hash',
      () => ecdsaVerify(publicKey, { message }, signature, { hash: 'MD4' as Any }),
      RangeError,
    ],
    [
      'unknown format',
      () => ecdsaVerify(publicKey, { message }, signature, { hash: 'SHA-256', format: 'raw' as Any }),
      RangeError,
    ],
    [
      'lowS not boolean',
      () => ecdsaVerify(publicKey, { message }, signature, { hash: 'SHA-256', lowS: 'true' as Any }),
      TypeError,
    ],
  ];
  it.each(verifyCases)('verify: %s', (_name, action, type) => {
    expect(action).toThrow(type);
  });

  it('verify never crashes on arbitrary arguments: false or a TypeError / RangeError / CryptoError', () => {
    const anyKey = fc.oneof(
      fc.constant(publicKey),
      fc.anything(),
      fc.record({
        kty: fc.constant('EC'),
        curve: fc.constantFrom(...EC_CURVES, 'X'),
        point: fc.uint8Array({ maxLength: 140 }),
      }),
    );
    const anyInput = fc.oneof(
      fc.constant({ message }),
      fc.record({ digest: fc.uint8Array({ maxLength: 70 }) }),
      fc.anything(),
    );
    const anySignature = fc.oneof(fc.constant(signature), fc.uint8Array({ maxLength: 150 }), fc.anything());
    const anyParams = fc.oneof(
      fc.record({
        hash: fc.constantFrom('SHA-256', 'SHA-512', 'nope'),
        format: fc.constantFrom('der', 'p1363', undefined),
      }),
      fc.anything(),
    );
    fc.assert(
      fc.property(anyKey, anyInput, anySignature, anyParams, (k, input, sig, params) => {
        try {
          expect(typeof ecdsaVerify(k as Any, input as Any, sig as Any, params as Any)).toBe('boolean');
        } catch (error) {
          expect(
            error instanceof TypeError || error instanceof RangeError || isCryptoError(error),
            String(error),
          ).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
