// NIST ACVP RSA samples: SigGen signatures verified (and their encodings reproduced), SigVer pass/fail as listed.
import { describe, expect, it } from 'vitest';
import { bitLength } from '../src/encoding.js';
import { getHash } from '../src/hash.js';
import { emsaPkcs1v15Encode, emsaPssEncode, mgf1, rsaVerify } from '../src/rsa.js';
import { i2osp, modPow } from '../src/rsa-math.js';
import { hashName, hex, hexToBigInt, toHex } from './rsa-helpers.js';
import { loadVector } from './vectors.js';

interface AcvpFile {
  testGroups: {
    tgId: number;
    sigType: 'pkcs1v1.5' | 'pss';
    modulo: number;
    hashAlg: string;
    saltLen: number;
    n: string;
    e: string;
    tests: {
      tcId: number;
      message: string;
      signature: string;
      salt?: string;
      testPassed?: boolean;
      reason?: string;
    }[];
  }[];
}

describe('ACVP RSA SigGen (FIPS 186-4) sample', () => {
  it('verifies every signature and reproduces every encoded message', () => {
    const vectors = loadVector<AcvpFile>('kat/acvp_rsa_fips186-4_siggen_sample_pkcs1v15_pss.json');
    let verified = 0;
    for (const group of vectors.testGroups) {
      const key = { kty: 'RSA' as const, n: hexToBigInt(group.n), e: hexToBigInt(group.e) };
      const hash = hashName(group.hashAlg);
      const modBits = bitLength(key.n);
      expect(modBits).toBe(group.modulo);
      for (const test of group.tests) {
        const label = `tgId ${group.tgId} tcId ${test.tcId}`;
        const message = hex(test.message);
        const signature = hex(test.signature);
        const mHash = getHash(hash).digest(message);
        const m = modPow(hexToBigInt(test.signature), key.e, key.n);
        if (group.sigType === 'pkcs1v1.5') {
          expect(rsaVerify(key, { scheme: 'pkcs1', hash }, { message }, signature), label).toBe(true);
          expect(toHex(i2osp(m, modBits / 8)), label).toBe(
            toHex(emsaPkcs1v15Encode(mHash, hash, modBits / 8)),
          );
        } else {
          const params = { scheme: 'pss' as const, hash, saltLength: group.saltLen };
          expect(rsaVerify(key, params, { message }, signature), label).toBe(true);
          expect(rsaVerify(key, { ...params, saltLength: 'auto' }, { digest: mHash }, signature), label).toBe(
            true,
          );
          // Re-encode: EM = s^e mod n, unmask DB to recover the salt, then EMSA-PSS-ENCODE with it must give EM.
          const emBits = modBits - 1;
          const emLen = Math.ceil(emBits / 8);
          const em = i2osp(m, emLen);
          const hLen = mHash.length;
          const dbLen = emLen - hLen - 1;
          const mask = mgf1(em.subarray(dbLen, dbLen + hLen), dbLen, hash);
          const salt = em
            .subarray(dbLen - group.saltLen, dbLen)
            .map((byte, i) => byte ^ mask[dbLen - group.saltLen + i]!);
          expect(salt.length).toBe(group.saltLen);
          if (test.salt !== undefined) expect(toHex(salt).toUpperCase(), label).toBe(test.salt.toUpperCase());
          expect(toHex(emsaPssEncode(mHash, emBits, salt, hash)), label).toBe(toHex(em));
        }
        verified++;
      }
    }
    expect(verified).toBe(36);
    console.log(
      `acvp_rsa_fips186-4_siggen_sample_pkcs1v15_pss.json: ${verified} signatures verified and re-encoded`,
    );
  });
});

describe('ACVP RSA SigVer (FIPS 186-5) sample', () => {
  it('matches testPassed for every case', () => {
    const vectors = loadVector<AcvpFile>('kat/acvp_rsa_fips186-5_sigver_sample_pkcs1v15.json');
    let passed = 0;
    let failed = 0;
    for (const group of vectors.testGroups) {
      expect(group.sigType).toBe('pkcs1v1.5');
      const key = { kty: 'RSA' as const, n: hexToBigInt(group.n), e: hexToBigInt(group.e) };
      const hash = hashName(group.hashAlg);
      for (const test of group.tests) {
        const accepted = rsaVerify(
          key,
          {
            scheme: 'pkcs1',
            hash,
          },
          { message: hex(test.message) },
          hex(test.signature),
        );
        expect(accepted, `tgId ${group.tgId} tcId ${test.tcId} (${test.reason})`).toBe(test.testPassed);
        if (accepted) passed++;
        else failed++;
      }
    }
    expect(passed + failed).toBe(108);
    console.log(
      `acvp_rsa_fips186-5_sigver_sample_pkcs1v15.json: ${passed} passed, ${failed} failed, as listed`,
    );
  });
});
