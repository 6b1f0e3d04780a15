import { describe, expect, it } from 'vitest';
import {
  SIGNPATH_ECDSA_SIGNATURE_FORMATS,
  SIGNPATH_HASH_NAMES,
  SIGNPATH_HASH_OIDS,
  SIGNPATH_PADDING_MODES,
  signPathHashByOid,
  signPathHashSigningParams,
  signPathPayloadParams,
} from '../src/signpath/index.js';

// Seed README: the OIDs seed 001 cuts off.
const DOCUMENTED_OIDS: [string, string, number][] = [
  ['1.2.840.113549.2.5', 'MD5', 16],
  ['1.3.14.3.2.26', 'SHA-1', 20],
  ['2.16.840.1.101.3.4.2.1', 'SHA-256', 32],
  ['2.16.840.1.101.3.4.2.2', 'SHA-384', 48],
  ['2.16.840.1.101.3.4.2.3', 'SHA-512', 64],
];

describe('SignPath payload.json algorithm table', () => {
  it.each(DOCUMENTED_OIDS)('maps RsaHashAlgorithm %s to %s', (oid, hash, digestLength) => {
    expect(signPathHashByOid(oid)).toBe(hash);
    if (hash === 'MD5') {
      // Listed by SignPath, but crypto-core does not sign RSA with MD5: a typed 400, never a crash.
      for (const signatureAlgorithm of ['RsaPkcs1', 'RsaPss'] as const) {
        expect(() =>
          signPathPayloadParams({ signatureAlgorithm, rsaHashAlgorithm: oid }, digestLength),
        ).toThrow(expect.objectContaining({ code: 'ERR_SIGNPATH_ALGORITHM', status: 400 }));
      }
      return;
    }
    expect(
      signPathPayloadParams({ signatureAlgorithm: 'RsaPkcs1', rsaHashAlgorithm: oid }, digestLength),
    ).toEqual({
      scheme: 'pkcs1',
      hash,
    });
    expect(
      signPathPayloadParams({ signatureAlgorithm: 'RsaPss', rsaHashAlgorithm: oid }, digestLength),
    ).toEqual({
      scheme: 'pss',
      hash,
    });
  });

  it('covers exactly the documented OIDs', () => {
    expect(Object.keys(SIGNPATH_HASH_OIDS).sort()).toEqual(DOCUMENTED_OIDS.map(([oid]) => oid).sort());
  });

  it('maps Ecdsa with each format, Ieee by default, the hash from the digest length', () => {
    expect(signPathPayloadParams({ signatureAlgorithm: 'Ecdsa' }, 32)).toEqual({
      scheme: 'ecdsa',
      hash: 'SHA-256',
      format: 'p1363',
    });
    expect(signPathPayloadParams({ signatureAlgorithm: 'Ecdsa', ecdsaSignatureFormat: 'Ieee' }, 48)).toEqual({
      scheme: 'ecdsa',
      hash: 'SHA-384',
      format: 'p1363',
    });
    expect(signPathPayloadParams({ signatureAlgorithm: 'Ecdsa', ecdsaSignatureFormat: 'Asn1' }, 64)).toEqual({
      scheme: 'ecdsa',
      hash: 'SHA-512',
      format: 'der',
    });
    expect(SIGNPATH_ECDSA_SIGNATURE_FORMATS).toEqual(['Ieee', 'Asn1']);
  });

  it.each([
    ['an unknown SignatureAlgorithm', { signatureAlgorithm: 'Dsa' }, 32, 'ERR_SIGNPATH_ALGORITHM'],
    [
      'an unknown OID',
      { signatureAlgorithm: 'RsaPkcs1', rsaHashAlgorithm: '2.16.840.1.101.3.4.2.8' },
      32,
      'ERR_SIGNPATH_ALGORITHM',
    ],
    ['RSA without RsaHashAlgorithm', { signatureAlgorithm: 'RsaPss' }, 32, 'ERR_SIGNPATH_ALGORITHM'],
    [
      'an unknown ECDSA format',
      { signatureAlgorithm: 'Ecdsa', ecdsaSignatureFormat: 'Der' },
      32,
      'ERR_SIGNPATH_ALGORITHM',
    ],
    [
      'a digest shorter than the hash',
      { signatureAlgorithm: 'RsaPkcs1', rsaHashAlgorithm: '2.16.840.1.101.3.4.2.1' },
      20,
      'ERR_SIGNPATH_PAYLOAD',
    ],
    ['an ECDSA digest of no known hash', { signatureAlgorithm: 'Ecdsa' }, 33, 'ERR_SIGNPATH_PAYLOAD'],
  ])('rejects %s with a typed error', (_name, payload, digestLength, code) => {
    expect(() => signPathPayloadParams(payload as never, digestLength)).toThrow(
      expect.objectContaining({ code, status: 400 }),
    );
  });
});

