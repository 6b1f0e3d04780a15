// A small strict DER reader and writer (ITU-T X.690 §8, §10): definite minimal lengths, no trailing bytes.
import { abigint, abytes, anumber, astring } from './assert.js';
import { bigIntToBytes, bytesToBigInt, concatBytes, utf8ToBytes } from './encoding.js';
import { DerError } from './errors.js';

/** Universal tags used by crypto-core (X.680 §8.4). */
export const DerTag = Object.freeze({
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const);

/** One decoded TLV: its tag byte, its content, and where it started. */
export interface DerElement {
  readonly tag: number;
  readonly value: Uint8Array;
  /** Offset of the tag byte in the outermost input. */
  readonly offset: number;
  /** The whole TLV encoding (tag, length and value). */
  readonly encoded: Uint8Array;
}

/**
 * Sequential strict reader over DER bytes. Only single-byte tags (tag numbers < 31) are accepted,
 * which covers every structure crypto-core parses.
 */
export class DerReader {
  private position = 0;

  /**
   * @param bytes the DER encoding to read
   * @param baseOffset offset of `bytes` within the outermost input, for error messages
   */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly baseOffset = 0,
  ) {
    abytes(bytes, 'der');
  }

  /** True when every byte has been consumed. */
  atEnd(): boolean {
    return this.position >= this.bytes.length;
  }

  /** The tag of the next element, or undefined at the end. */
  peekTag(): number | undefined {
    return this.atEnd() ? undefined : this.bytes[this.position];
  }

  /**
   * Reads the next element; when `expectedTag` is given the tag must match.
   * @throws {DerError} on truncation, a non-minimal or indefinite length, or a tag mismatch
   */
  read(expectedTag?: number): DerElement {
    const start = this.position;
    const at = this.baseOffset + start;
    if (start >= this.bytes.length) throw new DerError('unexpected end of input', at);
    const tag = this.bytes[start]!;
    if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported', at);
    if (expectedTag !== undefined && tag !== expectedTag) {
      throw new DerError(`expected tag 0x${expectedTag.toString(16)}, found 0x${tag.toString(16)}`, at);
    }
    let cursor = start + 1;
    if (cursor >= this.bytes.length) throw new DerError('missing length', at);
    const first = this.bytes[cursor++]!;
    let length: number;
    if (first < 0x80) {
      length = first;
    } else {
      // X.690 §10.1: definite form, minimal number of length octets.
      const count = first & 0x7f;
      if (count === 0) throw new DerError('indefinite length is not DER', at);
      if (count > 4) throw new DerError('length too large', at);
      if (cursor + count > this.bytes.length) throw new DerError('truncated length', at);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + this.bytes[cursor++]!;
      if (length < 0x80) throw new DerError('long form used for a short length', at);
      if (this.bytes[cursor - count] === 0) throw new DerError('length has a leading zero byte', at);
    }
    const end = cursor + length;
    if (end > this.bytes.length) throw new DerError('content runs past the end of input', at);
    this.position = end;
    return {
      tag,
      value: this.bytes.subarray(cursor, end),
      offset: at,
      encoded: this.bytes.subarray(start, end),
    };
  }

  /** Reads a constructed element with `tag` (SEQUENCE by default) and returns a reader over its content. */
  readConstructed(tag: number = DerTag.SEQUENCE): DerReader {
    return derContent(this.read(tag));
  }

  /** Reads a SEQUENCE and returns a reader over its content. */
  readSequence(): DerReader {
    return this.readConstructed(DerTag.SEQUENCE);
  }

  /**
   * Reads an INTEGER that must be non-negative (X.690 §8.3: minimal two's complement).
   * @throws {DerError} on a negative or non-minimal integer
   */
  readUnsignedInteger(): bigint {
    const element = this.read(DerTag.INTEGER);
    const value = element.value;
    if (value.length === 0) throw new DerError('empty INTEGER', element.offset);
    if (value.length > 1 && value[0] === 0x00 && (value[1]! & 0x80) === 0) {
      throw new DerError('INTEGER is not minimally encoded', element.offset);
    }
    if (value.length > 1 && value[0] === 0xff && (value[1]! & 0x80) !== 0) {
      throw new DerError('INTEGER is not minimally encoded', element.offset);
    }
    if ((value[0]! & 0x80) !== 0) throw new DerError('INTEGER is negative', element.offset);
    return bytesToBigInt(value);
  }

  /** Reads an INTEGER that must fit a small non-negative number (a version field). */
  readSmallInteger(): number {
    const value = this.readUnsignedInteger();
    if (value > 0xffffn) throw new DerError('INTEGER too large', this.baseOffset + this.position);
    return Number(value);
  }

  /** Reads an OBJECT IDENTIFIER as a dotted string (X.690 §8.19). */
  readOid(): string {
    const element = this.read(DerTag.OID);
    return decodeOid(element.value, element.offset);
  }

  /** Reads a NULL. */
  readNull(): void {
    const element = this.read(DerTag.NULL);
    if (element.value.length !== 0) throw new DerError('NULL with content', element.offset);
  }

  /** Reads an OCTET STRING's content. */
  readOctetString(): Uint8Array {
    return this.read(DerTag.OCTET_STRING).value;
  }

  /** Reads a BIT STRING that must hold whole bytes (unused bits = 0), and returns them. */
  readBitString(): Uint8Array {
    const element = this.read(DerTag.BIT_STRING);
    if (element.value.length === 0) throw new DerError('empty BIT STRING', element.offset);
    if (element.value[0] !== 0) throw new DerError('BIT STRING with unused bits', element.offset);
    return element.value.subarray(1);
  }

  /** Reads the element if the next tag is `tag`, else returns undefined. */
  readOptional(tag: number): DerElement | undefined {
    return this.peekTag() === tag ? this.read(tag) : undefined;
  }

  /**
   * Reads an optional EXPLICIT context-specific [n] (X.690 §8.14.2): `parse` reads its content, which must hold
   * nothing more. Undefined when the next element is not [n].
   * @throws {DerError} on any DER violation, and on bytes `parse` leaves
   */
  readOptionalExplicit<T>(tagNumber: number, parse: (reader: DerReader) => T): T | undefined {
    const element = this.readOptional(contextTag(tagNumber));
    if (element === undefined) return undefined;
    const content = derContent(element);
    const result = parse(content);
    content.end();
    return result;
  }

  /**
   * Asserts that every byte has been consumed.
   * @throws {DerError} on trailing bytes
   */
  end(): void {
    if (!this.atEnd()) throw new DerError('trailing bytes', this.baseOffset + this.position);
  }
}

