// RFC 6979 App. A.2.5-A.2.7 (P-256/384/521, SHA-1..SHA-512) and noble-curves' secp256k1 RFC 6979 vectors.
import { describe, expect, it } from 'vitest';
import {
  decodeEcPoint,
  EC_CURVE_PARAMS,
  ecdsaSign,
  ecdsaVerify,
  ecPublicKeyFromPrivate,
} from '../src/ecdsa.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '../src/encoding.js';
import { isCryptoError } from '../src/errors.js';
import type { HashName } from '../src/hash.js';
import type { EcCurve, EcPrivateKey, EcPublicKey } from '../src/key-types.js';
import { parseEcdsaSignature } from '../src/signature-format.js';
import { loadVector } from './vectors.js';

interface Rfc6979KeyPair {
  readonly curve: string;
  readonly q: string;
  readonly private: string;
  readonly Ux: string;
  readonly Uy: string;
  readonly cases: readonly { hash: HashName; message: string; k: string; r: string; s: string }[];
}

interface NobleVectors {
  readonly valid: readonly { d: string; m: string; signature: string }[];
  readonly invalid: {
    readonly sign: readonly { description: string; d: string; m: string }[];
    readonly verify: readonly { description: string; Q: string; m: string; signature: string }[];
  };
  readonly extraEntropy: readonly {
    d: string;
    m: string;
    signature: string;
    extraEntropy0: string;
    extraEntropy1: string;
    extraEntropyRand: string;
    extraEntropyN: string;
    extraEntropyMax: string;
  }[];
}

const RFC_CURVES: Readonly<Record<string, EcCurve>> = {
  'NIST P-256': 'P-256',
  'NIST P-384': 'P-384',
  'NIST P-521': 'P-521',
};

// RFC 6979 prints integers in upper-case hex without leading zeros; pad to the field size.
function fieldHex(hex: string, curve: EcCurve): Uint8Array {
  return hexToBytes(hex.padStart(2 * EC_CURVE_PARAMS[curve].fieldBytes, '0'));
}

describe('RFC 6979 App. A.2 (P-256, P-384, P-521)', () => {
  const pairs = loadVector<Rfc6979KeyPair[]>('kat/rfc6979_ecdsa_appendix_a2.json').filter(
    (pair) => pair.curve in RFC_CURVES,
  );

  it('covers A.2.5-A.2.7 with 10 cases each', () => {
    expect(pairs.map((pair) => [RFC_CURVES[pair.curve], pair.cases.length])).toEqual([
      ['P-256', 10],
      ['P-384', 10],
      ['P-521', 10],
    ]);
  });

  for (const pair of pairs) {
    const curve = RFC_CURVES[pair.curve]!;
    const point = concatBytes(Uint8Array.of(4), fieldHex(pair.Ux, curve), fieldHex(pair.Uy, curve));
    const key: EcPrivateKey = { kty: 'EC', curve, point, d: fieldHex(pair.private, curve) };

    it(`${curve}: the public key is d·G and q is the order`, () => {
      expect(ecPublicKeyFromPrivate(curve, key.d).point).toEqual(point);
      expect(BigInt(`0x${pair.q}`)).toBe(EC_CURVE_PARAMS[curve].n);
    });

    for (const vector of pair.cases) {
      it(`${curve} ${vector.hash} "${vector.message}" reproduces r and s`, () => {
        const message = utf8ToBytes(vector.message);
        const signature = ecdsaSign(key, { hash: vector.hash, format: 'p1363' }, { message });
        expect(bytesToHex(signature)).toBe(
          bytesToHex(concatBytes(fieldHex(vector.r, curve), fieldHex(vector.s, curve))),
        );
        expect(ecdsaVerify(key, { hash: vector.hash, format: 'p1363' }, { message }, signature)).toBe(true);
        // With lowS the same nonce gives min(s, n - s); a low-S-only verifier accepts it.
        const { n } = EC_CURVE_PARAMS[curve];
        const s = BigInt(`0x${vector.s}`);
        const low = ecdsaSign(key, { hash: vector.hash, format: 'p1363', lowS: true }, { message });
        expect(parseEcdsaSignature(low, 'p1363', curve).s).toBe(s > n / 2n ? n - s : s);
        expect(ecdsaVerify(key, { hash: vector.hash, format: 'p1363', lowS: true }, { message }, low)).toBe(
          true,
        );
      });
    }
  }
});

