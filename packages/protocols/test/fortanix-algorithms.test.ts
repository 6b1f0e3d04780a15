// Fortanix DSM's algorithm table both ways: hash_alg × mode × deterministic_signature × key type to crypto-core
// params and back, the key type table both ways, labels, and round-trip properties over both sides.
import { EC_CURVES } from '@sigil/crypto-core/key-types';
import { DEFAULT_ECDSA_NONCE, type SignatureParams } from '@sigil/crypto-core/sign';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FORTANIX_CURVES,
  FORTANIX_ELLIPTIC_CURVES,
  FORTANIX_HASH_ALGORITHMS,
  FORTANIX_HASHES,
  type FortanixKeyFamily,
  type FortanixKeyType,
  type FortanixOperation,
  type FortanixSignatureMode,
  fortanixAlgorithmLabel,
  fortanixHash,
  fortanixHashAlgorithm,
  fortanixKeyFamily,
  fortanixKeyTypeOf,
  fortanixSignatureFields,
  fortanixSignatureParams,
} from '../src/fortanix/index.js';
import { anyParams, fortanixSupportedParams, fortanixVerifyParams } from './support/params-arbitraries.js';

const SUPPORTED_HASHES: [string, string][] = [
  ['SHA1', 'SHA-1'],
  ['SHA224', 'SHA-224'],
  ['SHA256', 'SHA-256'],
  ['SHA384', 'SHA-384'],
  ['SHA512', 'SHA-512'],
  ['SHA3_256', 'SHA3-256'],
  ['SHA3_384', 'SHA3-384'],
  ['SHA3_512', 'SHA3-512'],
];
const UNSUPPORTED_HASHES = FORTANIX_HASH_ALGORITHMS.filter(
  (name) => !SUPPORTED_HASHES.some(([supported]) => supported === name),
);
const RSA: FortanixKeyType = { objType: 'RSA' };
const P256: FortanixKeyType = { objType: 'EC', ellipticCurve: 'NistP256' };
const ED25519: FortanixKeyType = { objType: 'EC', ellipticCurve: 'Ed25519' };
const pss = (hash: string) => ({ PSS: { mgf: { mgf1: { hash } } } }) as FortanixSignatureMode;
const refused = (code: string) => expect.objectContaining({ name: 'ProtocolError', code, status: 400 });

describe('Fortanix hash_alg table', () => {
  it.each(SUPPORTED_HASHES)('maps %s to %s and back', (name, hash) => {
    expect(fortanixHash(name)).toBe(hash);
    expect(fortanixHashAlgorithm(hash as never)).toBe(name);
  });

  it('covers every documented name: mapped or refused', () => {
    expect(Object.keys(FORTANIX_HASHES).sort()).toEqual(SUPPORTED_HASHES.map(([name]) => name).sort());
    expect(UNSUPPORTED_HASHES).toEqual([
      'BLAKE2B256',
      'BLAKE2B384',
      'BLAKE2B512',
      'BLAKE2S256',
      'RIPEMD160',
      'SSL3',
      'STREEBOG256',
      'STREEBOG512',
      'SHA3_224',
    ]);
  });

  it.each([...UNSUPPORTED_HASHES, 'SHA-256', 'sha256', undefined])(
    'refuses %s with ERR_FORTANIX_ALGORITHM',
    (name) => {
      expect(() => fortanixHash(name)).toThrow(refused('ERR_FORTANIX_ALGORITHM'));
    },
  );

  it('names no hash_alg for MD5', () => {
    expect(() => fortanixHashAlgorithm('MD5')).toThrow(refused('ERR_FORTANIX_ALGORITHM'));
  });
});