/** A reader over the content of an element already read (a constructed one), keeping outer offsets. */
export function derContent(element: DerElement): DerReader {
  return new DerReader(element.value, element.offset + (element.encoded.length - element.value.length));
}

/**
 * Reads exactly one element from `bytes`, rejecting trailing bytes.
 * @throws {DerError} on any DER violation
 */
export function derDecode(bytes: Uint8Array, expectedTag?: number): DerElement {
  const reader = new DerReader(bytes);
  const element = reader.read(expectedTag);
  reader.end();
  return element;
}

/**
 * Parses `bytes` as exactly one SEQUENCE whose content `parse` reads to the end.
 * @throws {DerError} on any DER violation, and on bytes left inside or after the SEQUENCE
 */
export function derParseSequence<T>(bytes: Uint8Array, parse: (reader: DerReader) => T): T {
  const outer = new DerReader(bytes);
  const reader = outer.readSequence();
  const result = parse(reader);
  reader.end();
  outer.end();
  return result;
}

function decodeOid(bytes: Uint8Array, offset: number): string {
  if (bytes.length === 0) throw new DerError('empty OID', offset);
  const arcs: bigint[] = [];
  let value = 0n;
  let started = false;
  for (const byte of bytes) {
    if (!started && byte === 0x80) throw new DerError('OID arc has a leading 0x80', offset);
    started = true;
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
      started = false;
    }
  }
  if (started) throw new DerError('truncated OID', offset);
  const first = arcs[0]!;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A TLV with the given tag and content. */