describe('secp256k1 RFC 6979 (noble-curves vectors)', () => {
  const vectors = loadVector<NobleVectors>('kat/secp256k1_ecdsa_rfc6979_noble.json');
  const keyOf = (d: string): EcPrivateKey => {
    const scalar = hexToBytes(d);
    return { ...ecPublicKeyFromPrivate('secp256k1', scalar), d: scalar };
  };

  it('reproduces every valid signature (low-S by default) and verifies it', () => {
    let reproduced = 0;
    for (const vector of vectors.valid) {
      const key = keyOf(vector.d);
      const input = { digest: hexToBytes(vector.m) };
      const signature = ecdsaSign(key, { hash: 'SHA-256', format: 'p1363' }, input);
      expect(bytesToHex(signature)).toBe(vector.signature);
      expect(ecdsaVerify(key, { hash: 'SHA-256', format: 'p1363', lowS: true }, input, signature)).toBe(true);
      reproduced++;
    }
    console.log(`secp256k1_ecdsa_rfc6979_noble.json: ${reproduced} valid reproduced`);
    expect(reproduced).toBe(2019);
  });

  it('refuses to sign with an out-of-range private key', () => {
    expect(vectors.invalid.sign.length).toBe(4);
    for (const vector of vectors.invalid.sign) {
      const d = hexToBytes(vector.d);
      const key: EcPrivateKey = { kty: 'EC', curve: 'secp256k1', point: new Uint8Array(65), d };
      expect(
        () => ecdsaSign(key, { hash: 'SHA-256' }, { digest: hexToBytes(vector.m) }),
        vector.description,
      ).toThrow(RangeError);
      expect(() => ecPublicKeyFromPrivate('secp256k1', d)).toThrow(RangeError);
    }
  });

  it('rejects every invalid verify case (bad point, r or s out of range, high S under lowS)', () => {
    let badPoint = 0;
    let rejected = 0;
    for (const vector of vectors.invalid.verify) {
      let key: EcPublicKey;
      try {
        key = { kty: 'EC', curve: 'secp256k1', point: decodeEcPoint('secp256k1', hexToBytes(vector.Q)) };
      } catch (error) {
        expect(isCryptoError(error, 'ERR_INVALID_INPUT'), vector.description).toBe(true);
        badPoint++;
        continue;
      }
      const input = { digest: hexToBytes(vector.m) };
      const signature = hexToBytes(vector.signature);
      expect(ecdsaVerify(key, { hash: 'SHA-256', format: 'p1363', lowS: true }, input, signature)).toBe(
        false,
      );
      rejected++;
    }
    console.log(`secp256k1 invalid.verify: ${badPoint} bad points refused, ${rejected} signatures rejected`);
    expect(badPoint + rejected).toBe(25);
  });

  it('reproduces the hedged (RFC 6979 §3.6 extra entropy) signatures', () => {
    const entropies = {
      extraEntropy0: '00'.repeat(32),
      extraEntropy1: `${'00'.repeat(31)}01`,
      extraEntropyRand: '6e723d3fd94ed5d2b6bdd4f123364b0f3ca52af829988a63f8afe91d29db1c33',
      extraEntropyN: 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141',
      extraEntropyMax: 'ff'.repeat(32),
    } as const;
    for (const vector of vectors.extraEntropy) {
      const key = keyOf(vector.d);
      const input = { digest: hexToBytes(vector.m) };
      expect(bytesToHex(ecdsaSign(key, { hash: 'SHA-256', format: 'p1363' }, input))).toBe(vector.signature);
      for (const [field, entropy] of Object.entries(entropies)) {
        const hedged = hexToBytes(entropy);
        const signature = ecdsaSign(key, { hash: 'SHA-256', format: 'p1363', hedged }, input);
        expect(bytesToHex(signature), field).toBe(vector[field as keyof typeof entropies]);
      }
    }
  });
});
