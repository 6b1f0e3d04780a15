import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  base64urlToBytes,
  bigIntToBytes,
  bitLength,
  bytesToBase64,
  bytesToBase64url,
  bytesToBigInt,
  bytesToHex,
  bytesToUtf8,
  concatBytes,
  equalBytes,
  hexToBytes,
  utf8ToBytes,
} from '../src/encoding.js';

const bytes = fc.uint8Array({ maxLength: 300 });

describe('encodings agree with Buffer', () => {
  it('hex, base64 and base64url round-trip and match Node', () => {
    fc.assert(
      fc.property(bytes, (value) => {
        const buffer = Buffer.from(value);
        expect(bytesToHex(value)).toBe(buffer.toString('hex'));
        expect(bytesToBase64(value)).toBe(buffer.toString('base64'));
        expect(bytesToBase64url(value)).toBe(buffer.toString('base64url'));
        expect(hexToBytes(bytesToHex(value))).toEqual(value);
        expect(hexToBytes(bytesToHex(value).toUpperCase())).toEqual(value);
        expect(base64ToBytes(bytesToBase64(value))).toEqual(value);
        expect(base64urlToBytes(bytesToBase64url(value))).toEqual(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('bigint conversions are OS2IP / I2OSP', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 4100n) - 1n }), (value) => {
        const minimal = bigIntToBytes(value);
        expect(bytesToBigInt(minimal)).toBe(value);
        expect(bitLength(value)).toBe(value === 0n ? 0 : value.toString(2).length);
        const padded = bigIntToBytes(value, minimal.length + 3);
        expect(padded.subarray(0, 3)).toEqual(new Uint8Array(3));
        expect(bytesToBigInt(padded)).toBe(value);
        const hex = value.toString(16);
        expect(bytesToHex(minimal)).toBe(
          value === 0n ? '00' : hex.padStart(hex.length + (hex.length % 2), '0'),
        );
      }),
      { numRuns: 1000 },
    );
    expect(bigIntToBytes(0n, 0)).toEqual(new Uint8Array(0));
    expect(bytesToBigInt(new Uint8Array(0))).toBe(0n);
  });
});

describe('strict decoding', () => {
  it('rejects malformed hex', () => {
    for (const text of ['0', 'zz', '0g', ' 00'])
      expect(() => hexToBytes(text), text).toThrow(expect.objectContaining({ code: 'ERR_ENCODING' }));
  });

  it('rejects non-canonical or malformed base64 and base64url', () => {
    const badBase64 = ['QQ', 'QQ=', 'QR==', 'Q===', 'QQ==QQ==', 'QQ==\n', 'Q Q=', '-_==', 'QUJD=', '!!!!'];
    for (const text of badBase64)
      expect(() => base64ToBytes(text), text).toThrow(expect.objectContaining({ code: 'ERR_ENCODING' }));
    const badBase64url = ['QQ==', 'QR', 'Q', '+/', 'QUJD\n', 'é'];
    for (const text of badBase64url)
      expect(() => base64urlToBytes(text), text).toThrow(expect.objectContaining({ code: 'ERR_ENCODING' }));
  });

  it('rejects malformed UTF-8 and wrong argument types', () => {
    expect(() => bytesToUtf8(Uint8Array.of(0xc3, 0x28))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODING' }),
    );
    expect(bytesToUtf8(utf8ToBytes('añ€😀'))).toBe('añ€😀');
    expect(() => bytesToHex('00' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => hexToBytes(0 as unknown as string)).toThrow(TypeError);
    expect(() => bigIntToBytes(-1n)).toThrow(RangeError);
    expect(() => bigIntToBytes(256n, 1)).toThrow(RangeError);
    expect(() => bigIntToBytes(1 as unknown as bigint)).toThrow(TypeError);
  });
});

describe('bytes helpers', () => {
  it('concatenates and compares', () => {
    expect(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))).toEqual(
      Uint8Array.of(1, 2, 3),
    );
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false);
  });
});