describe('Fortanix decoder: key type × hash_alg × mode × deterministic_signature', () => {
  it('signs RSA with PKCS#1 v1.5 by default and when asked, PSS with the MGF1 hash and a hash-long salt', () => {
    expect(fortanixSignatureParams(RSA, 'SHA256')).toEqual({ scheme: 'rsa-pkcs1', hash: 'SHA-256' });
    expect(fortanixSignatureParams(RSA, 'SHA384', { PKCS1_V15: {} }, true)).toEqual({
      scheme: 'rsa-pkcs1',
      hash: 'SHA-384',
    });
    expect(fortanixSignatureParams(RSA, 'SHA512', pss('SHA256'))).toEqual({
      scheme: 'rsa-pss',
      hash: 'SHA-512',
      mgfHash: 'SHA-256',
      saltLength: 64,
    });
  });

  it('verifies PSS with any salt length, as DSM does, and everything else as it signs', () => {
    expect(fortanixSignatureParams(RSA, 'SHA512', pss('SHA256'), undefined, 'verify')).toEqual({
      scheme: 'rsa-pss',
      hash: 'SHA-512',
      mgfHash: 'SHA-256',
      saltLength: 'auto',
    });
    expect(fortanixSignatureParams(RSA, 'SHA256', undefined, undefined, 'verify')).toEqual(
      fortanixSignatureParams(RSA, 'SHA256'),
    );
    expect(fortanixSignatureParams(P256, 'SHA384', undefined, undefined, 'verify')).toEqual(
      fortanixSignatureParams(P256, 'SHA384'),
    );
  });

  it.each(Object.entries(FORTANIX_CURVES))('maps elliptic_curve %s (%s)', (name, curve) => {
    const keyType = { objType: 'EC', ellipticCurve: name } as const;
    expect(fortanixSignatureParams(keyType, 'SHA256')).toEqual(
      curve === 'Ed25519'
        ? { scheme: 'ed25519' }
        : { scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: 'hedged' },
    );
  });

  it('signs ECDSA with an RFC 6979 nonce only when deterministic_signature is true', () => {
    expect(fortanixSignatureParams(P256, 'SHA384', undefined, true)).toEqual({
      scheme: 'ecdsa',
      hash: 'SHA-384',
      format: 'der',
      nonce: 'rfc6979',
    });
    for (const deterministic of [false, null, undefined]) {
      expect(fortanixSignatureParams(P256, 'SHA384', undefined, deterministic)).toMatchObject({
        nonce: 'hedged',
      });
    }
    expect(fortanixSignatureParams(ED25519, 'SHA512', undefined, true)).toEqual({ scheme: 'ed25519' });
  });

  it('refuses a mode on an EC key, unknown curves and key types, a bad MGF1 hash, and deterministic PSS', () => {
    expect(() => fortanixSignatureParams(P256, 'SHA256', { PKCS1_V15: {} })).toThrow(
      refused('ERR_FORTANIX_MODE'),
    );
    expect(() => fortanixSignatureParams(ED25519, 'SHA256', pss('SHA256'))).toThrow(
      refused('ERR_FORTANIX_MODE'),
    );
    expect(() => fortanixSignatureParams({ objType: 'EC', ellipticCurve: 'NistP192' }, 'SHA256')).toThrow(
      refused('ERR_FORTANIX_ALGORITHM'),
    );
    expect(() => fortanixSignatureParams({ objType: 'AES' } as never, 'SHA256')).toThrow(
      refused('ERR_FORTANIX_ALGORITHM'),
    );
    expect(() => fortanixSignatureParams(RSA, 'SHA256', pss('RIPEMD160'))).toThrow(
      refused('ERR_FORTANIX_ALGORITHM'),
    );
    expect(() => fortanixSignatureParams(RSA, 'SHA256', { OAEP: {} } as never)).toThrow(
      refused('ERR_FORTANIX_MODE'),
    );
    expect(() => fortanixSignatureParams(RSA, 'SHA256', pss('SHA256'), true)).toThrow(
      refused('ERR_FORTANIX_MODE'),
    );
  });

  it('refuses SHA-3 on an RSA key by name (crypto-core signs RSA with SHA-1 and SHA-2), as a typed 400', () => {
    for (const hashAlg of ['SHA3_256', 'SHA3_384', 'SHA3_512']) {
      expect(() => fortanixSignatureParams(RSA, hashAlg)).toThrow(refused('ERR_FORTANIX_ALGORITHM'));
      expect(() => fortanixSignatureParams(RSA, 'SHA256', pss(hashAlg))).toThrow(
        refused('ERR_FORTANIX_ALGORITHM'),
      );
    }
    expect(fortanixSignatureParams(P256, 'SHA3_256')).toMatchObject({ hash: 'SHA3-256' });
  });
});

