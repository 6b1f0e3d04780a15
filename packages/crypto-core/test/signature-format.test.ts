// ECDSA signature formats: DER <-> P1363 <-> JOSE round trips (fast-check) and the strictness matrix.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EC_CURVE_PARAMS } from '../src/ecdsa.js';
import { bytesToBase64url, bytesToHex, hexToBytes } from '../src/encoding.js';
import { isCryptoError } from '../src/errors.js';
import { EC_CURVES, type EcCurve } from '../src/key-types.js';
import {
  convertEcdsaSignature,
  type EcdsaSignatureFormat,
  encodeEcdsaSignature,
  encodeJoseEcdsaSignature,
  parseEcdsaSignature,
  parseJoseEcdsaSignature,
} from '../src/signature-format.js';

const RUNS = 1000;

function expectFormatError(action: () => unknown): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(isCryptoError(thrown, 'ERR_SIGNATURE_FORMAT'), String(thrown)).toBe(true);
}

describe.each(EC_CURVES)('%s round trips', (curve) => {
  const { n, fieldBytes } = EC_CURVE_PARAMS[curve];
  const scalar = fc.bigInt({ min: 1n, max: n - 1n });
  // Bias towards the edges where encodings change shape: tiny values, the top bit set, n - 1.
  const edgy = fc.oneof(scalar, fc.constantFrom(1n, 127n, 128n, 255n, 256n, n - 1n, n / 2n, (n - 1n) >> 8n));
  const pair = fc.record({ r: edgy, s: edgy });

  it(`DER -> { r, s } -> P1363 -> JOSE -> DER (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(pair, (signature) => {
        const der = encodeEcdsaSignature(signature, 'der', curve);
        const p1363 = encodeEcdsaSignature(signature, 'p1363', curve);
        expect(p1363.length).toBe(2 * fieldBytes);
        expect(parseEcdsaSignature(der, 'der', curve)).toEqual(signature);
        expect(parseEcdsaSignature(p1363, 'p1363', curve)).toEqual(signature);
        expect(convertEcdsaSignature(der, 'der', 'p1363', curve)).toEqual(p1363);
        expect(convertEcdsaSignature(p1363, 'p1363', 'der', curve)).toEqual(der);
        const jose = encodeJoseEcdsaSignature(signature, curve);
        expect(jose).toBe(bytesToBase64url(p1363));
        expect(parseJoseEcdsaSignature(jose, curve)).toEqual(signature);
        expect(convertEcdsaSignature(der, 'der', 'der', curve)).toEqual(der);
      }),
      { numRuns: RUNS },
    );
  });

  it(`arbitrary bytes either parse to an in-range pair or throw ERR_SIGNATURE_FORMAT (${RUNS} cases)`, () => {
    const format = fc.constantFrom<EcdsaSignatureFormat>('der', 'p1363');
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 2 * fieldBytes + 12 }),
      fc.uint8Array({ minLength: 2 * fieldBytes, maxLength: 2 * fieldBytes }),
      // Mutations of a valid DER signature hit the interesting branches more often.
      fc.tuple(pair, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([signature, at, byte]) => {
        const der = encodeEcdsaSignature(signature, 'der', curve).slice();
        der[at % der.length] = byte;
        return der;
      }),
    );
    fc.assert(
      fc.property(bytes, format, (input, kind) => {
        try {
          const { r, s } = parseEcdsaSignature(input, kind, curve);
          expect(r > 0n && r < n && s > 0n && s < n).toBe(true);
          // Whatever parses is canonical: re-encoding gives the same bytes back.
          expect(bytesToHex(encodeEcdsaSignature({ r, s }, kind, curve))).toBe(bytesToHex(input));
        } catch (error) {
          expect(isCryptoError(error, 'ERR_SIGNATURE_FORMAT'), String(error)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('strictness (P-256)', () => {
  const curve: EcCurve = 'P-256';
  const { n } = EC_CURVE_PARAMS[curve];
  const nHex = n.toString(16); // 64 hex digits, top bit set -> needs a 00 sign byte in DER
  const der = (hex: string) => hexToBytes(hex);

  it('accepts the minimal encoding of r = 1, s = 1', () => {
    expect(parseEcdsaSignature(der('3006020101020101'), 'der', curve)).toEqual({ r: 1n, s: 1n });
  });

  const badDer: ReadonlyArray<readonly [string, string]> = [
    ['empty input', ''],
    ['non-minimal SEQUENCE length (long form for 6)', '308106020101020101'],
    ['long-form INTEGER length', '300702810101020101'],
    ['length with a leading zero byte', '30820006020101020101'],
    ['indefinite length', '3080020101020101' + '0000'],
    ['leading zero padding on r', '300702020001020101'],
    ['leading zero padding on s', '300702010102020001'],
    ['negative r', '3006020180020101'],
    ['negative s', '30060201010201ff'],
    ['empty INTEGER', '30050200020101'],
    ['trailing bytes after the SEQUENCE', '300602010102010100'],
    ['a third INTEGER inside the SEQUENCE', '3009020101020101020101'],
    ['SEQUENCE length longer than the input', '3007020101020101'],
    ['SEQUENCE length shorter than its content', '3005020101020101'],
    ['missing s', '3003020101'],
    ['SET instead of SEQUENCE', '3106020101020101'],
    ['BIT STRING instead of INTEGER', '3006030101020101'],
    ['r = 0', '3006020100020101'],
    ['s = 0', '3006020101020100'],
    ['r = n', `3026022100${nHex}020101`],
    ['s = n', `3026020101022100${nHex}`],
    ['s = n + 1', `3026020101022100${(n + 1n).toString(16)}`],
    ['r = 2^256 (33 content bytes)', `3026022101${'00'.repeat(32)}020101`],
  ];
  it.each(badDer)('DER: rejects %s', (_name, hex) => {
    expectFormatError(() => parseEcdsaSignature(der(hex), 'der', curve));
    expectFormatError(() => convertEcdsaSignature(der(hex), 'der', 'p1363', curve));
  });

  const one = `${'00'.repeat(31)}01`;
  const badP1363: ReadonlyArray<readonly [string, string]> = [
    ['63 bytes', (one + one).slice(2)],
    ['65 bytes', `00${one}${one}`],
    ['empty', ''],
    ['r = 0', '00'.repeat(32) + one],
    ['s = 0', one + '00'.repeat(32)],
    ['r = n', nHex + one],
    ['s = n', one + nHex],
    ['s = 2^256 - 1', one + 'ff'.repeat(32)],
  ];
  it.each(badP1363)('P1363: rejects %s', (_name, hex) => {
    expectFormatError(() => parseEcdsaSignature(hexToBytes(hex), 'p1363', curve));
    expectFormatError(() => convertEcdsaSignature(hexToBytes(hex), 'p1363', 'der', curve));
  });

  it('P1363: the P-521 length is 132 bytes, not 130 or 131', () => {
    const r = encodeEcdsaSignature({ r: 1n, s: 1n }, 'p1363', 'P-521');
    expect(r.length).toBe(132);
    expectFormatError(() => parseEcdsaSignature(r.subarray(1), 'p1363', 'P-521'));
    expectFormatError(() => parseEcdsaSignature(r.subarray(2), 'p1363', 'P-521'));
  });

  it('JOSE: rejects padding, standard base64 characters and wrong lengths', () => {
    const good = encodeJoseEcdsaSignature({ r: 1n, s: 2n }, curve);
    expect(parseJoseEcdsaSignature(good, curve)).toEqual({ r: 1n, s: 2n });
    expectFormatError(() => parseJoseEcdsaSignature(`${good}=`, curve));
    expectFormatError(() => parseJoseEcdsaSignature(`${good.slice(0, -1)}+`, curve));
    expectFormatError(() => parseJoseEcdsaSignature(good.slice(0, -2), curve));
    expectFormatError(() => parseJoseEcdsaSignature(`${good}AA`, curve));
    expectFormatError(() => parseJoseEcdsaSignature(bytesToBase64url(der('3006020101020101')), curve));
  });

  it('encoding refuses r, s outside [1, n-1]', () => {
    for (const format of ['der', 'p1363'] as const) {
      expectFormatError(() => encodeEcdsaSignature({ r: 0n, s: 1n }, format, curve));
      expectFormatError(() => encodeEcdsaSignature({ r: 1n, s: n }, format, curve));
      expectFormatError(() => encodeEcdsaSignature({ r: -1n, s: 1n }, format, curve));
    }
  });

  it('bad argument types and names throw TypeError / RangeError', () => {
    const sig = der('3006020101020101');
    expect(() => parseEcdsaSignature('3006' as unknown as Uint8Array, 'der', curve)).toThrow(TypeError);
    expect(() => parseEcdsaSignature(sig, 'jose' as EcdsaSignatureFormat, curve)).toThrow(RangeError);
    expect(() => parseEcdsaSignature(sig, 'der', 'P-192' as EcCurve)).toThrow(RangeError);
    expect(() =>
      encodeEcdsaSignature({ r: 1, s: 1n } as unknown as { r: bigint; s: bigint }, 'der', curve),
    ).toThrow(TypeError);
    expect(() => encodeEcdsaSignature(null as unknown as { r: bigint; s: bigint }, 'der', curve)).toThrow(
      TypeError,
    );
    expect(() => convertEcdsaSignature(sig, 'der', 'raw' as EcdsaSignatureFormat, curve)).toThrow(RangeError);
    expect(() => parseJoseEcdsaSignature(sig as unknown as string, curve)).toThrow(TypeError);
  });
});
