import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DerReader,
  DerTag,
  derBitString,
  derContent,
  derContext,
  derDecode,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derParseSequence,
  derSequence,
  derTime,
} from '../src/der.js';
import { bytesToHex, concatBytes, hexToBytes } from '../src/encoding.js';
import { DerError } from '../src/errors.js';

describe('DER writer and reader', () => {
  it('round-trips non-negative INTEGERs minimally', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 2100n) - 1n }), (value) => {
        const encoded = derInteger(value);
        const reader = new DerReader(encoded);
        expect(reader.readUnsignedInteger()).toBe(value);
        reader.end();
      }),
      { numRuns: 1000 },
    );
    expect(bytesToHex(derInteger(0n))).toBe('020100');
    expect(bytesToHex(derInteger(128n))).toBe('02020080');
  });

  it('round-trips OIDs', () => {
    for (const oid of [
      '1.2.840.113549.1.1.11',
      '2.16.840.1.101.3.4.2.1',
      '1.3.132.0.10',
      '2.999.3',
      '1.2.840.10045.3.1.7',
    ]) {
      const reader = new DerReader(derOid(oid));
      expect(reader.readOid()).toBe(oid);
    }
    expect(bytesToHex(derOid('1.2.840.113549'))).toBe('06062a864886f70d');
  });

  it('uses long-form lengths only when needed and reads them back', () => {
    const content = new Uint8Array(300).fill(7);
    const encoded = derOctetString(content);
    expect(bytesToHex(encoded.subarray(0, 4))).toBe('0482012c');
    expect(new DerReader(encoded).readOctetString()).toEqual(content);
    const sequence = derSequence(derNull(), derBitString(Uint8Array.of(1, 2)));
    const inner = new DerReader(sequence).readSequence();
    inner.readNull();
    expect(inner.readBitString()).toEqual(Uint8Array.of(1, 2));
    inner.end();
  });

  it('writes UTCTime through 2049 and GeneralizedTime after', () => {
    expect(derTime(new Date('2030-01-02T03:04:05Z'))[0]).toBe(DerTag.UTC_TIME);
    expect(derTime(new Date('2051-01-02T03:04:05Z'))[0]).toBe(DerTag.GENERALIZED_TIME);
  });
});

describe('strictness: every violation is a DerError with an offset', () => {
  const cases: Array<[string, string]> = [
    ['indefinite length', '3080020100 0000'],
    ['long form for a short length', '30810302 0100'],
    ['length with a leading zero byte', '3082000302 0100'],
    ['truncated content', '300502 01'],
    ['trailing bytes', '3003020100 00'],
    ['non-minimal INTEGER', '3004020200 01'],
    ['negative INTEGER', '30030201 80'],
    ['empty INTEGER', '30020200'],
    ['BIT STRING with unused bits', '30040302 0101'],
    ['multi-byte tag', '1f01 00'],
  ];
  for (const [name, hex] of cases) {
    it(name, () => {
      const bytes = hexToBytes(hex.replaceAll(' ', ''));
      const parse = () => {
        const outer = new DerReader(bytes);
        const sequence = outer.readSequence();
        while (!sequence.atEnd()) {
          if (sequence.peekTag() === DerTag.BIT_STRING) sequence.readBitString();
          else sequence.readUnsignedInteger();
        }
        outer.end();
      };
      expect(parse).toThrow(DerError);
      try {
        parse();
      } catch (error) {
        expect((error as DerError).code).toBe('ERR_DER_DECODE');
        expect((error as DerError).offset).toBeGreaterThanOrEqual(0);
      }
    });
  }

  it('derDecode rejects trailing bytes and a wrong tag', () => {
    expect(() => derDecode(hexToBytes('050000'))).toThrow(DerError);
    expect(() => derDecode(hexToBytes('0500'), DerTag.SEQUENCE)).toThrow(/expected tag 0x30/);
  });

  it('derParseSequence reads one SEQUENCE to its end, and nothing after it', () => {
    const sequence = derSequence(derInteger(5n), derNull());
    const read = (reader: DerReader) => reader.readUnsignedInteger();
    expect(() => derParseSequence(sequence, read)).toThrow(/trailing bytes at offset 5/);
    expect(() => derParseSequence(concatBytes(sequence, Uint8Array.of(0)), read)).toThrow(DerError);
    expect(
      derParseSequence(sequence, (reader) => {
        const value = reader.readUnsignedInteger();
        reader.readNull();
        return value;
      }),
    ).toBe(5n);
  });

  it('readOptionalExplicit reads an EXPLICIT [n] when present, to its end', () => {
    const sequence = derSequence(derContext(1, derInteger(7n)), derNull());
    const reader = new DerReader(sequence).readSequence();
    expect(reader.readOptionalExplicit(0, (field) => field.readUnsignedInteger())).toBeUndefined();
    expect(reader.readOptionalExplicit(1, (field) => field.readUnsignedInteger())).toBe(7n);
    reader.readNull();
    const extra = new DerReader(derContext(0, concatBytes(derInteger(1n), derNull())));
    expect(() => extra.readOptionalExplicit(0, (field) => field.readUnsignedInteger())).toThrow(
      /trailing bytes at offset 5/,
    );
    const element = new DerReader(sequence).read();
    expect(derContent(element).readOptionalExplicit(1, (field) => field.readSmallInteger())).toBe(7);
  });

  it('never throws anything but DerError on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (input) => {
        try {
          const reader = new DerReader(input);
          while (!reader.atEnd()) reader.read();
        } catch (error) {
          expect(error).toBeInstanceOf(DerError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