describe('Fortanix encoder: params to hash_alg, mode, deterministic_signature', () => {
  it('writes each supported scheme', () => {
    expect(fortanixSignatureFields({ scheme: 'rsa-pkcs1', hash: 'SHA-256' })).toEqual({
      hash_alg: 'SHA256',
      mode: { PKCS1_V15: {} },
    });
    expect(fortanixSignatureFields({ scheme: 'rsa-pss', hash: 'SHA-384', saltLength: 48 })).toEqual({
      hash_alg: 'SHA384',
      mode: pss('SHA384'),
    });
    expect(
      fortanixSignatureFields({ scheme: 'rsa-pss', hash: 'SHA-384', mgfHash: 'SHA-1', saltLength: 48 }),
    ).toEqual({
      hash_alg: 'SHA384',
      mode: pss('SHA1'),
    });
    expect(
      fortanixSignatureFields({ scheme: 'ecdsa', hash: 'SHA3-512', format: 'der', nonce: 'hedged' }),
    ).toEqual({
      hash_alg: 'SHA3_512',
    });
    expect(
      fortanixSignatureFields({ scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: 'rfc6979' }),
    ).toEqual({
      hash_alg: 'SHA256',
      deterministic_signature: true,
    });
    expect(fortanixSignatureFields({ scheme: 'ed25519' })).toEqual({ hash_alg: 'SHA512' });
  });

  it.each<[string, SignatureParams]>([
    ['HMAC', { scheme: 'hmac', hash: 'SHA-256' }],
    ['PSS with a salt shorter than the hash', { scheme: 'rsa-pss', hash: 'SHA-256', saltLength: 20 }],
    ['ECDSA in P1363', { scheme: 'ecdsa', hash: 'SHA-256', format: 'p1363', nonce: 'hedged' }],
    ['ECDSA with MD5', { scheme: 'ecdsa', hash: 'MD5', format: 'der', nonce: 'hedged' }],
  ])('refuses %s with ERR_FORTANIX_ALGORITHM, in the encoder both ways and the label', (_name, params) => {
    expect(() => fortanixSignatureFields(params)).toThrow(refused('ERR_FORTANIX_ALGORITHM'));
    expect(() => fortanixSignatureFields(params, 'verify')).toThrow(refused('ERR_FORTANIX_ALGORITHM'));
    expect(() => fortanixAlgorithmLabel(params)).toThrow(refused('ERR_FORTANIX_ALGORITHM'));
  });

  it("takes PSS with DSM's salt for each operation: as long as the hash to sign, any ('auto') to verify", () => {
    const signing: SignatureParams = { scheme: 'rsa-pss', hash: 'SHA-256', saltLength: 32 };
    const verifying: SignatureParams = { ...signing, saltLength: 'auto' };
    const fields = { hash_alg: 'SHA256', mode: pss('SHA256') };
    expect(fortanixSignatureFields(signing)).toEqual(fields);
    expect(fortanixSignatureFields(verifying, 'verify')).toEqual(fields);
    expect(() => fortanixSignatureFields(verifying)).toThrow(refused('ERR_FORTANIX_ALGORITHM'));
    expect(() => fortanixSignatureFields(signing, 'verify')).toThrow(refused('ERR_FORTANIX_ALGORITHM'));
    expect(fortanixAlgorithmLabel(verifying)).toBe(fortanixAlgorithmLabel(signing));
  });

  it("labels in DSM's words", () => {
    expect(fortanixAlgorithmLabel({ scheme: 'rsa-pkcs1', hash: 'SHA-256' })).toBe('PKCS1_V15/SHA256');
    expect(fortanixAlgorithmLabel({ scheme: 'rsa-pss', hash: 'SHA-256', saltLength: 32 })).toBe(
      'PSS/SHA256/MGF1-SHA256',
    );
    expect(fortanixAlgorithmLabel({ scheme: 'ecdsa', hash: 'SHA-384', format: 'der', nonce: 'hedged' })).toBe(
      'ECDSA/SHA384',
    );
    expect(
      fortanixAlgorithmLabel({ scheme: 'ecdsa', hash: 'SHA-384', format: 'der', nonce: 'rfc6979' }),
    ).toBe('ECDSA/SHA384/deterministic');
    expect(fortanixAlgorithmLabel({ scheme: 'ed25519' })).toBe('Ed25519');
  });
});

