// HMAC-SHA-256/384/512 over a 1 KiB message: crypto-core vs node:crypto.
import { createHmac } from 'node:crypto';
import { getHash } from '../src/hash.js';
import { generateHmacKey, hmacSign } from '../src/hmac.js';
import type { BenchCase } from './harness.js';

/** `hmac-sha256`, `hmac-sha384`, `hmac-sha512` over 1 KiB with a hash-sized key. */
export function cases(): BenchCase[] {
  const message = new Uint8Array(1024).fill(7);
  return (['SHA-256', 'SHA-384', 'SHA-512'] as const).flatMap((hash) => {
    const key = generateHmacKey(hash);
    const { nodeName } = getHash(hash);
    const name = `hmac-${nodeName}`;
    return [
      { name, impl: 'crypto-core', run: () => hmacSign(key, hash, message) },
      { name, impl: 'node:crypto', run: () => createHmac(nodeName, key.key).update(message).digest() },
    ] satisfies BenchCase[];
  });
}
