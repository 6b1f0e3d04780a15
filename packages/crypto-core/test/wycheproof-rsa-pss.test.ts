// Wycheproof RSASSA-PSS verify: every rsa_pss_* file, including mixed MGF1 hashes and the PSS-params key file.
import { describe, expect, it } from 'vitest';
import { rsaVerify } from '../src/rsa.js';
import { hashName, hex, hexToBigInt, logCounts, type VectorCounts } from './rsa-helpers.js';
import { loadVector } from './vectors.js';

interface PssFile {
  testGroups: {
    sha: string;
    mgf: string;
    mgfSha: string;
    sLen: number;
    publicKey: { modulus: string; publicExponent: string };
    tests: { tcId: number; comment: string; flags: string[]; msg: string; sig: string; result: string }[];
  }[];
}

const FILES = [
  'rsa_pss_2048_sha256_mgf1_0_test.json',
  'rsa_pss_2048_sha256_mgf1_32_test.json',
  'rsa_pss_2048_sha384_mgf1_48_test.json',
  'rsa_pss_3072_sha256_mgf1_32_test.json',
  'rsa_pss_4096_sha256_mgf1_32_test.json',
  'rsa_pss_4096_sha384_mgf1_48_test.json',
  'rsa_pss_4096_sha512_mgf1_64_test.json',
  'rsa_pss_misc_test.json',
  // SPKI with id-RSASSA-PSS: here the group's modulus/exponent and sha/mgfSha/sLen are used directly.
  'rsa_pss_2048_sha256_mgf1_32_params_test.json',
];

describe('Wycheproof RSASSA-PSS verify', () => {
  for (const file of FILES) {
    it(file, () => {
      const vectors = loadVector<PssFile>(`wycheproof/${file}`);
      const counts: VectorCounts = { valid: 0, invalid: 0, acceptable: 0 };
      for (const group of vectors.testGroups) {
        expect(group.mgf).toBe('MGF1');
        const key = {
          kty: 'RSA' as const,
          n: hexToBigInt(group.publicKey.modulus),
          e: hexToBigInt(group.publicKey.publicExponent),
        };
        const params = {
          scheme: 'pss' as const,
          hash: hashName(group.sha),
          mgfHash: hashName(group.mgfSha),
          saltLength: group.sLen,
        };
        for (const test of group.tests) {
          const label = `tcId ${test.tcId} (${test.comment}; ${test.flags.join(',')})`;
          const message = hex(test.msg);
          const signature = hex(test.sig);
          const accepted = rsaVerify(key, params, { message }, signature);
          if (test.result === 'valid') {
            expect(accepted, label).toBe(true);
            // The salt length is recovered by 'auto' too.
            expect(rsaVerify(key, { ...params, saltLength: 'auto' }, { message }, signature), label).toBe(
              true,
            );
            counts.valid++;
          } else if (test.result === 'invalid') {
            expect(accepted, label).toBe(false);
            counts.invalid++;
          } else {
            throw new Error(`${file} ${label}: no acceptable PSS vectors were expected`);
          }
        }
      }
      logCounts(file, counts, 'none in this file');
    });
  }
});
