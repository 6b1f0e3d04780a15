// Property tests: crypto-core and node:crypto (OpenSSL) agree both ways on RSASSA-PKCS1-v1_5 and RSASSA-PSS.
import {
  constants,
  createHash,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RsaPrivateKey } from '../src/key-types.js';
import { generateRsaKey, type RsaHashName, type RsaScheme, rsaSign, rsaVerify } from '../src/rsa.js';
import { fromNodePrivateKey, toNodePrivateKey, toNodePublicKey } from './rsa-helpers.js';

interface KeyPair {
  readonly label: string;
  readonly ours: RsaPrivateKey;
  readonly node: ReturnType<typeof toNodePrivateKey>;
  readonly nodePublic: ReturnType<typeof toNodePublicKey>;
}

function pair(label: string, ours: RsaPrivateKey): KeyPair {
  return { label, ours, node: toNodePrivateKey(ours), nodePublic: toNodePublicKey(ours) };
}

function nodeKey(bits: number): RsaPrivateKey {
  return fromNodePrivateKey(generateKeyPairSync('rsa', { modulusLength: bits }).privateKey);
}

// A few keys generated once: by crypto-core and by node:crypto, 1024 bits (fast) and 2048 bits.
const KEYS: readonly KeyPair[] = [
  pair('ours-1024', generateRsaKey(1024, { allowWeakSize: true })),
  pair('node-1024', nodeKey(1024)),
  pair('ours-2048', generateRsaKey(2048)),
  pair('node-2048', nodeKey(2048)),
];
// Three in four cases use a 1024-bit key to keep the suite fast on two cores.
const KEY_CHOICE = fc.constantFrom(0, 0, 0, 1, 1, 1, 2, 3);

const ALGORITHMS: readonly { scheme: RsaScheme; hash: RsaHashName; runs: number }[] = [
  { scheme: 'pkcs1', hash: 'SHA-256', runs: 1000 },
  { scheme: 'pkcs1', hash: 'SHA-384', runs: 1000 },
  { scheme: 'pkcs1', hash: 'SHA-512', runs: 1000 },
  { scheme: 'pss', hash: 'SHA-256', runs: 1000 },
  { scheme: 'pss', hash: 'SHA-384', runs: 1000 },
  { scheme: 'pss', hash: 'SHA-512', runs: 1000 },
  { scheme: 'pkcs1', hash: 'SHA-1', runs: 1000 },
  { scheme: 'pkcs1', hash: 'SHA-224', runs: 1000 },
  { scheme: 'pss', hash: 'SHA-1', runs: 1000 },
  { scheme: 'pss', hash: 'SHA-224', runs: 1000 },
];

const HASH_LENGTH: Record<RsaHashName, number> = {
  'SHA-1': 20,
  'SHA-224': 28,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
};

describe('crypto-core <-> node:crypto', () => {
  for (const { scheme, hash, runs } of ALGORITHMS) {
    it(`${scheme} ${hash}: ${runs} cases, both directions`, () => {
      const nodeHash = hash.replace('-', '').toLowerCase();
      const hLen = HASH_LENGTH[hash];
      fc.assert(
        fc.property(
          KEY_CHOICE,
          fc.uint8Array({ maxLength: 300 }),
          fc.nat(),
          fc.boolean(),
          (keyIndex, message, saltSeed, useDigest) => {
            const keys = KEYS[keyIndex]!;
            const emLen = Math.ceil((keys.ours.n.toString(2).length - 1) / 8);
            // PSS: a salt length that fits the key, from 0 up to emLen - hLen - 2 (default hLen is common).
            const maxSalt = emLen - hLen - 2;
            const saltLength = saltSeed % 3 === 0 ? Math.min(hLen, maxSalt) : saltSeed % (maxSalt + 1);
            const input = useDigest
              ? { digest: new Uint8Array(createHash(nodeHash).update(message).digest()) }
              : { message };
            const nodeOptions =
              scheme === 'pss'
                ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }
                : { padding: constants.RSA_PKCS1_PADDING };
            const params = { scheme, hash, saltLength };

            // crypto-core signs, node:crypto verifies.
            const ours = rsaSign(keys.ours, params, input);
            expect(
              nodeVerify(nodeHash, message, { key: keys.nodePublic, ...nodeOptions }, ours),
              keys.label,
            ).toBe(true);
            // node:crypto signs, crypto-core verifies.
            const theirs = new Uint8Array(nodeSign(nodeHash, message, { key: keys.node, ...nodeOptions }));
            expect(rsaVerify(keys.ours, params, input, theirs), keys.label).toBe(true);
            if (scheme === 'pkcs1') {
              expect(ours).toEqual(theirs); // deterministic: byte-identical
            } else {
              expect(rsaVerify(keys.ours, { ...params, saltLength: 'auto' }, input, theirs)).toBe(true);
            }
            // And a flipped bit is rejected by both.
            const tampered = ours.slice();
            tampered[saltSeed % tampered.length]! ^= 1 << (saltSeed % 8);
            expect(rsaVerify(keys.ours, params, input, tampered)).toBe(false);
            expect(nodeVerify(nodeHash, message, { key: keys.nodePublic, ...nodeOptions }, tampered)).toBe(
              false,
            );
          },
        ),
        { numRuns: runs },
      );
    });
  }
});
