// HMAC (RFC 2104) over SHA-1, SHA-2 and SHA-3 through @noble/hashes, with constant-time, optionally truncated tag checks.
import { hmac } from '@noble/hashes/hmac.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { abytes, anumber, aoneOf, astring } from './assert.js';
import { equalBytes } from './encoding.js';
import { getHash, HASH_NAMES, type HashName } from './hash.js';
import type { SymmetricKey } from './key-types.js';

/** Hashes HMAC accepts: every hash of the table but MD5 (HS256/384/512 in JOSE use SHA-2). */
export const HMAC_HASHES: readonly Exclude<HashName, 'MD5'>[] = Object.freeze(
  HASH_NAMES.filter((name): name is Exclude<HashName, 'MD5'> => name !== 'MD5'),
);

// The key comes first: a call in the old order (hash first) fails here with a TypeError naming `key`.
function keyBytes(key: SymmetricKey | Uint8Array): Uint8Array {
  if (key instanceof Uint8Array) return key;
  if (typeof key !== 'object' || key === null) throw new TypeError('key must be a Uint8Array or an oct key');
  if (key.kty !== 'oct') throw new TypeError("key.kty must be 'oct'");
  abytes(key.key, 'key.key');
  return key.key;
}

function checkHash(hash: unknown): asserts hash is Exclude<HashName, 'MD5'> {
  astring(hash, 'hash');
  aoneOf(hash, HMAC_HASHES, 'hash');
}

/**
 * Shortest tag {@link hmacVerify} accepts, in bytes: RFC 2104 §5 asks for at least half the hash output
 * and at least 80 bits. (16 bytes for SHA-256, 24 for SHA-384, 32 for SHA-512.)
 * @throws {RangeError} for a hash outside HMAC_HASHES (MD5)
 */
export function hmacMinTagLength(hash: HashName): number {
  aoneOf(hash, HMAC_HASHES, 'hash');
  return Math.max(10, Math.ceil(getHash(hash).outputLength / 2));
}

/**
 * The full-length tag HMAC(K, message) (RFC 2104 §2). Keys of any length are accepted; keys longer
 * than the block size are hashed first, as §2 says.
 * @throws {TypeError} on a wrong key, hash or message type (a call with the hash first names `key`)
 * @throws {RangeError} for a hash outside HMAC_HASHES (MD5)
 */
export function hmacSign(key: SymmetricKey | Uint8Array, hash: HashName, message: Uint8Array): Uint8Array {
  const secret = keyBytes(key);
  checkHash(hash);
  abytes(message, 'message');
  return hmac(getHash(hash).noble, secret, message);
}

/**
 * Checks `tag` against HMAC(K, message) in constant time. With `tagLength`, the tag is the leftmost
 * `tagLength` bytes of the MAC (RFC 2104 §5 truncation); without it, the full output. A tag whose length
 * differs from the expected length is rejected (`false`).
 * @throws {TypeError} on a wrong key, hash, message, tag or tagLength type (a call with the hash first names `key`)
 * @throws {RangeError} for a hash outside HMAC_HASHES (MD5), or `tagLength` outside [hmacMinTagLength(hash), output length]
 */
export function hmacVerify(
  key: SymmetricKey | Uint8Array,
  hash: HashName,
  message: Uint8Array,
  tag: Uint8Array,
  tagLength?: number,
): boolean {
  const secret = keyBytes(key);
  checkHash(hash);
  abytes(message, 'message');
  abytes(tag, 'tag');
  const outputLength = getHash(hash).outputLength;
  const expectedLength = tagLength ?? outputLength;
  anumber(expectedLength, 'tagLength', hmacMinTagLength(hash), outputLength);
  if (tag.length !== expectedLength) return false;
  const mac = hmac(getHash(hash).noble, secret, message);
  return equalBytes(mac.subarray(0, expectedLength), tag);
}

/**
 * A fresh random HMAC key. The default length is the hash output length, the minimum RFC 2104 §3
 * recommends and RFC 7518 §3.2 requires for HS256/384/512.
 * @throws {RangeError} for a hash outside HMAC_HASHES (MD5), or a length outside [1, 1024]
 */
export function generateHmacKey(hash: HashName, length?: number): SymmetricKey {
  aoneOf(hash, HMAC_HASHES, 'hash');
  const size = length ?? getHash(hash).outputLength;
  anumber(size, 'length', 1, 1024);
  return { kty: 'oct', key: randomBytes(size) };
}
