// Byte encodings (hex, base64, base64url, utf8), bigint <-> bytes, concatenation, constant-time equality.
import { abigint, abytes, anumber, astring } from './assert.js';
import { CryptoError } from './errors.js';

// One two-character string per byte value: bytesToHex is on the RSA and DER hot paths.
const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  abytes(bytes, 'bytes');
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]!]!;
  return out;
}

/**
 * Bytes of a hex string (either case, even length).
 * @throws {CryptoError} ERR_ENCODING on odd length or a non-hex character
 */
export function hexToBytes(hex: string): Uint8Array {
  astring(hex, 'hex');
  if (hex.length % 2 !== 0) throw new CryptoError('ERR_ENCODING', 'hex string has odd length');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(hex.charCodeAt(2 * i));
    const lo = hexValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new CryptoError('ERR_ENCODING', `invalid hex character near index ${2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64_LOOKUP = buildLookup(BASE64_ALPHABET);
const BASE64URL_LOOKUP = buildLookup(BASE64URL_ALPHABET);

function buildLookup(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

function encode64(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

// Strict decoding: canonical padding rules, no whitespace, unused trailing bits must be zero.
function decode64(
  text: string,
  lookup: Int16Array,
  padding: 'required' | 'forbidden',
  label: string,
): Uint8Array {
  let body = text;
  if (padding === 'required') {
    if (text.length % 4 !== 0)
      throw new CryptoError('ERR_ENCODING', `${label}: length is not a multiple of 4`);
    if (text.endsWith('==')) body = text.slice(0, -2);
    else if (text.endsWith('=')) body = text.slice(0, -1);
  }
  if (body.length % 4 === 1) throw new CryptoError('ERR_ENCODING', `${label}: invalid length`);
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    const value = code < 128 ? lookup[code]! : -1;
    if (value < 0) throw new CryptoError('ERR_ENCODING', `${label}: invalid character at index ${i}`);
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0)
    throw new CryptoError('ERR_ENCODING', `${label}: non-zero trailing bits`);
  return out;
}

/** Standard base64 (RFC 4648 §4) with padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  abytes(bytes, 'bytes');
  return encode64(bytes, BASE64_ALPHABET, true);
}

/**
 * Bytes of standard, padded base64 (RFC 4648 §4).
 * @throws {CryptoError} ERR_ENCODING on bad characters, padding or length
 */
export function base64ToBytes(text: string): Uint8Array {
  astring(text, 'base64');
  return decode64(text, BASE64_LOOKUP, 'required', 'base64');
}

/** base64url (RFC 4648 §5) without padding, as JOSE uses it. */
export function bytesToBase64url(bytes: Uint8Array): string {
  abytes(bytes, 'bytes');
  return encode64(bytes, BASE64URL_ALPHABET, false);
}

/**
 * Bytes of unpadded base64url (RFC 7515 §2).
 * @throws {CryptoError} ERR_ENCODING on bad characters, padding or length
 */
export function base64urlToBytes(text: string): Uint8Array {
  astring(text, 'base64url');
  return decode64(text, BASE64URL_LOOKUP, 'forbidden', 'base64url');
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8ToBytes(text: string): Uint8Array {
  astring(text, 'text');
  return textEncoder.encode(text);
}

/**
 * The string of UTF-8 bytes.
 * @throws {CryptoError} ERR_ENCODING on malformed UTF-8
 */
export function bytesToUtf8(bytes: Uint8Array): string {
  abytes(bytes, 'bytes');
  try {
    return textDecoder.decode(bytes);
  } catch (cause) {
    throw new CryptoError('ERR_ENCODING', 'invalid UTF-8', { cause });
  }
}

/** The concatenation of byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const [i, part] of parts.entries()) {
    abytes(part, `parts[${i}]`);
    length += part.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Equality of two byte arrays in time that depends only on their lengths.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  abytes(a, 'a');
  abytes(b, 'b');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Unsigned big-endian integer of `bytes` (empty -> 0n): OS2IP of RFC 8017 §4.2. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  abytes(bytes, 'bytes');
  if (bytes.length === 0) return 0n;
  let hex = '0x';
  for (let i = 0; i < bytes.length; i++) hex += HEX_PAIRS[bytes[i]!]!;
  return BigInt(hex);
}

/**
 * Unsigned big-endian bytes of `value`, left-padded to `length` (I2OSP of RFC 8017 §4.1), or of minimal
 * length (at least one byte) when `length` is omitted.
 * @throws {RangeError} when the value is negative or does not fit in `length` bytes
 */
export function bigIntToBytes(value: bigint, length?: number): Uint8Array {
  abigint(value, 'value');
  if (value < 0n) throw new RangeError('value must be non-negative');
  const hex = value.toString(16);
  const minimal = Math.ceil(hex.length / 2);
  if (length !== undefined) {
    anumber(length, 'length');
    if (minimal > length && value !== 0n) throw new RangeError(`value does not fit in ${length} bytes`);
  }
  const out = new Uint8Array(length ?? minimal);
  // Fill from the right, two hex digits per byte (the leftmost byte may have one digit).
  let position = hex.length;
  for (let i = out.length - 1; i >= 0 && position > 0; i--) {
    const low = hexValue(hex.charCodeAt(--position));
    out[i] = position > 0 ? (hexValue(hex.charCodeAt(--position)) << 4) | low : low;
  }
  return out;
}

/** Number of bits in a non-negative `value` (0n -> 0), read from its hex form. */
export function bitLength(value: bigint): number {
  abigint(value, 'value');
  if (value <= 0n) return 0;
  const hex = value.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(hexValue(hex.charCodeAt(0))));
}
