import { describe, expect, it } from 'vitest';
import {
  FORTANIX_CURVES,
  FORTANIX_HASH_ALGORITHMS,
  FORTANIX_HASHES,
  fortanixHash,
  fortanixKeyTypeOf,
  fortanixSignatureParams,
} from '../src/fortanix/index.js';

const SUPPORTED: [string, string][] = [
  ['SHA1', 'SHA-1'],
  ['SHA224', 'SHA-224'],
  ['SHA256', 'SHA-256'],
  ['SHA384', 'SHA-384'],
  ['SHA512', 'SHA-512'],
  ['SHA3_256', 'SHA3-256'],
  ['SHA3_384', 'SHA3-384'],
  ['SHA3_512', 'SHA3-512'],
];
const UNSUPPORTED = FORTANIX_HASH_ALGORITHMS.filter(
  (name) => !SUPPORTED.some(([supported]) => supported === name),
);

describe('Fortanix hash_alg table', () => {
  it.each(SUPPORTED)('maps %s to %s', (name, hash) => {
    expect(fortanixHash(name)).toBe(hash);
  });

  it('covers every documented name: mapped or refused', () => {
    expect(Object.keys(FORTANIX_HASHES).sort()).toEqual(SUPPORTED.map(([name]) => name).sort());
    expect(UNSUPPORTED).toEqual([
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

  it.each([...UNSUPPORTED, 'SHA-256', 'sha256', undefined])(
    'refuses %s with ERR_FORTANIX_ALGORITHM',
    (name) => {
      expect(() => fortanixHash(name)).toThrow(
        expect.objectContaining({ code: 'ERR_FORTANIX_ALGORITHM', status: 400 }),
      );
    },
  );
});

describe('Fortanix hash_alg × mode × key type', () => {
  it('signs RSA with PKCS#1 v1.5 by default and when asked, PSS with the MGF1 hash', () => {
    expect(fortanixSignatureParams({ objType: 'RSA' }, 'SHA256')).toEqual({
      kty: 'RSA',
      scheme: 'pkcs1',
      hash: 'SHA-256',
    });
    expect(fortanixSignatureParams({ objType: 'RSA' }, 'SHA384', { PKCS1_V15: {} })).toEqual({
      kty: 'RSA',
      scheme: 'pkcs1',
      hash: 'SHA-384',
    });
    expect(
      fortanixSignatureParams({ objType: 'RSA' }, 'SHA512', { PSS: { mgf: { mgf1: { hash: 'SHA256' } } } }),
    ).toEqual({
      kty: 'RSA',
      scheme: 'pss',
      hash: 'SHA-512',
      mgfHash: 'SHA-256',
    });
  });

  it.each(Object.entries(FORTANIX_CURVES))('maps elliptic_curve %s to %s', (name, curve) => {
    const params = fortanixSignatureParams({ objType: 'EC', ellipticCurve: name }, 'SHA256');
    expect(params).toEqual(
      curve === 'Ed25519' ? { kty: 'OKP', curve } : { kty: 'EC', curve, hash: 'SHA-256', format: 'der' },
    );
  });

  it('refuses a mode on an EC key, unknown curves and key types, and an unsupported MGF1 hash', () => {
    expect(() =>
      fortanixSignatureParams({ objType: 'EC', ellipticCurve: 'NistP256' }, 'SHA256', { PKCS1_V15: {} }),
    ).toThrow(expect.objectContaining({ code: 'ERR_FORTANIX_MODE', status: 400 }));
    expect(() => fortanixSignatureParams({ objType: 'EC', ellipticCurve: 'NistP192' }, 'SHA256')).toThrow(
      expect.objectContaining({ code: 'ERR_FORTANIX_ALGORITHM' }),
    );
    expect(() => fortanixSignatureParams({ objType: 'AES' } as never, 'SHA256')).toThrow(
      expect.objectContaining({ code: 'ERR_FORTANIX_ALGORITHM' }),
    );
    expect(() =>
      fortanixSignatureParams({ objType: 'RSA' }, 'SHA256', {
        PSS: { mgf: { mgf1: { hash: 'RIPEMD160' } } },
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_FORTANIX_ALGORITHM' }));
  });

  it('refuses SHA-3 on an RSA key by name (crypto-core signs RSA with SHA-1 and SHA-2), as a typed 400', () => {
    for (const hashAlg of ['SHA3_256', 'SHA3_384', 'SHA3_512']) {
      expect(() => fortanixSignatureParams({ objType: 'RSA' }, hashAlg)).toThrow(
        expect.objectContaining({ code: 'ERR_FORTANIX_ALGORITHM', status: 400 }),
      );
      expect(() =>
        fortanixSignatureParams({ objType: 'RSA' }, 'SHA256', {
          PSS: { mgf: { mgf1: { hash: hashAlg } } },
        } as never),
      ).toThrow(expect.objectContaining({ code: 'ERR_FORTANIX_ALGORITHM' }));
    }
    expect(fortanixSignatureParams({ objType: 'EC', ellipticCurve: 'NistP256' }, 'SHA3_256')).toMatchObject({
      hash: 'SHA3-256',
    });
  });

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
  });
});
