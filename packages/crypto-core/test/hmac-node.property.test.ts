// HMAC against node:crypto: HS256, HS384, HS512 tags are identical, and node's (truncated) tags verify.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { equalBytes } from '../src/encoding.js';
import { getHash } from '../src/hash.js';
import { hmacMinTagLength, hmacSign, hmacVerify } from '../src/hmac.js';

const RUNS = 1000;

describe.each([
  ['HS256', 'SHA-256'],
  ['HS384', 'SHA-384'],
  ['HS512', 'SHA-512'],
] as const)('%s against node:crypto', (_alg, hash) => {
  const { nodeName, outputLength } = getHash(hash);

  it(`crypto-core and node agree both ways (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 1100 }),
        fc.integer({ min: hmacMinTagLength(hash), max: outputLength }),
        (key, message, tagLength) => {
          const mine = hmacSign({ kty: 'oct', key }, hash, message);
          const theirs = new Uint8Array(createHmac(nodeName, key).update(message).digest());
          const truncated = theirs.subarray(0, tagLength);
          const flipped = truncated.slice();
          flipped[0]! ^= 1;
          return (
            equalBytes(mine, theirs) &&
            hmacVerify(key, hash, message, theirs) &&
            hmacVerify(key, hash, message, truncated, tagLength) &&
            !hmacVerify(key, hash, message, flipped, tagLength)
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});
