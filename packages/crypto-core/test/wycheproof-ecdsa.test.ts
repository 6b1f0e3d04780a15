// Wycheproof ECDSA verification: DER (EcdsaVerify), P1363 (EcdsaP1363Verify) and low-S (EcdsaBitcoinVerify) files.
import { describe, expect, it } from 'vitest';
import { ecdsaVerify, validateEcPoint } from '../src/ecdsa.js';
import { hexToBytes } from '../src/encoding.js';
import type { HashName } from '../src/hash.js';
import type { EcCurve, EcPublicKey } from '../src/key-types.js';
import { loadVector } from './vectors.js';

interface EcdsaTest {
  readonly tcId: number;
  readonly comment: string;
  readonly msg: string;
  readonly sig: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}

interface EcdsaGroup {
  readonly type: 'EcdsaVerify' | 'EcdsaP1363Verify' | 'EcdsaBitcoinVerify';
  readonly publicKey: { readonly curve: string; readonly uncompressed: string };
  readonly sha: HashName;
  readonly tests: readonly EcdsaTest[];
}

interface EcdsaFile {
  readonly numberOfTests: number;
  readonly testGroups: readonly EcdsaGroup[];
}

const CURVES: Readonly<Record<string, EcCurve>> = {
  secp256r1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp256k1: 'secp256k1',
};

const FILES = [
  'ecdsa_secp256r1_sha256_test.json',
  'ecdsa_secp256r1_sha512_test.json',
  'ecdsa_secp384r1_sha256_test.json',
  'ecdsa_secp384r1_sha384_test.json',
  'ecdsa_secp384r1_sha512_test.json',
  'ecdsa_secp521r1_sha512_test.json',
  'ecdsa_secp256k1_sha256_test.json',
  'ecdsa_secp256k1_sha512_test.json',
  'ecdsa_secp256r1_sha256_p1363_test.json',
  'ecdsa_secp256r1_sha512_p1363_test.json',
  'ecdsa_secp384r1_sha384_p1363_test.json',
  'ecdsa_secp384r1_sha512_p1363_test.json',
  'ecdsa_secp521r1_sha512_p1363_test.json',
  'ecdsa_secp256k1_sha256_p1363_test.json',
  'ecdsa_secp256k1_sha512_p1363_test.json',
  'ecdsa_secp256k1_sha256_bitcoin_test.json',
] as const;

describe('Wycheproof ECDSA', () => {
  it.each(FILES)('%s', (file) => {
    const vectors = loadVector<EcdsaFile>(`wycheproof/${file}`);
    let accepted = 0;
    let rejected = 0;
    const disagreements: string[] = [];
    for (const group of vectors.testGroups) {
      const curve = CURVES[group.publicKey.curve];
      if (curve === undefined) throw new Error(`unexpected curve ${group.publicKey.curve}`);
      const key: EcPublicKey = { kty: 'EC', curve, point: hexToBytes(group.publicKey.uncompressed) };
      validateEcPoint(curve, key.point);
      // The Bitcoin file is the only one where a high-S signature is invalid.
      const lowS = group.type === 'EcdsaBitcoinVerify';
      const format = group.type === 'EcdsaP1363Verify' ? 'p1363' : 'der';
      for (const test of group.tests) {
        const ok = ecdsaVerify(
          key,
          {
            hash: group.sha,
            format,
            lowS,
          },
          { message: hexToBytes(test.msg) },
          hexToBytes(test.sig),
        );
        if (test.result === 'valid' && ok) accepted++;
        else if (test.result === 'invalid' && !ok) rejected++;
        else disagreements.push(`tcId ${test.tcId} (${test.result}, ${test.comment}): got ${ok}`);
      }
    }
    console.log(`${file}: ${accepted} valid accepted, ${rejected} invalid rejected`);
    expect(disagreements).toEqual([]);
    expect(accepted + rejected).toBe(vectors.numberOfTests);
  });
});
