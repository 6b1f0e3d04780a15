// HMAC: truncation policy, key forms, and the bad-input matrix (typed errors, never a crash).
import { describe, expect, it } from 'vitest';
import { generateHmacKey, HMAC_HASHES, hmacMinTagLength, hmacSign, hmacVerify } from '../src/hmac.js';

type Any = never;
const message = new TextEncoder().encode('crypto-core hmac');

describe('HMAC', () => {
  it('sets the minimum tag length to max(80 bits, half the output) (RFC 2104 §5)', () => {
    expect(HMAC_HASHES.map((hash) => [hash, hmacMinTagLength(hash)])).toEqual([
      ['SHA-1', 10],
      ['SHA-224', 14],
      ['SHA-256', 16],
      ['SHA-384', 24],
      ['SHA-512', 32],
      ['SHA3-256', 16],
      ['SHA3-384', 24],
      ['SHA3-512', 32],
    ]);
  });

  it.each(HMAC_HASHES)('%s: generated keys sign and verify, raw bytes and SymmetricKey alike', (hash) => {
    const key = generateHmacKey(hash);
    expect(key.kty).toBe('oct');
    const tag = hmacSign(key, hash, message);
    expect(hmacSign(key.key, hash, message)).toEqual(tag);
    expect(hmacVerify(key, hash, message, tag)).toBe(true);
    expect(hmacVerify(key.key, hash, message, tag)).toBe(true);
    const min = hmacMinTagLength(hash);
    expect(hmacVerify(key, hash, message, tag.subarray(0, min), min)).toBe(true);
    // A truncated tag without tagLength, or one byte short of tagLength, is rejected.
    expect(hmacVerify(key, hash, message, tag.subarray(0, min))).toBe(false);
    expect(hmacVerify(key, hash, message, tag.subarray(0, min - 1), min)).toBe(false);
    expect(hmacVerify(key, hash, message, tag.subarray(0, min + 1), min)).toBe(false);
    const modified = tag.slice();
    modified[modified.length - 1]! ^= 0x80;
    expect(hmacVerify(key, hash, message, modified)).toBe(false);
    expect(hmacVerify(key, hash, new Uint8Array(0), tag)).toBe(false);
    expect(hmacVerify(generateHmacKey(hash), hash, message, tag)).toBe(false);
  });

  it('accepts keys of any length, including empty and longer than the block', () => {
    for (const length of [0, 1, 64, 128, 129, 300]) {
      const key = new Uint8Array(length).fill(7);
      expect(hmacVerify(key, 'SHA-256', message, hmacSign(key, 'SHA-256', message))).toBe(true);
    }
    expect(generateHmacKey('SHA-512').key.length).toBe(64);
    expect(generateHmacKey('SHA-256', 48).key.length).toBe(48);
    expect(generateHmacKey('SHA-256').key).not.toEqual(generateHmacKey('SHA-256').key);
  });

  const tag = hmacSign(new Uint8Array(32), 'SHA-256', message);
  const cases: ReadonlyArray<readonly [string, () => unknown, ErrorConstructor]> = [
    ['sign: MD5', () => hmacSign(new Uint8Array(32), 'MD5', message), RangeError],
    ['sign: unknown hash', () => hmacSign(new Uint8Array(32), 'SHA-257' as Any, message), RangeError],
    ['sign: key string', () => hmacSign('secret' as Any, 'SHA-256', message), TypeError],
    ['sign: key null', () => hmacSign(null as Any, 'SHA-256', message), TypeError],
    [
      'sign: key not oct',
      () => hmacSign({ kty: 'RSA', key: new Uint8Array(1) } as Any, 'SHA-256', message),
      TypeError,
    ],
    ['sign: key.key missing', () => hmacSign({ kty: 'oct' } as Any, 'SHA-256', message), TypeError],
    ['sign: message string', () => hmacSign(new Uint8Array(32), 'SHA-256', 'hi' as Any), TypeError],
    ['verify: tag string', () => hmacVerify(new Uint8Array(32), 'SHA-256', message, 'tag' as Any), TypeError],
    [
      'verify: tagLength below minimum',
      () => hmacVerify(new Uint8Array(32), 'SHA-256', message, tag.subarray(0, 15), 15),
      RangeError,
    ],
    [
      'verify: tagLength above output',
      () => hmacVerify(new Uint8Array(32), 'SHA-256', message, tag, 33),
      RangeError,
    ],
    [
      'verify: tagLength fractional',
      () => hmacVerify(new Uint8Array(32), 'SHA-256', message, tag, 16.5),
      TypeError,
    ],
    [
      'verify: tagLength string',
      () => hmacVerify(new Uint8Array(32), 'SHA-256', message, tag, '16' as Any),
      TypeError,
    ],
    ['generate: length 0', () => generateHmacKey('SHA-256', 0), RangeError],
    ['generate: MD5', () => generateHmacKey('MD5'), RangeError],
  ];
  it.each(cases)('%s', (_name, action, type) => {
    expect(action).toThrow(type);
  });
});