describe('SignPath SignHash algorithm table', () => {
  it.each(Object.entries(SIGNPATH_HASH_NAMES))('maps hashAlgorithmName %s to %s', (name, hash) => {
    const digestLength = DOCUMENTED_OIDS.find(([, documented]) => documented === hash)?.[2] ?? 0;
    for (const paddingMode of SIGNPATH_PADDING_MODES) {
      const request = {
        signatureAlgorithm: 'Rsa',
        rsaOptions: { hashAlgorithmName: name, paddingMode },
      } as const;
      if (hash === 'MD5') {
        expect(() => signPathHashSigningParams(request, digestLength)).toThrow(
          expect.objectContaining({ code: 'ERR_SIGNPATH_ALGORITHM' }),
        );
        continue;
      }
      expect(
        signPathHashSigningParams(
          { signatureAlgorithm: 'Rsa', rsaOptions: { hashAlgorithmName: name, paddingMode } },
          digestLength,
        ),
      ).toEqual({ scheme: paddingMode === 'Pkcs1' ? 'pkcs1' : 'pss', hash });
    }
  });

  it('maps hashAlgorithmOid and ecdsaOptions', () => {
    expect(
      signPathHashSigningParams(
        {
          signatureAlgorithm: 'Rsa',
          rsaOptions: { hashAlgorithmOid: '2.16.840.1.101.3.4.2.2', paddingMode: 'Pss' },
        },
        48,
      ),
    ).toEqual({ scheme: 'pss', hash: 'SHA-384' });
    expect(
      signPathHashSigningParams(
        { signatureAlgorithm: 'Ecdsa', ecdsaOptions: { signatureFormat: 'Asn1' } },
        32,
      ),
    ).toEqual({
      scheme: 'ecdsa',
      hash: 'SHA-256',
      format: 'der',
    });
    expect(signPathHashSigningParams({ signatureAlgorithm: 'Ecdsa' }, 32)).toMatchObject({ format: 'p1363' });
  });

  it.each([
    ['an unknown signatureAlgorithm', { signatureAlgorithm: 'RsaPkcs1' }],
    ['Rsa without rsaOptions', { signatureAlgorithm: 'Rsa' }],
    [
      'an unknown paddingMode',
      { signatureAlgorithm: 'Rsa', rsaOptions: { hashAlgorithmName: 'SHA256', paddingMode: 'Oaep' } },
    ],
    [
      'an unknown hashAlgorithmName',
      { signatureAlgorithm: 'Rsa', rsaOptions: { hashAlgorithmName: 'SHA3_256', paddingMode: 'Pss' } },
    ],
    ['an unknown signatureFormat', { signatureAlgorithm: 'Ecdsa', ecdsaOptions: { signatureFormat: 'Raw' } }],
  ])('rejects %s with ERR_SIGNPATH_ALGORITHM', (_name, data) => {
    expect(() => signPathHashSigningParams(data as never, 32)).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNPATH_ALGORITHM', status: 400 }),
    );
  });
});
