// Ed25519: RFC 8032 §7.1 vectors, strict decoding, and the bad-input matrix (typed errors, never a crash).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ed25519PublicKeyFromSeed, ed25519Sign, ed25519Verify, generateEd25519Key } from '../src/eddsa.js';
import { bytesToHex, hexToBytes } from '../src/encoding.js';
import { isCryptoError } from '../src/errors.js';
import type { OkpPrivateKey, OkpPublicKey } from '../src/key-types.js';

type Any = never;

// RFC 8032 §7.1 TEST 1, TEST 2 and TEST 3.
const RFC8032 = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
] as const;

describe('Ed25519 RFC 8032 §7.1', () => {
  it.each(RFC8032)('TEST with public key $publicKey', (vector) => {
    const publicKey = ed25519PublicKeyFromSeed(hexToBytes(vector.seed));
    expect(bytesToHex(publicKey.publicKey)).toBe(vector.publicKey);
    const key: OkpPrivateKey = { ...publicKey, seed: hexToBytes(vector.seed) };
    const signature = ed25519Sign(key, hexToBytes(vector.message));
    expect(bytesToHex(signature)).toBe(vector.signature);
    expect(ed25519Verify(publicKey, hexToBytes(vector.message), signature)).toBe(true);
  });
});

describe('Ed25519 behaviour', () => {
  const key = generateEd25519Key();
  const publicKey: OkpPublicKey = { kty: 'OKP', curve: 'Ed25519', publicKey: key.publicKey };
  const message = new TextEncoder().encode('crypto-core eddsa');
  const signature = ed25519Sign(key, message);

  it('generates a 32-byte seed whose public key matches', () => {
    expect(key.seed.length).toBe(32);
    expect(ed25519PublicKeyFromSeed(key.seed)).toEqual(publicKey);
    expect(ed25519Sign(key, message)).toEqual(signature); // deterministic
  });

  it('rejects tampering, S >= L and non-canonical encodings (RFC 8032 §5.1.7, zip215 off)', () => {
    expect(ed25519Verify(publicKey, message, signature)).toBe(true);
    const tampered = signature.slice();
    tampered[0]! ^= 1;
    expect(ed25519Verify(publicKey, message, tampered)).toBe(false);
    expect(ed25519Verify(publicKey, new Uint8Array(0), signature)).toBe(false);
    // S + L: the same signature with a non-reduced scalar must fail.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s = BigInt(`0x${bytesToHex(signature.slice(32).reverse())}`);
    const sPlusL = hexToBytes((s + L).toString(16).padStart(64, '0')).reverse();
    const malleable = new Uint8Array([...signature.subarray(0, 32), ...sPlusL]);
    expect(ed25519Verify(publicKey, message, malleable)).toBe(false);
    // A public key with y >= p is non-canonical under RFC 8032 (accepted only by ZIP-215).
    const nonCanonical = hexToBytes(`ed${'ff'.repeat(30)}7f`);
    expect(ed25519Verify({ ...publicKey, publicKey: nonCanonical }, message, signature)).toBe(false);
    expect(ed25519Verify(publicKey, message, signature.subarray(0, 63))).toBe(false);
    expect(ed25519Verify(publicKey, message, new Uint8Array(65))).toBe(false);
  });

  const cases: ReadonlyArray<readonly [string, () => unknown, ErrorConstructor]> = [
    ['sign: key null', () => ed25519Sign(null as Any, message), TypeError],
    ['sign: key not OKP', () => ed25519Sign({ ...key, kty: 'EC' } as Any, message), TypeError],
    ['sign: curve Ed448', () => ed25519Sign({ ...key, curve: 'Ed448' } as Any, message), RangeError],
    ['sign: seed short', () => ed25519Sign({ ...key, seed: key.seed.subarray(1) }, message), RangeError],
    ['sign: seed missing', () => ed25519Sign(publicKey as Any, message), TypeError],
    [
      'sign: public key long',
      () => ed25519Sign({ ...key, publicKey: new Uint8Array(33) }, message),
      RangeError,
    ],
    ['sign: message string', () => ed25519Sign(key, 'hi' as Any), TypeError],
    ['verify: key not object', () => ed25519Verify('key' as Any, message, signature), TypeError],
    [
      'verify: public key short',
      () => ed25519Verify({ ...publicKey, publicKey: new Uint8Array(31) }, message, signature),
      RangeError,
    ],
    ['verify: signature array', () => ed25519Verify(publicKey, message, [...signature] as Any), TypeError],
    ['verify: message missing', () => ed25519Verify(publicKey, undefined as Any, signature), TypeError],
    ['from seed: 31 bytes', () => ed25519PublicKeyFromSeed(new Uint8Array(31)), RangeError],
    ['from seed: not bytes', () => ed25519PublicKeyFromSeed('seed' as Any), TypeError],
  ];
  it.each(cases)('%s', (_name, action, type) => {
    expect(action).toThrow(type);
  });

  it('verify never crashes on arbitrary bytes: false or a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 70 }), (keyBytes, sig) => {
        try {
          expect(typeof ed25519Verify({ ...publicKey, publicKey: keyBytes }, message, sig)).toBe('boolean');
        } catch (error) {
          expect(error instanceof RangeError || isCryptoError(error), String(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
