// Wycheproof RSASSA-PKCS1-v1_5: every verify vector, and every sig_gen signature reproduced byte for byte.
import { describe, expect, it } from 'vitest';
import { rsaPrivateKeyFromComponents, rsaSign, rsaVerify } from '../src/rsa.js';
import { hashName, hex, hexToBigInt, logCounts, toHex, type VectorCounts } from './rsa-helpers.js';
import { loadVector } from './vectors.js';

interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface VerifyFile {
  testGroups: {
    sha: string;
    publicKey: { modulus: string; publicExponent: string };
    tests: WycheproofTest[];
  }[];
}
interface SigGenFile {
  testGroups: {
    sha: string;
    privateKey: { modulus: string; publicExponent: string; privateExponent: string };
    privateKeyJwk?: { p: string; q: string };
    tests: WycheproofTest[];
  }[];
}

const VERIFY_FILES = ['2048', '3072', '4096'].flatMap((bits) =>
  ['sha256', 'sha384', 'sha512'].map((hash) => `rsa_signature_${bits}_${hash}_test.json`),
);
const SIG_GEN_FILES = [
  'rsa_pkcs1_2048_sig_gen_test.json',
  'rsa_pkcs1_3072_sig_gen_test.json',
  'rsa_pkcs1_4096_sig_gen_test.json',
];
const ACCEPTABLE_SIG_GEN_FLAGS = new Set(['WeakHash', 'SmallPublicKey', 'SmallModulus']);

describe('Wycheproof RSASSA-PKCS1-v1_5 verify', () => {
  for (const file of VERIFY_FILES) {
    it(file, () => {
      const vectors = loadVector<VerifyFile>(`wycheproof/${file}`);
      const counts: VectorCounts = { valid: 0, invalid: 0, acceptable: 0 };
      for (const group of vectors.testGroups) {
        const key = {
          kty: 'RSA' as const,
          n: hexToBigInt(group.publicKey.modulus),
          e: hexToBigInt(group.publicKey.publicExponent),
        };
        const params = { scheme: 'pkcs1' as const, hash: hashName(group.sha) };
        for (const test of group.tests) {
          const accepted = rsaVerify(key, params, { message: hex(test.msg) }, hex(test.sig));
          const label = `tcId ${test.tcId} (${test.comment}; ${test.flags.join(',')})`;
          if (test.result === 'valid') {
            expect(accepted, label).toBe(true);
            counts.valid++;
          } else if (test.result === 'invalid') {
            expect(accepted, label).toBe(false);
            counts.invalid++;
          } else {
            // Policy: strict. The only acceptable case here is a DigestInfo without the NULL parameter.
            expect(test.flags, label).toEqual(['MissingNull']);
            expect(accepted, label).toBe(false);
            counts.acceptable++;
          }
        }
      }
      expect(counts.valid + counts.invalid + counts.acceptable).toBe(
        vectors.testGroups.reduce((sum, group) => sum + group.tests.length, 0),
      );
      logCounts(file, counts, 'MissingNull rejected: strict');
    });
  }
});

describe('Wycheproof RSASSA-PKCS1-v1_5 sig_gen', () => {
  for (const file of SIG_GEN_FILES) {
    it(file, () => {
      const vectors = loadVector<SigGenFile>(`wycheproof/${file}`);
      const counts: VectorCounts = { valid: 0, invalid: 0, acceptable: 0 };
      for (const group of vectors.testGroups) {
        const { modulus, publicExponent, privateExponent } = group.privateKey;
        // The file gives only n, e, d: p and q are recovered (SP 800-56B rev. 2 appendix C.2).
        const key = rsaPrivateKeyFromComponents({
          n: hexToBigInt(modulus),
          e: hexToBigInt(publicExponent),
          d: hexToBigInt(privateExponent),
        });
        if (group.privateKeyJwk) {
          const expected = [group.privateKeyJwk.p, group.privateKeyJwk.q]
            .map((value) => hexToBigInt(Buffer.from(value, 'base64url').toString('hex')))
            .sort((a, b) => (a > b ? -1 : 1));
          expect([key.p, key.q]).toEqual(expected);
        }
        const params = { scheme: 'pkcs1' as const, hash: hashName(group.sha) };
        for (const test of group.tests) {
          const label = `tcId ${test.tcId} (${test.flags.join(',')})`;
          const message = hex(test.msg);
          if (test.result === 'invalid') {
            expect(() => rsaSign(key, params, { message }), label).toThrow();
            counts.invalid++;
            continue;
          }
          // Policy for acceptable (SHA-1, e = 3): supported legacy inputs, so reproduced exactly like valid ones.
          expect(toHex(rsaSign(key, params, { message })), label).toBe(test.sig);
          expect(rsaVerify(key, params, { message }, hex(test.sig)), label).toBe(true);
          if (test.result === 'valid') {
            counts.valid++;
          } else {
            expect(
              test.flags.every((flag) => ACCEPTABLE_SIG_GEN_FLAGS.has(flag)),
              label,
            ).toBe(true);
            counts.acceptable++;
          }
        }
      }
      logCounts(file, counts, 'WeakHash/SmallPublicKey reproduced byte for byte');
    });
  }
});