describe('Fortanix key type table', () => {
  const FAMILIES: FortanixKeyFamily[] = [
    { kty: 'RSA' },
    ...EC_CURVES.map((curve): FortanixKeyFamily => ({ kty: 'EC', curve })),
    { kty: 'OKP', curve: 'Ed25519' },
  ];

  it('reads a crypto-core key back into DSM terms', () => {
    expect(fortanixKeyTypeOf({ kty: 'RSA', n: 35n, e: 3n })).toEqual({ objType: 'RSA' });
    expect(fortanixKeyTypeOf({ kty: 'EC', curve: 'secp256k1', point: new Uint8Array(65) })).toEqual({
      objType: 'EC',
      ellipticCurve: 'SecP256K1',
    });
    expect(fortanixKeyTypeOf({ kty: 'OKP', curve: 'Ed25519', publicKey: new Uint8Array(32) })).toEqual({
      objType: 'EC',
      ellipticCurve: 'Ed25519',
    });
    expect(() => fortanixKeyTypeOf({ kty: 'oct' } as never)).toThrow(refused('ERR_FORTANIX_ALGORITHM'));
  });

  it.each(FAMILIES)('round-trips key family %o both ways', (family) => {
    const keyType = fortanixKeyTypeOf(family);
    expect(fortanixKeyFamily(keyType)).toEqual(family);
    expect(fortanixKeyTypeOf(fortanixKeyFamily(keyType))).toEqual(keyType);
  });

  it('maps every DSM key type it accepts back to itself, and refuses the rest', () => {
    const keyTypes: FortanixKeyType[] = [
      { objType: 'RSA' },
      ...FORTANIX_ELLIPTIC_CURVES.map((ellipticCurve): FortanixKeyType => ({ objType: 'EC', ellipticCurve })),
      { objType: 'AES' } as never,
    ];
    let accepted = 0;
    for (const keyType of keyTypes) {
      let family: FortanixKeyFamily;
      try {
        family = fortanixKeyFamily(keyType);
      } catch (error) {
        expect(error).toMatchObject({ code: 'ERR_FORTANIX_ALGORITHM' });
        continue;
      }
      accepted += 1;
      expect(fortanixKeyTypeOf(family)).toEqual(keyType);
    }
    expect(accepted).toBe(FAMILIES.length);
  });
});

// A key type that fits params, on any curve the table holds.
const keyTypeFor = (params: SignatureParams): fc.Arbitrary<FortanixKeyType> =>
  params.scheme === 'ecdsa'
    ? fc.constantFrom('NistP256', 'NistP384', 'NistP521', 'SecP256K1').map((ellipticCurve) => ({
        objType: 'EC' as const,
        ellipticCurve,
      }))
    : fc.constant(params.scheme === 'ed25519' ? ED25519 : RSA);

// The decoder's answer for the encoder's fields: the table read forwards after it was read backwards. A verify
// request carries no deterministic_signature.
function decodeFields(
  params: SignatureParams,
  keyType: FortanixKeyType,
  operation: FortanixOperation = 'sign',
): SignatureParams {
  const fields = fortanixSignatureFields(params, operation);
  const deterministic = operation === 'sign' ? fields.deterministic_signature : undefined;
  return fortanixSignatureParams(keyType, fields.hash_alg, fields.mode, deterministic, operation);
}