export function derElement(tag: number, content: Uint8Array): Uint8Array {
  anumber(tag, 'tag', 0, 0xff);
  abytes(content, 'content');
  return concatBytes(Uint8Array.of(tag), encodeLength(content.length), content);
}

/** SEQUENCE of already-encoded elements. */
export function derSequence(...elements: Uint8Array[]): Uint8Array {
  return derElement(DerTag.SEQUENCE, concatBytes(...elements));
}

/** SET of already-encoded elements (the caller keeps DER order; crypto-core only writes one-element sets). */
export function derSet(...elements: Uint8Array[]): Uint8Array {
  return derElement(DerTag.SET, concatBytes(...elements));
}

/** INTEGER of a non-negative bigint, minimally encoded. */
export function derInteger(value: bigint): Uint8Array {
  abigint(value, 'value');
  if (value < 0n) throw new RangeError('value must be non-negative');
  const bytes = bigIntToBytes(value);
  const content = bytes[0]! & 0x80 ? concatBytes(Uint8Array.of(0), bytes) : bytes;
  return derElement(DerTag.INTEGER, content);
}

/** OBJECT IDENTIFIER of a dotted string. */
export function derOid(oid: string): Uint8Array {
  astring(oid, 'oid');
  if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(oid)) throw new RangeError(`invalid OID ${oid}`);
  const arcs = oid.split('.').map((arc) => BigInt(arc));
  const out: number[] = [];
  const values = [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)];
  for (const arc of values) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let rest = arc >> 7n; rest > 0n; rest >>= 7n) chunk.unshift(Number(rest & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  return derElement(DerTag.OID, Uint8Array.from(out));
}

/** NULL. */
export function derNull(): Uint8Array {
  return Uint8Array.of(DerTag.NULL, 0);
}

/** OCTET STRING. */
export function derOctetString(content: Uint8Array): Uint8Array {
  return derElement(DerTag.OCTET_STRING, content);
}

/** BIT STRING of whole bytes. */
export function derBitString(content: Uint8Array): Uint8Array {
  abytes(content, 'content');
  return derElement(DerTag.BIT_STRING, concatBytes(Uint8Array.of(0), content));
}

/** BOOLEAN. */
export function derBoolean(value: boolean): Uint8Array {
  return Uint8Array.of(DerTag.BOOLEAN, 1, value ? 0xff : 0);
}

/** UTF8String. */
export function derUtf8String(text: string): Uint8Array {
  return derElement(DerTag.UTF8_STRING, utf8ToBytes(text));
}

/** Context-specific tag [n], constructed (EXPLICIT) by default. */
export function derContext(tagNumber: number, content: Uint8Array, constructed = true): Uint8Array {
  anumber(tagNumber, 'tagNumber', 0, 30);
  return derElement((constructed ? 0xa0 : 0x80) | tagNumber, content);
}

/** Context-specific tag byte [n] for matching with `DerReader.read`. */
export function contextTag(tagNumber: number, constructed = true): number {
  return (constructed ? 0xa0 : 0x80) | tagNumber;
}

/** Time as X.509 wants it (RFC 5280 §4.1.2.5): UTCTime through 2049, GeneralizedTime after. */
export function derTime(date: Date): Uint8Array {
  if (!(date instanceof Date) || Number.isNaN(date.getTime()))
    throw new TypeError('date must be a valid Date');
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return derElement(DerTag.UTC_TIME, utf8ToBytes(`${digits.slice(2)}Z`));
  return derElement(DerTag.GENERALIZED_TIME, utf8ToBytes(`${digits}Z`));
}
