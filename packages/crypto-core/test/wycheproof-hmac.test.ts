// Wycheproof HMAC (MacTest): full and truncated tags, modified and shortened tags must fail.
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../src/encoding.js';
import type { HashName } from '../src/hash.js';
import { hmacSign, hmacVerify } from '../src/hmac.js';
import { loadVector } from './vectors.js';

interface MacTest {
  readonly tcId: number;
  readonly comment: string;
  readonly key: string;
  readonly msg: string;
  readonly tag: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}

interface MacFile {
  readonly numberOfTests: number;
  readonly testGroups: readonly {
    readonly keySize: number;
    readonly tagSize: number;
    readonly tests: readonly MacTest[];
  }[];
}

const FILES: ReadonlyArray<readonly [string, HashName]> = [
  ['hmac_sha256_test.json', 'SHA-256'],
  ['hmac_sha384_test.json', 'SHA-384'],
  ['hmac_sha512_test.json', 'SHA-512'],
];

describe('Wycheproof HMAC', () => {
  it.each(FILES)('%s', (file, hash) => {
    const vectors = loadVector<MacFile>(`wycheproof/${file}`);
    let accepted = 0;
    let rejected = 0;
    const disagreements: string[] = [];
    for (const group of vectors.testGroups) {
      const tagLength = group.tagSize / 8; // tagSize is in bits; the tag is the leftmost tagLength bytes
      for (const test of group.tests) {
        const key = hexToBytes(test.key);
        const message = hexToBytes(test.msg);
        const tag = hexToBytes(test.tag);
        const ok = hmacVerify(key, hash, message, tag, tagLength);
        if (test.result === 'valid' && ok) {
          // Signing reproduces the (truncated) tag too.
          const signed = bytesToHex(hmacSign(key, hash, message).subarray(0, tagLength));
          if (signed !== test.tag) disagreements.push(`tcId ${test.tcId}: hmacSign gave ${signed}`);
          accepted++;
        } else if (test.result === 'invalid' && !ok) rejected++;
        else disagreements.push(`tcId ${test.tcId} (${test.result}, ${test.comment}): got ${ok}`);
      }
    }
    console.log(`${file}: ${accepted} valid accepted, ${rejected} invalid rejected`);
    expect(disagreements).toEqual([]);
    expect(accepted + rejected).toBe(vectors.numberOfTests);
  });
});