describe('Fortanix round trips: params -> request -> params', () => {
  it('decode(encode(p)) is p for every params value DSM supports, on every key type that fits', () => {
    fc.assert(
      fc.property(
        fortanixSupportedParams.chain((params) => keyTypeFor(params).map((keyType) => ({ params, keyType }))),
        ({ params, keyType }) => {
          expect(decodeFields(params, keyType)).toEqual(params);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decode(encode(p)) is p for every params value a verify request expresses (PSS salt auto), ECDSA hedged', () => {
    fc.assert(
      fc.property(
        fortanixVerifyParams.chain((params) => keyTypeFor(params).map((keyType) => ({ params, keyType }))),
        ({ params, keyType }) => {
          expect(decodeFields(params, keyType, 'verify')).toEqual(
            params.scheme === 'ecdsa' ? { ...params, nonce: DEFAULT_ECDSA_NONCE } : params,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every params value either round-trips (PSS naming its MGF1 hash) or is refused with ERR_FORTANIX_ALGORITHM', () => {
    fc.assert(
      fc.property(
        anyParams.chain((params) => keyTypeFor(params).map((keyType) => ({ params, keyType }))),
        ({ params, keyType }) => {
          let decoded: SignatureParams;
          try {
            decoded = decodeFields(params, keyType);
          } catch (error) {
            expect(error).toMatchObject({ code: 'ERR_FORTANIX_ALGORITHM' });
            return;
          }
          expect(decoded).toEqual(
            params.scheme === 'rsa-pss' ? { ...params, mgfHash: params.mgfHash ?? params.hash } : params,
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('gives every supported params value its own label', () => {
    const seen = new Map<string, string>();
    for (const params of fc.sample(fortanixSupportedParams, 2000)) {
      const label = fortanixAlgorithmLabel(params);
      const key = JSON.stringify(params);
      expect(seen.get(label) ?? key).toBe(key);
      seen.set(label, key);
    }
  });
});

describe('Fortanix round trips: request -> params -> request', () => {
  const modes: (FortanixSignatureMode | undefined)[] = [
    undefined,
    { PKCS1_V15: {} },
    ...FORTANIX_HASH_ALGORITHMS.map((hash) => pss(hash)),
  ];
  const keyTypes: FortanixKeyType[] = [
    RSA,
    ...FORTANIX_ELLIPTIC_CURVES.map((ellipticCurve): FortanixKeyType => ({ objType: 'EC', ellipticCurve })),
  ];

  it.each<[FortanixOperation, (boolean | null | undefined)[], number]>([
    // RSA: 5 hashes × (PKCS#1 v1.5 by 2 modes × 4 flags + PSS by 5 MGF1 hashes × 3 flags);
    // ECDSA: 4 curves × 8 hashes × 4 flags; Ed25519: 17 hash_alg × 4 flags.
    ['sign', [undefined, null, false, true], 5 * (2 * 4 + 5 * 3) + 4 * 8 * 4 + 17 * 4],
    // A verify request has no deterministic_signature: RSA 5 × (2 + 5), ECDSA 4 × 8, Ed25519 17.
    ['verify', [undefined], 5 * (2 + 5) + 4 * 8 + 17],
  ])(
    're-encodes every %s combination the decoder accepts into an equivalent request',
    (operation, flags, count) => {
      let accepted = 0;
      for (const keyType of keyTypes)
        for (const hashAlg of FORTANIX_HASH_ALGORITHMS)
          for (const mode of modes)
            for (const deterministic of flags) {
              let params: SignatureParams;
              try {
                params = fortanixSignatureParams(keyType, hashAlg, mode, deterministic, operation);
              } catch (error) {
                expect(error).toMatchObject({ name: 'ProtocolError', status: 400 });
                continue;
              }
              accepted += 1;
              const again = fortanixSignatureFields(params, operation);
              // Seed 003 and the OpenAPI: mode is RSA-only, PKCS#1 v1.5 when absent here; deterministic_signature
              // defaults to false and means nothing to PKCS#1 v1.5 (deterministic anyway) or Ed25519 (likewise);
              // Ed25519 does not use hash_alg.
              if (params.scheme === 'ed25519') {
                expect(again).toEqual({ hash_alg: 'SHA512' });
              } else if (keyType.objType === 'RSA') {
                expect(again).toEqual({ hash_alg: hashAlg, mode: mode ?? { PKCS1_V15: {} } });
              } else {
                expect(again).toEqual({
                  hash_alg: hashAlg,
                  ...(deterministic === true ? { deterministic_signature: true } : {}),
                });
              }
            }
      expect(accepted).toBe(count);
    },
  );
});
