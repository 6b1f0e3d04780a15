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
      const fromMessage = ecdsaSign(key, { hash: name }, { message });
      const fromDigest = ecdsaSign(key, { hash: name }, { digest: digest(name, message) });
      expect(fromDigest).toEqual(fromMessage);
      expect(ecdsaSign(key, { hash: name }, { message })).toEqual(fromMessage);
      expect(ecdsaVerify(publicOf(key), { hash: name }, { message }, fromMessage)).toBe(true);
      expect(ecdsaVerify(publicOf(key), { hash: name, format: 'p1363' }, { message }, fromMessage)).toBe(
        false,
      );
    }
  });

  it('hedged signatures differ between calls yet verify', () => {
    const first = ecdsaSign(key, { hash, format: 'p1363', hedged: true }, { message });
    const second = ecdsaSign(key, { hash, format: 'p1363', hedged: true }, { message });
    const deterministic = ecdsaSign(key, { hash, format: 'p1363' }, { message });
    expect(first).not.toEqual(second);
    expect(first).not.toEqual(deterministic);
    for (const signature of [first, second]) {
      expect(ecdsaVerify(publicOf(key), { hash, format: 'p1363' }, { message }, signature)).toBe(true);
    }
    const extra = Uint8Array.of(1, 2, 3);
    expect(ecdsaSign(key, { hash, hedged: extra }, { message })).toEqual(
      ecdsaSign(key, { hash, hedged: extra }, { message }),
    );
  });

  it('applies the low-S policy: default high-S accepted on verify, rejected with lowS: true', () => {
    const signature = parseEcdsaSignature(
      ecdsaSign(key, { hash, format: 'p1363' }, { message }),
      'p1363',
      curve,
    );
    const high = signature.s > n / 2n ? signature.s : n - signature.s;
    const highSignature = concatBytes(
      bigIntToBytes(signature.r, fieldBytes),
      bigIntToBytes(high, fieldBytes),
    );
    expect(ecdsaVerify(publicOf(key), { hash, format: 'p1363' }, { message }, highSignature)).toBe(true);
    expect(
      ecdsaVerify(publicOf(key), { hash, format: 'p1363', lowS: true }, { message }, highSignature),
    ).toBe(false);
    // secp256k1 signs low-S by default; the NIST curves keep RFC 6979's s unless asked.
    const low = ecdsaSign(key, { hash, format: 'p1363', lowS: true }, { message });
    expect(parseEcdsaSignature(low, 'p1363', curve).s <= n / 2n).toBe(true);
  });

  it('rejects a tampered message, signature or key', () => {
    const signature = ecdsaSign(key, { hash }, { message });
    expect(ecdsaVerify(publicOf(key), { hash }, { message: utf8ToBytes('other') }, signature)).toBe(false);
    const tampered = signature.slice();
    tampered[tampered.length - 1]! ^= 1;
    expect(ecdsaVerify(publicOf(key), { hash }, { message }, tampered)).toBe(false);
    const other = generateEcKey(curve);
    expect(ecdsaVerify(publicOf(other), { hash }, { message }, signature)).toBe(false);
    // A point that is not on the curve fails closed.
    const offCurve = key.point.slice();
    offCurve[offCurve.length - 1]! ^= 1;
    expect(ecdsaVerify({ ...publicOf(key), point: offCurve }, { hash }, { message }, signature)).toBe(false);
    expect(ecdsaVerify(publicOf(key), { hash }, { message }, new Uint8Array(0))).toBe(false);
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
  const signature = ecdsaSign(key, { hash: 'SHA-256' }, { message });
  type Any = never;

  const signCases: ReadonlyArray<readonly [string, () => unknown, ErrorConstructor]> = [
    ['key null', () => ecdsaSign(null as Any, { hash: 'SHA-256' }, { message }), TypeError],
    [
      'key not EC',
      () => ecdsaSign({ ...key, kty: 'RSA' } as Any, { hash: 'SHA-256' }, { message }),
      TypeError,
    ],
    [
      'unknown curve',
      () => ecdsaSign({ ...key, curve: 'P-192' } as Any, { hash: 'SHA-256' }, { message }),
      RangeError,
    ],
    ['d not bytes', () => ecdsaSign({ ...key, d: 'aa' } as Any, { hash: 'SHA-256' }, { message }), TypeError],
    [
      'd too short',
      () => ecdsaSign({ ...key, d: key.d.subarray(1) }, { hash: 'SHA-256' }, { message }),
      RangeError,
    ],
    [
      'd = 0',
      () => ecdsaSign({ ...key, d: new Uint8Array(32) }, { hash: 'SHA-256' }, { message }),
      RangeError,
    ],
    [
      'd = n',
      () =>
        ecdsaSign(
          { ...key, d: bigIntToBytes(EC_CURVE_PARAMS['P-256'].n, 32) },
          { hash: 'SHA-256' },
          { message },
        ),
      RangeError,
    ],
    [
      'point wrong length',
      () => ecdsaSign({ ...key, point: key.point.subarray(1) }, { hash: 'SHA-256' }, { message }),
      RangeError,
    ],
    ['params missing', () => ecdsaSign(key, undefined as Any, { message }), TypeError],
    ['unknown hash', () => ecdsaSign(key, { hash: 'SHA-999' as Any }, { message }), RangeError],
    [
      'unknown format',
      () => ecdsaSign(key, { hash: 'SHA-256', format: 'jose' as Any }, { message }),
      RangeError,
    ],
    ['lowS not boolean', () => ecdsaSign(key, { hash: 'SHA-256', lowS: 1 as Any }, { message }), TypeError],
    [
      'hedged not bytes',
      () => ecdsaSign(key, { hash: 'SHA-256', hedged: 'yes' as Any }, { message }),
      TypeError,
    ],
    ['input null', () => ecdsaSign(key, { hash: 'SHA-256' }, null as Any), TypeError],
    ['input empty', () => ecdsaSign(key, { hash: 'SHA-256' }, {} as Any), TypeError],
    ['message string', () => ecdsaSign(key, { hash: 'SHA-256' }, { message: 'hi' } as Any), TypeError],
    [
      'digest wrong length',
      () => ecdsaSign(key, { hash: 'SHA-256' }, { digest: new Uint8Array(31) }),
      RangeError,
    ],
    [
      'digest of another hash',
      () => ecdsaSign(key, { hash: 'SHA-256' }, { digest: new Uint8Array(48) }),
      RangeError,
    ],
    [
      'message and digest',
      () => ecdsaSign(key, { hash: 'SHA-256' }, { message, digest: new Uint8Array(32) } as Any),
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
      () => ecdsaVerify(undefined as Any, { hash: 'SHA-256' }, { message }, signature),
      TypeError,
    ],
    [
      'key not EC',
      () => ecdsaVerify({ ...publicKey, kty: 'OKP' } as Any, { hash: 'SHA-256' }, { message }, signature),
      TypeError,
    ],
    [
      'unknown curve',
      () => ecdsaVerify({ ...publicKey, curve: 'P-224' } as Any, { hash: 'SHA-256' }, { message }, signature),
      RangeError,
    ],
    [
      'point compressed',
      () =>
        ecdsaVerify(
          { ...publicKey, point: key.point.subarray(0, 33) },
          {
            hash: 'SHA-256',
          },
          { message },
          signature,
        ),
      RangeError,
    ],
    [
      'signature string',
      () => ecdsaVerify(publicKey, { hash: 'SHA-256' }, { message }, 'sig' as Any),
      TypeError,
    ],
    [
      'digest wrong length',
      () => ecdsaVerify(publicKey, { hash: 'SHA-256' }, { digest: new Uint8Array(33) }, signature),
      RangeError,
    ],
    [
      'unknown hash',
      () => ecdsaVerify(publicKey, { hash: 'MD4' as Any }, { message }, signature),
      RangeError,
    ],
    [
      'unknown format',
      () => ecdsaVerify(publicKey, { hash: 'SHA-256', format: 'raw' as Any }, { message }, signature),
      RangeError,
    ],
    [
      'lowS not boolean',
      () => ecdsaVerify(publicKey, { hash: 'SHA-256', lowS: 'true' as Any }, { message }, signature),
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
          expect(typeof ecdsaVerify(k as Any, params as Any, input as Any, sig as Any)).toBe('boolean');
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
